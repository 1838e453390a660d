//===- Autodiff.cpp - Build train_step and forward by reverse-mode AD -----===//
#include "compiler/Passes.h"
#include "dialects/NN/IR/LinalgBuilders.h"

#include "mlir/IR/IRMapping.h"

namespace kiln {
#define GEN_PASS_DEF_AUTODIFFPASS
#include "compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

/// Clones the body of `fn` (single block) at `b`, mapping its arguments to
/// `args`; returns the values it returns.
SmallVector<Value> inlineBody(OpBuilder &b, func::FuncOp fn, ValueRange args,
                              SmallVectorImpl<Operation *> *cloned) {
  IRMapping map;
  map.map(fn.getArguments(), args);
  SmallVector<Value> results;
  for (Operation &op : fn.getBody().front()) {
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      for (Value v : ret.getOperands())
        results.push_back(map.lookup(v));
      break;
    }
    Operation *c = b.clone(op, map);
    if (cloned)
      cloned->push_back(c);
  }
  return results;
}

/// Adds `g` to the cotangent of `v`.
void accumulate(OpBuilder &b, Location loc, DenseMap<Value, Value> &grads,
                Value v, Value g) {
  auto [it, inserted] = grads.try_emplace(v, g);
  if (inserted)
    return;
  Type elem = cast<ShapedType>(g.getType()).getElementType();
  it->second = mapElementwise(
      b, loc, {it->second, g}, elem,
      binary<arith::AddFOp>);
}

/// Whether predictions are class probabilities: the loss takes logits and
/// applies softmax itself, so `forward` (and train_step's `out`) must too.
bool predictsProbabilities(func::FuncOp loss) {
  bool ce = false;
  loss.walk([&](nn::SoftmaxCrossEntropyOp) { ce = true; });
  return ce;
}

/// A flag given as a unit attribute or as `true`.
bool isTrue(Attribute a) {
  if (auto flag = dyn_cast_or_null<BoolAttr>(a))
    return flag.getValue();
  return isa_and_nonnull<UnitAttr>(a);
}

double attrOr(DictionaryAttr d, StringRef name, double dflt) {
  if (auto f = d.getAs<FloatAttr>(name))
    return f.getValueAsDouble();
  return dflt;
}

/// One optimizer update of `param`; returns the new param then new state.
FailureOr<SmallVector<Value>> buildUpdate(OpBuilder &b, Location loc,
                                          DictionaryAttr opt, Value param,
                                          Value grad, ValueRange state,
                                          Value lr, Value step) {
  StringRef type = opt.getAs<StringAttr>("type").getValue();
  double wd = attrOr(opt, "weight_decay", 0.0);
  if (type == "sgd")
    return SmallVector<Value>{b.create<optim::SGDOp>(
        loc, param.getType(), param, grad, lr, b.getF64FloatAttr(wd))};
  if (type == "momentum") {
    auto op = b.create<optim::MomentumOp>(
        loc, param.getType(), param.getType(), param, grad, state[0], lr,
        b.getF64FloatAttr(attrOr(opt, "momentum", 0.9)), b.getF64FloatAttr(wd),
        isTrue(opt.get("nesterov")) ? b.getUnitAttr() : UnitAttr());
    return SmallVector<Value>(op->getResults());
  }
  if (type == "adam" || type == "adamw") {
    auto op = b.create<optim::AdamOp>(
        loc, TypeRange{param.getType(), param.getType(), param.getType()},
        param, grad, state[0], state[1], lr, step,
        b.getF64FloatAttr(attrOr(opt, "beta1", 0.9)),
        b.getF64FloatAttr(attrOr(opt, "beta2", 0.999)),
        b.getF64FloatAttr(attrOr(opt, "eps", 1e-8)), b.getF64FloatAttr(wd),
        type == "adamw" ? b.getUnitAttr() : UnitAttr());
    return SmallVector<Value>(op->getResults());
  }
  return failure();
}

