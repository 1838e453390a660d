//===- RecurrentBuilders.cpp - LSTM, GRU and RNN as loops over the steps --===//
#include "dialects/NN/IR/RecurrentBuilders.h"
#include "dialects/NN/IR/LinalgBuilders.h"
#include "dialects/NN/IR/SequenceBuilders.h"
#include "dialects/Kernel/IR/KernelAttrs.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"

using namespace mlir;

namespace kiln {
namespace {

RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }

/// Offsets, sizes and strides of step t of [B, T, K].
struct StepSlice {
  SmallVector<OpFoldResult> offsets, sizes, strides;
};

StepSlice stepSlice(OpBuilder &b, RankedTensorType st, OpFoldResult t) {
  return {{b.getIndexAttr(0), t, b.getIndexAttr(0)},
          {b.getIndexAttr(st.getDimSize(0)), b.getIndexAttr(1), b.getIndexAttr(st.getDimSize(2))},
          SmallVector<OpFoldResult>(3, b.getIndexAttr(1))};
}

/// Step t (an index) of [B, T, K] as [B, K].
Value stepOf(OpBuilder &b, Location loc, Value seq, OpFoldResult t) {
  auto st = typeOf(seq);
  StepSlice s = stepSlice(b, st, t);
  return b.create<tensor::ExtractSliceOp>(
      loc, RankedTensorType::get({st.getDimSize(0), st.getDimSize(2)}, st.getElementType()),
      seq, s.offsets, s.sizes, s.strides);
}

/// `seq` with step t replaced by v [B, K].
Value setStep(OpBuilder &b, Location loc, Value seq, Value v, OpFoldResult t) {
  StepSlice s = stepSlice(b, typeOf(seq), t);
  return b.create<tensor::InsertSliceOp>(loc, v, seq, s.offsets, s.sizes, s.strides);
}

/// [rows of `seq`, k]: one step of a sequence of k features.
RankedTensorType rowType(Value seq, int64_t k) {
  auto st = typeOf(seq);
  return RankedTensorType::get({st.getDimSize(0), k}, st.getElementType());
}

Value indexOf(OpBuilder &b, Location loc, int64_t v) {
  return b.create<arith::ConstantIndexOp>(loc, v);
}

/// The step at position n (an index) of a run over `steps`: n, or T-1-n
/// when the run is reversed.
Value stepAt(OpBuilder &b, Location loc, Value n, int64_t steps, bool reverse) {
  return reverse ? b.create<arith::SubIOp>(loc, indexOf(b, loc, steps - 1), n).getResult() : n;
}

Value minusOne(OpBuilder &b, Location loc, Value n) {
  return b.create<arith::SubIOp>(loc, n, indexOf(b, loc, 1));
}

/// The cotangent of h at `step` (position n): from above, plus, with
/// `carry`, what flowed back from position n + 1 (kept at n in `flowing`).
Value incomingDh(OpBuilder &b, Location loc, Value dh, Value flowing, Value step, Value n,
                 bool carry) {
  Value dht = stepOf(b, loc, dh, step);
  if (!carry)
    return dht;
  return mapElementwise(b, loc, {dht, stepOf(b, loc, flowing, n)},
                        typeOf(dh).getElementType(), binary<arith::AddFOp>);
}

/// An uninitialized [B, T, k] sequence (each position writes its step).
Value sequence(OpBuilder &b, Location loc, int64_t bs, int64_t steps, int64_t k, Type t) {
  return b.create<tensor::EmptyOp>(loc, ArrayRef<int64_t>{bs, steps, k}, t);
}

/// One position of a recurrence: given the position n (an index), whether
/// it is the run's first (no previous state) and whether a later position
/// passed state back (backward only), the sequences it reads (`in`) and
/// those it carries, it returns the carried sequences. Every one is
/// [rows, T, k]: the batch, or a block of it (`inBatchBlocks`).
using StepBody = function_ref<SmallVector<Value>(OpBuilder &, Location, Value n, bool first,
                                                 bool carry, ValueRange in, ValueRange seqs)>;

/// scf.for k in [0, count) carrying `seqs`; body(k).
SmallVector<Value> loop(OpBuilder &b, Location loc, int64_t count, ValueRange seqs,
                        function_ref<SmallVector<Value>(OpBuilder &, Location, Value, ValueRange)> body) {
  auto f = b.create<scf::ForOp>(loc, indexOf(b, loc, 0), indexOf(b, loc, count),
                                indexOf(b, loc, 1), seqs,
                                [&](OpBuilder &nb, Location l, Value k, ValueRange acc) {
                                  nb.create<scf::YieldOp>(l, body(nb, l, k, acc));
                                });
  return SmallVector<Value>(f.getResults());
}

/// The most bytes the per-block partial sums of a recurrence's weight
/// gradients may take: fewer blocks than cores for large weights.
constexpr int64_t kMaxPartialBytes = 64 << 20;

/// How many blocks the batch of a recurrence runs in: the most, up to the
/// target's cores (the module's `kiln.cores`, 1 without it) and `most`,
/// that divide `batch` evenly.
int64_t batchBlocks(OpBuilder &b, int64_t batch, int64_t most) {
  int64_t cores = moduleFact(b, kCoresAttr);
  int64_t blocks = cores ? std::min({cores, batch, most}) : 1;
  while (blocks > 1 && batch % blocks != 0)
    --blocks;
  return std::max<int64_t>(blocks, 1);
}

/// Rows [at, at + rows) of [B, T, k].
Value rowsOf(OpBuilder &b, Location loc, Value seq, Value at, int64_t rows) {
  auto st = typeOf(seq);
  return b.create<tensor::ExtractSliceOp>(
      loc, RankedTensorType::get({rows, st.getDimSize(1), st.getDimSize(2)}, st.getElementType()),
      seq, ArrayRef<OpFoldResult>{at, b.getIndexAttr(0), b.getIndexAttr(0)},
      ArrayRef<OpFoldResult>{b.getIndexAttr(rows), b.getIndexAttr(st.getDimSize(1)),
                             b.getIndexAttr(st.getDimSize(2))},
      SmallVector<OpFoldResult>(3, b.getIndexAttr(1)));
}

/// `partials` [blocks, ...] summed over the blocks, in block order.
Value sumBlocks(OpBuilder &b, Location loc, Value partials) {
  auto pt = typeOf(partials);
  auto shape = pt.getShape().drop_front();
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  SmallVector<ReassociationIndices> groups{{0}, {}};
  for (int64_t d = 1; d < pt.getRank(); ++d)
    groups[1].push_back(d);
  Value rows = b.create<tensor::CollapseShapeOp>(
      loc, RankedTensorType::get({pt.getDimSize(0), n}, pt.getElementType()), partials, groups);
  Value sum = reduce2d(b, loc, rows, 0, 0.0, binary<arith::AddFOp>);
  if (shape.size() == 1)
    return sum;
  SmallVector<ReassociationIndices> all{{}};
  for (int64_t d = 0; d < (int64_t)shape.size(); ++d)
    all[0].push_back(d);
  return b.create<tensor::ExpandShapeOp>(
      loc, RankedTensorType::get(shape, pt.getElementType()), sum, all);
}

/// The batch rows of a recurrence are independent: with blocks > 1, `run`
/// goes in a loop over blocks of rows (marked kernel.parallel: threads
/// split it), each reading its rows of `in` and writing its rows of `seqs`:
/// a thread runs all the steps of its rows, the steps stay serial, and its
/// rows stay in its core's cache. `run` returns the sequences, then sums
/// over its rows (weight gradients) of `sumTypes`: each block's goes in a
/// slab of [blocks, ...] partials, added up after the loop in block order.
SmallVector<Value> inBatchBlocks(
    OpBuilder &b, Location loc, ValueRange in, ValueRange seqs, ArrayRef<RankedTensorType> sumTypes,
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange, ValueRange)> run) {
  int64_t sumBytes = 0;
  for (RankedTensorType t : sumTypes)
    sumBytes += t.getNumElements() * ((t.getElementTypeBitWidth() + 7) / 8);
  int64_t bs = typeOf(seqs[0]).getDimSize(0);
  int64_t blocks = batchBlocks(b, bs, std::max<int64_t>(1, kMaxPartialBytes / std::max<int64_t>(sumBytes, 1)));
  if (blocks == 1)
    return run(b, loc, in, seqs);
  int64_t rows = bs / blocks;
  SmallVector<Value> inits(seqs);
  for (RankedTensorType t : sumTypes) {
    SmallVector<int64_t> shape{blocks};
    llvm::append_range(shape, t.getShape());
    inits.push_back(b.create<tensor::EmptyOp>(loc, shape, t.getElementType()));
  }
  auto f = b.create<scf::ForOp>(
      loc, indexOf(b, loc, 0), indexOf(b, loc, blocks), indexOf(b, loc, 1), inits,
      [&](OpBuilder &nb, Location l, Value k, ValueRange acc) {
        Value at = nb.create<affine::AffineApplyOp>(
            l, AffineMap::get(1, 0, nb.getAffineDimExpr(0) * rows), ValueRange{k});
        auto slice = [&](ValueRange vs) {
          return llvm::map_to_vector(vs, [&](Value v) { return rowsOf(nb, l, v, at, rows); });
        };
        SmallVector<Value> out = run(nb, l, slice(in), slice(acc.take_front(seqs.size())));
        SmallVector<Value> yielded;
        for (auto [i, o] : llvm::enumerate(out)) {
          auto type = typeOf(acc[i]);
          int64_t rank = type.getRank();
          SmallVector<OpFoldResult> offsets(rank, nb.getIndexAttr(0)), sizes,
              strides(rank, nb.getIndexAttr(1));
          // A sequence's rows of the block; a sum's slab k.
          bool seq = i < seqs.size();
          offsets[0] = seq ? OpFoldResult(at) : OpFoldResult(k);
          sizes.push_back(nb.getIndexAttr(seq ? rows : 1));
          for (int64_t d : type.getShape().drop_front())
            sizes.push_back(nb.getIndexAttr(d));
          yielded.push_back(
              nb.create<tensor::InsertSliceOp>(l, o, acc[i], offsets, sizes, strides));
        }
        nb.create<scf::YieldOp>(l, yielded);
      });
  f->setAttr(kernel::kParallelAttr, b.getUnitAttr());
  SmallVector<Value> results(f.getResults().take_front(seqs.size()));
  for (Value partial : f.getResults().drop_front(seqs.size()))
    results.push_back(sumBlocks(b, loc, partial));
  return results;
}

