//===- Passes.h - kernel dialect passes ------------------------------------===//
#ifndef KILN_DIALECTS_KERNEL_TRANSFORMS_PASSES_H
#define KILN_DIALECTS_KERNEL_TRANSFORMS_PASSES_H

#include "dialects/Kernel/IR/KernelDialect.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace kiln::kernel {
/// Marks each loop nest kernel-tile makes, until kernel-localize-vectors.
inline constexpr llvm::StringLiteral kNestAttr = "kernel.nest";

#define GEN_PASS_DECL
#include "dialects/Kernel/Transforms/Passes.h.inc"
#define GEN_PASS_REGISTRATION
#include "dialects/Kernel/Transforms/Passes.h.inc"
} // namespace kiln::kernel

#endif // KILN_DIALECTS_KERNEL_TRANSFORMS_PASSES_H
