//===- LinalgBuilders.cpp - Small builders for linalg on tensors ----------===//
#include "dialects/NN/IR/LinalgBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"

using namespace mlir;

namespace kiln {

static RankedTensorType tensorType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

Value floatConst(OpBuilder &b, Location loc, Type type, double value) {
  return b.create<arith::ConstantOp>(loc, b.getFloatAttr(type, value));
}

Value ScalarOps::c(double v) { return floatConst(b, l, t, v); }
Value ScalarOps::add(Value x, Value y) { return b.create<arith::AddFOp>(l, x, y); }
Value ScalarOps::sub(Value x, Value y) { return b.create<arith::SubFOp>(l, x, y); }
Value ScalarOps::mul(Value x, Value y) { return b.create<arith::MulFOp>(l, x, y); }
Value ScalarOps::div(Value x, Value y) { return b.create<arith::DivFOp>(l, x, y); }
Value ScalarOps::sqrt(Value x) { return b.create<math::SqrtOp>(l, x); }
Value ScalarOps::abs(Value x) { return b.create<math::AbsFOp>(l, x); }
Value ScalarOps::max(Value x, Value y) { return b.create<arith::MaximumFOp>(l, x, y); }
Value ScalarOps::min(Value x, Value y) { return b.create<arith::MinimumFOp>(l, x, y); }
Value ScalarOps::lt(Value x, Value y) {
  return b.create<arith::CmpFOp>(l, arith::CmpFPredicate::OLT, x, y);
}
Value ScalarOps::select(Value cond, Value x, Value y) {
  return b.create<arith::SelectOp>(l, cond, x, y);
}
Value ScalarOps::sign(Value x) {
  Value zero = c(0.0);
  return select(lt(zero, x), c(1.0), select(lt(x, zero), c(-1.0), zero));
}

int64_t moduleFact(OpBuilder &b, StringRef name) {
  Operation *scope = b.getInsertionBlock()->getParentOp();
  auto module = isa<ModuleOp>(scope) ? cast<ModuleOp>(scope) : scope->getParentOfType<ModuleOp>();
  auto attr = module ? module->getAttrOfType<IntegerAttr>(name) : IntegerAttr();
  return attr ? attr.getInt() : 0;
}

Value filled(OpBuilder &b, Location loc, RankedTensorType type, double value) {
  Value empty = b.create<tensor::EmptyOp>(loc, type.getShape(),
                                          type.getElementType());
  Value c = floatConst(b, loc, type.getElementType(), value);
  return b.create<linalg::FillOp>(loc, c, empty).getResult(0);
}

Value matmul(OpBuilder &b, Location loc, Value a, Value bm, Value acc) {
  auto at = tensorType(a), bt = tensorType(bm);
  auto ct = RankedTensorType::get({at.getDimSize(0), bt.getDimSize(1)},
                                  at.getElementType());
  return b.create<linalg::MatmulOp>(loc, ValueRange{a, bm},
                                    acc ? acc : filled(b, loc, ct, 0.0))
      .getResult(0);
}

Value matmulTransposeA(OpBuilder &b, Location loc, Value a, Value bm,
                       Value acc) {
  auto at = tensorType(a), bt = tensorType(bm);
  auto ct = RankedTensorType::get({at.getDimSize(1), bt.getDimSize(1)},
                                  at.getElementType());
  return b.create<linalg::MatmulTransposeAOp>(
             loc, ValueRange{a, bm}, acc ? acc : filled(b, loc, ct, 0.0))
      .getResult(0);
}

Value transpose2d(OpBuilder &b, Location loc, Value x) {
  auto xt = tensorType(x);
  Value init = b.create<tensor::EmptyOp>(
      loc, ArrayRef<int64_t>{xt.getDimSize(1), xt.getDimSize(0)},
      xt.getElementType());
  return b.create<linalg::TransposeOp>(loc, x, init, ArrayRef<int64_t>{1, 0})
      .getResult()[0];
}

/// A generic over the iteration space of `shape` with the given operand maps.
static Value generic(OpBuilder &b, Location loc, ValueRange inputs,
                     ArrayRef<AffineMap> inputMaps, RankedTensorType outType,
                     AffineMap outMap, ArrayRef<utils::IteratorType> iters,
                     Value init, ScalarFn fn, bool accumulate) {
  if (!init)
    init = b.create<tensor::EmptyOp>(loc, outType.getShape(),
                                     outType.getElementType());
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(outMap);
  auto op = b.create<linalg::GenericOp>(
      loc, TypeRange{outType}, inputs, ValueRange{init}, maps, iters,
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        ValueRange ins = accumulate ? args : args.drop_back();
        nb.create<linalg::YieldOp>(nl, fn(nb, nl, ins));
      });
  return op.getResult(0);
}