/// The forward recurrence as a loop: position 0 peeled (it has no previous
/// state), then 1 .. T-1. The carried values are whole sequences, each
/// position writing its step: nothing [B, H] leaves an iteration, so every
/// buffer stays in place once bufferized.
SmallVector<Value> forwardLoop(OpBuilder &b, Location loc, int64_t steps, ValueRange in,
                               ValueRange seqs, StepBody body) {
  SmallVector<Value> acc = body(b, loc, indexOf(b, loc, 0), true, false, in, seqs);
  if (steps == 1)
    return acc;
  return loop(b, loc, steps - 1, acc, [&](OpBuilder &nb, Location l, Value k, ValueRange a) {
    return body(nb, l, nb.create<arith::AddIOp>(l, k, indexOf(nb, l, 1)), false, true, in, a);
  });
}

/// Backprop through time as a loop: position T-1 peeled (nothing flows back
/// into it), then T-2 .. 1, then 0 peeled (no previous state).
SmallVector<Value> backwardLoop(OpBuilder &b, Location loc, int64_t steps, ValueRange in,
                                ValueRange seqs, StepBody body) {
  SmallVector<Value> acc = body(b, loc, indexOf(b, loc, steps - 1), steps == 1, false, in, seqs);
  if (steps > 2)
    acc = loop(b, loc, steps - 2, acc, [&](OpBuilder &nb, Location l, Value k, ValueRange a) {
      Value n = nb.create<arith::SubIOp>(l, indexOf(nb, l, steps - 2), k);
      return body(nb, l, n, false, true, in, a);
    });
  if (steps > 1)
    acc = body(b, loc, indexOf(b, loc, 0), true, true, in, acc);
  return acc;
}

