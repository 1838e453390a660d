//===- JsonFrontend.h - Model description to nn dialect -------------------===//
#ifndef KILN_COMPILER_FRONTEND_JSONFRONTEND_H
#define KILN_COMPILER_FRONTEND_JSONFRONTEND_H

#include "compiler/frontend/ModelSpec.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace kiln {

/// Builds the nn-dialect module for `spec`: `@model(x, params...)`,
/// `@loss(prediction, target)`, the `kiln.optimizer` attribute and the
/// `kiln.manifest` text the runtime reads. Shape errors name the layer.
mlir::OwningOpRef<mlir::ModuleOp> importModel(mlir::MLIRContext &ctx,
                                              const ModelSpec &spec,
                                              const std::string &file,
                                              std::string &error);

} // namespace kiln

#endif // KILN_COMPILER_FRONTEND_JSONFRONTEND_H
