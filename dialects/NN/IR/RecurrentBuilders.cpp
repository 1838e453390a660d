//===- RecurrentBuilders.cpp - LSTM, GRU and RNN in linalg, unrolled ------===//
#include "dialects/NN/IR/RecurrentBuilders.h"
#include "dialects/NN/IR/LinalgBuilders.h"
#include "dialects/NN/IR/SequenceBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace kiln {
namespace {

RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }

/// Step t of [B, T, K] as [B, K].
Value stepOf(OpBuilder &b, Location loc, Value seq, int64_t t) {
  auto st = typeOf(seq);
  int64_t bs = st.getDimSize(0), k = st.getDimSize(2);
  return b.create<tensor::ExtractSliceOp>(
      loc, RankedTensorType::get({bs, k}, st.getElementType()), seq, ValueRange{},
      ValueRange{}, ValueRange{}, b.getDenseI64ArrayAttr({0, t, 0}),
      b.getDenseI64ArrayAttr({bs, 1, k}), b.getDenseI64ArrayAttr({1, 1, 1}));
}

/// `seq` with step t replaced by v [B, K].
Value setStep(OpBuilder &b, Location loc, Value seq, Value v, int64_t t) {
  auto st = typeOf(seq);
  return b.create<tensor::InsertSliceOp>(
      loc, v, seq, ValueRange{}, ValueRange{}, ValueRange{},
      b.getDenseI64ArrayAttr({0, t, 0}),
      b.getDenseI64ArrayAttr({st.getDimSize(0), 1, st.getDimSize(2)}),
      b.getDenseI64ArrayAttr({1, 1, 1}));
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

SmallVector<int64_t> order(int64_t steps, bool reverse) {
  SmallVector<int64_t> o;
  for (int64_t i = 0; i < steps; ++i)
    o.push_back(reverse ? steps - 1 - i : i);
  return o;
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

} // namespace

SmallVector<Value, 3> lstm(OpBuilder &b, Location loc, Value x, Value wih, Value whh,
                           Value bih, Value bhh, bool reverse) {
  auto xt = typeOf(x);
  int64_t bs = xt.getDimSize(0), steps = xt.getDimSize(1), h = typeOf(whh).getDimSize(1);
  Type t = xt.getElementType();
  auto seq = [&](int64_t k) { return RankedTensorType::get({bs, steps, k}, t); };
  auto row = [&](int64_t k) { return RankedTensorType::get({bs, k}, t); };
  // The input projection of every step, both biases added: [B, T, 4H].
  Value gx = inputProjection(b, loc, x, wih, {bih, bhh});
  Value whhT = transpose2d(b, loc, whh);
  Value hs = b.create<tensor::EmptyOp>(loc, seq(h).getShape(), t);
  Value cs = b.create<tensor::EmptyOp>(loc, seq(h).getShape(), t);
  Value gs = b.create<tensor::EmptyOp>(loc, seq(4 * h).getShape(), t);
  Value hPrev, cPrev;
  for (int64_t step : order(steps, reverse)) {
    Value pre = stepOf(b, loc, gx, step);
    if (hPrev)
      pre = mapElementwise(b, loc, {pre, matmul(b, loc, hPrev, whhT)}, t,
                           binary<arith::AddFOp>);
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
    SmallVector<Value> ch = mapGates(b, loc, ins, row(h), 2, h, [&](ScalarOps &s, ValueRange a) {
      Value c = s.mul(a[0], a[2]); // i g
      if (a.size() > 4)
        c = s.add(c, s.mul(a[1], a[4])); // + f c_prev
      Value hv = s.mul(a[3], s.b.create<math::TanhOp>(s.l, c));
      return SmallVector<Value>{c, hv};
    });
    cPrev = ch[0];
    hPrev = ch[1];
    hs = setStep(b, loc, hs, hPrev, step);
    cs = setStep(b, loc, cs, cPrev, step);
    gs = setStep(b, loc, gs, acts, step);
  }
  return {hs, cs, gs};
}

SmallVector<Value, 5> lstmGrad(OpBuilder &b, Location loc, Value dh, Value x, Value wih,
                               Value whh, Value h, Value c, Value gates, bool reverse) {
  auto xt = typeOf(x);
  int64_t bs = xt.getDimSize(0), steps = xt.getDimSize(1), hd = typeOf(whh).getDimSize(1);
  Type t = xt.getElementType();
  auto seq = [&](int64_t k) { return RankedTensorType::get({bs, steps, k}, t); };
  auto row = [&](int64_t k) { return RankedTensorType::get({bs, k}, t); };
  SmallVector<int64_t> steps_ = order(steps, reverse);
  Value da = b.create<tensor::EmptyOp>(loc, seq(4 * hd).getShape(), t);
  Value dhNext, dcNext;
  for (int64_t n = steps - 1; n >= 0; --n) {
    int64_t step = steps_[n];
    Value dht = stepOf(b, loc, dh, step);
    if (dhNext)
      dht = mapElementwise(b, loc, {dht, dhNext}, t, binary<arith::AddFOp>);
    Value acts = stepOf(b, loc, gates, step);
    SmallVector<std::pair<Value, int64_t>> ins{{acts, 0}, {acts, 1}, {acts, 2}, {acts, 3},
                                               {stepOf(b, loc, c, step), -1}, {dht, -1}};
    bool first = n == 0, carry = (bool)dcNext;
    if (!first)
      ins.push_back({stepOf(b, loc, c, steps_[n - 1]), -1});
    if (carry)
      ins.push_back({dcNext, -1});
    // {d pre-activations of i, f, g, o; dc for the previous step}.
    SmallVector<Value> g = mapGates(b, loc, ins, row(hd), 5, hd, [&](ScalarOps &s, ValueRange a) {
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
    da = setStep(b, loc, da, dat, step);
    dcNext = g[4];
    if (!first)
      dhNext = matmul(b, loc, dat, whh);
  }
  SmallVector<Value, 3> in = projectionGrads(b, loc, da, x, wih);
  SmallVector<Value, 3> rec = projectionGrads(b, loc, da, previousSteps(b, loc, h, reverse), whh);
  return {in[0], in[1], rec[1], in[2], in[2]};
}

SmallVector<Value, 2> gru(OpBuilder &b, Location loc, Value x, Value wih, Value whh,
                          Value bih, Value bhh, bool reverse) {
  auto xt = typeOf(x);
  int64_t bs = xt.getDimSize(0), steps = xt.getDimSize(1), h = typeOf(whh).getDimSize(1);
  Type t = xt.getElementType();
  auto row = [&](int64_t k) { return RankedTensorType::get({bs, k}, t); };
  Value gx = inputProjection(b, loc, x, wih, {bih});
  Value whhT = transpose2d(b, loc, whh);
  Value hs = b.create<tensor::EmptyOp>(loc, ArrayRef<int64_t>{bs, steps, h}, t);
  Value gs = b.create<tensor::EmptyOp>(loc, ArrayRef<int64_t>{bs, steps, 4 * h}, t);
  Value hPrev;
  for (int64_t step : order(steps, reverse)) {
    Value gh = hPrev ? matmul(b, loc, hPrev, whhT) : filled(b, loc, row(3 * h), 0.0);
    gh = mapWithRow(b, loc, gh, bhh, binary<arith::AddFOp>);
    Value gxt = stepOf(b, loc, gx, step);
    SmallVector<std::pair<Value, int64_t>> ins{{gxt, 0}, {gxt, 1}, {gxt, 2},
                                               {gh, 0},  {gh, 1},  {gh, 2}};
    if (hPrev)
      ins.push_back({hPrev, -1});
    // {r, z, n, W_hn h + b_hn, h'}.
    SmallVector<Value> g = mapGates(b, loc, ins, row(h), 5, h, [&](ScalarOps &s, ValueRange a) {
      Value r = sigmoidOf(s, s.add(a[0], a[3])), z = sigmoidOf(s, s.add(a[1], a[4]));
      Value n = s.b.create<math::TanhOp>(s.l, s.add(a[2], s.mul(r, a[5])));
      Value hv = s.mul(s.sub(s.c(1.0), z), n);
      if (a.size() > 6)
        hv = s.add(hv, s.mul(z, a[6]));
      return SmallVector<Value>{r, z, n, a[5], hv};
    });
    hPrev = g[4];
    hs = setStep(b, loc, hs, hPrev, step);
    gs = setStep(b, loc, gs, concat(b, loc, ValueRange{g[0], g[1], g[2], g[3]}, 1), step);
  }
  return {hs, gs};
}

SmallVector<Value, 5> gruGrad(OpBuilder &b, Location loc, Value dh, Value x, Value wih,
                              Value whh, Value h, Value gates, bool reverse) {
  auto xt = typeOf(x);
  int64_t bs = xt.getDimSize(0), steps = xt.getDimSize(1), hd = typeOf(whh).getDimSize(1);
  Type t = xt.getElementType();
  auto row = [&](int64_t k) { return RankedTensorType::get({bs, k}, t); };
  SmallVector<int64_t> seqOrder = order(steps, reverse);
  Value dgx = b.create<tensor::EmptyOp>(loc, ArrayRef<int64_t>{bs, steps, 3 * hd}, t);
  Value dgh = b.create<tensor::EmptyOp>(loc, ArrayRef<int64_t>{bs, steps, 3 * hd}, t);
  Value dhNext;
  for (int64_t n = steps - 1; n >= 0; --n) {
    int64_t step = seqOrder[n];
    bool first = n == 0;
    Value dht = stepOf(b, loc, dh, step);
    if (dhNext)
      dht = mapElementwise(b, loc, {dht, dhNext}, t, binary<arith::AddFOp>);
    Value gt = stepOf(b, loc, gates, step);
    SmallVector<std::pair<Value, int64_t>> ins{{gt, 0}, {gt, 1}, {gt, 2}, {gt, 3}, {dht, -1}};
    if (!first)
      ins.push_back({stepOf(b, loc, h, seqOrder[n - 1]), -1});
    // {d pre-activations r, z, n; d (W_hn h + b_hn); dh' through z}.
    SmallVector<Value> g = mapGates(b, loc, ins, row(hd), 5, hd, [&](ScalarOps &s, ValueRange a) {
      Value r = a[0], z = a[1], nv = a[2], hn = a[3], dhv = a[4];
      Value hp = first ? s.c(0.0) : a[5], one = s.c(1.0);
      Value dan = s.mul(s.mul(dhv, s.sub(one, z)), s.sub(one, s.mul(nv, nv)));
      Value dar = s.mul(s.mul(dan, hn), s.mul(r, s.sub(one, r)));
      Value daz = s.mul(s.mul(dhv, s.sub(hp, nv)), s.mul(z, s.sub(one, z)));
      return SmallVector<Value>{dar, daz, dan, s.mul(dan, r), s.mul(dhv, z)};
    });
    dgx = setStep(b, loc, dgx, concat(b, loc, ValueRange{g[0], g[1], g[2]}, 1), step);
    Value dght = concat(b, loc, ValueRange{g[0], g[1], g[3]}, 1);
    dgh = setStep(b, loc, dgh, dght, step);
    if (!first)
      dhNext = mapElementwise(b, loc, {g[4], matmul(b, loc, dght, whh)}, t,
                              binary<arith::AddFOp>);
  }
  SmallVector<Value, 3> in = projectionGrads(b, loc, dgx, x, wih);
  SmallVector<Value, 3> rec = projectionGrads(b, loc, dgh, previousSteps(b, loc, h, reverse), whh);
  return {in[0], in[1], rec[1], in[2], rec[2]};
}

Value simpleRnn(OpBuilder &b, Location loc, Value x, Value wih, Value whh, Value bih,
                Value bhh, bool reverse) {
  auto xt = typeOf(x);
  int64_t bs = xt.getDimSize(0), steps = xt.getDimSize(1), h = typeOf(whh).getDimSize(1);
  Type t = xt.getElementType();
  Value gx = inputProjection(b, loc, x, wih, {bih, bhh});
  Value whhT = transpose2d(b, loc, whh);
  Value hs = b.create<tensor::EmptyOp>(loc, ArrayRef<int64_t>{bs, steps, h}, t);
  Value hPrev;
  for (int64_t step : order(steps, reverse)) {
    Value pre = stepOf(b, loc, gx, step);
    if (hPrev)
      pre = mapElementwise(b, loc, {pre, matmul(b, loc, hPrev, whhT)}, t, binary<arith::AddFOp>);
    hPrev = mapElementwise(b, loc, {pre}, t, [](OpBuilder &nb, Location l, ValueRange a) {
      return Value(nb.create<math::TanhOp>(l, a[0]));
    });
    hs = setStep(b, loc, hs, hPrev, step);
  }
  return hs;
}

SmallVector<Value, 5> simpleRnnGrad(OpBuilder &b, Location loc, Value dh, Value x, Value wih,
                                    Value whh, Value h, bool reverse) {
  auto xt = typeOf(x);
  int64_t bs = xt.getDimSize(0), steps = xt.getDimSize(1), hd = typeOf(whh).getDimSize(1);
  Type t = xt.getElementType();
  SmallVector<int64_t> seqOrder = order(steps, reverse);
  Value da = b.create<tensor::EmptyOp>(loc, ArrayRef<int64_t>{bs, steps, hd}, t);
  Value dhNext;
  for (int64_t n = steps - 1; n >= 0; --n) {
    int64_t step = seqOrder[n];
    Value dht = stepOf(b, loc, dh, step);
    if (dhNext)
      dht = mapElementwise(b, loc, {dht, dhNext}, t, binary<arith::AddFOp>);
    Value dat = mapElementwise(b, loc, {dht, stepOf(b, loc, h, step)}, t,
                               [&](OpBuilder &nb, Location l, ValueRange a) {
                                 ScalarOps s{nb, l, t};
                                 return s.mul(a[0], s.sub(s.c(1.0), s.mul(a[1], a[1])));
                               });
    da = setStep(b, loc, da, dat, step);
    if (n > 0)
      dhNext = matmul(b, loc, dat, whh);
  }
  SmallVector<Value, 3> in = projectionGrads(b, loc, da, x, wih);
  SmallVector<Value, 3> rec = projectionGrads(b, loc, da, previousSteps(b, loc, h, reverse), whh);
  return {in[0], in[1], rec[1], in[2], in[2]};
}

Value lastStep(OpBuilder &b, Location loc, Value x) {
  return stepOf(b, loc, x, typeOf(x).getDimSize(1) - 1);
}

Value lastStepGrad(OpBuilder &b, Location loc, Value dy, RankedTensorType xType) {
  return setStep(b, loc, filled(b, loc, xType, 0.0), dy, xType.getDimSize(1) - 1);
}

} // namespace kiln
