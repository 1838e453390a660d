//===- PrefetchStreams.cpp - The rows a reduction streams, ahead -----------===//
//
// The shape this pass looks for, after bufferization (a register block's
// reduction over k, B packed into panels [N/n][K][n]):
//
//   scf.for %k = %lb to %ub step 1 {
//     %b = vector.transfer_read %B[%p, %k, %c0] : memref<..x K x n>, vector<1 x n>
//     ... vector.contract / vector.fma ...
//   }
//
// Each iteration reads the row after the last one. With k blocks of 1024
// the panel (128 KB) streams from L2 on every register block, and the L1
// prefetcher follows it late: the 1024 matmul ran 4% faster on one core with
// the row `distance` ahead prefetched (each of its lines) at the end of the
// body. The last `distance` rows of the memref have no row that far ahead:
// the loop is split there, its tail without prefetches (a branch in the body
// made LLVM load all the broadcasts first and spill accumulators: half the
// speed; a clamped index cost five instructions an iteration and the gain).
//
// A weight gradient's unpacked B (dy, rows of 512 floats) is read a few
// lines of each row at a time: a strided stream, rows 2 KB apart, that the
// hardware follows worse still (char_transformer's feed-forward weight
// gradients stalled on those loads; their rows prefetched `distance` bytes
// of reads ahead, 16 rows: 21% and 12% faster, the step +2.5-4% on one core).
// Its row index is the induction variable plus the chunk's first row; the
// loop then splits `ahead` iterations before its end.
//
#include "dialects/Kernel/Transforms/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "llvm/ADT/DenseSet.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace kiln::kernel {
#define GEN_PASS_DEF_KERNELPREFETCHSTREAMSPASS
#include "dialects/Kernel/Transforms/Passes.h.inc"
} // namespace kiln::kernel

using namespace mlir;

