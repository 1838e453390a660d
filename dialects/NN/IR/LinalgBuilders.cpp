//===- LinalgBuilders.cpp - Small builders for linalg on tensors ----------===//
#include "dialects/NN/IR/LinalgBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace kiln {

static RankedTensorType tensorType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

Value floatConst(OpBuilder &b, Location loc, Type type, double value) {
  return b.create<arith::ConstantOp>(loc, b.getFloatAttr(type, value));
}

Value filled(OpBuilder &b, Location loc, RankedTensorType type, double value) {
  Value empty = b.create<tensor::EmptyOp>(loc, type.getShape(),
                                          type.getElementType());
  Value c = floatConst(b, loc, type.getElementType(), value);
  return b.create<linalg::FillOp>(loc, c, empty).getResult(0);
}

Value matmul(OpBuilder &b, Location loc, Value a, Value bm) {
  auto at = tensorType(a), bt = tensorType(bm);
  auto ct = RankedTensorType::get({at.getDimSize(0), bt.getDimSize(1)},
                                  at.getElementType());
  return b.create<linalg::MatmulOp>(loc, ValueRange{a, bm},
                                    filled(b, loc, ct, 0.0))
      .getResult(0);
}

Value matmulTransposeA(OpBuilder &b, Location loc, Value a, Value bm) {
  auto at = tensorType(a), bt = tensorType(bm);
  auto ct = RankedTensorType::get({at.getDimSize(1), bt.getDimSize(1)},
                                  at.getElementType());
  return b.create<linalg::MatmulTransposeAOp>(loc, ValueRange{a, bm},
                                              filled(b, loc, ct, 0.0))
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
