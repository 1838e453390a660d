//===- PrefetchRows.cpp - The next row block's broadcast operand, early ---===//
//
// The shape this pass looks for, after bufferization (a packed product: a
// block of M rows of A against each of T panels of B, over kc of k):
//
//   scf.for %r = .. step M {                          // row blocks
//     scf.for %p = .. {                               // T panels
//       scf.for %k = 0 to kc step 1 {                 // the reduction
//         vector.transfer_read %A[%r, c + %k] : vector<M x 1>   // broadcasts
//
// The block of A (M rows of kc) is read again by every panel, but the
// next one comes from memory when A outgrows L2 (the 2048 matmul's input
// is 16 MB): M rows far apart, which no hardware prefetcher predicts, each
// block waited on them in its first panel. Each panel's iteration now
// prefetches its share of the next block's lines, so they arrive while the
// block computes. (With kc of 1024, the matmuls' k blocks since the A rows
// fill L1, a block has too many lines for the panels, and each row is a
// 4 KB run the hardware's stream prefetcher follows: it fires for smaller
// kc only.)
//
#include "dialects/Kernel/Transforms/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"

namespace kiln::kernel {
#define GEN_PASS_DEF_KERNELPREFETCHROWSPASS
#include "dialects/Kernel/Transforms/Passes.h.inc"
} // namespace kiln::kernel

using namespace mlir;

