//===- NNToLinalg.cpp - Lower nn ops to linalg on tensors -----------------===//
#include "compiler/Passes.h"
#include "dialects/NN/IR/ConvBuilders.h"
#include "dialects/NN/IR/LinalgBuilders.h"
#include "dialects/NN/IR/LossBuilders.h"
#include "dialects/NN/IR/NormBuilders.h"
#include "dialects/NN/IR/AttentionBuilders.h"
#include "dialects/NN/IR/RecurrentBuilders.h"
#include "dialects/NN/IR/SequenceBuilders.h"
#include "mlir/Transforms/DialectConversion.h"

namespace kiln {
#define GEN_PASS_DEF_NNTOLINALGPASS
#include "compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

Type elemOf(Value v) { return cast<ShapedType>(v.getType()).getElementType(); }

/// Lanes of the partial sums of a single-sample dense layer: one vector of
/// f32 at 512 bits. The product streams W from memory, so more FMA chains
/// per row (64 lanes: four) gain nothing, and the partial sums [N, lanes]
/// are written by the threads and read back by the row sums: fashion_mlp's
/// batch-1 forward with 16 lanes for its 512-wide layer instead of 64, 4
/// alternating rounds: 2 threads 19.1 -> 16.4 us, 1 thread 31.1 -> 28.5 us
/// (fashion_cnn's unchanged, 40.5 us). A remainder's pass reads a line at the
/// end of every row of W again: 64 lanes left one for K = 784.
constexpr int64_t kDotLanes = 16;

/// Features below which a single sample keeps the matmul form.
constexpr int64_t kDotMinFeatures = 64;

/// x[1, K] * W[N, K]ᵀ for one sample, along W's contiguous rows (transposing
/// W for a matmul would cost more than the product). With K = Q * L + R:
/// partial[n, l] = Σ_q x[q*L + l] W[n, q*L + l] keeps L lanes of
/// accumulators, then y[0, n] = Σ_l partial[n, l] + Σ_r x[Q*L + r] W[n, Q*L + r].
Value denseOneSample(OpBuilder &b, Location loc, Value x, Value w) {
  auto wt = cast<RankedTensorType>(w.getType());
  Type elem = wt.getElementType();
  int64_t n = wt.getDimSize(0), k = wt.getDimSize(1);
  const int64_t lanes = kDotLanes;
  int64_t q = k / lanes, main = q * lanes, rest = k - main;
  auto slice = [&](Value v, int64_t rows, int64_t offset, int64_t size) -> Value {
    if (offset == 0 && size == k)
      return v;
    return b.create<tensor::ExtractSliceOp>(
        loc, RankedTensorType::get({rows, size}, elem), v, ValueRange{},
        ValueRange{}, ValueRange{}, b.getDenseI64ArrayAttr({0, offset}),
        b.getDenseI64ArrayAttr({rows, size}), b.getDenseI64ArrayAttr({1, 1}));
  };
  Value x2 = b.create<tensor::CollapseShapeOp>(
      loc, RankedTensorType::get({k}, elem), x,
      SmallVector<ReassociationIndices>{{0, 1}});
  auto x1 = [&](int64_t offset, int64_t size) -> Value {
    if (offset == 0 && size == k)
      return x2;
    return b.create<tensor::ExtractSliceOp>(
        loc, RankedTensorType::get({size}, elem), x2, ValueRange{}, ValueRange{},
        ValueRange{}, b.getDenseI64ArrayAttr({offset}),
        b.getDenseI64ArrayAttr({size}), b.getDenseI64ArrayAttr({1}));
  };
  MLIRContext *ctx = b.getContext();
  auto fma = [](OpBuilder &nb, Location l, ValueRange args) {
    Value p = nb.create<arith::MulFOp>(l, args[0], args[1]);
    nb.create<linalg::YieldOp>(l, ValueRange{nb.create<arith::AddFOp>(l, p, args[2])});
  };
  auto par = utils::IteratorType::parallel, red = utils::IteratorType::reduction;

  // Dims (n, q, l): x (q, l), W (n, q, l) -> partial (n, l).
  AffineExpr dn, dq, dl;
  bindDims(ctx, dn, dq, dl);
  Value xq = b.create<tensor::ExpandShapeOp>(
      loc, RankedTensorType::get({q, lanes}, elem), x1(0, main),
      SmallVector<ReassociationIndices>{{0, 1}});
  Value wq = b.create<tensor::ExpandShapeOp>(
      loc, RankedTensorType::get({n, q, lanes}, elem), slice(w, n, 0, main),
      SmallVector<ReassociationIndices>{{0}, {1, 2}});
  auto partialType = RankedTensorType::get({n, lanes}, elem);
  Value partial =
      b.create<linalg::GenericOp>(
           loc, partialType, ValueRange{xq, wq},
           ValueRange{filled(b, loc, partialType, 0.0)},
           SmallVector<AffineMap>{AffineMap::get(3, 0, {dq, dl}, ctx),
                                  AffineMap::get(3, 0, {dn, dq, dl}, ctx),
                                  AffineMap::get(3, 0, {dn, dl}, ctx)},
           SmallVector<utils::IteratorType>{par, red, par}, fma)
          .getResult(0);
  if (rest == 0) {
    // Dims (o, n, l): partial (n, l) -> y (o, n), o of size 1: the row
    // sums come out as the layer's [1, N] rows, with no reshape between
    // them and the bias and activation, so kernel-form keeps all of them
    // in the partial sums' group (each tile of rows reduced in registers).
    AffineExpr so, sn, sl;
    bindDims(ctx, so, sn, sl);
    auto rowType = RankedTensorType::get({1, n}, elem);
    return b
        .create<linalg::GenericOp>(
            loc, rowType, ValueRange{partial}, ValueRange{filled(b, loc, rowType, 0.0)},
            SmallVector<AffineMap>{AffineMap::get(3, 0, {sn, sl}, ctx),
                                   AffineMap::get(3, 0, {so, sn}, ctx)},
            SmallVector<utils::IteratorType>{par, par, red},
            [](OpBuilder &nb, Location l, ValueRange args) {
              nb.create<linalg::YieldOp>(
                  l, ValueRange{nb.create<arith::AddFOp>(l, args[0], args[1])});
            })
        .getResult(0);
  }
  // The row sums, then the tail accumulated onto them.
  Value y = reduce2d(b, loc, partial, 1, 0.0, binary<arith::AddFOp>);
  {
    // Dims (n, r): x (r), W (n, r) -> (n).
    AffineExpr rn, rr;
    bindDims(ctx, rn, rr);
    y = b.create<linalg::GenericOp>(
             loc, y.getType(), ValueRange{x1(main, rest), slice(w, n, main, rest)},
             ValueRange{y},
             SmallVector<AffineMap>{AffineMap::get(2, 0, {rr}, ctx),
                                    AffineMap::get(2, 0, {rn, rr}, ctx),
                                    AffineMap::get(2, 0, {rn}, ctx)},
             SmallVector<utils::IteratorType>{par, red}, fma)
            .getResult(0);
  }
  return b.create<tensor::ExpandShapeOp>(
      loc, RankedTensorType::get({1, n}, elem), y,
      SmallVector<ReassociationIndices>{{0, 1}});
}

/// On rows [M, in] of any input [batch, ..., in].
Value lowerDense(OpBuilder &b, nn::DenseOp op) {
  Location loc = op.getLoc();
  Value x = toRows(b, loc, op.getInput());
  bool oneSample = cast<RankedTensorType>(x.getType()).getDimSize(0) == 1 &&
                   op.getWeight().getType().getDimSize(1) >= kDotMinFeatures;
  // Otherwise x * Wᵀ with Wᵀ materialized, so the matmul streams rows of
  // both operands (the inner vectors run along the output features).
  Value y = oneSample
                ? denseOneSample(b, loc, x, op.getWeight())
                : matmul(b, loc, x, transpose2d(b, loc, op.getWeight()));
  if (Value bias = op.getBias())
    y = mapWithRow(b, loc, y, bias,
                   binary<arith::AddFOp>);
  return fromRows(b, loc, y, op.getType());
}

/// A reshape as collapse-to-1-D then expand; canonicalization folds pairs.
Value lowerReshape(OpBuilder &b, nn::ReshapeOp op) {
  Location loc = op.getLoc();
  auto in = op.getInput().getType(), out = op.getResult().getType();
  auto flat = RankedTensorType::get({in.getNumElements()}, in.getElementType());
  auto all = [](int64_t rank) {
    ReassociationIndices r;
    for (int64_t i = 0; i < rank; ++i)
      r.push_back(i);
    return SmallVector<ReassociationIndices>{r};
  };
  Value v = op.getInput();
  if (in.getRank() != 1)
    v = b.create<tensor::CollapseShapeOp>(loc, flat, v, all(in.getRank()));
  if (out.getRank() != 1)
    v = b.create<tensor::ExpandShapeOp>(loc, out, v, all(out.getRank()));
  return v;
}

Value unary(OpBuilder &b, Operation *op, ScalarFn fn) {
  Value x = op->getOperand(0);
  return mapElementwise(b, op->getLoc(), {x}, elemOf(x), fn);
}

Value lowerSoftmaxCrossEntropy(OpBuilder &b, nn::SoftmaxCrossEntropyOp op) {
  Location loc = op.getLoc();
  double smoothing = op.getLabelSmoothing().convertToDouble();
  // Rows of classes (see the VJP): logits [N, C], labels [N].
  Value x = toRows(b, loc, op.getLogits());
  Value labels = op.hasSoftTargets() ? toRows(b, loc, op.getLabels())
                                     : flatLabels(b, loc, op.getLabels());
  if (op.hasSoftTargets() || smoothing != 0.0)
    return softCrossEntropy(b, loc, x, labels, smoothing, /*klTerm=*/false);
  auto xt = cast<RankedTensorType>(x.getType());
  Type t = xt.getElementType();
  // loss_b = log Σ_c exp(x_bc - max_b) + max_b - x_b,label.
  ShiftedExp shifted = shiftedExpRows(b, loc, x);
  // Σ_c [c == label_b] x_bc, as a reduction so it vectorizes.
  auto rowType = RankedTensorType::get({xt.getDimSize(0)}, t);
  Value picked =
      b.create<linalg::GenericOp>(
           loc, TypeRange{rowType}, ValueRange{x, labels},
           ValueRange{filled(b, loc, rowType, 0.0)},
           ArrayRef<AffineMap>{b.getMultiDimIdentityMap(2),
                               AffineMap::get(2, 0, b.getAffineDimExpr(0)),
                               AffineMap::get(2, 0, b.getAffineDimExpr(0))},
           SmallVector<utils::IteratorType>{utils::IteratorType::parallel,
                                            utils::IteratorType::reduction},
           [&](OpBuilder &nb, Location l, ValueRange a) {
             Value cls = nb.create<linalg::IndexOp>(l, 1);
             Value lbl = nb.create<arith::IndexCastOp>(l, nb.getIndexType(), a[1]);
             Value hit = nb.create<arith::CmpIOp>(l, arith::CmpIPredicate::eq,
                                                  cls, lbl);
             Value v = nb.create<arith::SelectOp>(l, hit, a[0],
                                                  floatConst(nb, l, t, 0.0));
             nb.create<linalg::YieldOp>(l, Value(nb.create<arith::AddFOp>(l, a[2], v)));
           })
          .getResult(0);
  Value perRow = mapElementwise(
      b, loc, {shifted.rowSum, shifted.rowMax, picked}, t,
      [](OpBuilder &nb, Location l, ValueRange a) -> Value {
        Value lse = nb.create<arith::AddFOp>(l, nb.create<math::LogOp>(l, a[0]), a[1]);
        return nb.create<arith::SubFOp>(l, lse, a[2]);
      });
  Value total = sumAll(b, loc, perRow);
  return mapElementwise(b, loc, {total}, t,
                        [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                          return nb.create<arith::MulFOp>(
                              l, a[0], floatConst(nb, l, t, 1.0 / xt.getDimSize(0)));
                        });
}

Value lowerMSE(OpBuilder &b, nn::MSELossOp op) {
  Location loc = op.getLoc();
  auto pt = op.getPrediction().getType();
  Type t = pt.getElementType();
  Value sq = mapElementwise(b, loc, {op.getPrediction(), op.getTarget()}, t,
                            [](OpBuilder &nb, Location l, ValueRange a) -> Value {
                              Value d = nb.create<arith::SubFOp>(l, a[0], a[1]);
                              return nb.create<arith::MulFOp>(l, d, d);
                            });
  Value total = sumAll(b, loc, sq);
  return mapElementwise(b, loc, {total}, t,
                        [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                          return nb.create<arith::MulFOp>(
                              l, a[0], floatConst(nb, l, t, 1.0 / pt.getNumElements()));
                        });
}

Value lowerMAE(OpBuilder &b, nn::MAELossOp op) {
  return maeLoss(b, op.getLoc(), op.getPrediction(), op.getTarget());
}

Value lowerHuber(OpBuilder &b, nn::HuberLossOp op) {
  return huberLoss(b, op.getLoc(), op.getPrediction(), op.getTarget(),
                   op.getDelta().convertToDouble());
}

Value lowerBCE(OpBuilder &b, nn::BinaryCrossEntropyOp op) {
  return bceLoss(b, op.getLoc(), op.getPrediction(), op.getTarget());
}

Value lowerKL(OpBuilder &b, nn::KLDivergenceOp op) {
  return softCrossEntropy(b, op.getLoc(), op.getLogits(), op.getTarget(), 0.0,
                          /*klTerm=*/true);
}

Value lowerWeightPenalty(OpBuilder &b, nn::WeightPenaltyOp op) {
  return weightPenalty(b, op.getLoc(), op.getWeight(),
                       op.getL1().convertToDouble(),
                       op.getL2().convertToDouble());
}

Value lowerConv2D(OpBuilder &b, nn::Conv2DOp c) {
  return conv2d(b, c.getLoc(), c.getInput(), c.getWeight(), c.getBias(),
                c.getGeometry(), c.getGroups());
}

Value lowerMaxPool(OpBuilder &b, nn::MaxPool2DOp p) {
  return pool2d(b, p.getLoc(), p.getInput(), p.getGeometry(), /*max=*/true);
}

Value lowerAvgPool(OpBuilder &b, nn::AvgPool2DOp p) {
  return pool2d(b, p.getLoc(), p.getInput(), p.getGeometry(), /*max=*/false);
}

/// y and the running statistics (updated in training, passed through in eval).
SmallVector<Value> lowerBatchNorm(OpBuilder &b, nn::BatchNormOp bn) {
  return SmallVector<Value>(batchNorm(
      b, bn.getLoc(), bn.getInput(), bn.getRunningMean(), bn.getRunningVar(),
      bn.getWeight(), bn.getBias(), bn.getMomentum().convertToDouble(),
      bn.getEpsilon().convertToDouble(), bn.getTraining()));
}

/// One more in training mode: a scalar, so no kernel.
Value lowerCount(OpBuilder &b, nn::CountOp c) {
  if (!c.getTraining())
    return c.getInput();
  Location loc = c.getLoc();
  Value n = b.create<tensor::ExtractOp>(loc, c.getInput(), ValueRange{});
  Value one = b.create<arith::ConstantIntOp>(loc, 1, 64);
  return b.create<tensor::FromElementsOp>(loc, c.getType(),
                                          ValueRange{b.create<arith::AddIOp>(loc, n, one)});
}

Value lowerLRN(OpBuilder &b, nn::LocalResponseNormOp n) {
  return localResponseNorm(b, n.getLoc(), n.getInput(), n.getSize(),
                           n.getAlpha().convertToDouble(), n.getBeta().convertToDouble(),
                           n.getK().convertToDouble());
}

/// The identity outside training mode (and at rate 0).
Value lowerDropout(OpBuilder &b, nn::DropoutOp d) {
  if (!d.getTraining() || d.getRate().isZero())
    return d.getInput();
  return dropout(b, d.getLoc(), d.getInput(), d.getSeed(), d.getStep(), d.getStream(),
                 d.getRate().convertToDouble());
}

Value lowerRelu(OpBuilder &b, nn::ReluOp op) {
  Type t = elemOf(op.getInput());
  return unary(b, op, [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
    return nb.create<arith::MaximumFOp>(l, a[0], floatConst(nb, l, t, 0.0));
  });
}

Value lowerLeakyRelu(OpBuilder &b, nn::LeakyReluOp op) {
  Type t = elemOf(op.getInput());
  double alpha = op.getAlpha().convertToDouble();
  return unary(b, op, [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
    Value zero = floatConst(nb, l, t, 0.0);
    Value pos = nb.create<arith::CmpFOp>(l, arith::CmpFPredicate::OGT, a[0], zero);
    Value neg = nb.create<arith::MulFOp>(l, a[0], floatConst(nb, l, t, alpha));
    return nb.create<arith::SelectOp>(l, pos, a[0], neg);
  });
}

Value lowerSigmoid(OpBuilder &b, nn::SigmoidOp op) {
  Type t = elemOf(op.getInput());
  return unary(b, op, [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
    Value one = floatConst(nb, l, t, 1.0);
    Value e = nb.create<math::ExpOp>(l, nb.create<arith::NegFOp>(l, a[0]));
    return nb.create<arith::DivFOp>(l, one, nb.create<arith::AddFOp>(l, one, e));
  });
}

Value lowerTanh(OpBuilder &b, nn::TanhOp op) {
  return unary(b, op, [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
    return nb.create<math::TanhOp>(l, a[0]);
  });
}

/// Over rows of the input with its axis moved last.
Value lowerSoftmax(OpBuilder &b, nn::SoftmaxOp s) {
  Location loc = s.getLoc();
  int64_t axis = s.getNormalizedAxis();
  Value moved = moveAxisLast(b, loc, s.getInput(), axis);
  Value y = fromRows(b, loc, softmaxRows(b, loc, toRows(b, loc, moved)),
                     cast<RankedTensorType>(moved.getType()));
  return moveLastAxis(b, loc, y, axis);
}

Value lowerGelu(OpBuilder &b, nn::GeluOp op) {
  return gelu(b, op.getLoc(), op.getInput());
}

Value lowerEmbedding(OpBuilder &b, nn::EmbeddingOp op) {
  return embedding(b, op.getLoc(), op.getIds(), op.getWeight());
}

Value lowerPositionEmbedding(OpBuilder &b, nn::PositionEmbeddingOp op) {
  return positionEmbedding(b, op.getLoc(), op.getInput(), op.getWeight());
}

Value lowerLayerNorm(OpBuilder &b, nn::LayerNormOp op) {
  return layerNorm(b, op.getLoc(), op.getInput(), op.getWeight(), op.getBias(),
                   op.getEpsilon().convertToDouble());
}

Value lowerAdd(OpBuilder &b, nn::AddOp op) {
  return mapElementwise(b, op.getLoc(), {op.getLhs(), op.getRhs()},
                        elemOf(op.getLhs()), binary<arith::AddFOp>);
}

Value lowerMultiply(OpBuilder &b, nn::MultiplyOp op) {
  return mapElementwise(b, op.getLoc(), {op.getLhs(), op.getRhs()},
                        elemOf(op.getLhs()), binary<arith::MulFOp>);
}

Value lowerConcat(OpBuilder &b, nn::ConcatOp op) {
  return concat(b, op.getLoc(), op.getInputs(), op.getAxis());
}

Value lowerReduceMean(OpBuilder &b, nn::ReduceMeanOp op) {
  return reduceAxis(b, op.getLoc(), op.getInput(), op.getAxis(), /*max=*/false);
}

SmallVector<Value> lowerAttention(OpBuilder &b, nn::AttentionOp op) {
  return SmallVector<Value>(attention(b, op.getLoc(), op.getQkv(), op.getConfig()));
}

SmallVector<Value> lowerLSTM(OpBuilder &b, nn::LSTMOp op) {
  return SmallVector<Value>(lstm(b, op.getLoc(), op.getInput(), op.getWeightIh(),
                                 op.getWeightHh(), op.getBiasIh(), op.getBiasHh(),
                                 op.getReverse()));
}

SmallVector<Value> lowerGRU(OpBuilder &b, nn::GRUOp op) {
  return SmallVector<Value>(gru(b, op.getLoc(), op.getInput(), op.getWeightIh(),
                                op.getWeightHh(), op.getBiasIh(), op.getBiasHh(),
                                op.getReverse()));
}

Value lowerSimpleRNN(OpBuilder &b, nn::SimpleRNNOp op) {
  return simpleRnn(b, op.getLoc(), op.getInput(), op.getWeightIh(), op.getWeightHh(),
                   op.getBiasIh(), op.getBiasHh(), op.getReverse());
}

Value lowerLastStep(OpBuilder &b, nn::LastStepOp op) {
  return lastStep(b, op.getLoc(), op.getInput());
}

Value lowerReduceMax(OpBuilder &b, nn::ReduceMaxOp op) {
  return reduceAxis(b, op.getLoc(), op.getInput(), op.getAxis(), /*max=*/true);
}

/// One conversion pattern per op: `fn` builds every result's replacement
/// with the builders the VJP rules use.
template <typename Op, typename Result>
struct Lowering : OpConversionPattern<Op> {
  using Fn = Result (*)(OpBuilder &, Op);
  Lowering(MLIRContext *ctx, Fn fn) : OpConversionPattern<Op>(ctx), fn(fn) {}
  LogicalResult matchAndRewrite(Op op, typename Op::Adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, fn(rewriter, op));
    return success();
  }
  Fn fn;
};

