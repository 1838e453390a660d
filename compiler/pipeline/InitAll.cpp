//===- InitAll.cpp - Register Kiln's and upstream dialects and passes -----===//
// Kept in one file: the upstream registration headers are slow to compile.
#include "compiler/pipeline/InitAll.h"
#include "compiler/Passes.h"
#include "compiler/pipeline/Pipeline.h"
#include "dialects/Kernel/Transforms/Passes.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"

namespace kiln {

void registerDialects(mlir::DialectRegistry &registry) {
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<nn::NNDialect, optim::OptimDialect, kernel::KernelDialect>();
}

void registerPasses() {
  mlir::registerAllPasses();
  registerKilnPasses();
  kernel::registerKernelPasses();
  registerStagePipelines();
}

} // namespace kiln