/// The forward recurrence over the batch's blocks: `in` read, `seqs`
/// carried (see forwardLoop).
SmallVector<Value> forwardSteps(OpBuilder &b, Location loc, int64_t steps, ValueRange in,
                                ValueRange seqs, StepBody body) {
  return inBatchBlocks(b, loc, in, seqs, {},
                       [&](OpBuilder &b, Location loc, ValueRange in, ValueRange seqs) {
                         return forwardLoop(b, loc, steps, in, seqs, body);
                       });
}

/// What a block computes once its steps have run, from its rows of the
/// inputs and of the carried sequences: the sequences of `outs`, then sums
/// of `sumTypes` over its rows.
using BlockEnd = function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange in,
                                                 ValueRange seqs)>;

/// Backprop through time over the batch's blocks (see backwardLoop), then
/// `end` over them: returns the carried sequences, `outs`, the sums. Two
/// loops, both split the same way (the pool gives part i to thread i, so
/// a block's rows stay on one core): the second reads what the first wrote
/// through other views (the rows of all steps as one matrix), which a trip
/// may only do to a buffer the loop does not write (ParallelLoops.cpp).
SmallVector<Value> backwardSteps(OpBuilder &b, Location loc, int64_t steps, ValueRange in,
                                 ValueRange seqs, ValueRange outs,
                                 ArrayRef<RankedTensorType> sumTypes, StepBody body,
                                 BlockEnd end) {
  SmallVector<Value> r = inBatchBlocks(
      b, loc, in, seqs, {}, [&](OpBuilder &b, Location loc, ValueRange in, ValueRange seqs) {
        return backwardLoop(b, loc, steps, in, seqs, body);
      });
  SmallVector<Value> read(in);
  llvm::append_range(read, r);
  llvm::append_range(
      r, inBatchBlocks(b, loc, read, outs, sumTypes,
                       [&](OpBuilder &b, Location loc, ValueRange read, ValueRange) {
                         return end(b, loc, read.take_front(in.size()),
                                    read.drop_front(in.size()));
                       }));
  return r;
}

