//===- kilnc.cpp - Kiln's compiler driver: options in, compile() out ------===//
#include "compiler/pipeline/Compile.h"
#include "compiler/pipeline/MemoryCheck.h"
#include "compiler/pipeline/InitAll.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

namespace cl = llvm::cl;

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::OptionCategory cat("kilnc options");
  cl::opt<std::string> input(cl::Positional, cl::desc("<model.json>"),
                             cl::Required, cl::cat(cat));
  cl::opt<std::string> output("o", cl::desc("Output file"),
                              cl::value_desc("NAME"), cl::cat(cat));
  cl::opt<kiln::Emit> emit(
      "emit", cl::desc("What to write"), cl::init(kiln::Emit::Executable),
      cl::values(clEnumValN(kiln::Emit::Executable, "exe",
                            "an executable that trains, evaluates and predicts"),
                 clEnumValN(kiln::Emit::Object, "obj",
                            "an object file plus a C++ header NAME.h"),
                 clEnumValN(kiln::Emit::Cpp, "cpp",
                            "C++17 source in the folder NAME: NAME.cpp, NAME.h, "
                            "kiln_vec.h, CMakeLists.txt (docs/cpp-output.md)"),
                 clEnumValN(kiln::Emit::LLVMIR, "llvm-ir", "optimized LLVM IR")),
      cl::cat(cat));
  // cl::desc keeps a StringRef: the text must outlive the option.
  static const std::string compileToHelp =
      "Print the IR after this stage and stop: " + kiln::stageList();
  cl::opt<std::string> compileTo(
      "compile-to", cl::desc(compileToHelp),
      cl::value_desc("stage"), cl::cat(cat));
  cl::opt<std::string> symbol(
      "name", cl::desc("Prefix of the exported symbols (--emit=obj, --emit=cpp)"),
      cl::cat(cat));
  cl::opt<int64_t> batch("batch-size",
                         cl::desc("Override the model's training batch size"),
                         cl::init(0), cl::cat(cat));
  cl::opt<int64_t> vectorBits(
      "vector-bits", cl::desc("Vector width for schedules (default: the host's)"),
      cl::init(0), cl::cat(cat));
  cl::opt<std::string> l1Cache(
      "l1-cache", cl::desc("Per-core L1 data cache the schedules block for, e.g. 48K "
                           "(default: the host's)"),
      cl::cat(cat));
  cl::opt<std::string> l2Cache(
      "l2-cache", cl::desc("Per-core L2 cache the schedules block for, e.g. 1M "
                           "(default: the host's)"),
      cl::cat(cat));
  cl::opt<int64_t> cores(
      "cores", cl::desc("Cores the schedules split work for (default: the host's)"),
      cl::init(0), cl::cat(cat));
  cl::opt<int64_t> accumulators(
      "accumulators",
      cl::desc("Vector registers a register tile may accumulate in (default: 24 on "
               "Intel with AVX-512, else 16)"),
      cl::init(0), cl::cat(cat));
  cl::opt<bool> inference(
      "inference",
      cl::desc("Compile forward only: no loss, gradients or optimizer state "
               "(as \"training\": false)"),
      cl::cat(cat));
  cl::opt<bool> noCheckStep(
      "no-check-step",
      cl::desc("Leave out check_step, which names the layer where training "
               "diverged (smaller and faster to compile)"),
      cl::cat(cat));
  cl::opt<bool> mpi(
      "mpi",
      cl::desc("Data-parallel training: train_step averages its gradients "
               "across processes; the executable runs under mpirun "
               "(docs/distributed.md)"),
      cl::cat(cat));
  cl::list<std::string> freeze(
      "freeze", cl::desc("Make these layers non-trainable (comma-separated)"),
      cl::value_desc("NAME,..."), cl::CommaSeparated, cl::cat(cat));
  cl::opt<std::string> maxMemory(
      "max-memory",
      cl::desc("Refuse a model needing more memory than this to train or run: params, "
               "buffers, optimizer state, weights prepared for inference and workspace "
               "(K, M, G, T; default: this machine's memory)"),
      cl::value_desc("size"), cl::cat(cat));
  cl::opt<bool> timePhases(
      "time-phases",
      cl::desc("Print the time each phase and MLIR pass took to stderr"),
      cl::cat(cat));
  cl::opt<bool> verifyEach(
      "verify-each",
      cl::desc("Verify the IR after every MLIR pass, not only at the end (slower; "
               "for debugging the compiler)"),
      cl::cat(cat));
  cl::HideUnrelatedOptions(cat);
  cl::ParseCommandLineOptions(argc, argv, "Kiln: compiles neural networks to native code\n");

  kiln::CompileOptions o;
  o.input = input;
  o.output = output;
  o.emit = emit;
  o.symbol = symbol;
  o.inference = inference;
  o.checkStep = !noCheckStep;
  o.mpi = mpi;
  o.timing = timePhases;
  o.verifyEach = verifyEach;
  o.freeze.assign(freeze.begin(), freeze.end());
  if (!compileTo.empty()) {
    o.compileTo = kiln::parseStage(compileTo);
    if (!o.compileTo) {
      llvm::errs() << "kilnc: error: unknown stage '" << compileTo
                   << "' (expected one of: " << kiln::stageList() << ")\n";
      return 2;
    }
  }
  if ((batch.getNumOccurrences() && batch <= 0) ||
      (vectorBits.getNumOccurrences() && vectorBits <= 0) ||
      (cores.getNumOccurrences() && cores <= 0) ||
      (accumulators.getNumOccurrences() && accumulators <= 0)) {
    llvm::errs() << "kilnc: error: --batch-size, --vector-bits, --cores and --accumulators "
                    "must be positive\n";
    return 2;
  }
  for (auto [opt, field] : {std::pair{&l1Cache, &o.l1Bytes}, {&l2Cache, &o.l2Bytes}}) {
    if (!opt->getNumOccurrences())
      continue;
    *field = kiln::parseByteSize(*opt);
    if (!*field) {
      llvm::errs() << "kilnc: error: --" << opt->ArgStr << " '" << *opt
                   << "' is not a size (a positive number of bytes, or with K, M, G or T)\n";
      return 2;
    }
  }
  if (cores)
    o.cores = cores;
  if (accumulators)
    o.accumulators = accumulators;
  if (maxMemory.getNumOccurrences()) {
    o.maxMemory = kiln::parseByteSize(maxMemory);
    if (!o.maxMemory) {
      llvm::errs() << "kilnc: error: --max-memory '" << maxMemory
                   << "' is not a size (a positive number of bytes, or with K, M, G or T)\n";
      return 2;
    }
  }
  if (batch)
    o.batchSize = batch;
  if (vectorBits)
    o.vectorBits = vectorBits;
  kiln::registerPasses();
  return kiln::compile(o);
}
