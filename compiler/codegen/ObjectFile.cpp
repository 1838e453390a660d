//===- ObjectFile.cpp - LLVM dialect to an object file, in process --------===//
#include "compiler/codegen/Codegen.h"

#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/TargetParser/Host.h"

#include <thread>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

using namespace mlir;

namespace kiln {

/// The size of the cache `index` of CPU 0 as Linux reports it ("48K"),
/// or 0.
static int64_t sysfsCacheBytes(int index, llvm::StringRef wantType, int wantLevel) {
  std::string dir = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index) + "/";
  auto read = [&](const char *name) -> std::string {
    auto buf = llvm::MemoryBuffer::getFile(dir + name, /*IsText=*/true);
    return buf ? (*buf)->getBuffer().trim().str() : std::string();
  };
  if (read("type") != wantType || read("level") != std::to_string(wantLevel))
    return 0;
  std::string text = read("size"); // the StringRef below must not outlive it
  llvm::StringRef size = text;
  int64_t value = 0;
  if (size.consumeInteger(10, value) || value <= 0)
    return 0;
  return size == "K" ? value * 1024 : size == "M" ? value * 1024 * 1024 : 0;
}

/// The L1 data and L2 caches as CPUID reports them, for hosts whose sysfs
/// lists none (some virtual machines): AMD's leaves 0x80000005 and
/// 0x80000006, else Intel's leaf 4. Fills whichever of `l1` and `l2` is 0
/// and CPUID reports.
static void cpuidCacheBytes(int64_t &l1, int64_t &l2) {
#if defined(__x86_64__) || defined(__i386__)
  unsigned a, b, c, d;
  if (!__get_cpuid(0, &a, &b, &c, &d))
    return;
  unsigned maxBasic = a;
  bool amd = b == 0x68747541; // "Auth" of AuthenticAMD
  if (amd && __get_cpuid_max(0x80000000, nullptr) >= 0x80000006) {
    __get_cpuid(0x80000005, &a, &b, &c, &d);
    l1 = l1 ? l1 : int64_t(c >> 24) * 1024;
    __get_cpuid(0x80000006, &a, &b, &c, &d);
    l2 = l2 ? l2 : int64_t(c >> 16) * 1024;
    return;
  }
  for (unsigned i = 0; maxBasic >= 4 && i < 16; ++i) {
    if (!__get_cpuid_count(4, i, &a, &b, &c, &d) || (a & 0x1f) == 0)
      break;
    unsigned type = a & 0x1f, level = (a >> 5) & 7; // type 1: data, 3: unified
    int64_t bytes = int64_t((b >> 22) + 1) * (((b >> 12) & 0x3ff) + 1) *
                    ((b & 0xfff) + 1) * (int64_t(c) + 1);
    if (level == 1 && type == 1 && !l1)
      l1 = bytes;
    if (level == 2 && type == 3 && !l2)
      l2 = bytes;
  }
#endif
}

/// Whether CPUID's vendor is GenuineIntel.
static bool cpuVendorIsIntel() {
#if defined(__x86_64__) || defined(__i386__)
  unsigned a, b, c, d;
  return __get_cpuid(0, &a, &b, &c, &d) && b == 0x756e6547 && d == 0x49656e69 &&
         c == 0x6c65746e; // "Genu" "ineI" "ntel"
#else
  return false;
#endif
}

Target Target::host() {
  Target t;
  t.triple = llvm::sys::getProcessTriple();
  t.cpu = llvm::sys::getHostCPUName().str();
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  std::string list;
  for (auto &f : features)
      list += (list.empty() ? "" : ",") + std::string(f.second ? "+" : "-") +
              f.first().str();
  t.features = list;
  t.vectorBits = features.lookup("avx512f") ? 512
                 : features.lookup("avx2")  ? 256
                                            : 128;
  int64_t l1 = 0, l2 = 0;
  for (int i = 0; i < 8; ++i) {
    l1 = std::max(l1, sysfsCacheBytes(i, "Data", 1));
    l2 = std::max(l2, sysfsCacheBytes(i, "Unified", 2));
  }
  if (l1 == 0 || l2 == 0)
    cpuidCacheBytes(l1, l2);
  if (l1 > 0)
    t.l1Bytes = l1;
  if (l2 > 0)
    t.l2Bytes = l2;
  t.cores = std::max(1u, std::thread::hardware_concurrency());
  if (t.vectorBits == 512 && cpuVendorIsIntel())
    t.accumulators = 24;
  return t;
}

/// LLVM's -O2, without its loop unroller: kernels arrive unrolled and
/// vectorized to their register tiles, and unrolling them again made the
/// object half as large again and code generation a third slower.
static void optimize(llvm::Module &module, llvm::TargetMachine *machine) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PipelineTuningOptions tuning;
  tuning.LoopUnrolling = false;
  llvm::PassBuilder pb(machine, tuning);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  pb.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O2).run(module, mam);
}