/// A generic over [B, H] reading `ins` (each [B, H], or [B, 4H] at gate
/// `gate` when given) and writing `numOut` [B, H] results.
SmallVector<Value> mapGates(OpBuilder &b, Location loc, ArrayRef<std::pair<Value, int64_t>> ins,
                            RankedTensorType outType, int64_t numOut, int64_t h,
                            function_ref<SmallVector<Value>(ScalarOps &, ValueRange)> fn) {
  // Gates as [B, H] column slices: identity maps, so the loop bounds are
  // [B, H] (an offset map would make linalg infer them from [B, 4H]).
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  for (auto [v, gate] : ins) {
    Value in = v;
    if (gate >= 0)
      in = b.create<tensor::ExtractSliceOp>(
          loc, outType, v, ValueRange{}, ValueRange{}, ValueRange{},
          b.getDenseI64ArrayAttr({0, gate * h}),
          b.getDenseI64ArrayAttr({outType.getDimSize(0), h}), b.getDenseI64ArrayAttr({1, 1}));
    inputs.push_back(in);
    maps.push_back(b.getMultiDimIdentityMap(2));
  }
  SmallVector<Value> inits;
  SmallVector<Type> types;
  for (int64_t i = 0; i < numOut; ++i) {
    inits.push_back(b.create<tensor::EmptyOp>(loc, outType.getShape(), outType.getElementType()));
    types.push_back(outType);
    maps.push_back(b.getMultiDimIdentityMap(2));
  }
  Type t = outType.getElementType();
  auto g = b.create<linalg::GenericOp>(
      loc, types, inputs, inits, maps,
      SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
      [&](OpBuilder &nb, Location l, ValueRange a) {
        ScalarOps s{nb, l, t};
        nb.create<linalg::YieldOp>(l, fn(s, a.take_front(ins.size())));
      });
  return SmallVector<Value>(g.getResults());
}

Value sigmoidOf(ScalarOps &s, Value x) {
  return s.div(s.c(1.0), s.add(s.c(1.0), s.b.create<math::ExpOp>(s.l, s.sub(s.c(0.0), x))));
}

/// x [B, T, F] · W_ihᵀ plus the biases given: [B, T, G*H].
Value inputProjection(OpBuilder &b, Location loc, Value x, Value wih, ValueRange biases) {
  auto xt = typeOf(x);
  int64_t g = typeOf(wih).getDimSize(0);
  Value gx = matmul(b, loc, toRows(b, loc, x), transpose2d(b, loc, wih));
  for (Value bias : biases)
    gx = mapWithRow(b, loc, gx, bias, binary<arith::AddFOp>);
  return fromRows(b, loc, gx,
                  RankedTensorType::get({xt.getDimSize(0), xt.getDimSize(1), g},
                                        xt.getElementType()));
}

/// h of the previous step in the run's order (zeros before the first).
Value previousSteps(OpBuilder &b, Location loc, Value h, bool reverse) {
  auto ht = typeOf(h);
  int64_t bs = ht.getDimSize(0), steps = ht.getDimSize(1), hd = ht.getDimSize(2);
  Value prev = filled(b, loc, ht, 0.0);
  if (steps == 1)
    return prev;
  SmallVector<int64_t> sizes{bs, steps - 1, hd};
  Value part = b.create<tensor::ExtractSliceOp>(
      loc, RankedTensorType::get(sizes, ht.getElementType()), h, ValueRange{}, ValueRange{},
      ValueRange{}, b.getDenseI64ArrayAttr({0, reverse ? 1 : 0, 0}),
      b.getDenseI64ArrayAttr(sizes), b.getDenseI64ArrayAttr({1, 1, 1}));
  return b.create<tensor::InsertSliceOp>(
      loc, part, prev, ValueRange{}, ValueRange{}, ValueRange{},
      b.getDenseI64ArrayAttr({0, reverse ? 0 : 1, 0}), b.getDenseI64ArrayAttr(sizes),
      b.getDenseI64ArrayAttr({1, 1, 1}));
}

/// {dx, dW, db} of a projection p = x Wᵀ + b over all steps, from dp.
SmallVector<Value, 3> projectionGrads(OpBuilder &b, Location loc, Value dp, Value x, Value w) {
  Value rows = toRows(b, loc, dp);
  return {fromRows(b, loc, matmul(b, loc, rows, w), typeOf(x)),
          matmulTransposeA(b, loc, rows, toRows(b, loc, x)),
          reduce2d(b, loc, rows, 0, 0.0, binary<arith::AddFOp>)};
}

/// dW_hh of the recurrent projection from da [B, T, G*H] and h [B, T, H]:
/// each step's da times the previous step's h (zeros before the first).
Value recurrentGrad(OpBuilder &b, Location loc, Value da, Value h, bool reverse) {
  return matmulTransposeA(b, loc, toRows(b, loc, da),
                          toRows(b, loc, previousSteps(b, loc, h, reverse)));
}

