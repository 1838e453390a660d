//===- KernelAttrs.h - Names of the kernel dialect's discardable attributes ===//
// (No generated code: passes outside the dialect include it alone.)
#ifndef KILN_DIALECTS_KERNEL_IR_KERNELATTRS_H
#define KILN_DIALECTS_KERNEL_IR_KERNELATTRS_H

#include "llvm/ADT/StringRef.h"

namespace kiln::kernel {
/// On an scf.for that kernel-tile made over a parallel dimension of a
/// group's result: its iterations compute disjoint tiles (a unit
/// attribute; passes that rebuild the loop may drop it, which only loses
/// parallelism).
inline constexpr llvm::StringLiteral kParallelAttr = "kernel.parallel";
} // namespace kiln::kernel

#endif // KILN_DIALECTS_KERNEL_IR_KERNELATTRS_H
