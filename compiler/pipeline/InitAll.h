//===- InitAll.h - Register Kiln's and upstream dialects and passes -------===//
#ifndef KILN_COMPILER_PIPELINE_INITALL_H
#define KILN_COMPILER_PIPELINE_INITALL_H

namespace mlir {
class DialectRegistry;
}

namespace kiln {
/// Every dialect and extension the pipeline touches.
void registerDialects(mlir::DialectRegistry &registry);
/// Kiln's passes, the upstream passes its pipelines name, and the stage
/// pipelines (kiln-to-linalg, ...).
void registerPasses();
} // namespace kiln

#endif // KILN_COMPILER_PIPELINE_INITALL_H