Value mapElementwise(OpBuilder &b, Location loc, ValueRange inputs,
                     Type resultElem, ScalarFn fn) {
  auto shape = tensorType(inputs[0]);
  unsigned rank = shape.getRank();
  SmallVector<AffineMap> maps;
  for (Value in : inputs)
    maps.push_back(tensorType(in).getRank() == 0
                       ? AffineMap::get(rank, 0, b.getContext())
                       : b.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  auto outType = RankedTensorType::get(shape.getShape(), resultElem);
  return generic(b, loc, inputs, maps, outType, b.getMultiDimIdentityMap(rank),
                 iters, Value(), fn, false);
}

static Value mapWithVector(OpBuilder &b, Location loc, Value x, Value v,
                           unsigned dim, ScalarFn fn) {
  auto xt = tensorType(x);
  MLIRContext *ctx = b.getContext();
  AffineMap id = b.getMultiDimIdentityMap(2);
  AffineMap vec = AffineMap::get(2, 0, getAffineDimExpr(dim, ctx));
  SmallVector<utils::IteratorType> iters(2, utils::IteratorType::parallel);
  return generic(b, loc, {x, v}, {id, vec}, xt, id, iters, Value(), fn, false);
}

Value mapWithRow(OpBuilder &b, Location loc, Value x, Value v, ScalarFn fn) {
  return mapWithVector(b, loc, x, v, 1, fn);
}

Value mapWithColumn(OpBuilder &b, Location loc, Value x, Value v, ScalarFn fn) {
  return mapWithVector(b, loc, x, v, 0, fn);
}

Value reduce2d(OpBuilder &b, Location loc, Value x, unsigned axis, double init,
               ScalarFn combine) {
  auto xt = tensorType(x);
  MLIRContext *ctx = b.getContext();
  unsigned keep = 1 - axis;
  auto outType = RankedTensorType::get({xt.getDimSize(keep)},
                                       xt.getElementType());
  SmallVector<utils::IteratorType> iters(2, utils::IteratorType::parallel);
  iters[axis] = utils::IteratorType::reduction;
  return generic(b, loc, {x}, {b.getMultiDimIdentityMap(2)}, outType,
                 AffineMap::get(2, 0, getAffineDimExpr(keep, ctx)), iters,
                 filled(b, loc, outType, init), combine, true);
}

Value sumAll(OpBuilder &b, Location loc, Value x) {
  auto xt = tensorType(x);
  unsigned rank = xt.getRank();
  auto outType = RankedTensorType::get({}, xt.getElementType());
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::reduction);
  return generic(b, loc, {x}, {b.getMultiDimIdentityMap(rank)}, outType,
                 AffineMap::get(rank, 0, b.getContext()), iters,
                 filled(b, loc, outType, 0.0),
                 binary<arith::AddFOp>,
                 true);
}

Value countNonFinite(OpBuilder &b, Location loc, Value x) {
  auto xt = tensorType(x);
  unsigned rank = xt.getRank();
  Type f32 = b.getF32Type();
  auto outType = RankedTensorType::get({}, f32);
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::reduction);
  return generic(
      b, loc, {x}, {b.getMultiDimIdentityMap(rank)}, outType,
      AffineMap::get(rank, 0, b.getContext()), iters, filled(b, loc, outType, 0.0),
      [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
        // |x| == inf or unordered (NaN): no fast-math flag may fold this.
        Type t = a[0].getType();
        Value mag = nb.create<math::AbsFOp>(nl, a[0]);
        Value bad = nb.create<arith::CmpFOp>(nl, arith::CmpFPredicate::UEQ, mag,
                                             floatConst(nb, nl, t, INFINITY));
        Value one = nb.create<arith::SelectOp>(nl, bad, floatConst(nb, nl, f32, 1.0),
                                               floatConst(nb, nl, f32, 0.0));
        return nb.create<arith::AddFOp>(nl, a[1], one);
      },
      true);
}

Value scaleBy(OpBuilder &b, Location loc, Value x, Value scalarTensor,
              double c) {
  Type elem = tensorType(x).getElementType();
  return mapElementwise(
      b, loc, {x, scalarTensor}, elem,
      [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
        Value s = nb.create<arith::MulFOp>(nl, a[1],
                                           floatConst(nb, nl, elem, c));
        return nb.create<arith::MulFOp>(nl, a[0], s);
      });
}

