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
// N need not be a multiple of n: the last panel is padded with zeros and C
// computed in whole panels, of which the consumers read the first N columns.
//
#include "dialects/Kernel/Transforms/Schedule.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/LoopLikeInterface.h"

using namespace mlir;

namespace kiln::kernel {

namespace {

/// Panels of `panel` columns that hold `n` columns, the last one padded.
int64_t panelsFor(int64_t n, int64_t panel) { return (n + panel - 1) / panel; }

/// Whether the packed product pays for its copy of B: enough rows of A to
/// reuse each panel, strips long enough to miss, and, when the last panel
/// is padded, at most an eighth of the products spent on its zeros (1000
/// columns: 2%, 200: 11%; 100: 22% are not packed). Unpacked, the strips of
/// a 1000-cube's B missed all the way (59 against 155 GFLOP/s padded, on
/// the Intel Xeon of bench/README.md); narrow ones miss less: padded, 100
/// columns were 16% faster at 1024 x 1024 but 14% slower at 256 x 256 on 2
/// threads.
bool worthPacking(int64_t m, int64_t k, int64_t n, int64_t panel) {
  int64_t padded = panelsFor(n, panel) * panel;
  return n >= 2 * panel && m >= 16 && k >= 16 && 8 * (padded - n) <= padded;
}

/// A static slice of `x`: offsets and sizes per dim, unit strides; `type`
/// drops unit dims (rank-reducing) when given.
Value sliceOf(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> offsets,
              ArrayRef<int64_t> sizes, RankedTensorType type = {}) {
  SmallVector<int64_t> strides(offsets.size(), 1);
  if (!type)
    type = RankedTensorType::get(sizes, cast<RankedTensorType>(x.getType()).getElementType());
  return b.create<tensor::ExtractSliceOp>(loc, type, x, ValueRange{}, ValueRange{}, ValueRange{},
                                          offsets, sizes, strides);
}

Value insertInto(OpBuilder &b, Location loc, Value src, Value dest, ArrayRef<int64_t> offsets,
                 ArrayRef<int64_t> sizes) {
  SmallVector<int64_t> strides(offsets.size(), 1);
  return b.create<tensor::InsertSliceOp>(loc, src, dest, ValueRange{}, ValueRange{},
                                         ValueRange{}, offsets, sizes, strides);
}

/// B packed into panels [P][K][n] (P = ⌈N/n⌉). `rows` (ofW): B = sourceᵀ,
/// source [N, K], panel[p, k, j] = source[p·n + j, k]; else source is B
/// [K, N], panel[p, k, j] = B[k, p·n + j]. The whole panels are one
/// transpose written into their slice; a last partial panel of r columns is
/// a transpose (or copy) of those columns and a fill of its n - r zeros.
Value packPanels(OpBuilder &b, Location loc, Value source, bool rows, int64_t n, int64_t k,
                 int64_t panel, Type elem) {
  int64_t full = n / panel, r = n % panel, panels = panelsFor(n, panel);
  Value packed = b.create<tensor::EmptyOp>(loc, ArrayRef<int64_t>{panels, k, panel}, elem);
  if (full > 0) {
    Value whole = source;
    if (r)
      whole = rows ? sliceOf(b, loc, source, {0, 0}, {full * panel, k})
                   : sliceOf(b, loc, source, {0, 0}, {k, full * panel});
    Value viewed = b.create<tensor::ExpandShapeOp>(
        loc,
        RankedTensorType::get(rows ? ArrayRef<int64_t>{full, panel, k}
                                   : ArrayRef<int64_t>{k, full, panel},
                              elem),
        whole,
        rows ? SmallVector<ReassociationIndices>{{0, 1}, {2}}
             : SmallVector<ReassociationIndices>{{0}, {1, 2}});
    Value dest = r ? sliceOf(b, loc, packed, {0, 0, 0}, {full, k, panel}) : packed;
    Value t = b.create<linalg::TransposeOp>(
                   loc, viewed, dest,
                   rows ? ArrayRef<int64_t>{0, 2, 1} : ArrayRef<int64_t>{1, 0, 2})
                  .getResult()[0];
    if (!r)
      return t;
    packed = insertInto(b, loc, t, packed, {0, 0, 0}, {full, k, panel});
  }
  // The last panel: its r columns, then zeros.
  auto columns = [&](int64_t j0, int64_t width) {
    return sliceOf(b, loc, packed, {full, 0, j0}, {1, k, width},
                   RankedTensorType::get({k, width}, elem));
  };
  Value tail = rows ? sliceOf(b, loc, source, {full * panel, 0}, {r, k})
                    : sliceOf(b, loc, source, {0, full * panel}, {k, r});
  Value written =
      rows ? b.create<linalg::TransposeOp>(loc, tail, columns(0, r), ArrayRef<int64_t>{1, 0})
                 .getResult()[0]
           : b.create<linalg::CopyOp>(loc, tail, columns(0, r)).getResult(0);
  packed = insertInto(b, loc, written, packed, {full, 0, 0}, {1, k, r});
  Value zero = b.create<arith::ConstantOp>(loc, elem, b.getFloatAttr(elem, 0.0));
  Value zeros = b.create<linalg::FillOp>(loc, ValueRange{zero}, ValueRange{columns(r, panel - r)})
                    .getResult(0);
  return insertInto(b, loc, zeros, packed, {full, 0, r}, {1, k, panel - r});
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
         packedRowsSplit(n, panelsFor(m, panel), panel, k, target, lanes, elemBytes);
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
  Value packed = packPanels(builder, loc, source, ofW, n, k, panel, elem);
  builder.setInsertionPoint(op);
  int64_t panels = panelsFor(n, panel);
  auto c3Type = RankedTensorType::get({m, panels, panel}, elem);
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
      loc, RankedTensorType::get({m, panels * panel}, elem), product.getResult(0),
      SmallVector<ReassociationIndices>{{0}, {1, 2}});
  if (panels * panel != n)
    c = sliceOf(builder, loc, c, {0, 0}, {m, n});
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