namespace {

constexpr int64_t kLineBytes = 64;
/// More than this per panel would crowd the panel's own loads.
constexpr int64_t kMaxPerPanel = 16;

/// `index` (the read's column) at the first %k, built before `k` (of `kc`
/// iterations, from 0), when it is `%k`, or an affine.apply of %k and
/// values from above that grows by one with it; null otherwise.
Value columnAtStart(OpBuilder &b, scf::ForOp k, int64_t kc, Value index) {
  Value iv = k.getInductionVar();
  if (index == iv)
    return k.getLowerBound();
  auto apply = index.getDefiningOp<affine::AffineApplyOp>();
  if (!apply || apply->getParentOp() != k || apply.getAffineMap().getNumResults() != 1)
    return nullptr;
  auto operands = apply.getMapOperands();
  for (Value v : operands)
    if (v != iv && k.getRegion().isAncestor(v.getParentRegion()))
      return nullptr;
  // The column at %k = 0, 1 and the loop's last, everything else 0 and
  // then 5: a step of one over the loop, whatever the other operands.
  AffineMap map = apply.getAffineMap();
  auto at = [&](int64_t value, int64_t others) -> std::optional<int64_t> {
    SmallVector<AffineExpr> dims, syms;
    for (unsigned i = 0; i < map.getNumDims(); ++i)
      dims.push_back(getAffineConstantExpr(operands[i] == iv ? value : others, b.getContext()));
    for (unsigned i = 0; i < map.getNumSymbols(); ++i)
      syms.push_back(getAffineConstantExpr(
          operands[map.getNumDims() + i] == iv ? value : others, b.getContext()));
    auto c = dyn_cast<AffineConstantExpr>(
        simplifyAffineExpr(map.getResult(0).replaceDimsAndSymbols(dims, syms), 0, 0));
    return c ? std::optional<int64_t>(c.getValue()) : std::nullopt;
  };
  for (int64_t others : {0, 5}) {
    std::optional<int64_t> first = at(0, others), second = at(1, others), last = at(kc - 1, others);
    if (!first || !second || !last || *second - *first != 1 || *last - *first != kc - 1)
      return nullptr;
  }
  IRMapping start;
  start.map(iv, k.getLowerBound());
  return b.clone(*apply, start)->getResult(0);
}

struct KernelPrefetchRowsPass
    : kiln::kernel::impl::KernelPrefetchRowsPassBase<KernelPrefetchRowsPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<scf::ForOp> loops;
    getOperation().walk([&](scf::ForOp f) { loops.push_back(f); });
    for (scf::ForOp k : loops)
      for (auto read : k.getBody()->getOps<vector::TransferReadOp>())
        if (prefetch(k, read))
          break;
  }

  bool prefetch(scf::ForOp k, vector::TransferReadOp read) {
    // A reduction of step 1 from 0, in a panel loop of constant trips and
    // a positive step, in a row-block loop; index loops all.
    if (k.getBody()->getOps<vector::ContractionOp>().empty() &&
        k.getBody()->getOps<vector::FMAOp>().empty())
      return false;
    auto panels = dyn_cast<scf::ForOp>(k->getParentOp());
    auto rows = panels ? dyn_cast<scf::ForOp>(panels->getParentOp()) : nullptr;
    if (!rows || !k.getInductionVar().getType().isIndex() ||
        !panels.getInductionVar().getType().isIndex() ||
        !rows.getInductionVar().getType().isIndex())
      return false;
    std::optional<int64_t> panelStep = getConstantIntValue(panels.getStep());
    if (getConstantIntValue(k.getStep()) != 1 || getConstantIntValue(k.getLowerBound()) != 0 ||
        !panelStep || *panelStep <= 0)
      return false;
    std::optional<int64_t> kc = constantTripCount(k.getLowerBound(), k.getUpperBound(), k.getStep());
    std::optional<int64_t> trips =
        constantTripCount(panels.getLowerBound(), panels.getUpperBound(), panels.getStep());
    if (!kc || *kc < 2 || !trips || *trips < 1)
      return false;
    // M rows, a column each: [%r, column(%k)] of a row-major A beyond half
    // of L2, the row-block loop stepping M.
    auto source = dyn_cast<MemRefType>(read.getSource().getType());
    VectorType vt = read.getVectorType();
    if (!source || source.getRank() != 2 || !source.hasStaticShape() ||
        !source.getLayout().isIdentity() || vt.getRank() != 2 || vt.getShape()[1] != 1 ||
        !read.getPermutationMap().isMinorIdentity() || !k.isDefinedOutsideOfLoop(read.getSource()) ||
        read.getIndices()[0] != rows.getInductionVar() ||
        getConstantIntValue(rows.getStep()) != vt.getShape()[0])
      return false;
    Type elem = source.getElementType();
    if (!elem.isIntOrFloat() || elem.getIntOrFloatBitWidth() % 8 != 0)
      return false;
    int64_t elemBytes = elem.getIntOrFloatBitWidth() / 8;
    if (source.getNumElements() * elemBytes <= l2Bytes / 2)
      return false;
    int64_t m = vt.getShape()[0];
    int64_t lineElems = std::max<int64_t>(1, kLineBytes / elemBytes);
    int64_t linesPerRow = (*kc * elemBytes + kLineBytes - 1) / kLineBytes;
    int64_t perPanel = (m * linesPerRow + *trips - 1) / *trips;
    if (perPanel > kMaxPerPanel)
      return false;
    OpBuilder b(k);
    Location loc = k.getLoc();
    Value column = columnAtStart(b, k, *kc, read.getIndices()[1]);
    if (!column)
      return false;
    // Line j of the next block, j = (%p - lb) / step * perPanel + q: row
    // %r + M + j / linesPerRow, column + (j mod linesPerRow) * lineElems;
    // clamped to A (a prefetch never faults, but memref's indices must be
    // in range).
    auto cst = [&](int64_t v) { return b.create<arith::ConstantIndexOp>(loc, v).getResult(); };
    Value iteration = b.create<arith::DivUIOp>(
        loc, b.create<arith::SubIOp>(loc, panels.getInductionVar(), panels.getLowerBound()),
        panels.getStep());
    Value first = b.create<arith::MulIOp>(loc, iteration, cst(perPanel));
    Value next = b.create<arith::AddIOp>(loc, rows.getInductionVar(), cst(m));
    for (int64_t q = 0; q < perPanel; ++q) {
      Value j = b.create<arith::AddIOp>(loc, first, cst(q));
      Value row = b.create<arith::AddIOp>(loc, next, b.create<arith::DivUIOp>(loc, j, cst(linesPerRow)));
      Value col = b.create<arith::AddIOp>(
          loc, column,
          b.create<arith::MulIOp>(loc, b.create<arith::RemUIOp>(loc, j, cst(linesPerRow)),
                                  cst(lineElems)));
      row = b.create<arith::MinUIOp>(loc, row, cst(source.getShape()[0] - 1));
      col = b.create<arith::MinUIOp>(loc, col, cst(source.getShape()[1] - 1));
      b.create<memref::PrefetchOp>(loc, read.getSource(), ValueRange{row, col}, /*isWrite=*/false,
                                   /*localityHint=*/3, /*isDataCache=*/true);
    }
    ++numBlocks;
    return true;
  }
};

} // namespace