ShiftedExp shiftedExpRows(OpBuilder &b, Location loc, Value x) {
  Value rowMax = reduce2d(b, loc, x, 1, -INFINITY,
                          binary<arith::MaximumFOp>);
  Value e = mapWithColumn(b, loc, x, rowMax,
                          [](OpBuilder &nb, Location nl, ValueRange a) -> Value {
                            Value d = nb.create<arith::SubFOp>(nl, a[0], a[1]);
                            return nb.create<math::ExpOp>(nl, d);
                          });
  Value sum = reduce2d(b, loc, e, 1, 0.0,
                       binary<arith::AddFOp>);
  return {rowMax, e, sum};
}

Value softmaxRows(OpBuilder &b, Location loc, Value x) {
  ShiftedExp s = shiftedExpRows(b, loc, x);
  return mapWithColumn(b, loc, s.exp, s.rowSum,
                       binary<arith::DivFOp>);
}

} // namespace kiln

namespace kiln {

Value dropout(OpBuilder &b, Location loc, Value x, Value seed, Value step,
              int64_t stream, double rate, Value base,
              ArrayRef<int64_t> strides) {
  auto t = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> stride(strides);
  if (stride.empty()) {
    stride.assign(t.getRank(), 1);
    for (int64_t d = t.getRank() - 2; d >= 0; --d)
      stride[d] = stride[d + 1] * t.getDimSize(d + 1);
  }
  Type i64 = b.getI64Type();
  auto c = [&](OpBuilder &nb, Location l, uint64_t v) -> Value {
    return nb.create<arith::ConstantOp>(l, nb.getIntegerAttr(i64, (int64_t)v));
  };
  // One key per (seed, step, stream), computed once per call.
  Value key = b.create<arith::AddIOp>(
      loc,
      b.create<arith::AddIOp>(
          loc, b.create<arith::MulIOp>(loc, seed, c(b, loc, 0x9E3779B97F4A7C15ull)),
          b.create<arith::MulIOp>(loc, step, c(b, loc, 0xC2B2AE3D27D4EB4Full))),
      c(b, loc, uint64_t(stream) * 0x165667B19E3779F9ull));
  uint64_t threshold = uint64_t(rate * double(1 << 24) + 0.5);
  double scale = 1.0 / (1.0 - rate);
  int64_t rank = t.getRank();
  SmallVector<AffineMap> maps(2, b.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  Value init = b.create<tensor::EmptyOp>(loc, t.getShape(), t.getElementType());
  return b
      .create<linalg::GenericOp>(
          loc, t, ValueRange{x}, ValueRange{init}, maps, iters,
          [&](OpBuilder &nb, Location l, ValueRange args) {
            // The element's index in the whole tensor.
            Value index = c(nb, l, 0);
            for (int64_t d = 0; d < rank; ++d) {
              Value i = nb.create<arith::IndexCastOp>(
                  l, i64, nb.create<linalg::IndexOp>(l, d));
              index = nb.create<arith::AddIOp>(
                  l, index, nb.create<arith::MulIOp>(l, i, c(nb, l, stride[d])));
            }
            if (base)
              index = nb.create<arith::AddIOp>(l, base, index);
            Value z = nb.create<arith::AddIOp>(
                l, key, nb.create<arith::MulIOp>(l, index, c(nb, l, 0x9E3779B97F4A7C15ull)));
            auto mix = [&](Value v, uint64_t shift, uint64_t mul) -> Value {
              Value s = nb.create<arith::ShRUIOp>(l, v, c(nb, l, shift));
              Value x = nb.create<arith::XOrIOp>(l, v, s);
              return mul ? nb.create<arith::MulIOp>(l, x, c(nb, l, mul)).getResult() : x;
            };
            z = mix(z, 30, 0xBF58476D1CE4E5B9ull);
            z = mix(z, 27, 0x94D049BB133111EBull);
            z = mix(z, 31, 0);
            Value u = nb.create<arith::ShRUIOp>(l, z, c(nb, l, 40));
            Value keep = nb.create<arith::CmpIOp>(l, arith::CmpIPredicate::uge, u,
                                                  c(nb, l, threshold));
            Type elem = args[0].getType();
            Value scaled = nb.create<arith::MulFOp>(l, args[0], floatConst(nb, l, elem, scale));
            Value zero = floatConst(nb, l, elem, 0.0);
            nb.create<linalg::YieldOp>(
                l, ValueRange{nb.create<arith::SelectOp>(l, keep, scaled, zero)});
          })
      .getResult(0);
}

} // namespace kiln
