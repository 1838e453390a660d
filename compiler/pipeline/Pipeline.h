//===- Pipeline.h - Kiln's compilation stages as a library -----------------===//
#ifndef KILN_COMPILER_PIPELINE_PIPELINE_H
#define KILN_COMPILER_PIPELINE_PIPELINE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include <optional>
#include <string>

namespace kiln {

/// The named stages, in order; `kilnc --compile-to=<stage>` stops after one.
enum class Stage { Graph, Autodiff, Linalg, Kernel, Tiled, Bufferized, LLVM };

std::optional<Stage> parseStage(llvm::StringRef name);
llvm::StringRef stageName(Stage s);
/// "graph, autodiff, ..." for help texts.
std::string stageList();

struct PipelineOptions {
  int64_t vectorBits = 512;
  // For the schedules; cores and L2 also for kiln-autodiff's batch blocks.
  int64_t l1Bytes = 32 * 1024, l2Bytes = 512 * 1024, cores = 1;
  int64_t accumulators = 16;
  std::string symbol = "kiln_model";
  bool checkStep = true; // build check_step (divergence diagnosis)
  bool dataParallel = false; // train_step all-reduces through the context
};

void populateAutodiff(mlir::OpPassManager &pm, const PipelineOptions &o);
void populateLinalg(mlir::OpPassManager &pm);
void populateKernel(mlir::OpPassManager &pm, const PipelineOptions &o);
void populateTiled(mlir::OpPassManager &pm);
void populateBufferized(mlir::OpPassManager &pm);
void populateLLVM(mlir::OpPassManager &pm, const PipelineOptions &o);
/// Graph to what the C++ backend prints: the llvm stage's passes up to and
/// including kernel outlining and 1-D vector transfers (compiler/codegen/cpp).
void populateCpp(mlir::OpPassManager &pm, const PipelineOptions &o);

/// Adds the stages after `from` up to and including `to`.
void populateStages(mlir::OpPassManager &pm, Stage from, Stage to,
                    const PipelineOptions &o);

/// Registers each stage as a pass pipeline for kiln-opt (kiln-stage-<name>).
void registerStagePipelines();

} // namespace kiln

#endif // KILN_COMPILER_PIPELINE_PIPELINE_H
