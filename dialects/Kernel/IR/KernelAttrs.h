//===- KernelAttrs.h - Names of the kernel dialect's discardable attributes ===//
// (No generated code: passes outside the dialect include it alone.)
#ifndef KILN_DIALECTS_KERNEL_IR_KERNELATTRS_H
#define KILN_DIALECTS_KERNEL_IR_KERNELATTRS_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>

namespace kiln::kernel {
/// On an scf.for that kernel-tile made over a parallel dimension of a
/// group's result: its iterations compute disjoint tiles (a unit
/// attribute; passes that rebuild the loop may drop it, which only loses
/// parallelism).
inline constexpr llvm::StringLiteral kParallelAttr = "kernel.parallel";
/// The most trips of a kernel.parallel loop that threads split: past it a
/// temporary made inside the loop keeps one workspace slot and the loop
/// stays whole (kiln-workspace); builders that make such loops stay under.
inline constexpr int64_t kMaxParallelTrips = 64;
} // namespace kiln::kernel

#endif // KILN_DIALECTS_KERNEL_IR_KERNELATTRS_H
