//===- Schedule.h - Kernel schedules chosen per root kind from a target ---===//
#ifndef KILN_DIALECTS_KERNEL_TRANSFORMS_SCHEDULE_H
#define KILN_DIALECTS_KERNEL_TRANSFORMS_SCHEDULE_H

#include "dialects/Kernel/IR/KernelDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace kiln::kernel {

/// What the strategies know of the machine: vector width, the per-core
/// data caches and the cores threads may split loops over.
struct ScheduleTarget {
  int64_t vectorBits = 512;
  int64_t l1Bytes = 32 * 1024;
  int64_t l2Bytes = 512 * 1024;
  int64_t cores = 1;
  /// Vector registers a register tile accumulates in, at most: 16 on Zen 5
  /// (8 x 32 tiles of a weight gradient ran 15% faster than 16 x 16), 24 on
  /// an Intel Xeon with AVX-512 (matmul 7-12% faster than with 16: more FMAs
  /// per load of B). Target::host() picks it.
  int64_t accumulators = 16;

  /// Vector registers: 32 with AVX-512, else 16 (AVX2, NEON's 32 are not
  /// counted on).
  int64_t vectorRegisters() const { return vectorBits >= 512 ? 32 : 16; }
  /// Lanes of a vector of `elem`.
  int64_t lanes(mlir::Type elem) const;
};

/// The schedule of the group whose root is `root` and whose last op (the
/// root or the end of its elementwise chain) is `last`.
ScheduleAttr chooseSchedule(mlir::linalg::LinalgOp root, mlir::linalg::LinalgOp last,
                            const ScheduleTarget &target);

/// A multiply-accumulate: linalg's contraction interface, or a generic like
/// one whose inputs are indexed by sums of dims (a convolution's weight
/// gradient over all its taps reads x[n, oh + i, ow + j, c]).
bool isMultiplyAccumulate(mlir::linalg::LinalgOp op);

/// A generic that multiplies two operands and sums over its reduction
/// loops (a convolution tap, a weight gradient), parallel loops first,
/// writing them in order, the output's innermost dim innermost in an input.
bool isGenericContraction(mlir::Operation *op);

/// A linalg.generic computing C[m, no, ni] += A[m, k] * B[no, k, ni], the
/// product of A and a B packed into panels of ni columns: dims (m, no, ni,
/// k).
bool isPackedMatmul(mlir::Operation *op);

/// Whether a packed product C[m, panels * n] = A[m, k] * B (B in panels of
/// n columns, `lanes` per vector) needs no cache blocks: all of B fits in
/// half of L2, a register block's rows of A (all of k) fit in L1, every core
/// gets a register block of rows, and A is no smaller than B. Then the
/// threads split A's rows, each keeping all of B; split by panels, each
/// streams all of A but reads only the panels it packed (docs/pipeline.md).
bool packedRowsSplit(int64_t m, int64_t panels, int64_t n, int64_t k,
                     const ScheduleTarget &target, int64_t lanes, int64_t elemBytes);

/// Rows of partial sums, a single sample's dense layer: a generic over
/// (n, q, l) with two inputs that accumulates their products into [n, l]
/// (parallel n and l, reduction q; a multiply-add body).
bool isRowsOfPartialSums(mlir::Operation *op);

/// The single user of `op`, rows of partial sums [n, l], in the same block,
/// that sums them over l into [1, n] (dims (o, n, l), o of size 1; its body
/// adds its two arguments) from a linalg.fill: kernel-form puts it, its
/// fill (cloned unless the fill is its own, in its block) and its
/// elementwise consumers in the partial sums' group. Null otherwise.
mlir::linalg::GenericOp rowSumsOf(mlir::Operation *op);

/// Rewrites `op`, a linalg.matmul A[M, K] * B[K, N] (B may be Wᵀ), as a
/// packed matmul when the target says packing pays: B (or W) copied into
/// panels [N/n][K][n] of n = two vectors of columns, the product into
/// a zeroed C viewed as [M, N/n, n]. When B is Wᵀ and packing A copies less
/// (`swapPays` in PackMatmul.cpp), A is packed into [M/n][K][n], the
/// product is Cᵀ = W Aᵀ viewed as [N, M/n, n], and a linalg.transpose gives
/// C. Returns the packed matmul, or null when `op` stays as it is.
mlir::linalg::GenericOp packMatmul(mlir::linalg::MatmulOp op,
                                   const ScheduleTarget &target);

/// Rewrites `op`, a linalg.matmul_transpose_a Aᵀ * B with A [K, M] (a
/// weight gradient: K is the batch), as a linalg.matmul on A transposed once
/// into [M, K], when M is a few register blocks and N two vectors or more.
/// Otherwise a register block's rows are M elements apart in every row of
/// A, and when M is a power of two they share a few cache sets. The matmul
/// is not packed: its epilogue (an optimizer's update) stays in its group.
/// Returns the new matmul, or null.
mlir::linalg::MatmulOp transposeLhs(mlir::linalg::MatmulTransposeAOp op,
                                    const ScheduleTarget &target);

} // namespace kiln::kernel

#endif // KILN_DIALECTS_KERNEL_TRANSFORMS_SCHEDULE_H
