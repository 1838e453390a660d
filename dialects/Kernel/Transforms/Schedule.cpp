//===- Schedule.cpp - One schedule strategy per root kind ------------------===//
//
// Every tile is whole vectors along the vectorized dim and bounded (at most
// 64 x 64 elements in registers), so every group vectorizes; when no such
// tile divides a loop, kernel-tile peels the remainder, so tiles are static.
//
#include "dialects/Kernel/Transforms/Schedule.h"

#include "mlir/Dialect/Linalg/Utils/Utils.h"

using namespace mlir;

namespace kiln::kernel {

int64_t ScheduleTarget::lanes(Type elem) const {
  return std::max<int64_t>(1, vectorBits / elem.getIntOrFloatBitWidth());
}

namespace {

/// The largest divisor of `n` that is at most `cap` (so tiles are static).
int64_t divisorAtMost(int64_t n, int64_t cap) {
  for (int64_t d = std::min(n, cap); d > 1; --d)
    if (n % d == 0)
      return d;
  return 1;
}

/// A tile along a vectorized dimension: whole vectors (odd widths legalize
/// poorly), the largest multiple of `lanes` up to `cap` that divides `n`;
/// else the largest that leaves less than one vector over, which kernel-tile
/// peels. Dimensions narrower than a vector are taken whole.
int64_t vectorTile(int64_t n, int64_t lanes, int64_t cap) {
  if (n <= lanes)
    return n;
  int64_t top = std::min(n - n % lanes, cap - cap % lanes);
  for (int64_t d = top; d >= lanes; d -= lanes)
    if (n % d == 0)
      return d;
  for (int64_t d = top; d > lanes; d -= lanes)
    if (n % d < lanes)
      return d;
  return lanes;
}

/// A row tile: the largest divisor of `n` up to `cap` when it is at least
/// half of `cap`, else `cap` with the remainder peeled.
int64_t rowTile(int64_t n, int64_t cap) {
  int64_t d = divisorAtMost(n, cap);
  return 2 * d >= std::min(n, cap) ? d : cap;
}

bool isContraction(Operation *op) {
  return isa<linalg::MatmulOp, linalg::MatmulTransposeAOp,
             linalg::MatmulTransposeBOp>(op);
}

/// Rows of the register block of a matmul: up to the target's accumulators
/// (16: 8 rows by two vectors, or 16 rows by one; 24: 12 by two), leaving 4
/// of its vector registers for the loads of B and the broadcasts of A (AVX2
/// has 16: 6 rows by two vectors; AVX-512 has 32).
int64_t registerRows(int64_t columns, int64_t lanes, const ScheduleTarget &t) {
  int64_t vectors = columns <= lanes ? 1 : 2;
  int64_t rows = (t.vectorRegisters() - 4) / vectors;
  return std::max<int64_t>(1, std::min<int64_t>(rows, t.accumulators / vectors));
}

struct Builder {
  MLIRContext *ctx;
  SmallVector<int64_t> tile, reduce, cache, order, epilogue;
  int64_t lanes = 0;
  StringRef packed;
  ScheduleAttr get() {
    return ScheduleAttr::get(ctx, tile, reduce, cache, order, lanes, packed, epilogue);
  }
};

/// How many tensors of the result's shape the ops after the root update in
/// place (outputs whose old values they read): an optimizer update reads
/// and writes back the weight and its moments. A bias, an activation or
/// its derivative (which reads the forward activation) update none: they
/// stay in registers, in the register block's loop.
int64_t updatedInPlace(linalg::LinalgOp root, linalg::LinalgOp last) {
  int64_t streams = 0;
  Operation *prev = root;
  while (prev != last.getOperation()) {
    if (prev->getNumResults() != 1 || !prev->getResult(0).hasOneUse())
      return 0;
    auto op = dyn_cast<linalg::LinalgOp>(*prev->getResult(0).getUsers().begin());
    if (!op)
      return 0;
    for (OpOperand &out : op.getDpsInitsMutable())
      streams += op.payloadUsesValueFromOperand(&out) &&
                 op.getMatchingIndexingMap(&out).isIdentity();
    prev = op;
  }
  return streams;
}

/// Chunks of the reduction for an epilogue schedule whose B (K x N) does
/// not stay in L2: cache tiles of 8 rows read all of B each, from memory (a
/// transformer's weight gradient, B of 2048 x 512: 44% of the FMA peak).
/// Instead a cache tile takes a core's share of the rows (its C tile at
/// most a quarter of L2) and runs over chunks of kc rows of B (a quarter of
/// L2 each), every register tile of the cache tile over a chunk before the
/// next: B is read once per cache tile, and C stays in L2 between chunks.
/// `cache` then holds the root's reduction chunks after the parallel tiles.
void chunkReduction(Builder &s, linalg::LinalgOp root, ArrayRef<int64_t> bounds,
                    const ScheduleTarget &t, int64_t elemBytes) {
  SmallVector<int64_t> loops = root.getStaticLoopRanges();
  if (loops.size() != 3 || root.getNumReductionLoops() != 1 || s.tile[0] < 1 || elemBytes < 1 ||
      llvm::any_of(loops, ShapedType::isDynamic))
    return;
  int64_t m = bounds[0], n = bounds[1], k = loops[2];
  if (k * n * elemBytes <= t.l2Bytes / 2)
    return;
  int64_t quarter = t.l2Bytes / 4;
  int64_t kc = divisorAtMost(k, std::max<int64_t>(1, quarter / (n * elemBytes)));
  // (C's tile past 64 KiB stays in the workspace, not on the stack:
  // kernel-local-scratch. Capped at 64 KiB instead, the transformer's tiles
  // of 32 rows read B twice as often and its step took 7% longer.)
  int64_t fit = quarter / (s.tile[0] * n * elemBytes);
  // Short chunks (a prime k) would load and store C every few steps of k,
  // and a register block's rows of C alone past the budget gain nothing.
  if (kc < 16 || fit < 1)
    return;
  int64_t blocks = m / s.tile[0];
  int64_t perCore = (blocks + t.cores - 1) / std::max<int64_t>(1, t.cores);
  s.cache = {divisorAtMost(blocks, std::min(perCore, fit)) * s.tile[0], 0, kc};
}

/// Matmul and its transposed forms: a register block reduced one k at a
/// time. When the ops after it update tensors of its shape in place (an
/// optimizer update after a weight gradient), once per register block they would
/// touch a few bytes of each of those tensors' rows, far apart; instead
/// the group runs over cache tiles of whole rows (up to half of L1 of
/// products, or all columns when no multiple of the register tile divides
/// them and they fit in L1), and the update over each tile's rows once its
/// products are done, a row at a time (fewer registers than the whole
/// block). That pays when those tensors outgrow L1.
ScheduleAttr matmulStrategy(Builder s, linalg::LinalgOp root, linalg::LinalgOp last,
                            ArrayRef<int64_t> bounds, const ScheduleTarget &t,
                            int64_t elemBytes) {
  s.tile.assign(bounds.size(), 0);
  s.tile[1] = vectorTile(bounds[1], s.lanes, 2 * s.lanes);
  int64_t streams = root != last && bounds.size() == 2 ? updatedInPlace(root, last) : 0;
  auto rowsFitL1 = [&](int64_t rows) { return bounds[1] * rows * elemBytes <= t.l1Bytes; };
  // Under an update, two vectors of columns and a peeled vector over rather
  // than one vector dividing the columns: a tile of one vector loads as
  // many values as it multiplies (fashion_mlp's first weight gradient with
  // Adam, 784 columns: 16 x 16 tiles, then 8 x 32 and a column of 16:
  // +7% a step on 1 thread, the same bits). Only when the cache tiles below
  // stay whole: rows that divide the rows, and all the columns of them in
  // L1 (no multiple of two vectors divides the columns).
  if (streams && s.tile[1] == s.lanes && bounds[1] % s.lanes == 0 && bounds[1] >= 4 * s.lanes) {
    int64_t rows = rowTile(bounds[0], registerRows(2 * s.lanes, s.lanes, t));
    if (rows >= 2 && bounds[0] % rows == 0 && rowsFitL1(rows))
      s.tile[1] = 2 * s.lanes;
  }
  s.tile[0] = rowTile(bounds[0], registerRows(s.tile[1], s.lanes, t));
  s.reduce.push_back(1);
  // (Small tensors stay in L1 whatever the order; one register tile per row
  // leaves nothing to gather.)
  if (streams == 0 || bounds[1] < 2 * s.tile[1] ||
      (streams + 1) * bounds[0] * bounds[1] * elemBytes <= t.l1Bytes)
    return s.get();
  // Cache tiles are whole: a partial one (a cache tile of one row, its row
  // loop folded away) lost the update of its first columns once vectorized:
  // the transfer folds rewrote the insertion of the row into the result as
  // a write of the last columns alone. Their rows are a register block's,
  // and their columns a multiple of register tiles that divides the columns
  // and fills at most half of L1 (all of them when they fit).
  if (s.tile[0] < 2 || bounds[0] % s.tile[0] != 0)
    return s.get();
  int64_t cap = std::max<int64_t>(1, t.l1Bytes / 2 / (s.tile[0] * elemBytes) / s.tile[1]) *
                s.tile[1];
  int64_t columns = 0;
  if (bounds[1] > cap) {
    for (int64_t c = cap; c >= s.tile[1] && !columns; c -= s.tile[1])
      if (bounds[1] % c == 0)
        columns = c;
    // No such multiple (784 columns in tiles of 32): whole rows, when they
    // fit in L1.
    if (!columns && !rowsFitL1(s.tile[0]))
      return s.get();
  }
  s.cache = {s.tile[0], columns};
  s.epilogue = {1, s.tile[1]};
  chunkReduction(s, root, bounds, t, elemBytes);
  return s.get();
}

/// A packed matmul (m, no, ni, k): BLIS's loop nest. Cache level: panels of
/// B in blocks of kc rows that fill half of L2 with the blocks of a
/// thread's columns (reused by every row of A), kc as large as the A rows of
/// one register block (rows x kc) that fill L1; order no, k, m, so each B
/// block is read from memory once. Register level: registerRows (8 or 12 at
/// 512 bits) of one panel.
/// Each k block loads and stores every C tile once more; the A rows need not
/// stay in L1 across panels (both operands stream from L2 well). With kc a
/// quarter of L1 (256 on a 48 KB L1), the 1024 and 2048 matmuls ran 3-4%
/// slower on one core and 6-9% on two (Xeon, AVX-512); kc half of L1 at
/// 2048 (512, three k blocks in one group) 4% slower still.
/// No cache level when `packedRowsSplit` (B in half of L2, A's register
/// block rows in L1, rows for every core, A no smaller than B).
ScheduleAttr packedMatmulStrategy(Builder s, ArrayRef<int64_t> bounds,
                                  const ScheduleTarget &t, int64_t elemBytes) {
  int64_t m = bounds[0], panels = bounds[1], n = bounds[2], k = bounds[3];
  int64_t rows = std::min(m, registerRows(n, s.lanes, t));
  s.tile = {rows, 1, 0, 0};
  s.reduce = {1};
  s.packed = "rhs";
  if (packedRowsSplit(m, panels, n, k, t, s.lanes, elemBytes))
    return s.get();
  // kc: the A rows of one register block fill L1.
  int64_t kc = std::max<int64_t>(16, t.l1Bytes / (rows * elemBytes));
  kc = k <= kc ? 0 : rowTile(k, kc);
  int64_t kBlock = kc ? kc : k;
  // Panels per block: half of L2, and at least one block per core when the
  // panels allow.
  int64_t fit = std::max<int64_t>(1, t.l2Bytes / 2 / (kBlock * n * elemBytes));
  int64_t perCore = (panels + t.cores - 1) / std::max<int64_t>(1, t.cores);
  int64_t nc = std::min({panels, fit, perCore});
  nc = nc >= panels ? 0 : rowTile(panels, nc);
  s.cache = {0, nc, 0, kc};
  s.order = {1, 3, 0, 2};
  return s.get();
}

/// A row tile for `n` rows of `vectors` accumulators each, up to `cap`
/// rows, that takes the fewest cycles per step of the reduction, the
/// remainder tile included: a tile of r rows costs max(r * vectors / 2, 5)
/// cycles (two FMA pipes, a latency of four cycles and one of slack for the
/// loads that feed them: a tile of exactly 8 chains stalls on any late load;
/// with a floor of 4, fashion_cnn's weight gradient took 4 x 16 tiles and
/// ran 7% slower than in 6 x 16 ones and a remainder of 2), so a remainder of
/// one row costs as much as a tile of five. Ties go to a tile that divides
/// `n` (no remainder to peel), then to the larger. (13 rows by 6 cost 17
/// cycles, by 5 cost 15.)
int64_t rowTileByCycles(int64_t n, int64_t cap, int64_t vectors) {
  auto cycles = [&](int64_t r) {
    return r == 0 ? 0 : std::max<int64_t>(r * vectors / 2, 5);
  };
  auto key = [&](int64_t r) {
    return std::make_tuple(n / r * cycles(r) + cycles(n % r), n % r != 0, -r);
  };
  int64_t best = std::min(n, cap);
  for (int64_t r = best - 1; r >= 1; --r)
    if (key(r) < key(best))
      best = r;
  return best;
}

/// Bytes of the tensors `op` reads (its inputs, as typed).
int64_t inputBytes(linalg::LinalgOp op) {
  int64_t bytes = 0;
  for (OpOperand *in : op.getDpsInputOperands())
    if (auto type = dyn_cast<ShapedType>(in->get().getType());
        type && type.hasStaticShape())
      bytes += type.getNumElements() * type.getElementTypeBitWidth() / 8;
  return bytes;
}

/// Whether loop `d` indexes the inputs of `op` only within sums with
/// another loop (the tap's offset i in x[n, oh + i, ...]).
bool onlyInWindows(linalg::LinalgOp op, unsigned d) {
  bool found = false;
  for (OpOperand *in : op.getDpsInputOperands())
    for (AffineExpr e : op.getMatchingIndexingMap(in).getResults()) {
      if (!e.isFunctionOfDim(d))
        continue;
      bool other = false;
      for (unsigned k = 0; k < op.getNumLoops(); ++k)
        other |= k != d && e.isFunctionOfDim(k);
      if (e.getKind() != AffineExprKind::Add || !other)
        return false;
      found = true;
    }
  return found;
}

/// Cache tiles of a contraction whose inputs outgrow L2 and that has more
/// than one register tile (a convolution's weight gradient: a few hundred
/// outputs, a sum over the batch and the image). Each register tile would
/// stream the whole of both inputs from memory; instead the outer
/// reduction loops run in chunks whose inputs fill at most an eighth of L2
/// (the batch, then the rows of one image when one is too large), every
/// register tile over a chunk before the next. (A quarter, 2 images:
/// fashion_cnn's second conv's weight gradient took 15% longer; 1 image, 46
/// KB, or 1 row of it, 4 KB, the same.) The rows (else the columns) are
/// split in one block per core, the loop threads split (the chunks are
/// a reduction). Sizes divide their loops: a partial cache tile is never
/// made. (The root's fill is in its group: kernel-tile fuses it into the
/// blocks.)
void blockReduction(Builder &s, linalg::LinalgOp root, ArrayRef<int64_t> bounds,
                    int64_t rowDim, int64_t columnDim, const ScheduleTarget &t) {
  int64_t registerTiles = 1;
  for (auto [i, it] : llvm::enumerate(root.getIteratorTypesArray())) {
    if (!linalg::isParallelIterator(it))
      continue;
    // Every output dim is a register tile's rows or columns (a weight
    // gradient [C, F]) or a window's offset (its taps: each reads the
    // same rows of x shifted); a convolution tap, over images and
    // positions, reads distinct rows of its input per register tile.
    if (bounds[i] > 1 && (int64_t)i != rowDim && (int64_t)i != columnDim &&
        !onlyInWindows(root, i))
      return;
    registerTiles *= s.tile[i] ? (bounds[i] + s.tile[i] - 1) / s.tile[i] : 1;
  }
  int64_t bytes = inputBytes(root);
  if (root.getNumReductionLoops() == 0 || registerTiles < 2 || 2 * bytes <= t.l2Bytes)
    return;
  // The reduction dims outermost first: one whose single step (the dims
  // inside it whole) still outgrows the budget is taken a step at a time,
  // and the next one is chunked.
  int64_t budget = t.l2Bytes / 8;
  s.cache.assign(bounds.size(), 0);
  int64_t stepBytes = bytes;
  for (auto [i, it] : llvm::enumerate(root.getIteratorTypesArray())) {
    if (linalg::isParallelIterator(it))
      continue;
    stepBytes = std::max<int64_t>(1, stepBytes / bounds[i]);
    s.cache[i] = divisorAtMost(bounds[i], std::max<int64_t>(1, budget / stepBytes));
    if (stepBytes <= budget)
      break;
  }
  for (int64_t d : {rowDim, columnDim}) {
    if (d < 0 || t.cores < 2 || s.tile[d] <= 0 || bounds[d] % s.tile[d] != 0)
      continue;
    int64_t blocks = bounds[d] / s.tile[d];
    int64_t perCore = divisorAtMost(blocks, (blocks + t.cores - 1) / t.cores);
    if (perCore < blocks) {
      s.cache[d] = perCore * s.tile[d];
      break;
    }
  }
}

/// A generic contraction: columns are the innermost output dim, in
/// vectors (up to four when it is the only dim with more than one element,
/// so enough FMA chains hide their latency); rows the next one out with
/// more than one element, as many as take the fewest cycles; every reduction one step at a time, in chunks
/// when the inputs outgrow L2 (`blockReduction`). (`last` is the root or an
/// elementwise consumer: its parallel loops are the output dims.)
ScheduleAttr genericContractionStrategy(Builder s, linalg::LinalgOp root,
                                        linalg::LinalgOp last,
                                        const ScheduleTarget &t) {
  SmallVector<int64_t> bounds = last.getStaticLoopRanges();
  auto iters = last.getIteratorTypesArray();
  s.tile.assign(bounds.size(), 0);
  SmallVector<int64_t> par;
  for (auto [i, it] : llvm::enumerate(iters))
    if (linalg::isParallelIterator(it))
      par.push_back(i);
  for (int64_t i : par)
    s.tile[i] = 1;
  int64_t v = par.back();
  // (Not a window's offset: rows of taps read x at ow + j, no vector.)
  int64_t r = -1;
  for (int64_t i = par.size() - 2; i >= 0 && r < 0; --i)
    if (bounds[par[i]] > 1 && !onlyInWindows(root, par[i]))
      r = par[i];
  s.tile[v] = vectorTile(bounds[v], s.lanes, (r >= 0 ? 2 : 4) * s.lanes);
  if (r >= 0)
    s.tile[r] = rowTileByCycles(bounds[r], registerRows(s.tile[v], s.lanes, t),
                                (s.tile[v] + s.lanes - 1) / s.lanes);
  s.reduce.assign(root.getNumReductionLoops(), 1);
  // (Not a convolution's tap chain: each tap accumulates into the last.)
  if (root == last && root.getDpsInitOperand(0)->get().getDefiningOp<linalg::FillOp>())
    blockReduction(s, root, bounds, r, v, t);
  return s.get();
}

/// A transpose: a square block of lanes x lanes over the two dims that are
/// innermost in the input and in the output; every other dim one at a time.
/// (All dims by lanes would make a vector of lanes^rank elements.)
ScheduleAttr transposeStrategy(Builder s, linalg::TransposeOp t,
                               ArrayRef<int64_t> bounds) {
  int64_t rank = bounds.size();
  s.tile.assign(rank, 1);
  int64_t outInner = rank - 1;
  int64_t inInner =
      llvm::find(t.getPermutation(), rank - 1) - t.getPermutation().begin();
  if (inInner == outInner) {
    s.tile[outInner] = vectorTile(bounds[outInner], s.lanes, 4 * s.lanes);
    return s.get();
  }
  s.tile[outInner] = vectorTile(bounds[outInner], s.lanes, s.lanes);
  s.tile[inInner] = vectorTile(bounds[inInner], s.lanes, s.lanes);
  return s.get();
}

/// Rows of partial sums per tile, `vectors` accumulators each: up to 4
/// (more chains hide the FMA latency), as many as leave 4 registers for the
/// loads.
int64_t partialSumRows(int64_t n, int64_t vectors, const ScheduleTarget &t) {
  return rowTile(n, std::clamp<int64_t>((t.vectorRegisters() - 4) / std::max<int64_t>(1, vectors),
                                        1, 4));
}

/// Elementwise ops and reductions. A root that reduces its innermost loop
/// (a row reduction) works one row at a time; otherwise rows of up to four
/// vectors along the innermost parallel loop, outer parallel loops one at a
/// time.
ScheduleAttr elementwiseStrategy(Builder s, linalg::LinalgOp root,
                                 linalg::LinalgOp last, const ScheduleTarget &t) {
  SmallVector<int64_t> bounds = last.getStaticLoopRanges();
  auto iters = last.getIteratorTypesArray();
  s.tile.assign(bounds.size(), 0);
  auto rootIters = root.getIteratorTypesArray();
  bool rowReduction = !rootIters.empty() &&
                      !linalg::isParallelIterator(rootIters.back());
  int innermost = -1;
  for (int i = bounds.size() - 1; i >= 0; --i)
    if (linalg::isParallelIterator(iters[i])) {
      innermost = i;
      break;
    }
  for (int i = 0; i < (int)bounds.size(); ++i)
    if (linalg::isParallelIterator(iters[i]))
      s.tile[i] = i == innermost && !rowReduction
                      ? vectorTile(bounds[i], s.lanes, 4 * s.lanes)
                      : 1;
  // A reduction between parallel loops (rows of partial sums, as in a
  // single sample's dense layer) is one serial FMA chain per vector: take
  // up to 4 rows of the outermost loop so more chains hide the latency, as
  // many as leave 4 registers for the loads (4 rows of 4 vectors spilled
  // on AVX2).
  bool middleReduction = false;
  for (int i = 0; i < innermost && i < (int)rootIters.size(); ++i)
    middleReduction |= !linalg::isParallelIterator(rootIters[i]);
  if (middleReduction && !rowReduction && innermost > 0 &&
      bounds.size() == rootIters.size() && linalg::isParallelIterator(iters[0]))
    s.tile[0] = partialSumRows(bounds[0], s.tile[innermost] / s.lanes, t);
  // An outer reduction (a sum over the batch) accumulates one row of
  // vectors per step; an innermost one reduces chunks of up to four
  // vectors, so no vector grows with the batch or the class count.
  SmallVector<int64_t> rootBounds = root.getStaticLoopRanges();
  for (size_t i = 0; i < rootIters.size(); ++i)
    if (!linalg::isParallelIterator(rootIters[i]))
      s.reduce.push_back(i + 1 < rootIters.size()
                             ? 1
                             : vectorTile(rootBounds[i], s.lanes, 4 * s.lanes));
  return s.get();
}

/// Rows of partial sums [n, l] grouped with their row sums (`rowSumsOf`)
/// and the bias and activation after them, `last` over (1, n, ...): tiles
/// of up to 4 rows (as `elementwiseStrategy` takes for the partial sums
/// alone), summed over q one step at a time, then over l in registers.
/// (The rows' sums, bias and activation are vectors of 4, not whole
/// vectors: 4 values per 4 rows of W streamed.)
ScheduleAttr rowSumsStrategy(Builder s, linalg::LinalgOp root, linalg::LinalgOp last,
                             const ScheduleTarget &t) {
  SmallVector<int64_t> rootBounds = root.getStaticLoopRanges();
  s.tile.assign(last.getNumLoops(), 0);
  s.tile[1] = partialSumRows(rootBounds[0], rootBounds[2] / s.lanes, t);
  s.reduce = {1};
  return s.get();
}

} // namespace

bool isMultiplyAccumulate(linalg::LinalgOp op) {
  if (linalg::isaContractionOpInterface(op))
    return true;
  auto g = dyn_cast<linalg::GenericOp>(op.getOperation());
  if (!g || g.getNumDpsInputs() != 2 || g.getNumDpsInits() != 1 ||
      g.getNumReductionLoops() == 0 ||
      !g.getMatchingIndexingMap(g.getDpsInitOperand(0)).isProjectedPermutation())
    return false;
  // Each input index a dim or a sum of dims with constant factors (oh + i).
  for (OpOperand *in : g.getDpsInputOperands())
    for (AffineExpr e : g.getMatchingIndexingMap(in).getResults()) {
      bool plain = true;
      e.walk([&](AffineExpr sub) {
        plain &= isa<AffineDimExpr, AffineConstantExpr>(sub) ||
                 sub.getKind() == AffineExprKind::Add ||
                 (sub.getKind() == AffineExprKind::Mul &&
                  isa<AffineConstantExpr>(cast<AffineBinaryOpExpr>(sub).getRHS()));
      });
      if (!plain)
        return false;
    }
  return linalg::detail::isContractionBody(
      *g.getBlock(), [](Operation *mul, Operation *add) {
        return isa<arith::MulFOp>(mul) && isa<arith::AddFOp>(add);
      });
}

bool isGenericContraction(Operation *op) {
  auto g = dyn_cast<linalg::GenericOp>(op);
  if (!g || g.getNumReductionLoops() == 0 || g.getNumDpsInits() != 1 ||
      !isMultiplyAccumulate(cast<linalg::LinalgOp>(op)))
    return false;
  // Parallel loops first (a reduction between them is a row of partial
  // sums, scheduled as such), and the output's innermost dim innermost in an
  // input too, so the vectors are contiguous loads.
  auto iters = g.getIteratorTypesArray();
  if (!llvm::is_sorted(iters, [](utils::IteratorType a, utils::IteratorType b) {
        return linalg::isParallelIterator(a) && !linalg::isParallelIterator(b);
      }))
    return false;
  AffineMap out = g.getMatchingIndexingMap(g.getDpsInitOperand(0));
  if (out.getNumResults() == 0 ||
      llvm::none_of(g.getDpsInputOperands(), [&](OpOperand *in) {
        AffineMap m = g.getMatchingIndexingMap(in);
        return m.getNumResults() > 0 &&
               m.getResults().back() == out.getResults().back();
      }))
    return false;
  for (auto [i, e] : llvm::enumerate(out.getResults())) {
    auto d = dyn_cast<AffineDimExpr>(e);
    if (!d || !linalg::isParallelIterator(g.getIteratorTypesArray()[d.getPosition()]))
      return false;
    if (i > 0 && cast<AffineDimExpr>(out.getResult(i - 1)).getPosition() >= d.getPosition())
      return false;
  }
  return true;
}

bool isPackedMatmul(Operation *op) {
  auto g = dyn_cast<linalg::GenericOp>(op);
  if (!g || g.getNumLoops() != 4 || g.getNumDpsInputs() != 2 ||
      g.getNumDpsInits() != 1 || !g.hasPureTensorSemantics() ||
      !isGenericContraction(op))
    return false;
  MLIRContext *ctx = op->getContext();
  AffineExpr m, no, ni, k;
  bindDims(ctx, m, no, ni, k);
  auto maps = g.getIndexingMapsArray();
  return maps[0] == AffineMap::get(4, 0, {m, k}, ctx) &&
         maps[1] == AffineMap::get(4, 0, {no, k, ni}, ctx) &&
         maps[2] == AffineMap::get(4, 0, {m, no, ni}, ctx);
}

bool packedRowsSplit(int64_t m, int64_t panels, int64_t n, int64_t k, const ScheduleTarget &t,
                     int64_t lanes, int64_t elemBytes) {
  int64_t rows = std::min(m, registerRows(n, lanes, t));
  return panels * k * n * elemBytes <= t.l2Bytes / 2 && rows * k * elemBytes <= t.l1Bytes &&
         m >= rows * t.cores && m >= panels * n;
}

bool isRowsOfPartialSums(Operation *op) {
  auto g = dyn_cast<linalg::GenericOp>(op);
  if (!g || g.getNumLoops() != 3 || g.getNumDpsInputs() != 2 || g.getNumDpsInits() != 1)
    return false;
  auto iters = g.getIteratorTypesArray();
  MLIRContext *ctx = op->getContext();
  AffineExpr n, q, l;
  bindDims(ctx, n, q, l);
  // A multiply-add body (another reduction of this shape is no dense layer).
  return linalg::isParallelIterator(iters[0]) && linalg::isReductionIterator(iters[1]) &&
         linalg::isParallelIterator(iters[2]) &&
         g.getMatchingIndexingMap(g.getDpsInitOperand(0)) == AffineMap::get(3, 0, {n, l}, ctx) &&
         linalg::isaContractionOpInterface(cast<linalg::LinalgOp>(op));
}

linalg::GenericOp rowSumsOf(Operation *op) {
  if (!isRowsOfPartialSums(op) || !op->hasOneUse())
    return nullptr;
  auto sums = dyn_cast<linalg::GenericOp>(*op->getUsers().begin());
  if (!sums || sums->getBlock() != op->getBlock() || sums.getNumDpsInputs() != 1 ||
      sums.getNumDpsInits() != 1 || sums.getNumLoops() != 3 ||
      sums.getStaticLoopRanges()[0] != 1 ||
      !sums.getDpsInitOperand(0)->get().getDefiningOp<linalg::FillOp>())
    return nullptr;
  auto iters = sums.getIteratorTypesArray();
  MLIRContext *ctx = op->getContext();
  AffineExpr o, n, l;
  bindDims(ctx, o, n, l);
  auto maps = sums.getIndexingMapsArray();
  Block &body = sums.getRegion().front();
  Operation *yielded = body.getTerminator()->getOperand(0).getDefiningOp();
  bool sumsRows = linalg::isParallelIterator(iters[0]) && linalg::isParallelIterator(iters[1]) &&
                  linalg::isReductionIterator(iters[2]) &&
                  maps[0] == AffineMap::get(3, 0, {n, l}, ctx) &&
                  maps[1] == AffineMap::get(3, 0, {o, n}, ctx);
  // The sum of the partial sum and the accumulator, nothing else.
  bool addsArgs = yielded && isa<arith::AddFOp>(yielded) && body.getOperations().size() == 2 &&
                  llvm::is_contained(yielded->getOperands(), body.getArgument(0)) &&
                  llvm::is_contained(yielded->getOperands(), body.getArgument(1));
  return sumsRows && addsArgs ? sums : nullptr;
}

ScheduleAttr chooseSchedule(linalg::LinalgOp root, linalg::LinalgOp last,
                            const ScheduleTarget &target) {
  // (A packed product's own type: an op after it may compare or convert.)
  Type elem = getElementTypeOrSelf(
      (isPackedMatmul(root) ? root : last)->getResult(0).getType());
  Builder s{root->getContext()};
  s.lanes = target.lanes(elem);
  SmallVector<int64_t> bounds = last.getStaticLoopRanges();
  int64_t elemBytes = elem.getIntOrFloatBitWidth() / 8;
  if (isPackedMatmul(root)) {
    ScheduleAttr packed =
        packedMatmulStrategy(s, root.getStaticLoopRanges(), target, elemBytes);
    if (root == last)
      return packed;
    // Elementwise ops after it, over its parallel loops (kernel-form takes
    // them only when it has no cache tiles): the register tiles over those.
    return ScheduleAttr::get(root->getContext(), packed.getTile().take_front(bounds.size()),
                             packed.getReduce(), packed.getCache(), packed.getOrder(),
                             packed.getLanes(), packed.getPacked(), packed.getEpilogue());
  }
  if (isContraction(root) && bounds.size() >= 2)
    return matmulStrategy(s, root, last, bounds, target, elemBytes);
  if (rowSumsOf(root) && root != last)
    return rowSumsStrategy(s, root, last, target);
  auto iters = last.getIteratorTypesArray();
  if (isGenericContraction(root) && llvm::any_of(iters, linalg::isParallelIterator))
    return genericContractionStrategy(s, root, last, target);
  if (auto t = dyn_cast<linalg::TransposeOp>(last.getOperation()))
    return transposeStrategy(s, t, bounds);
  return elementwiseStrategy(s, root, last, target);
}

} // namespace kiln::kernel