/// {dx, dW_ih, dW_hh, db} when one da [B, T, G*H] drives both projections
/// (LSTM, RNN).
SmallVector<Value> daGrads(OpBuilder &b, Location loc, Value da, Value x, Value h, Value wih,
                           bool reverse) {
  SmallVector<Value, 3> g = projectionGrads(b, loc, da, x, wih);
  return {g[0], g[1], recurrentGrad(b, loc, da, h, reverse), g[2]};
}

} // namespace

SmallVector<Value, 3> lstm(OpBuilder &b, Location loc, Value x, Value wih, Value whh,
                           Value bih, Value bhh, bool reverse) {
  auto xt = typeOf(x);
  int64_t bs = xt.getDimSize(0), steps = xt.getDimSize(1), h = typeOf(whh).getDimSize(1);
  Type t = xt.getElementType();
  // The input projection of every step, both biases added: [B, T, 4H].
  Value gx = inputProjection(b, loc, x, wih, {bih, bhh});
  Value whhT = transpose2d(b, loc, whh);
  Value hs = sequence(b, loc, bs, steps, h, t);
  Value cs = sequence(b, loc, bs, steps, h, t);
  Value gs = sequence(b, loc, bs, steps, 4 * h, t);
  SmallVector<Value> r = forwardSteps(
      b, loc, steps, {gx}, {hs, cs, gs},
      [&](OpBuilder &b, Location loc, Value n, bool first, bool, ValueRange in, ValueRange seqs) {
        auto row = [&](int64_t k) { return rowType(seqs[0], k); };
        Value step = stepAt(b, loc, n, steps, reverse);
        Value pre = stepOf(b, loc, in[0], step), cPrev;
        if (!first) {
          Value prev = stepAt(b, loc, minusOne(b, loc, n), steps, reverse);
          pre = mapElementwise(b, loc, {pre, matmul(b, loc, stepOf(b, loc, seqs[0], prev), whhT)},
                               t, binary<arith::AddFOp>);
          cPrev = stepOf(b, loc, seqs[1], prev);
        }
        // Activations: sigmoid for i, f, o; tanh for g (columns 2H .. 3H).
        Value acts = b.create<linalg::GenericOp>(
                          loc, row(4 * h), ValueRange{pre},
                          ValueRange{b.create<tensor::EmptyOp>(loc, row(4 * h).getShape(), t)},
                          SmallVector<AffineMap>(2, b.getMultiDimIdentityMap(2)),
                          SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
                          [&](OpBuilder &nb, Location l, ValueRange a) {
                            ScalarOps s{nb, l, t};
                            Value j = nb.create<linalg::IndexOp>(l, 1);
                            Value lo = nb.create<arith::ConstantIndexOp>(l, 2 * h);
                            Value hi = nb.create<arith::ConstantIndexOp>(l, 3 * h);
                            Value isG = nb.create<arith::AndIOp>(
                                l, nb.create<arith::CmpIOp>(l, arith::CmpIPredicate::uge, j, lo),
                                nb.create<arith::CmpIOp>(l, arith::CmpIPredicate::ult, j, hi));
                            Value th = nb.create<math::TanhOp>(l, a[0]);
                            nb.create<linalg::YieldOp>(l, s.select(isG, th, sigmoidOf(s, a[0])));
                          })
                         .getResult(0);
        SmallVector<std::pair<Value, int64_t>> ins{{acts, 0}, {acts, 1}, {acts, 2}, {acts, 3}};
        if (cPrev)
          ins.push_back({cPrev, -1});
        SmallVector<Value> ch =
            mapGates(b, loc, ins, row(h), 2, h, [&](ScalarOps &s, ValueRange a) {
              Value c = s.mul(a[0], a[2]); // i g
              if (a.size() > 4)
                c = s.add(c, s.mul(a[1], a[4])); // + f c_prev
              Value hv = s.mul(a[3], s.b.create<math::TanhOp>(s.l, c));
              return SmallVector<Value>{c, hv};
            });
        return SmallVector<Value>{setStep(b, loc, seqs[0], ch[1], step),
                                  setStep(b, loc, seqs[1], ch[0], step),
                                  setStep(b, loc, seqs[2], acts, step)};
      });
  return {r[0], r[1], r[2]};
}

