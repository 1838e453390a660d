//===- PackMatmul.cpp - Matmuls on B packed into column panels -------------===//
//
// C[M, N] = A[M, K] * B[K, N] reads, for each register block, a column strip
// of B: K rows N elements apart, so the strip of a large B maps to few cache
// sets and misses all the way. Packed into panels [N/n][K][n] (n = the
// register block's columns), each strip is contiguous. When B is Wᵀ
// (a dense layer's forward), the packing reads W directly: the transpose
// that made Wᵀ disappears into it. When packing A and transposing C back
// copy less than packing W (a training batch of fewer samples than units),
// Cᵀ = W Aᵀ packs the batch instead and W is not copied (`swapPays`).
//
#include "dialects/Kernel/Transforms/Schedule.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/LoopLikeInterface.h"

using namespace mlir;

namespace kiln::kernel {

namespace {

/// Whether the packed product pays for its copy of B: enough rows of A to
/// reuse each panel, and strips long enough to miss.
bool worthPacking(int64_t m, int64_t k, int64_t n, int64_t panel) {
  return n % panel == 0 && n >= 2 * panel && m >= 16 && k >= 16;
}

/// Whether C = A Wᵀ (A [m, k], W [n, k]) is better computed as Cᵀ = W Aᵀ:
/// packing A (m x k) and transposing C back (m x n) move fewer elements than
/// packing W (n x k), the swapped product is worth packing, and its threads
/// split the rows of W (with A's few panels split among them, each thread
/// would stream all of W). The sums are the same, in the same order: the
/// results are the same bits.
bool swapPays(int64_t m, int64_t k, int64_t n, int64_t lanes, const ScheduleTarget &target,
              int64_t elemBytes) {
  int64_t panel = 2 * lanes;
  return worthPacking(n, k, m, panel) && m * k + m * n < n * k &&
         packedRowsSplit(n, m / panel, panel, k, target, lanes, elemBytes);
}

/// Whether `w` is defined outside the innermost loop around `op` (a
/// recurrent layer's weight read at every time step): packed once before
/// the loop, it costs less than packing the step's input at every step.
bool invariantInLoop(Value w, Operation *op) {
  auto loop = op->getParentOfType<LoopLikeOpInterface>();
  if (!loop)
    return false;
  Operation *def = w.getDefiningOp();
  Operation *scope = def ? def : w.getParentBlock()->getParentOp();
  return !loop->isAncestor(scope);
}

} // namespace

linalg::GenericOp packMatmul(linalg::MatmulOp op, const ScheduleTarget &target) {
  if (!op.hasPureTensorSemantics())
    return nullptr;
  Value a = op.getInputs()[0], b = op.getInputs()[1];
  auto at = dyn_cast<RankedTensorType>(a.getType());
  auto bt = dyn_cast<RankedTensorType>(b.getType());
  auto ct = dyn_cast<RankedTensorType>(op.getResultTypes()[0]);
  if (!at || !bt || !ct || !at.hasStaticShape() || !bt.hasStaticShape() || !ct.hasStaticShape() ||
      !isa<FloatType>(ct.getElementType()) || at.getElementType() != ct.getElementType() ||
      bt.getElementType() != ct.getElementType())
    return nullptr;
  auto fill = op.getOutputs()[0].getDefiningOp<linalg::FillOp>();
  if (!fill)
    return nullptr;
  Type elem = ct.getElementType();
  int64_t m = at.getDimSize(0), k = at.getDimSize(1), n = bt.getDimSize(1);
  int64_t lanes = target.lanes(elem), panel = 2 * lanes;
  if (!worthPacking(m, k, n, panel))
    return nullptr;

  Location loc = op.getLoc();
  auto transpose = b.getDefiningOp<linalg::TransposeOp>();
  bool ofW = transpose && llvm::equal(transpose.getPermutation(), ArrayRef<int64_t>{1, 0});
  // A dense layer's forward on fewer samples than units: Cᵀ = W Aᵀ, A packed
  // into panels instead of W (and C transposed back) when that copies less.
  bool swapped = ofW && swapPays(m, k, n, lanes, target, elem.getIntOrFloatBitWidth() / 8) &&
                 !invariantInLoop(transpose.getInput(), op);
  Value lhs = a;
  if (swapped) {
    lhs = transpose.getInput();
    std::swap(m, n);
  }
  // The packing goes right after what it reads: a weight read in a loop (a
  // recurrent layer's time steps) is packed once, before the loop.
  Value source = swapped ? a : ofW ? transpose.getInput() : b;
  OpBuilder builder(op->getContext());
  if (Operation *def = source.getDefiningOp())
    builder.setInsertionPointAfter(def);
  else
    builder.setInsertionPointToStart(cast<BlockArgument>(source).getOwner());
  auto packedType = RankedTensorType::get({n / panel, k, panel}, elem);
  Value packedInit = builder.create<tensor::EmptyOp>(loc, packedType.getShape(), elem);
  Value packed;
  if (ofW) {
    // B = Wᵀ, W [N, K]: panel[p, k, j] = W[p * n + j, k] (swapped: the
    // same of A [M, K], which then has the N here).
    Value w3 = builder.create<tensor::ExpandShapeOp>(
        loc, RankedTensorType::get({n / panel, panel, k}, elem), source,
        SmallVector<ReassociationIndices>{{0, 1}, {2}});
    packed = builder.create<linalg::TransposeOp>(loc, w3, packedInit,
                                                 ArrayRef<int64_t>{0, 2, 1})
                 .getResult()[0];
  } else {
    // panel[p, k, j] = B[k, p * n + j].
    Value b3 = builder.create<tensor::ExpandShapeOp>(
        loc, RankedTensorType::get({k, n / panel, panel}, elem), b,
        SmallVector<ReassociationIndices>{{0}, {1, 2}});
    packed = builder.create<linalg::TransposeOp>(loc, b3, packedInit,
                                                 ArrayRef<int64_t>{1, 0, 2})
                 .getResult()[0];
  }
  builder.setInsertionPoint(op);
  auto c3Type = RankedTensorType::get({m, n / panel, panel}, elem);
  Value c3 = builder.create<linalg::FillOp>(
                        loc, fill.getInputs()[0],
                        builder.create<tensor::EmptyOp>(loc, c3Type.getShape(), elem).getResult())
                 .getResult(0);
  MLIRContext *ctx = op.getContext();
  AffineExpr dm, dp, dj, dk;
  bindDims(ctx, dm, dp, dj, dk);
  auto par = utils::IteratorType::parallel;
  auto product = builder.create<linalg::GenericOp>(
      loc, TypeRange{c3Type}, ValueRange{lhs, packed}, ValueRange{c3},
      SmallVector<AffineMap>{AffineMap::get(4, 0, {dm, dk}, ctx),
                             AffineMap::get(4, 0, {dp, dk, dj}, ctx),
                             AffineMap::get(4, 0, {dm, dp, dj}, ctx)},
      SmallVector<utils::IteratorType>{par, par, par, utils::IteratorType::reduction},
      [](OpBuilder &nb, Location l, ValueRange args) {
        Value p = nb.create<arith::MulFOp>(l, args[0], args[1]);
        nb.create<linalg::YieldOp>(l, ValueRange{nb.create<arith::AddFOp>(l, args[2], p)});
      });
  Value c = builder.create<tensor::CollapseShapeOp>(
      loc, swapped ? RankedTensorType::get({m, n}, elem) : ct, product.getResult(0),
      SmallVector<ReassociationIndices>{{0}, {1, 2}});
  if (swapped)
    c = builder
            .create<linalg::TransposeOp>(loc, c,
                                         builder.create<tensor::EmptyOp>(loc, ct.getShape(), elem),
                                         ArrayRef<int64_t>{1, 0})
            .getResult()[0];
  op.getResult(0).replaceAllUsesWith(c);
  op.erase();
  if (fill->use_empty())
    fill.erase();
  if (transpose && transpose->use_empty())
    transpose.erase();
  return product;
}

linalg::MatmulOp transposeLhs(linalg::MatmulTransposeAOp op, const ScheduleTarget &target) {
  if (!op.hasPureTensorSemantics())
    return nullptr;
  Value a = op.getInputs()[0], b = op.getInputs()[1];
  auto at = dyn_cast<RankedTensorType>(a.getType());
  auto bt = dyn_cast<RankedTensorType>(b.getType());
  if (!at || !bt || !at.hasStaticShape() || !bt.hasStaticShape() ||
      !isa<FloatType>(at.getElementType()))
    return nullptr;
  Type elem = at.getElementType();
  int64_t k = at.getDimSize(0), m = at.getDimSize(1), n = bt.getDimSize(1);
  if (m < 16 || k < 2 || n < 2 * target.lanes(elem))
    return nullptr;
  // Right after A, as packings are, so a loop-invariant A is copied once.
  OpBuilder builder(op->getContext());
  if (Operation *def = a.getDefiningOp())
    builder.setInsertionPointAfter(def);
  else
    builder.setInsertionPointToStart(cast<BlockArgument>(a).getOwner());
  Location loc = op.getLoc();
  Value init = builder.create<tensor::EmptyOp>(loc, ArrayRef<int64_t>{m, k}, elem);
  Value lhs = builder.create<linalg::TransposeOp>(loc, a, init, ArrayRef<int64_t>{1, 0})
                  .getResult()[0];
  builder.setInsertionPoint(op);
  auto matmul = builder.create<linalg::MatmulOp>(loc, op.getResultTypes(), ValueRange{lhs, b},
                                                 op.getOutputs());
  op.getResult(0).replaceAllUsesWith(matmul.getResult(0));
  op.erase();
  return matmul;
}

} // namespace kiln::kernel