struct AutodiffPass : kiln::impl::AutodiffPassBase<AutodiffPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto model = module.lookupSymbol<func::FuncOp>("model");
    auto loss = module.lookupSymbol<func::FuncOp>("loss");
    auto opt = module->getAttrOfType<DictionaryAttr>("kiln.optimizer");
    if (!model || !loss || !opt || !opt.getAs<StringAttr>("type")) {
      module.emitError("kiln-autodiff expects @model, @loss and a "
                       "kiln.optimizer attribute with a type");
      return signalPassFailure();
    }
    if (failed(buildTrainStep(module, model, loss, opt)))
      return signalPassFailure();
    buildForward(module, model, loss);
    model.erase();
    loss.erase();
  }

  /// @model's arguments: the input first, then the parameters.
  LogicalResult buildTrainStep(ModuleOp module, func::FuncOp model,
                               func::FuncOp loss, DictionaryAttr opt) {
    Location loc = model.getLoc();
    OpBuilder b(module.getBodyRegion());
    b.setInsertionPointToEnd(module.getBody());
    auto params = model.getArgumentTypes().drop_front();
    if (params.empty())
      return model.emitError("kiln-autodiff: the model has no parameters");
    StringRef type = opt.getAs<StringAttr>("type").getValue();
    SmallVector<StringRef> slots = optim::stateSlots(type);
    Type elem = cast<ShapedType>(params.front()).getElementType();

    SmallVector<Type> ins(params),
        outs{loss.getResultTypes()[0], model.getResultTypes()[0]};
    for (size_t s = 0; s < slots.size(); ++s)
      ins.append(params.begin(), params.end());
    ins.push_back(model.getArgumentTypes()[0]);
    ins.push_back(loss.getArgumentTypes()[1]);
    ins.push_back(elem);
    ins.push_back(b.getI64Type());
    outs.append(params.begin(), params.end());
    for (size_t s = 0; s < slots.size(); ++s)
      outs.append(params.begin(), params.end());
    auto fn = b.create<func::FuncOp>(loc, "train_step",
                                     b.getFunctionType(ins, outs));
    size_t n = params.size();
    for (size_t i = 0; i < n; ++i) {
      fn.setArgAttrs(i, model.getArgAttrDict(i + 1));
      for (size_t s = 0; s < slots.size(); ++s)
        fn.setArgAttr(n * (s + 1) + i, "kiln.state", b.getStringAttr(slots[s]));
    }
    Block *entry = fn.addEntryBlock();
    b.setInsertionPointToStart(entry);
    ValueRange args = entry->getArguments();
    ValueRange paramArgs = args.take_front(n);
    Value x = args[n * (slots.size() + 1)], y = args[n * (slots.size() + 1) + 1];
    Value lr = args[n * (slots.size() + 1) + 2];
    Value step = args[n * (slots.size() + 1) + 3];

    SmallVector<Operation *> tape;
    SmallVector<Value> modelArgs{x};
    modelArgs.append(paramArgs.begin(), paramArgs.end());
    Value pred = inlineBody(b, model, modelArgs, &tape)[0];
    Value lossValue = inlineBody(b, loss, {pred, y}, &tape)[0];

    // Reverse sweep.
    DenseMap<Value, Value> grads;
    grads[lossValue] = filled(b, loc, cast<RankedTensorType>(lossValue.getType()), 1.0);
    for (Operation *op : llvm::reverse(tape)) {
      SmallVector<Value> resultGrads;
      bool any = false;
      for (Value r : op->getResults()) {
        resultGrads.push_back(grads.lookup(r));
        any |= (bool)resultGrads.back();
      }
      if (!any)
        continue;
      auto diff = dyn_cast<nn::DifferentiableOpInterface>(op);
      if (!diff)
        return op->emitError("kiln-autodiff: no gradient rule for this op");
      for (auto [i, r] : llvm::enumerate(op->getResults()))
        if (!resultGrads[i])
          resultGrads[i] = filled(b, loc, cast<RankedTensorType>(r.getType()), 0.0);
      SmallVector<Value> operandGrads = diff.buildVJP(b, resultGrads);
      for (auto [operand, g] : llvm::zip(op->getOperands(), operandGrads))
        if (g)
          accumulate(b, op->getLoc(), grads, operand, g);
    }

    SmallVector<Value> newParams, newState(n * slots.size());
    for (size_t i = 0; i < n; ++i) {
      Value p = paramArgs[i];
      Value g = grads.lookup(p);
      if (!g)
        g = filled(b, loc, cast<RankedTensorType>(p.getType()), 0.0);
      SmallVector<Value> state;
      for (size_t s = 0; s < slots.size(); ++s)
        state.push_back(args[n * (s + 1) + i]);
      auto updated = buildUpdate(b, loc, opt, p, g, state, lr, step);
      if (failed(updated))
        return module.emitError("kiln-autodiff: unknown optimizer '")
               << type << "'";
      newParams.push_back((*updated)[0]);
      for (size_t s = 0; s < slots.size(); ++s)
        newState[s * n + i] = (*updated)[s + 1];
    }
    // The batch's predictions come along, as forward would give them, so
    // training metrics cost no second forward pass.
    Value prediction = pred;
    if (predictsProbabilities(loss))
      prediction = b.create<nn::SoftmaxOp>(loc, pred.getType(), pred);
    SmallVector<Value> results{lossValue, prediction};
    results.append(newParams);
    results.append(newState);
    b.create<func::ReturnOp>(loc, results);
    return success();
  }

  void buildForward(ModuleOp module, func::FuncOp model, func::FuncOp loss) {
    OpBuilder b(module.getBodyRegion());
    b.setInsertionPointToEnd(module.getBody());
    auto fn = b.create<func::FuncOp>(model.getLoc(), "forward",
                                     model.getFunctionType());
    for (unsigned i = 0; i < model.getNumArguments(); ++i)
      fn.setArgAttrs(i, model.getArgAttrDict(i));
    Block *entry = fn.addEntryBlock();
    b.setInsertionPointToStart(entry);
    Value pred = inlineBody(b, model, entry->getArguments(), nullptr)[0];
    if (predictsProbabilities(loss))
      pred = b.create<nn::SoftmaxOp>(model.getLoc(), pred.getType(), pred);
    b.create<func::ReturnOp>(model.getLoc(), pred);
  }
};

} // namespace