SmallVector<Value, 5> lstmGrad(OpBuilder &b, Location loc, Value dh, Value x, Value wih,
                               Value whh, Value h, Value c, Value gates, bool reverse) {
  auto xt = typeOf(x);
  int64_t bs = xt.getDimSize(0), steps = xt.getDimSize(1), hd = typeOf(whh).getDimSize(1);
  Type t = xt.getElementType();
  // da per step; the dh and dc flowing back, written at the position that
  // reads them (n - 1).
  Value da = sequence(b, loc, bs, steps, 4 * hd, t);
  Value dhs = sequence(b, loc, bs, steps, hd, t);
  Value dcs = sequence(b, loc, bs, steps, hd, t);
  Value dx0 = sequence(b, loc, bs, steps, xt.getDimSize(2), t);
  SmallVector<Value> r = backwardSteps(
      b, loc, steps, {dh, gates, c, x, h}, {da, dhs, dcs}, {dx0},
      {typeOf(wih), typeOf(whh), RankedTensorType::get({4 * hd}, t)},
      [&](OpBuilder &b, Location loc, Value n, bool first, bool carry, ValueRange in,
          ValueRange seqs) {
        auto row = [&](int64_t k) { return rowType(seqs[0], k); };
        Value dh = in[0], gates = in[1], c = in[2];
        Value step = stepAt(b, loc, n, steps, reverse);
        Value dht = incomingDh(b, loc, dh, seqs[1], step, n, carry);
        Value acts = stepOf(b, loc, gates, step);
        SmallVector<std::pair<Value, int64_t>> ins{{acts, 0}, {acts, 1}, {acts, 2}, {acts, 3},
                                                   {stepOf(b, loc, c, step), -1}, {dht, -1}};
        Value prev = first ? Value() : stepAt(b, loc, minusOne(b, loc, n), steps, reverse);
        if (!first)
          ins.push_back({stepOf(b, loc, c, prev), -1});
        if (carry)
          ins.push_back({stepOf(b, loc, seqs[2], n), -1});
        // {d pre-activations of i, f, g, o; dc for the previous step}.
        SmallVector<Value> g =
            mapGates(b, loc, ins, row(hd), 5, hd, [&](ScalarOps &s, ValueRange a) {
              Value i = a[0], f = a[1], gg = a[2], o = a[3], ct = a[4], dhv = a[5];
              Value cPrev = first ? s.c(0.0) : a[6];
              Value tc = s.b.create<math::TanhOp>(s.l, ct);
              Value dc = s.mul(s.mul(dhv, o), s.sub(s.c(1.0), s.mul(tc, tc)));
              if (carry)
                dc = s.add(dc, a[first ? 6 : 7]);
              Value one = s.c(1.0);
              Value dai = s.mul(s.mul(dc, gg), s.mul(i, s.sub(one, i)));
              Value daf = s.mul(s.mul(dc, cPrev), s.mul(f, s.sub(one, f)));
              Value dag = s.mul(s.mul(dc, i), s.sub(one, s.mul(gg, gg)));
              Value dao = s.mul(s.mul(dhv, tc), s.mul(o, s.sub(one, o)));
              return SmallVector<Value>{dai, daf, dag, dao, s.mul(dc, f)};
            });
        Value dat = concat(b, loc, ValueRange{g[0], g[1], g[2], g[3]}, 1);
        SmallVector<Value> out{setStep(b, loc, seqs[0], dat, step), seqs[1], seqs[2]};
        if (!first) {
          Value back = minusOne(b, loc, n);
          out[1] = setStep(b, loc, seqs[1], matmul(b, loc, dat, whh), back);
          out[2] = setStep(b, loc, seqs[2], g[4], back);
        }
        return out;
      },
      [&](OpBuilder &b, Location loc, ValueRange in, ValueRange r) {
        return daGrads(b, loc, r[0], in[3], in[4], wih, reverse);
      });
  // After the carried da, dh, dc: dx, dW_ih, dW_hh, db (both biases').
  Value dx = r[3], dwih = r[4], dwhh = r[5], db = r[6];
  return {dx, dwih, dwhh, db, db};
}