template <typename Op, typename Result>
void add(RewritePatternSet &patterns, Result (*fn)(OpBuilder &, Op)) {
  patterns.add<Lowering<Op, Result>>(patterns.getContext(), fn);
}

struct NNToLinalgPass : kiln::impl::NNToLinalgPassBase<NNToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    add(patterns, lowerDense);
    add(patterns, lowerReshape);
    add(patterns, lowerConv2D);
    add(patterns, lowerMaxPool);
    add(patterns, lowerAvgPool);
    add(patterns, lowerBatchNorm);
    add(patterns, lowerCount);
    add(patterns, lowerLRN);
    add(patterns, lowerDropout);
    add(patterns, lowerRelu);
    add(patterns, lowerLeakyRelu);
    add(patterns, lowerSigmoid);
    add(patterns, lowerTanh);
    add(patterns, lowerSoftmax);
    add(patterns, lowerGelu);
    add(patterns, lowerEmbedding);
    add(patterns, lowerPositionEmbedding);
    add(patterns, lowerLayerNorm);
    add(patterns, lowerAdd);
    add(patterns, lowerMultiply);
    add(patterns, lowerConcat);
    add(patterns, lowerReduceMean);
    add(patterns, lowerReduceMax);
    add(patterns, lowerAttention);
    add(patterns, lowerLSTM);
    add(patterns, lowerLastStep);
    add(patterns, lowerGRU);
    add(patterns, lowerSimpleRNN);
    add(patterns, lowerSoftmaxCrossEntropy);
    add(patterns, lowerMSE);
    add(patterns, lowerMAE);
    add(patterns, lowerHuber);
    add(patterns, lowerBCE);
    add(patterns, lowerKL);
    add(patterns, lowerWeightPenalty);
    // Every nn op must go; anything else stays as it is.
    ConversionTarget target(*ctx);
    target.addIllegalDialect<nn::NNDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    if (failed(applyPartialConversion(getOperation(), target, std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
