//===- ParallelLoops.h - Kernels that threads may split -------------------===//
#ifndef KILN_COMPILER_CODEGEN_PARALLELLOOPS_H
#define KILN_COMPILER_CODEGEN_PARALLELLOOPS_H

#include "mlir/Dialect/SCF/IR/SCF.h"
#include <optional>

namespace kiln {

/// The kernel attribute giving the trip count of its loop when the loop
/// runs from the kernel's last two arguments, (begin, end) in trips.
inline constexpr llvm::StringLiteral kParallelTripsAttr = "kiln.parallel_trips";
/// The thread-local variable holding the context of the entry point running
/// on this thread (kiln-parallel-calls defines it, kiln-emit-abi sets it).
inline constexpr llvm::StringLiteral kContextTLS = "kiln_context_tls";

/// The least work (ops run, nested loops multiplied out: a vector FMA is
/// one; every kBytesPerOp bytes loaded or stored one more) a loop must do
/// to be split: a hand-off to the threads and the join cost the caller
/// about a microsecond.
inline constexpr int64_t kMinParallelOps = 20000;
/// Bytes loaded or stored worth one op: ops retire about three a cycle, a
/// core streams about 36 bytes a cycle from L2.
inline constexpr int64_t kBytesPerOp = 12;

/// When `loop`, the top-level loop of a kernel being outlined, may run its
/// iterations on several threads: it is marked kernel.parallel, has constant
/// bounds, at least two trips and kMinParallelOps of work, and every buffer
/// it writes is touched (read and written) only in the slab of its own
/// iteration (along one dimension per buffer, an index c * iv plus an offset
/// that, with the extent, stays below c * step, one c per buffer), or is a
/// stack buffer or a per-trip workspace slot made inside the loop. Then the
/// loop runs trips [begin, end) of two new index arguments of `body`, and
/// the trip count is returned.
std::optional<int64_t> splitForThreads(mlir::scf::ForOp loop, mlir::Block &body);

/// The byte offset of a temporary's per-trip workspace slot (kiln-workspace):
/// iv * stride + base, as arith ops (canonicalization would fold a constant
/// base into an affine map; passed as an argument, equal layers share a
/// kernel).
mlir::Value perTripOffset(mlir::OpBuilder &b, mlir::Location loc, mlir::Value iv,
                          int64_t stride, mlir::Value base);
/// The stride when `shift` is such an offset of `loop`'s induction variable
/// with a base from outside the loop.
std::optional<int64_t> perTripStride(mlir::Value shift, mlir::scf::ForOp loop);

} // namespace kiln

#endif // KILN_COMPILER_CODEGEN_PARALLELLOOPS_H