SmallVector<Value, 2> gru(OpBuilder &b, Location loc, Value x, Value wih, Value whh,
                          Value bih, Value bhh, bool reverse) {
  auto xt = typeOf(x);
  int64_t bs = xt.getDimSize(0), steps = xt.getDimSize(1), h = typeOf(whh).getDimSize(1);
  Type t = xt.getElementType();
  Value gx = inputProjection(b, loc, x, wih, {bih});
  Value whhT = transpose2d(b, loc, whh);
  Value hs = sequence(b, loc, bs, steps, h, t);
  Value gs = sequence(b, loc, bs, steps, 4 * h, t);
  SmallVector<Value> r = forwardSteps(
      b, loc, steps, {gx}, {hs, gs},
      [&](OpBuilder &b, Location loc, Value n, bool first, bool, ValueRange in, ValueRange seqs) {
        auto row = [&](int64_t k) { return rowType(seqs[0], k); };
        Value gx = in[0];
        Value step = stepAt(b, loc, n, steps, reverse), hPrev;
        if (!first)
          hPrev = stepOf(b, loc, seqs[0], stepAt(b, loc, minusOne(b, loc, n), steps, reverse));
        Value gh = hPrev ? matmul(b, loc, hPrev, whhT) : filled(b, loc, row(3 * h), 0.0);
        gh = mapWithRow(b, loc, gh, bhh, binary<arith::AddFOp>);
        Value gxt = stepOf(b, loc, gx, step);
        SmallVector<std::pair<Value, int64_t>> ins{{gxt, 0}, {gxt, 1}, {gxt, 2},
                                                   {gh, 0},  {gh, 1},  {gh, 2}};
        if (hPrev)
          ins.push_back({hPrev, -1});
        // {r, z, n, W_hn h + b_hn, h'}.
        SmallVector<Value> g =
            mapGates(b, loc, ins, row(h), 5, h, [&](ScalarOps &s, ValueRange a) {
              Value r = sigmoidOf(s, s.add(a[0], a[3])), z = sigmoidOf(s, s.add(a[1], a[4]));
              Value nv = s.b.create<math::TanhOp>(s.l, s.add(a[2], s.mul(r, a[5])));
              Value hv = s.mul(s.sub(s.c(1.0), z), nv);
              if (a.size() > 6)
                hv = s.add(hv, s.mul(z, a[6]));
              return SmallVector<Value>{r, z, nv, a[5], hv};
            });
        return SmallVector<Value>{
            setStep(b, loc, seqs[0], g[4], step),
            setStep(b, loc, seqs[1], concat(b, loc, ValueRange{g[0], g[1], g[2], g[3]}, 1),
                    step)};
      });
  return {r[0], r[1]};
}

SmallVector<Value, 5> gruGrad(OpBuilder &b, Location loc, Value dh, Value x, Value wih,
                              Value whh, Value h, Value gates, bool reverse) {
  auto xt = typeOf(x);
  int64_t bs = xt.getDimSize(0), steps = xt.getDimSize(1), hd = typeOf(whh).getDimSize(1);
  Type t = xt.getElementType();
  Value dgx = sequence(b, loc, bs, steps, 3 * hd, t);
  Value dgh = sequence(b, loc, bs, steps, 3 * hd, t);
  Value dhs = sequence(b, loc, bs, steps, hd, t);
  Value dx0 = sequence(b, loc, bs, steps, xt.getDimSize(2), t);
  auto bias = RankedTensorType::get({3 * hd}, t);
  SmallVector<Value> r = backwardSteps(
      b, loc, steps, {dh, gates, h, x}, {dgx, dgh, dhs}, {dx0},
      {typeOf(wih), typeOf(whh), bias, bias},
      [&](OpBuilder &b, Location loc, Value n, bool first, bool carry, ValueRange in,
          ValueRange seqs) {
        auto row = [&](int64_t k) { return rowType(seqs[0], k); };
        Value dh = in[0], gates = in[1], h = in[2];
        Value step = stepAt(b, loc, n, steps, reverse);
        Value dht = incomingDh(b, loc, dh, seqs[2], step, n, carry);
        Value gt = stepOf(b, loc, gates, step);
        SmallVector<std::pair<Value, int64_t>> ins{{gt, 0}, {gt, 1}, {gt, 2}, {gt, 3}, {dht, -1}};
        if (!first)
          ins.push_back(
              {stepOf(b, loc, h, stepAt(b, loc, minusOne(b, loc, n), steps, reverse)), -1});
        // {d pre-activations r, z, n; d (W_hn h + b_hn); dh' through z}.
        SmallVector<Value> g =
            mapGates(b, loc, ins, row(hd), 5, hd, [&](ScalarOps &s, ValueRange a) {
              Value r = a[0], z = a[1], nv = a[2], hn = a[3], dhv = a[4];
              Value hp = first ? s.c(0.0) : a[5], one = s.c(1.0);
              Value dan = s.mul(s.mul(dhv, s.sub(one, z)), s.sub(one, s.mul(nv, nv)));
              Value dar = s.mul(s.mul(dan, hn), s.mul(r, s.sub(one, r)));
              Value daz = s.mul(s.mul(dhv, s.sub(hp, nv)), s.mul(z, s.sub(one, z)));
              return SmallVector<Value>{dar, daz, dan, s.mul(dan, r), s.mul(dhv, z)};
            });
        Value dght = concat(b, loc, ValueRange{g[0], g[1], g[3]}, 1);
        SmallVector<Value> out{
            setStep(b, loc, seqs[0], concat(b, loc, ValueRange{g[0], g[1], g[2]}, 1), step),
            setStep(b, loc, seqs[1], dght, step), seqs[2]};
        if (!first)
          out[2] = setStep(b, loc, seqs[2],
                           mapElementwise(b, loc, {g[4], matmul(b, loc, dght, whh)}, t,
                                          binary<arith::AddFOp>),
                           minusOne(b, loc, n));
        return out;
      },
      [&](OpBuilder &b, Location loc, ValueRange in, ValueRange r) {
        SmallVector<Value, 3> g = projectionGrads(b, loc, r[0], in[3], wih);
        Value dwhh = recurrentGrad(b, loc, r[1], in[2], reverse);
        Value dbhh = reduce2d(b, loc, toRows(b, loc, r[1]), 0, 0.0, binary<arith::AddFOp>);
        return SmallVector<Value>{g[0], g[1], dwhh, g[2], dbhh};
      });
  // After the carried dgx, dgh, dh: dx, dW_ih, dW_hh, db_ih, db_hh.
  Value dx = r[3], dwih = r[4], dwhh = r[5], dbih = r[6], dbhh = r[7];
  return {dx, dwih, dwhh, dbih, dbhh};
}

