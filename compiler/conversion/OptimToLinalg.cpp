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

struct Arith {
  OpBuilder &b;
  Location l;
  Type t;
  Value c(double v) { return floatConst(b, l, t, v); }
  Value add(Value x, Value y) { return b.create<arith::AddFOp>(l, x, y); }
  Value sub(Value x, Value y) { return b.create<arith::SubFOp>(l, x, y); }
  Value mul(Value x, Value y) { return b.create<arith::MulFOp>(l, x, y); }
  Value div(Value x, Value y) { return b.create<arith::DivFOp>(l, x, y); }
  Value sqrt(Value x) { return b.create<math::SqrtOp>(l, x); }
  /// g + wd * p, or g when wd is zero.
  Value decay(Value g, Value p, double wd) {
    return wd == 0.0 ? g : add(g, mul(c(wd), p));
  }
};

SmallVector<Value> lowerSGD(OpBuilder &b, optim::SGDOp op) {
  double wd = op.getWeightDecay().convertToDouble();
  Value lr = op.getLr();
  return update(b, op.getLoc(), op.getGrad(), {op.getParam()},
                [&](OpBuilder &nb, Location l, ValueRange a) {
                  Arith m{nb, l, lr.getType()};
                  Value g = m.decay(a[0], a[1], wd);
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
                  Arith m{nb, l, lr.getType()};
                  Value g = m.decay(a[0], a[1], wd);
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
  Arith d{b, loc, f64};
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
        Arith m{nb, l, t};
        Value p = a[1];
        Value g = decoupled ? a[0] : m.decay(a[0], p, wd);
        if (decoupled && wd != 0.0)
          p = m.mul(p, shrink);
        Value mNew = m.add(m.mul(m.c(b1), a[2]), m.mul(m.c(1.0 - b1), g));
        Value vNew = m.add(m.mul(m.c(b2), a[3]), m.mul(m.c(1.0 - b2), m.mul(g, g)));
        Value denom = m.add(m.mul(m.sqrt(vNew), invBc2Sqrt), m.c(eps));
        Value pNew = m.sub(p, m.mul(stepSize, m.div(mNew, denom)));
        return SmallVector<Value>{pNew, mNew, vNew};
      });
}

struct OptimToLinalgPass : kiln::impl::OptimToLinalgPassBase<OptimToLinalgPass> {
  void runOnOperation() override {
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) {
      if (isa<optim::OptimDialect>(op->getDialect()))
        ops.push_back(op);
    });
    for (Operation *op : ops) {
      OpBuilder b(op);
      SmallVector<Value> repl =
          llvm::TypeSwitch<Operation *, SmallVector<Value>>(op)
              .Case([&](optim::SGDOp o) { return lowerSGD(b, o); })
              .Case([&](optim::MomentumOp o) { return lowerMomentum(b, o); })
              .Case([&](optim::AdamOp o) { return lowerAdam(b, o); })
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