static std::unique_ptr<llvm::TargetMachine> makeMachine(const Target &target,
                                                        std::string &error) {
  const llvm::Target *llvmTarget =
      llvm::TargetRegistry::lookupTarget(target.triple, error);
  if (!llvmTarget)
    return nullptr;
  std::unique_ptr<llvm::TargetMachine> machine(llvmTarget->createTargetMachine(
      target.triple, target.cpu, target.features, llvm::TargetOptions(),
      llvm::Reloc::PIC_, std::nullopt, llvm::CodeGenOptLevel::Aggressive));
  if (!machine)
    error = "no code generator for " + target.triple + " (" + target.cpu + ")";
  return machine;
}

static std::unique_ptr<llvm::Module> translate(ModuleOp module,
                                               llvm::LLVMContext &context,
                                               std::string &error) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  registerBuiltinDialectTranslation(*module.getContext());
  registerLLVMDialectTranslation(*module.getContext());
  std::unique_ptr<llvm::Module> m = translateModuleToLLVMIR(module, context, "kiln");
  if (!m)
    error = "cannot translate the module to LLVM IR";
  return m;
}

/// Optimizes `m` and writes it to `path`, as an object or as LLVM IR text.
/// Uses nothing shared, so parts can go through it on several threads.
static bool compileModule(llvm::Module &m, const Target &target,
                          const std::string &path, bool llvmIR, std::string &error,
                          TimingScope &timing) {
  std::unique_ptr<llvm::TargetMachine> machine = makeMachine(target, error);
  if (!machine)
    return false;
  m.setDataLayout(machine->createDataLayout());
  m.setTargetTriple(target.triple);
  TimingScope optimizing = timing.nest("LLVM -O2");
  optimize(m, machine.get());
  optimizing.stop();
  TimingScope generating = timing.nest("code generation");
  std::error_code ec;
  llvm::ToolOutputFile out(path, ec, llvm::sys::fs::OF_None);
  if (ec) {
    error = "cannot write " + path + ": " + ec.message();
    return false;
  }
  if (llvmIR) {
    m.print(out.os(), nullptr);
  } else {
    llvm::legacy::PassManager pm;
    if (machine->addPassesToEmitFile(pm, out.os(), nullptr,
                                     llvm::CodeGenFileType::ObjectFile)) {
      error = "the target cannot emit object files";
      return false;
    }
    pm.run(m);
  }
  return finishOutput(out, path, error);
}

bool emitLLVMIR(ModuleOp module, const Target &target, const std::string &path,
                std::string &error, TimingScope &timing) {
  llvm::LLVMContext context;
  TimingScope translating = timing.nest("translate to LLVM IR");
  std::unique_ptr<llvm::Module> m = translate(module, context, error);
  translating.stop();
  return m && compileModule(*m, target, path, /*llvmIR=*/true, error, timing);
}

bool emitObjects(ModuleOp module, const Target &target, StringRef symbol,
                 const std::string &stem, std::vector<std::string> &paths,
                 std::string &error, TimingScope &timing) {
  TimingScope splitting = timing.nest("split the module in two");
  SmallVector<OwningOpRef<ModuleOp>> parts = partitionForCodegen(module, symbol, 2);
  splitting.stop();
  struct Job {
    llvm::LLVMContext context;
    std::unique_ptr<llvm::Module> module;
    std::string path, error;
    bool ok = false;
  };
  std::vector<std::unique_ptr<Job>> jobs;
  TimingScope translating = timing.nest("translate to LLVM IR");
  for (auto [i, p] : llvm::enumerate(parts)) {
    auto job = std::make_unique<Job>();
    job->path = stem + "." + std::to_string(i) + ".o";
    job->module = translate(*p, job->context, error);
    if (!job->module)
      return false;
    jobs.push_back(std::move(job));
  }
  translating.stop();
  // Timers are per thread: the parts are timed together.
  TimingScope compiling = timing.nest("LLVM -O2 and code generation, in parallel");
  TimingScope untimed;
  std::vector<std::thread> threads;
  for (size_t i = 1; i < jobs.size(); ++i)
    threads.emplace_back([&, job = jobs[i].get()] {
      job->ok = compileModule(*job->module, target, job->path, false, job->error, untimed);
    });
  jobs[0]->ok = compileModule(*jobs[0]->module, target, jobs[0]->path, false,
                              jobs[0]->error, untimed);
  for (std::thread &t : threads)
    t.join();
  compiling.stop();
  bool ok = true;
  for (auto &job : jobs) {
    paths.push_back(job->path);
    if (!job->ok && ok)
      error = job->error.empty() ? "code generation of " + job->path + " failed"
                                 : job->error;
    ok &= job->ok;
  }
  return ok;
}

} // namespace kiln