Value simpleRnn(OpBuilder &b, Location loc, Value x, Value wih, Value whh, Value bih,
                Value bhh, bool reverse) {
  auto xt = typeOf(x);
  int64_t bs = xt.getDimSize(0), steps = xt.getDimSize(1), h = typeOf(whh).getDimSize(1);
  Type t = xt.getElementType();
  Value gx = inputProjection(b, loc, x, wih, {bih, bhh});
  Value whhT = transpose2d(b, loc, whh);
  Value hs = sequence(b, loc, bs, steps, h, t);
  SmallVector<Value> r = forwardSteps(
      b, loc, steps, {gx}, {hs},
      [&](OpBuilder &b, Location loc, Value n, bool first, bool, ValueRange in, ValueRange seqs) {
        Value step = stepAt(b, loc, n, steps, reverse);
        Value pre = stepOf(b, loc, in[0], step);
        if (!first) {
          Value hPrev = stepOf(b, loc, seqs[0], stepAt(b, loc, minusOne(b, loc, n), steps, reverse));
          pre = mapElementwise(b, loc, {pre, matmul(b, loc, hPrev, whhT)}, t,
                               binary<arith::AddFOp>);
        }
        Value hv = mapElementwise(b, loc, {pre}, t, [](OpBuilder &nb, Location l, ValueRange a) {
          return Value(nb.create<math::TanhOp>(l, a[0]));
        });
        return SmallVector<Value>{setStep(b, loc, seqs[0], hv, step)};
      });
  return r[0];
}

SmallVector<Value, 5> simpleRnnGrad(OpBuilder &b, Location loc, Value dh, Value x, Value wih,
                                    Value whh, Value h, bool reverse) {
  auto xt = typeOf(x);
  int64_t bs = xt.getDimSize(0), steps = xt.getDimSize(1), hd = typeOf(whh).getDimSize(1);
  Type t = xt.getElementType();
  Value da = sequence(b, loc, bs, steps, hd, t);
  Value dhs = sequence(b, loc, bs, steps, hd, t);
  Value dx0 = sequence(b, loc, bs, steps, xt.getDimSize(2), t);
  SmallVector<Value> r = backwardSteps(
      b, loc, steps, {dh, h, x}, {da, dhs}, {dx0},
      {typeOf(wih), typeOf(whh), RankedTensorType::get({hd}, t)},
      [&](OpBuilder &b, Location loc, Value n, bool first, bool carry, ValueRange in,
          ValueRange seqs) {
        Value dh = in[0], h = in[1];
        Value step = stepAt(b, loc, n, steps, reverse);
        Value dht = incomingDh(b, loc, dh, seqs[1], step, n, carry);
        Value dat = mapElementwise(b, loc, {dht, stepOf(b, loc, h, step)}, t,
                                   [&](OpBuilder &nb, Location l, ValueRange a) {
                                     ScalarOps s{nb, l, t};
                                     return s.mul(a[0], s.sub(s.c(1.0), s.mul(a[1], a[1])));
                                   });
        SmallVector<Value> out{setStep(b, loc, seqs[0], dat, step), seqs[1]};
        if (!first)
          out[1] = setStep(b, loc, seqs[1], matmul(b, loc, dat, whh), minusOne(b, loc, n));
        return out;
      },
      [&](OpBuilder &b, Location loc, ValueRange in, ValueRange r) {
        return daGrads(b, loc, r[0], in[2], in[1], wih, reverse);
      });
  // After the carried da, dh: dx, dW_ih, dW_hh, db (both biases').
  Value dx = r[2], dwih = r[3], dwhh = r[4], db = r[5];
  return {dx, dwih, dwhh, db, db};
}

Value lastStep(OpBuilder &b, Location loc, Value x) {
  return stepOf(b, loc, x, b.getIndexAttr(typeOf(x).getDimSize(1) - 1));
}

Value lastStepGrad(OpBuilder &b, Location loc, Value dy, RankedTensorType xType) {
  return setStep(b, loc, filled(b, loc, xType, 0.0), dy, b.getIndexAttr(xType.getDimSize(1) - 1));
}

} // namespace kiln
