//===- OptimToLinalg.cpp - One fused in-place generic per optim op --------===//
#include "compiler/Passes.h"
#include "dialects/NN/IR/LinalgBuilders.h"
#include "llvm/ADT/TypeSwitch.h"

namespace kiln {
#define GEN_PASS_DEF_OPTIMTOLINALGPASS
#include "compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

using BodyFn = llvm::function_ref<SmallVector<Value>(OpBuilder &, Location,
                                                     ValueRange)>;

/// An elementwise generic reading `grad` and updating `inits` in place; the
/// body sees (grad, inits...) and yields the new inits.
SmallVector<Value> update(OpBuilder &b, Location loc, Value grad,
                          ValueRange inits, BodyFn fn) {
  unsigned rank = cast<ShapedType>(grad.getType()).getRank();
  SmallVector<AffineMap> maps(inits.size() + 1, b.getMultiDimIdentityMap(rank));
  auto op = b.create<linalg::GenericOp>(
      loc, inits.getTypes(), ValueRange{grad}, inits, maps,
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
      [&](OpBuilder &nb, Location l, ValueRange a) {
        nb.create<linalg::YieldOp>(l, fn(nb, l, a));
      });
  return SmallVector<Value>(op->getResults());
}

/// g + wd * p, or g when wd is zero.
Value decay(ScalarOps &m, Value g, Value p, double wd) {
  return wd == 0.0 ? g : m.add(g, m.mul(m.c(wd), p));
}

SmallVector<Value> lowerSGD(OpBuilder &b, optim::SGDOp op) {
  double wd = op.getWeightDecay().convertToDouble();
  Value lr = op.getLr();
  return update(b, op.getLoc(), op.getGrad(), {op.getParam()},
                [&](OpBuilder &nb, Location l, ValueRange a) {
                  ScalarOps m{nb, l, lr.getType()};
                  Value g = decay(m, a[0], a[1], wd);
                  return SmallVector<Value>{m.sub(a[1], m.mul(lr, g))};
                });
}

SmallVector<Value> lowerMomentum(OpBuilder &b, optim::MomentumOp op) {
  double wd = op.getWeightDecay().convertToDouble();
  double mu = op.getMomentum().convertToDouble();
  bool nesterov = op.getNesterov();
  Value lr = op.getLr();
  return update(b, op.getLoc(), op.getGrad(), {op.getParam(), op.getBuf()},
                [&](OpBuilder &nb, Location l, ValueRange a) {
                  ScalarOps m{nb, l, lr.getType()};
                  Value g = decay(m, a[0], a[1], wd);
                  Value buf = m.add(m.mul(m.c(mu), a[2]), g);
                  Value dir = nesterov ? m.add(g, m.mul(m.c(mu), buf)) : buf;
                  return SmallVector<Value>{m.sub(a[1], m.mul(lr, dir)), buf};
                });
}

SmallVector<Value> lowerAdam(OpBuilder &b, optim::AdamOp op) {
  Location loc = op.getLoc();
  Type t = op.getLr().getType();
  double b1 = op.getBeta1().convertToDouble();
  double b2 = op.getBeta2().convertToDouble();
  double eps = op.getEps().convertToDouble();
  double wd = op.getWeightDecay().convertToDouble();
  bool decoupled = op.getDecoupled();
  // Per-step scalars, once outside the loop and in f64 as PyTorch computes
  // them (1 - b2^t cancels badly in f32): lr / (1 - b1^t) and
  // 1 / sqrt(1 - b2^t), a multiply instead of a divide per element.
  Type f64 = b.getF64Type();
  ScalarOps d{b, loc, f64};
  auto narrow = [&](Value v) -> Value {
    return t == f64 ? v : b.create<arith::TruncFOp>(loc, t, v);
  };
  Value lr = op.getLr();
  if (t != f64)
    lr = b.create<arith::ExtFOp>(loc, f64, lr);
  Value step = b.create<arith::SIToFPOp>(loc, f64, op.getStep());
  Value bc1 = d.sub(d.c(1.0), b.create<math::PowFOp>(loc, d.c(b1), step));
  Value bc2 = d.sub(d.c(1.0), b.create<math::PowFOp>(loc, d.c(b2), step));
  Value stepSize = narrow(d.div(lr, bc1));
  Value invBc2Sqrt = narrow(d.div(d.c(1.0), d.sqrt(bc2)));
  Value shrink = decoupled && wd != 0.0
                     ? narrow(d.sub(d.c(1.0), d.mul(lr, d.c(wd))))
                     : Value();
  return update(
      b, loc, op.getGrad(), {op.getParam(), op.getExpAvg(), op.getExpAvgSq()},
      [&](OpBuilder &nb, Location l, ValueRange a) {
        ScalarOps m{nb, l, t};
        Value p = a[1];
        Value g = decoupled ? a[0] : decay(m, a[0], p, wd);
        if (decoupled && wd != 0.0)
          p = m.mul(p, shrink);
        Value mNew = m.add(m.mul(m.c(b1), a[2]), m.mul(m.c(1.0 - b1), g));
        Value vNew = m.add(m.mul(m.c(b2), a[3]), m.mul(m.c(1.0 - b2), m.mul(g, g)));
        Value denom = m.add(m.mul(m.sqrt(vNew), invBc2Sqrt), m.c(eps));
        Value pNew = m.sub(p, m.mul(stepSize, m.div(mNew, denom)));
        return SmallVector<Value>{pNew, mNew, vNew};
      });
}

/// lr as f64, for per-step scalars computed as PyTorch computes them.
Value widened(OpBuilder &b, Location loc, Value lr) {
  Type f64 = b.getF64Type();
  return lr.getType() == f64 ? lr : b.create<arith::ExtFOp>(loc, f64, lr);
}

Value narrowed(OpBuilder &b, Location loc, Value v, Type t) {
  return v.getType() == t ? v : b.create<arith::TruncFOp>(loc, t, v);
}

SmallVector<Value> lowerAdagrad(OpBuilder &b, optim::AdagradOp op) {
  Location loc = op.getLoc();
  Type t = op.getLr().getType();
  double lrDecay = op.getLrDecay().convertToDouble();
  double eps = op.getEps().convertToDouble();
  double wd = op.getWeightDecay().convertToDouble();
  // clr = lr / (1 + (t - 1) lr_decay), once per step in f64.
  ScalarOps d{b, loc, b.getF64Type()};
  Value step = b.create<arith::SIToFPOp>(loc, b.getF64Type(), op.getStep());
  Value clr = narrowed(
      b, loc,
      d.div(widened(b, loc, op.getLr()),
            d.add(d.c(1.0), d.mul(d.sub(step, d.c(1.0)), d.c(lrDecay)))),
      t);
  return update(b, loc, op.getGrad(), {op.getParam(), op.getSum()},
                [&](OpBuilder &nb, Location l, ValueRange a) {
                  ScalarOps m{nb, l, t};
                  Value g = decay(m, a[0], a[1], wd);
                  Value sum = m.add(a[2], m.mul(g, g));
                  Value std = m.add(m.sqrt(sum), m.c(eps));
                  return SmallVector<Value>{m.sub(a[1], m.mul(clr, m.div(g, std))),
                                            sum};
                });
}

SmallVector<Value> lowerRMSprop(OpBuilder &b, optim::RMSpropOp op) {
  Location loc = op.getLoc();
  Value lr = op.getLr();
  double alpha = op.getAlpha().convertToDouble();
  double eps = op.getEps().convertToDouble();
  double mu = op.getMomentum().convertToDouble();
  double wd = op.getWeightDecay().convertToDouble();
  bool momentum = bool(op.getMomentumBuffer()), centered = op.getCentered();
  SmallVector<Value> inits{op.getParam(), op.getSquareAvg()};
  if (momentum)
    inits.push_back(op.getMomentumBuffer());
  if (centered)
    inits.push_back(op.getGradAvg());
  return update(
      b, loc, op.getGrad(), inits,
      [&](OpBuilder &nb, Location l, ValueRange a) {
        ScalarOps m{nb, l, lr.getType()};
        Value p = a[1];
        Value g = decay(m, a[0], p, wd);
        Value v = m.add(m.mul(m.c(alpha), a[2]), m.mul(m.c(1.0 - alpha), m.mul(g, g)));
        SmallVector<Value> out{Value(), v};
        Value var = v;
        if (centered) {
          Value avg = m.add(m.mul(m.c(alpha), a.back()), m.mul(m.c(1.0 - alpha), g));
          var = m.sub(v, m.mul(avg, avg));
          out.push_back(avg);
        }
        Value denom = m.add(m.sqrt(var), m.c(eps));
        if (momentum) {
          Value buf = m.add(m.mul(m.c(mu), a[3]), m.div(g, denom));
          out.insert(out.begin() + 2, buf);
          out[0] = m.sub(p, m.mul(lr, buf));
        } else {
          out[0] = m.sub(p, m.mul(lr, m.div(g, denom)));
        }
        return out;
      });
}

/// Σ g² of one gradient, as a 0-d tensor.
Value sumOfSquares(OpBuilder &b, Location loc, Value g) {
  auto gt = cast<RankedTensorType>(g.getType());
  unsigned rank = gt.getRank();
  auto scalar = RankedTensorType::get({}, gt.getElementType());
  return b
      .create<linalg::GenericOp>(
          loc, TypeRange{scalar}, ValueRange{g},
          ValueRange{filled(b, loc, scalar, 0.0)},
          ArrayRef<AffineMap>{b.getMultiDimIdentityMap(rank),
                              AffineMap::get(rank, 0, b.getContext())},
          SmallVector<utils::IteratorType>(rank, utils::IteratorType::reduction),
          [&](OpBuilder &nb, Location l, ValueRange a) {
            ScalarOps m{nb, l, gt.getElementType()};
            nb.create<linalg::YieldOp>(l, m.add(a[1], m.mul(a[0], a[0])));
          })
      .getResult(0);
}

SmallVector<Value> lowerClipByGlobalNorm(OpBuilder &b,
                                         optim::ClipByGlobalNormOp op) {
  Location loc = op.getLoc();
  double maxNorm = op.getMaxNorm().convertToDouble();
  Type t = cast<ShapedType>(op.getGrads()[0].getType()).getElementType();
  Value total;
  for (Value g : op.getGrads()) {
    Value s = sumOfSquares(b, loc, g);
    total = total ? mapElementwise(b, loc, {total, s}, t, binary<arith::AddFOp>)
                  : s;
  }
  // PyTorch's clip_grad_norm_: max_norm / (norm + 1e-6), at most 1.
  Value coef = mapElementwise(b, loc, {total}, t,
                              [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                                ScalarOps m{nb, l, t};
                                Value c = m.div(m.c(maxNorm),
                                                m.add(m.sqrt(a[0]), m.c(1e-6)));
                                return nb.create<arith::MinimumFOp>(l, c, m.c(1.0));
                              });
  SmallVector<Value> out;
  for (Value g : op.getGrads())
    out.push_back(mapElementwise(b, loc, {g, coef}, t, binary<arith::MulFOp>));
  return out;
}

/// One call per step: the values are packed into one 1-D tensor, averaged
/// by a single optim.allreduce, and sliced back out.
SmallVector<Value> lowerAllReduce(OpBuilder &b, optim::AllReduceOp op) {
  Location loc = op.getLoc();
  Type elem = getElementTypeOrSelf(op.getValues()[0].getType());
  int64_t total = 0;
  for (Value v : op.getValues())
    total += cast<RankedTensorType>(v.getType()).getNumElements();
  // A value as 1-D and back: a scalar has no dimension to collapse.
  auto reassociation = [](RankedTensorType t) {
    SmallVector<ReassociationIndices> r;
    if (t.getRank() > 0)
      r.push_back(llvm::to_vector(llvm::seq<int64_t>(0, t.getRank())));
    return r;
  };
  Value packed = b.create<tensor::EmptyOp>(loc, ArrayRef<int64_t>{total}, elem);
  int64_t offset = 0;
  for (Value v : op.getValues()) {
    auto t = cast<RankedTensorType>(v.getType());
    auto flatType = RankedTensorType::get({t.getNumElements()}, elem);
    Value flat = v;
    if (t.getRank() == 0)
      flat = b.create<tensor::ExpandShapeOp>(loc, flatType, v, reassociation(t));
    else if (t.getRank() > 1)
      flat = b.create<tensor::CollapseShapeOp>(loc, v, reassociation(t));
    packed = b.create<tensor::InsertSliceOp>(
        loc, flat, packed, ArrayRef<OpFoldResult>{b.getIndexAttr(offset)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(t.getNumElements())},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
    offset += t.getNumElements();
  }
  Value averaged = b.create<optim::AllReduceOp>(loc, packed.getType(), op.getCtx(),
                                                ValueRange{packed})
                       .getResults()[0];
  SmallVector<Value> out;
  offset = 0;
  for (Value v : op.getValues()) {
    auto t = cast<RankedTensorType>(v.getType());
    Value slice = b.create<tensor::ExtractSliceOp>(
        loc, averaged, ArrayRef<OpFoldResult>{b.getIndexAttr(offset)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(t.getNumElements())},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
    if (t.getRank() == 0)
      slice = b.create<tensor::CollapseShapeOp>(loc, t, slice, reassociation(t));
    else if (t.getRank() > 1)
      slice = b.create<tensor::ExpandShapeOp>(loc, t, slice, reassociation(t));
    out.push_back(slice);
    offset += t.getNumElements();
  }
  return out;
}

/// Already the form bufferization takes: one 1-D tensor.
bool isPacked(optim::AllReduceOp op) {
  return op.getValues().size() == 1 &&
         cast<ShapedType>(op.getValues()[0].getType()).getRank() == 1;
}

struct OptimToLinalgPass : kiln::impl::OptimToLinalgPassBase<OptimToLinalgPass> {
  void runOnOperation() override {
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) {
      auto allreduce = dyn_cast<optim::AllReduceOp>(op);
      if (isa<optim::OptimDialect>(op->getDialect()) &&
          !(allreduce && isPacked(allreduce)))
        ops.push_back(op);
    });
    for (Operation *op : ops) {
      OpBuilder b(op);
      SmallVector<Value> repl =
          llvm::TypeSwitch<Operation *, SmallVector<Value>>(op)
              .Case([&](optim::SGDOp o) { return lowerSGD(b, o); })
              .Case([&](optim::MomentumOp o) { return lowerMomentum(b, o); })
              .Case([&](optim::AdamOp o) { return lowerAdam(b, o); })
              .Case([&](optim::AdagradOp o) { return lowerAdagrad(b, o); })
              .Case([&](optim::RMSpropOp o) { return lowerRMSprop(b, o); })
              .Case([&](optim::ClipByGlobalNormOp o) {
                return lowerClipByGlobalNorm(b, o);
              })
              .Case([&](optim::AllReduceOp o) { return lowerAllReduce(b, o); })
              .Default([](Operation *) { return SmallVector<Value>(); });
      if (repl.empty()) {
        op->emitOpError("optim-to-linalg: no lowering");
        return signalPassFailure();
      }
      op->replaceAllUsesWith(repl);
      op->erase();
    }
  }
};

} // namespace
