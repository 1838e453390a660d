//===- Pipeline.cpp - Kiln's compilation stages ---------------------------===//
#include "compiler/pipeline/Pipeline.h"
#include "compiler/Passes.h"
#include "dialects/Kernel/Transforms/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;

namespace kiln {

static const char *const kStageNames[] = {"graph",  "autodiff",   "linalg", "kernel",
                                          "tiled",  "bufferized", "llvm"};

std::optional<Stage> parseStage(llvm::StringRef name) {
  for (unsigned i = 0; i < std::size(kStageNames); ++i)
    if (name == kStageNames[i])
      return static_cast<Stage>(i);
  return std::nullopt;
}

llvm::StringRef stageName(Stage s) { return kStageNames[static_cast<int>(s)]; }

std::string stageList() {
  std::string s;
  for (const char *n : kStageNames)
    s += (s.empty() ? "" : ", ") + std::string(n);
  return s;
}

/// Upstream passes are added by their registered names: one vocabulary for
/// kilnc and kiln-opt, and no dependence on each pass's C++ factory.
static void add(OpPassManager &pm, llvm::StringRef pipeline) {
  if (failed(parsePassPipeline(pipeline, pm)))
    llvm::report_fatal_error(llvm::Twine("kiln: bad pipeline: ") + pipeline);
}

// Cleanups run per function (func.func(canonicalize,cse)), never on the
// whole module: nested, they use every core.

void populateAutodiff(OpPassManager &pm, const PipelineOptions &o) {
  add(pm, llvm::formatv("func.func(nn-pool-before-relu),"
                        "kiln-autodiff{{check-step={0} data-parallel={1} cores={2} l2-bytes={3}},"
                        "func.func(canonicalize,cse)",
                        o.checkStep ? "true" : "false",
                        o.dataParallel ? "true" : "false", o.cores, o.l2Bytes)
              .str());
}

void populateLinalg(OpPassManager &pm) {
  add(pm, "func.func(nn-to-linalg,optim-to-linalg,canonicalize,cse,"
          "kiln-propagate-transposes,canonicalize,cse)");
}

void populateKernel(OpPassManager &pm, const PipelineOptions &o) {
  add(pm, llvm::formatv("func.func(kernel-form{{vector-bits={0} l1-bytes={1} "
                        "l2-bytes={2} cores={3} accumulators={4}}),kiln-prepare-params",
                        o.vectorBits, o.l1Bytes, o.l2Bytes, o.cores, o.accumulators)
              .str());
}

void populateTiled(OpPassManager &pm) {
  add(pm, "func.func(kernel-tile,canonicalize,cse,kernel-localize-vectors)");
}

void populateBufferized(OpPassManager &pm) {
  // No deallocation pipeline: kiln-workspace (in the llvm stage) places
  // every temporary.
  add(pm, "kiln-buffer-abi,func.func(kiln-unshare-empty-tensors,kiln-outputs-in-place),"
          "one-shot-bufferize{unknown-type-conversion=identity-layout-map},"
          "func.func(canonicalize,cse),convert-bufferization-to-memref,"
          "func.func(canonicalize,cse)");
}

/// What both backends print from: kernels outlined, 1-D vector transfers,
/// scf loops, memrefs with static strides.
static void populateKernelsOutlined(OpPassManager &pm) {
  add(pm, "kiln-lower-allreduce,func.func(kernel-lower-vectors),kiln-workspace,"
          "func.func(kiln-expand-copies,convert-linalg-to-loops,kiln-fold-trip-views,"
          "canonicalize,cse),"
          "kiln-outline-kernels,"
          "func.func(convert-vector-to-scf{full-unroll=true},lower-affine)");
}

void populateCpp(OpPassManager &pm, const PipelineOptions &o) {
  populateStages(pm, Stage::Graph, Stage::Bufferized, o);
  populateKernelsOutlined(pm);
}

void populateLLVM(OpPassManager &pm, const PipelineOptions &o) {
  // The workspace comes after kernel-lower-vectors: views of one buffer
  // would hide from its transfer hoisting that temporaries do not alias.
  // Once kernels are outlined, most of the lowering runs per function, so
  // on every core.
  // Epilogue operands, the next tile's partial sums, the next row block
  // of a product's broadcasts and its panel's rows ahead prefetched, scratch
  // tiles on the stack: LLVM only, the C++ printer has neither prefetches
  // nor stack buffers.
  add(pm, llvm::formatv("func.func(kernel-prefetch-epilogue,"
                        "kernel-prefetch-accumulators{{l2-bytes={0}},"
                        "kernel-prefetch-rows{{l2-bytes={0}},"
                        "kernel-prefetch-streams{{l1-bytes={1}},kernel-local-scratch)",
                        o.l2Bytes, o.l1Bytes)
              .str());
  populateKernelsOutlined(pm);
  add(pm, "func.func(kernel-hoist-allocas)");
  add(pm, "func.func(convert-scf-to-cf,expand-strided-metadata,lower-affine,"
          // math-to-llvm first: the vector fma/floor of the polynomial
          // approximations stay vector intrinsics; libm gets the rest (f64).
          "convert-math-to-llvm),convert-math-to-libm,"
          "func.func(convert-vector-to-llvm{reassociate-fp-reductions=1}),"
          "finalize-memref-to-llvm,"
          "func.func(convert-arith-to-llvm,convert-index-to-llvm),"
          "convert-func-to-llvm{use-bare-ptr-memref-call-conv=1},"
          "convert-cf-to-llvm,reconcile-unrealized-casts");
  pm.addPass(createParallelCallsPass());
  pm.addPass(createEmitABIPass(EmitABIPassOptions{o.symbol}));
  add(pm, "llvm.func(canonicalize),llvm.mlir.global(canonicalize)");
}

void populateStages(OpPassManager &pm, Stage from, Stage to,
                    const PipelineOptions &o) {
  for (int s = static_cast<int>(from) + 1; s <= static_cast<int>(to); ++s) {
    switch (static_cast<Stage>(s)) {
    case Stage::Graph:
      break;
    case Stage::Autodiff:
      populateAutodiff(pm, o);
      break;
    case Stage::Linalg:
      populateLinalg(pm);
      break;
    case Stage::Kernel:
      populateKernel(pm, o);
      break;
    case Stage::Tiled:
      populateTiled(pm);
      break;
    case Stage::Bufferized:
      populateBufferized(pm);
      break;
    case Stage::LLVM:
      populateLLVM(pm, o);
      break;
    }
  }
}

void registerStagePipelines() {
  for (int s = static_cast<int>(Stage::Autodiff); s <= static_cast<int>(Stage::LLVM); ++s) {
    Stage stage = static_cast<Stage>(s);
    PassPipelineRegistration<>(
        ("kiln-stage-" + stageName(stage)).str(),
        ("Kiln's " + stageName(stage) + " stage (from the one before)").str(),
        [stage](OpPassManager &pm) {
          populateStages(pm, static_cast<Stage>(static_cast<int>(stage) - 1),
                         stage, PipelineOptions());
        });
  }
}

} // namespace kiln
