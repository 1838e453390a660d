//===- Compile.cpp - kilnc's work: model file to IR, object or executable -===//
#include "compiler/pipeline/Compile.h"
#include "compiler/codegen/Codegen.h"
#include "compiler/codegen/RuntimePaths.h"
#include "compiler/codegen/cpp/CppEmitter.h"
#include "compiler/frontend/JsonFrontend.h"
#include "compiler/pipeline/InitAll.h"
#include "compiler/pipeline/MemoryCheck.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace kiln {
namespace {

int fail(const std::string &msg) {
  llvm::errs() << "kilnc: error: " << msg << "\n";
  return 1;
}

/// A C identifier from a file name: "out/fashion-mlp.o" -> "fashion_mlp".
std::string symbolFrom(llvm::StringRef path) {
  std::string s = llvm::sys::path::stem(path).str();
  for (char &c : s)
    if (!isalnum(static_cast<unsigned char>(c)))
      c = '_';
  if (s.empty() || isdigit(static_cast<unsigned char>(s[0])))
    s = "m_" + s;
  return s;
}

bool isIdentifier(llvm::StringRef s) {
  return !s.empty() && (isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_') &&
         llvm::all_of(s, [](char c) {
           return isalnum(static_cast<unsigned char>(c)) || c == '_';
         });
}

/// The header's class: the symbol in CamelCase ("fashion_mlp" -> "FashionMlp"),
/// "Model" prefixed when that would not start with a letter.
std::string className(const std::string &symbol) {
  std::string out;
  bool upper = true;
  for (char c : symbol) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper ? toupper(c) : c;
    upper = false;
  }
  if (out.empty() || !isalpha(static_cast<unsigned char>(out[0])))
    out = "Model" + out;
  return out;
}

/// Runs the C++ compiler driver as a linker with `args` (lld when the build
/// found it); reports a failure to produce `output`.
int runLinker(std::vector<std::string> args, const std::string &output) {
  args.insert(args.begin(), KILN_CXX);
  if (llvm::StringRef(KILN_FUSE_LD).size())
    args.push_back(KILN_FUSE_LD);
  std::vector<llvm::StringRef> refs(args.begin(), args.end());
  std::string err;
  int rc = llvm::sys::ExecuteAndWait(KILN_CXX, refs, std::nullopt, {}, 0, 0, &err);
  if (rc != 0)
    return fail("linking " + output + " failed" + (err.empty() ? "" : ": " + err));
  return 0;
}

/// Links the objects with the runtime (the MPI runtime and MPI with `mpi`)
/// into an executable.
int link(const std::vector<std::string> &objects, const std::string &output,
         bool mpi) {
  std::vector<std::string> args(objects);
  args.insert(args.end(), {"-o", output});
  if (mpi)
    args.insert(args.end(), {KILN_MAIN_MPI_LIB, KILN_RUNTIME_MPI_LIB});
  else
    args.push_back(KILN_MAIN_LIB);
  args.push_back(KILN_RUNTIME_LIB);
  for (llvm::StringRef lib : llvm::split(KILN_RUNTIME_LINK_LIBS, ';'))
    if (!lib.empty())
      args.push_back(lib.str());
  if (mpi)
    for (llvm::StringRef lib : llvm::split(KILN_MPI_LINK_LIBS, ';'))
      if (!lib.empty())
        args.push_back(lib.str());
  args.push_back("-lm");
  // A sanitized build's runtime needs the sanitizers' runtimes.
  if (llvm::StringRef(KILN_SANITIZE_LINK).size())
    args.push_back(KILN_SANITIZE_LINK);
  return runLinker(std::move(args), output);
}

/// Links the objects into one relocatable object, `output` (written under a
/// temporary name and renamed: a failed link leaves no partial file).
int linkRelocatable(const std::vector<std::string> &objects, const std::string &output) {
  std::string temporary = output + ".kiln-tmp.o";
  std::vector<std::string> args{"-r", "-nostdlib"};
  args.insert(args.end(), objects.begin(), objects.end());
  args.insert(args.end(), {"-o", temporary});
  int rc = runLinker(std::move(args), output);
  if (rc == 0 && !llvm::sys::fs::rename(temporary, output))
    return 0;
  llvm::sys::fs::remove(temporary);
  return rc ? rc : fail("cannot write " + output);
}

/// Compiles the module in two parts in parallel (emitObjects) into temporary
/// objects next to `output`, hands them to `linkThem`, and removes them.
int compileInParts(ModuleOp module, const Target &target, llvm::StringRef symbol,
                   const std::string &output, TimingScope &timing,
                   llvm::function_ref<int(const std::vector<std::string> &)> linkThem) {
  // The temporary objects' names would otherwise be the ones in the error.
  llvm::SmallString<256> dir(output);
  llvm::sys::path::remove_filename(dir);
  if (std::error_code ec = llvm::sys::fs::access(dir.empty() ? "." : dir.str(),
                                                 llvm::sys::fs::AccessMode::Write))
    return fail("cannot write " + output + ": " + ec.message());
  std::vector<std::string> objects;
  std::string error;
  bool ok = emitObjects(module, target, symbol, output + ".kiln-tmp", objects, error, timing);
  int rc = 1;
  if (ok) {
    TimingScope linking = timing.nest("link");
    rc = linkThem(objects);
  }
  for (const std::string &object : objects)
    llvm::sys::fs::remove(object);
  return ok ? rc : fail(error);
}

} // namespace