namespace {

constexpr int64_t kLineBytes = 64;
/// Rows of more lines are not streams a few prefetches keep ahead of.
constexpr int64_t kMaxLines = 4;

/// A read of whole rows (or a few lines of wider rows) at the loop's
/// induction variable (plus values fixed in the loop), and where to
/// prefetch its rows.
struct Stream {
  Value base;
  SmallVector<Value> indices;
  int64_t rowDim, ahead, lines, lineElems;
  /// The first iteration whose row `ahead` is past what the loop may read.
  int64_t end;
  /// The strided stream's column (null: whole rows, from column 0).
  Value column;
};

struct KernelPrefetchStreamsPass
    : kiln::kernel::impl::KernelPrefetchStreamsPassBase<KernelPrefetchStreamsPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<scf::ForOp> loops;
    getOperation().walk([&](scf::ForOp f) { loops.push_back(f); });
    for (scf::ForOp loop : loops) {
      std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound());
      std::optional<int64_t> ub = getConstantIntValue(loop.getUpperBound());
      if (!lb || !ub || !isReduction(loop))
        continue;
      SmallVector<Stream> streams;
      for (Operation &op : *loop.getBody()) {
        std::optional<Stream> s;
        if (auto read = dyn_cast<vector::LoadOp>(op))
          s = stream(loop, *lb, *ub, read.getBase(), read.getIndices(), read.getVectorType());
        if (auto read = dyn_cast<vector::TransferReadOp>(op);
            read && read.getPermutationMap().isMinorIdentity())
          s = stream(loop, *lb, *ub, read.getSource(), read.getIndices(), read.getVectorType());
        if (s)
          streams.push_back(*s);
      }
      if (streams.empty())
        continue;
      int64_t split = *ub, ahead = 0;
      for (const Stream &s : streams)
        split = std::min(split, s.end), ahead = std::max(ahead, s.ahead);
      // Too short a head to be worth its own loop.
      if (split - *lb < ahead)
        continue;
      if (split < *ub)
        splitAt(loop, split);
      for (const Stream &s : streams)
        prefetch(loop, s);
      numStreams += streams.size();
    }
  }

  /// A loop of step 1 that sums products.
  static bool isReduction(scf::ForOp loop) {
    std::optional<int64_t> step = getConstantIntValue(loop.getStep());
    return step == 1 && (!loop.getBody()->getOps<vector::ContractionOp>().empty() ||
                         !loop.getBody()->getOps<vector::FMAOp>().empty());
  }

  /// Whether `v` is the same on every iteration of `loop`: defined outside
  /// it, or by a side-effect-free op of such values in its body (the panel's
  /// index, an affine.apply of loops above, is computed in the reduction's
  /// body before kernel-lower-vectors hoists it).
  static bool invariant(scf::ForOp loop, Value v, int depth = 0) {
    if (!loop.getRegion().isAncestor(v.getParentRegion()))
      return true;
    Operation *def = v.getDefiningOp();
    if (!def || depth > 4 || def->getNumRegions() != 0 || !isMemoryEffectFree(def))
      return false;
    return llvm::all_of(def->getOperands(),
                        [&](Value o) { return invariant(loop, o, depth + 1); });
  }

  /// Rows one after the other: the last dim contiguous, the one before it
  /// a row apart.
  static bool rowMajorRows(MemRefType t) {
    SmallVector<int64_t> strides;
    int64_t offset;
    if (failed(getStridesAndOffset(t, strides, offset)))
      return false;
    unsigned rank = t.getRank();
    return strides[rank - 1] == 1 && strides[rank - 2] == t.getShape()[rank - 1];
  }

  /// Whether `row` is the induction variable plus values the same on every
  /// iteration: an affine.apply of a plain sum (a chunk's first row + k).
  static bool offsetRow(scf::ForOp loop, Value row) {
    auto apply = row.getDefiningOp<affine::AffineApplyOp>();
    if (!apply || apply.getAffineMap().getNumResults() != 1)
      return false;
    AffineMap map = apply.getAffineMap();
    ValueRange operands = apply.getMapOperands();
    // The operands the sum adds, each at most once (a repeated one would be
    // scaled), the induction variable among them and every other one the
    // same on every iteration.
    llvm::SmallDenseSet<unsigned> used;
    SmallVector<AffineExpr> terms{map.getResult(0)};
    while (!terms.empty()) {
      AffineExpr e = terms.pop_back_val();
      if (auto sum = dyn_cast<AffineBinaryOpExpr>(e); sum && e.getKind() == AffineExprKind::Add)
        terms.append({sum.getLHS(), sum.getRHS()});
      else if (auto d = dyn_cast<AffineDimExpr>(e); d && used.insert(d.getPosition()).second)
        continue;
      else if (auto y = dyn_cast<AffineSymbolExpr>(e);
               y && used.insert(map.getNumDims() + y.getPosition()).second)
        continue;
      else
        return false;
    }
    Value iv = loop.getInductionVar();
    int ivs = 0;
    for (unsigned i : used) {
      if (operands[i] == iv)
        ++ivs;
      else if (!invariant(loop, operands[i]))
        return false;
    }
    return ivs == 1;
  }

  /// The stream `loop` (from `lb` to `ub`) reads at `indices` of `base`, if
  /// it is one worth prefetching.
  std::optional<Stream> stream(scf::ForOp loop, int64_t lb, int64_t ub, Value base,
                               ValueRange indices, VectorType vt) {
    auto source = dyn_cast<MemRefType>(base.getType());
    if (!source || source.getRank() < 2 || !source.hasStaticShape() || !rowMajorRows(source) ||
        !invariant(loop, base))
      return std::nullopt;
    // The row at the induction variable (or k plus a chunk's first row),
    // every other index the same on every iteration; reading the row whole,
    // [.., %k, 0], or a few lines of a wider row at a fixed column.
    Value iv = loop.getInductionVar();
    unsigned rank = source.getRank();
    Value rowIndex = indices[rank - 2], column = indices[rank - 1];
    bool offset = rowIndex != iv;
    if (offset && !offsetRow(loop, rowIndex))
      return std::nullopt;
    for (Value i : indices.drop_back(2))
      if (!invariant(loop, i))
        return std::nullopt;
    Type elem = source.getElementType();
    if (!elem.isIntOrFloat() || elem.getIntOrFloatBitWidth() % 8 != 0 ||
        vt.getNumElements() != vt.getShape().back())
      return std::nullopt;
    int64_t elemBytes = elem.getIntOrFloatBitWidth() / 8;
    int64_t rowBytes = source.getShape().back() * elemBytes;
    int64_t readBytes = vt.getNumElements() * elemBytes;
    bool whole = readBytes == rowBytes && getConstantIntValue(column) == 0;
    // Whole rows of a panel, or lines of rows too wide to be one: rows up
    // to kMaxLines are read whole or not at all (a half row's other half is
    // another register tile's).
    bool strided = rowBytes > kMaxLines * kLineBytes && invariant(loop, column);
    if ((!whole && !strided) || readBytes % kLineBytes != 0 ||
        readBytes / kLineBytes > kMaxLines)
      return std::nullopt;
    // Only rows that outgrow L1 within the loop stream from L2 (and a split
    // copies the loop's body: LLVM's time).
    if ((ub - lb) * rowBytes <= l1Bytes)
      return std::nullopt;
    int64_t ahead = std::max<int64_t>(1, distanceBytes / readBytes);
    // Offset rows are known to exist only up to the loop's last.
    int64_t end = offset ? ub - ahead : source.getShape()[rank - 2] - ahead;
    return Stream{base,         SmallVector<Value>(indices.begin(), indices.end()),
                  rank - 2,     ahead,
                  readBytes / kLineBytes, kLineBytes / elemBytes,
                  end,          whole ? Value() : column};
  }

  /// Runs `loop` up to `split`, and a copy of it (no prefetches) from there.
  static void splitAt(scf::ForOp loop, int64_t split) {
    OpBuilder b(loop);
    Value at = b.create<arith::ConstantIndexOp>(loop.getLoc(), split);
    b.setInsertionPointAfter(loop);
    auto tail = cast<scf::ForOp>(b.clone(*loop));
    tail.getLowerBoundMutable().assign(at);
    loop.getUpperBoundMutable().assign(at);
    if (loop.getNumResults() == 0)
      return;
    loop.getResults().replaceAllUsesWith(tail.getResults());
    tail.getInitArgsMutable().assign(loop.getResults());
  }

  /// At the end of the body: LLVM keeps loads from crossing a prefetch,
  /// and one among the broadcasts made it load them all first, spilling
  /// the accumulators (512 matmul: half the speed).
  static void prefetch(scf::ForOp loop, const Stream &s) {
    OpBuilder b(loop.getBody()->getTerminator());
    Location loc = loop.getLoc();
    auto cst = [&](int64_t v) { return b.create<arith::ConstantIndexOp>(loc, v).getResult(); };
    SmallVector<Value> index = s.indices;
    index[s.rowDim] = b.create<arith::AddIOp>(loc, s.indices[s.rowDim], cst(s.ahead));
    for (int64_t line = 0; line < s.lines; ++line) {
      Value at = cst(line * s.lineElems);
      index[s.rowDim + 1] = s.column ? b.create<arith::AddIOp>(loc, s.column, at) : at;
      b.create<memref::PrefetchOp>(loc, s.base, index, /*isWrite=*/false,
                                   /*localityHint=*/3, /*isDataCache=*/true);
    }
  }
};

} // namespace