int compile(const CompileOptions &o) {
  DefaultTimingManager timingManager;
  timingManager.setEnabled(o.timing);
  TimingScope timing = timingManager.getRootScope();
  TimingScope importing = timing.nest("read and import the model");
  // A FIFO or device would block or never end: read regular files only.
  llvm::sys::fs::file_status status;
  if (!llvm::sys::fs::status(o.input, status) && status.type() != llvm::sys::fs::file_type::regular_file)
    return fail("cannot read " + o.input + ": not a regular file");
  auto buffer = llvm::MemoryBuffer::getFile(o.input, /*IsText=*/true);
  if (!buffer)
    return fail("cannot read " + o.input + ": " + buffer.getError().message());
  ModelSpec spec;
  std::string error;
  if (!parseModelSpec((*buffer)->getBuffer().str(), o.input, spec, error))
    return fail(error);
  if (o.batchSize)
    spec.batchSize = *o.batchSize;
  if (o.inference)
    spec.inference = true;
  for (const std::string &name : o.freeze) {
    auto layer = llvm::find_if(spec.layers, [&](const LayerSpec &l) { return l.name == name; });
    if (layer == spec.layers.end()) {
      std::string names;
      for (const LayerSpec &l : spec.layers)
        names += (names.empty() ? "" : ", ") + l.name;
      return fail("--freeze: " + o.input + " has no layer \"" + name +
                  "\" (layers: " + names + ")");
    }
    layer->trainable = false;
  }
  if (!o.symbol.empty() && !isIdentifier(o.symbol))
    return fail("--name '" + o.symbol +
                "' is not a C identifier ([A-Za-z_][A-Za-z0-9_]*)");
  if (o.mpi && o.emit == Emit::Executable && !o.compileTo &&
      llvm::StringRef(KILN_MAIN_MPI_LIB).empty())
    return fail("--mpi: this kilnc was built without MPI; install Open MPI "
                "(Debian: libopenmpi-dev openmpi-bin) and rebuild Kiln");
  if (o.mpi && spec.inference)
    return fail("--mpi applies to training; an inference-only model has no "
                "train_step to run data-parallel");
  if (!o.symbol.empty() && o.emit != Emit::Object && o.emit != Emit::Cpp)
    return fail("--name applies to --emit=obj and --emit=cpp (executables export "
                "kiln_model_*)");
  if (o.emit == Emit::Cpp && o.output.empty() && !o.compileTo)
    return fail("--emit=cpp writes a folder: pass -o DIR");

  DialectRegistry registry;
  registerDialects(registry);
  MLIRContext ctx(registry);
  // MLIR prints only errors when no handler is installed: warnings (an op
  // left scalar by kernel-tile) would vanish. Errors go on to the default.
  ScopedDiagnosticHandler warnings(&ctx, [](Diagnostic &diag) {
    if (diag.getSeverity() != DiagnosticSeverity::Warning)
      return failure();
    llvm::errs() << diag.getLocation() << ": warning: " << diag << "\n";
    return success();
  });
  OwningOpRef<ModuleOp> module = importModel(ctx, spec, o.input, error);
  if (!module)
    return fail(error);
  importing.stop();

  Target target = Target::host();
  PipelineOptions po;
  po.vectorBits = o.vectorBits.value_or(target.vectorBits);
  po.l1Bytes = o.l1Bytes.value_or(target.l1Bytes);
  po.l2Bytes = o.l2Bytes.value_or(target.l2Bytes);
  po.cores = o.cores.value_or(target.cores);
  po.accumulators = o.accumulators.value_or(target.accumulators);
  po.checkStep = o.checkStep;
  po.dataParallel = o.mpi;
  po.symbol = o.emit == Emit::Executable ? "kiln_model"
              : !o.symbol.empty()        ? o.symbol
                                         : symbolFrom(o.output);
  Stage to = o.compileTo.value_or(Stage::LLVM);
  PassManager pm(&ctx);
  pm.enableVerifier(o.verifyEach);
  if (o.emit == Emit::Cpp && !o.compileTo)
    populateCpp(pm, po);
  else
    populateStages(pm, Stage::Graph, to, po);
  TimingScope stages = timing.nest("MLIR stages");
  if (o.timing)
    pm.enableTiming(stages);
  if (failed(pm.run(*module)))
    return fail("compilation of " + o.input + " failed (see the diagnostics above)");
  // A pass that broke the IR is a compiler bug: caught here, before LLVM.
  if (!o.verifyEach && failed(verify(*module)))
    return fail("internal error: the IR of " + o.input +
                " is invalid after the pipeline (rerun with --verify-each to find the pass)");
  stages.stop();

  if (o.compileTo) {
    std::error_code ec;
    llvm::ToolOutputFile out(o.output.empty() ? "-" : o.output, ec,
                             llvm::sys::fs::OF_Text);
    if (ec)
      return fail("cannot write " + o.output + ": " + ec.message());
    module->print(out.os());
    std::string error;
    return finishOutput(out, o.output.empty() ? "-" : o.output, error) ? 0 : fail(error);
  }
  if (o.output.empty())
    return fail("no output name: pass -o NAME");
  int64_t limit = o.maxMemory ? *o.maxMemory : physicalMemoryBytes();
  if (limit > 0 &&
      !checkModelMemory(*module, po.symbol, limit,
                        o.maxMemory ? "--max-memory" : "this machine's memory", o.input, error))
    return fail(error);
  if (o.emit == Emit::Cpp) {
    std::string name = !o.symbol.empty()
                           ? o.symbol
                           : symbolFrom(llvm::StringRef(o.output).rtrim("/"));
    // The folder's CMakeLists.txt makes targets of this name, next to
    // CMake's own and the runtime's; the executable's main() is kiln_model.
    static const char *const reserved[] = {
        "all",         "clean",       "help",           "install",       "test",
        "package",     "kiln_model",  "kiln_runtime",   "kiln_main",     "kiln_runtime_mpi",
        "kiln_main_mpi"};
    for (const char *r : reserved)
      if (name == r)
        return fail("--emit=cpp: the model would be named '" + name +
                    "', which CMake or Kiln's runtime already use; pass --name NAME "
                    "or another folder name");
    TimingScope printing = timing.nest("print C++");
    if (!emitCppProject(*module, o.output, name, className(name), po.vectorBits, error))
      return fail(error);
    return 0;
  }
  if (o.emit == Emit::LLVMIR || o.emit == Emit::Object) {
    llvm::SmallString<256> header(o.output);
    llvm::sys::path::replace_extension(header, ".h");
    if (o.emit == Emit::Object && header.str() == o.output)
      return fail("the header would overwrite the object: name the object "
                  "something other than " + o.output + " (e.g. NAME.o)");
    if (o.emit == Emit::LLVMIR) {
      if (!emitLLVMIR(*module, target, o.output, error, timing))
        return fail(error);
      return 0;
    }
    int rc = compileInParts(*module, target, po.symbol, o.output, timing,
                            [&](const std::vector<std::string> &objects) {
                              return linkRelocatable(objects, o.output);
                            });
    if (rc != 0)
      return rc;
    if (!emitHeader(header.str().str(), po.symbol, className(po.symbol),
                    entryPoints(*module), error))
      return fail(error);
    return 0;
  }
  return compileInParts(*module, target, po.symbol, o.output, timing,
                        [&](const std::vector<std::string> &objects) {
                          return link(objects, o.output, o.mpi);
                        });
}

} // namespace kiln
