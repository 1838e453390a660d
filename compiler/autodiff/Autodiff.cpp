//===- Autodiff.cpp - Build the entry points; reverse-mode AD for train_step ===//
#include "compiler/Passes.h"
#include "dialects/NN/IR/LinalgBuilders.h"
#include "dialects/NN/IR/RecurrentBuilders.h"

#include "mlir/IR/IRMapping.h"

namespace kiln {
#define GEN_PASS_DEF_AUTODIFFPASS
#include "compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

/// The type of a batched value at another batch: [batch, rest...].
Type rebatched(Type t, int64_t batch) {
  auto r = dyn_cast<RankedTensorType>(t);
  if (!r || r.getRank() == 0)
    return t;
  SmallVector<int64_t> shape(r.getShape());
  shape[0] = batch;
  return r.clone(shape);
}

/// Clones the body of `fn` (single block) at `b`, mapping its arguments to
/// `args`; returns the values it returns. When the arguments come at another
/// batch than `fn`'s, every op's result type is inferred again
/// (InferTypeOpInterface; reshape keeps its per-sample shape).
FailureOr<SmallVector<Value>> inlineBody(OpBuilder &b, func::FuncOp fn,
                                         ValueRange args, int64_t batch,
                                         SmallVectorImpl<Operation *> *cloned) {
  IRMapping map;
  map.map(fn.getArguments(), args);
  bool retype = llvm::any_of(llvm::zip(fn.getArgumentTypes(), args),
                             [](auto pair) {
                               return std::get<0>(pair) != std::get<1>(pair).getType();
                             });
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
    if (!retype)
      continue;
    SmallVector<Type> types;
    if (auto infer = dyn_cast<InferTypeOpInterface>(c)) {
      if (failed(infer.inferReturnTypes(
              c->getContext(), c->getLoc(), c->getOperands(),
              c->getAttrDictionary(), c->getPropertiesStorage(),
              c->getRegions(), types)))
        return c->emitError("kiln-autodiff: cannot infer this op's type at batch ")
               << batch;
    } else if (isa<nn::ReshapeOp>(c)) {
      types.push_back(rebatched(c->getResult(0).getType(), batch));
    } else {
      return c->emitError("kiln-autodiff: this op cannot be re-batched (it "
                          "infers no result type)");
    }
    for (auto [r, t] : llvm::zip(c->getResults(), types))
      r.setType(t);
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

/// Predictions as the user sees them: a loss that takes logits applies
/// softmax (cross-entropy, KL divergence) or sigmoid (binary cross-entropy)
/// itself, so `forward` (and train_step's `out`) must too. Null when the
/// loss compares values directly.
Value probabilitiesOf(OpBuilder &b, Location loc, func::FuncOp loss,
                      Value logits) {
  bool softmax = false, sigmoid = false;
  loss.walk([&](Operation *op) {
    softmax |= isa<nn::SoftmaxCrossEntropyOp, nn::KLDivergenceOp>(op);
    sigmoid |= isa<nn::BinaryCrossEntropyOp>(op);
  });
  if (softmax)
    return b.create<nn::SoftmaxOp>(loc, logits);
  if (sigmoid)
    return b.create<nn::SigmoidOp>(loc, logits);
  return Value();
}

/// A flag given as a unit attribute or as `true`.
bool isTrue(Attribute a) {
  if (auto flag = dyn_cast_or_null<BoolAttr>(a))
    return flag.getValue();
  return isa_and_nonnull<UnitAttr>(a);
}

double attrOr(DictionaryAttr d, StringRef name, double dflt) {
  if (auto f = d ? d.getAs<FloatAttr>(name) : FloatAttr())
    return f.getValueAsDouble();
  return dflt;
}

/// While alive, marks the ops `b` creates with a role ("backward",
/// "update"): their location becomes fused with the role as metadata, so
/// the kernels they end up in can be named after it (the C++ backend's
/// function names); `name` (a parameter's) is added to the location.
class RoleMarker : public OpBuilder::Listener {
public:
  RoleMarker(OpBuilder &b, StringRef role, StringRef name = {})
      : b(b), previous(b.getListener()), role(b.getStringAttr(role)),
        name(name.empty() ? StringAttr() : b.getStringAttr(name)) {
    b.setListener(this);
  }
  ~RoleMarker() override { b.setListener(previous); }
  void notifyOperationInserted(Operation *op, OpBuilder::InsertPoint) override {
    Location loc = name ? Location(NameLoc::get(name, op->getLoc())) : op->getLoc();
    op->setLoc(FusedLoc::get(op->getContext(), {loc}, role));
  }

private:
  OpBuilder &b;
  OpBuilder::Listener *previous;
  StringAttr role, name;
};

/// One optimizer update of `param`; returns the new param then new state.
/// `role` (the parameter's kiln.param) may override the weight decay and
/// scale the learning rate.
FailureOr<SmallVector<Value>> buildUpdate(OpBuilder &b, Location loc,
                                          DictionaryAttr opt, DictionaryAttr role,
                                          Value param, Value grad,
                                          ValueRange state, Value lr, Value step) {
  StringRef type = opt.getAs<StringAttr>("type").getValue();
  double wd = attrOr(role, "weight_decay", attrOr(opt, "weight_decay", 0.0));
  if (double scale = attrOr(role, "lr_scale", 1.0); scale != 1.0)
    lr = b.create<arith::MulFOp>(loc, lr, floatConst(b, loc, lr.getType(), scale));
  if (type == "adagrad") {
    auto op = b.create<optim::AdagradOp>(
        loc, param.getType(), param.getType(), param, grad, state[0], lr, step,
        b.getF64FloatAttr(attrOr(opt, "lr_decay", 0.0)),
        b.getF64FloatAttr(attrOr(opt, "eps", 1e-10)), b.getF64FloatAttr(wd));
    return SmallVector<Value>(op->getResults());
  }
  if (type == "rmsprop") {
    double mu = attrOr(opt, "momentum", 0.0);
    bool centered = isTrue(opt.get("centered"));
    Value buf = mu > 0 ? state[1] : Value();
    Value avg = centered ? state.back() : Value();
    SmallVector<Type> types(state.size() + 1, param.getType());
    auto op = b.create<optim::RMSpropOp>(
        loc, types[0], types[1], buf ? param.getType() : Type(),
        avg ? param.getType() : Type(), param, grad, state[0], buf, avg, lr,
        b.getF64FloatAttr(attrOr(opt, "alpha", 0.99)),
        b.getF64FloatAttr(attrOr(opt, "eps", 1e-8)), b.getF64FloatAttr(mu),
        b.getF64FloatAttr(wd), centered ? b.getUnitAttr() : UnitAttr());
    return SmallVector<Value>(op->getResults());
  }
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

/// One entry point to build: its name, mode and batch, and what it does.
struct EntrySpec {
  StringRef name, mode;
  int64_t batch;
  bool loss;   // takes targets, returns the loss (eval_step, train_step)
  bool update; // the reverse sweep and the optimizer (train_step)
  bool check = false; // the reverse sweep and finiteness checks (check_step)
};

/// A function under construction: arguments are added with their roles.
struct EntryFunc {
  func::FuncOp fn;
  Block *block;
  SmallVector<DictionaryAttr> argAttrs;

  BlockArgument add(Type t, StringRef role, Attribute value) {
    Builder b(fn.getContext());
    argAttrs.push_back(b.getDictionaryAttr(b.getNamedAttr(role, value)));
    return block->addArgument(t, fn.getLoc());
  }
};

/// Which argument of @model and @loss plays which role, read from their
/// attributes (their order is the frontend's business).
struct Roles {
  unsigned input = 0;
  SmallVector<unsigned> params;
  SmallVector<unsigned> buffers;
  /// @model's results after the prediction: the buffer (index into
  /// `buffers`) each one updates in training, or a term of the loss
  /// (kiln.regularization, at these result indices).
  SmallVector<unsigned> updates, updateResults;
  SmallVector<unsigned> penalties;
  unsigned prediction = 0, target = 1; // of @loss
};

struct AutodiffPass : kiln::impl::AutodiffPassBase<AutodiffPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (cores > 1)
      module->setAttr(kCoresAttr, IntegerAttr::get(IntegerType::get(&getContext(), 64), cores));
    else
      module->removeAttr(kCoresAttr);
    if (l2Bytes > 0)
      module->setAttr(kL2BytesAttr, IntegerAttr::get(IntegerType::get(&getContext(), 64), l2Bytes));
    else
      module->removeAttr(kL2BytesAttr);
    auto model = module.lookupSymbol<func::FuncOp>("model");
    auto loss = module.lookupSymbol<func::FuncOp>("loss");
    auto opt = module->getAttrOfType<DictionaryAttr>("kiln.optimizer");
    if (!model) {
      module.emitError("kiln-autodiff expects @model");
      return signalPassFailure();
    }
    // A model without @loss compiles for inference: forward alone.
    if ((loss || opt) && (!loss || !opt || !opt.getAs<StringAttr>("type"))) {
      module.emitError("kiln-autodiff: training needs @loss and a "
                       "kiln.optimizer attribute with a type (or neither, "
                       "for an inference-only model)");
      return signalPassFailure();
    }
    FailureOr<Roles> roles = readRoles(model, loss);
    if (failed(roles))
      return signalPassFailure();
    if (loss && llvm::none_of(roles->params,
                              [&](unsigned i) { return trainable(model, i); })) {
      model.emitError("kiln-autodiff: the model has no trainable parameters to "
                      "train (compile it for inference: no @loss)");
      return signalPassFailure();
    }
    int64_t batch =
        cast<ShapedType>(model.getArgumentTypes()[roles->input]).getDimSize(0);
    SmallVector<EntrySpec> entries;
    if (loss)
      entries.append({{"train_step", "train", batch, true, true},
                      {"eval_step", "eval", batch, true, false},
                      {"eval_step_1", "eval", 1, true, false}});
    entries.append({{"forward", "eval", batch, false, false},
                    {"forward_1", "eval", 1, false, false}});
    if (loss && checkStep)
      entries.push_back({"check_step", "train", batch, true, false, true});
    for (const EntrySpec &e : entries)
      if (failed(buildEntry(module, model, loss, opt, *roles, e)))
        return signalPassFailure();
    model.erase();
    if (loss)
      loss.erase();
  }

  /// A role dictionary with a string `name`.
  static bool named(DictionaryAttr role) {
    return role && role.getAs<StringAttr>("name");
  }

  /// @model's input (one kiln.input) and parameters (kiln.param), and
  /// @loss's target (kiln.target) and prediction (the other argument), every
  /// role named; any other argument is an error.
  FailureOr<Roles> readRoles(func::FuncOp model, func::FuncOp loss) {
    Roles roles;
    int inputs = 0;
    for (unsigned i = 0; i < model.getNumArguments(); ++i) {
      if (named(model.getArgAttrOfType<DictionaryAttr>(i, "kiln.input"))) {
        roles.input = i;
        ++inputs;
      } else if (named(model.getArgAttrOfType<DictionaryAttr>(i, "kiln.param"))) {
        roles.params.push_back(i);
      } else if (named(model.getArgAttrOfType<DictionaryAttr>(i, "kiln.buffer"))) {
        roles.buffers.push_back(i);
      } else {
        return model.emitError("kiln-autodiff: argument ")
               << i << " of @model has no role (kiln.input = {name}, "
                       "kiln.param = {name, trainable} or kiln.buffer = {name, init})";
      }
    }
    if (inputs != 1)
      return model.emitError("kiln-autodiff: @model needs exactly one input "
                             "(kiln.input = {name}), got ")
             << inputs;
    // The prediction, then one update per buffer (kiln.buffer_update).
    if (model.getNumResults() < 1 ||
        model.getResultAttr(0, "kiln.buffer_update"))
      return model.emitError("kiln-autodiff: @model must return the prediction first");
    for (unsigned r = 1; r < model.getNumResults(); ++r) {
      if (model.getResultAttr(r, "kiln.regularization")) {
        auto t = dyn_cast<RankedTensorType>(model.getResultTypes()[r]);
        if (!t || t.getRank() != 0)
          return model.emitError("kiln-autodiff: result ")
                 << r << " of @model is a regularization term but not a scalar";
        roles.penalties.push_back(r);
        continue;
      }
      auto name = model.getResultAttrOfType<StringAttr>(r, "kiln.buffer_update");
      auto it = llvm::find_if(roles.buffers, [&](unsigned arg) {
        return name && model.getArgAttrOfType<DictionaryAttr>(arg, "kiln.buffer")
                               .getAs<StringAttr>("name") == name;
      });
      if (it == roles.buffers.end())
        return model.emitError("kiln-autodiff: result ")
               << r << " of @model is neither the prediction, a buffer's "
                       "update (kiln.buffer_update = \"<buffer name>\") nor a "
                       "regularization term (kiln.regularization)";
      unsigned which = it - roles.buffers.begin();
      if (llvm::is_contained(roles.updates, which))
        return model.emitError("kiln-autodiff: result ")
               << r << " of @model updates buffer " << name
               << " a second time";
      roles.updates.push_back(which);
      roles.updateResults.push_back(r);
    }
    if (!loss)
      return roles;
    int targets = 0;
    for (unsigned i = 0; i < loss.getNumArguments(); ++i)
      if (named(loss.getArgAttrOfType<DictionaryAttr>(i, "kiln.target"))) {
        roles.target = i;
        ++targets;
      } else {
        roles.prediction = i;
      }
    if (loss.getNumArguments() != 2 || targets != 1)
      return loss.emitError("kiln-autodiff: @loss must take the prediction and "
                            "the target (kiln.target = {name})");
    return roles;
  }

  static bool trainable(func::FuncOp model, unsigned i) {
    auto p = model.getArgAttrOfType<DictionaryAttr>(i, "kiln.param");
    auto t = p.getAs<BoolAttr>("trainable");
    return !t || t.getValue();
  }

  LogicalResult buildEntry(ModuleOp module, func::FuncOp model,
                           func::FuncOp loss, DictionaryAttr opt,
                           const Roles &roles, const EntrySpec &e) {
    Location loc = model.getLoc();
    OpBuilder b(module.getBodyRegion());
    b.setInsertionPointToEnd(module.getBody());
    auto fn = b.create<func::FuncOp>(loc, e.name, b.getFunctionType({}, {}));
    fn->setAttr("kiln.entry",
                b.getDictionaryAttr({b.getNamedAttr("name", b.getStringAttr(e.name)),
                                     b.getNamedAttr("mode", b.getStringAttr(e.mode)),
                                     b.getNamedAttr("batch", b.getI64IntegerAttr(e.batch))}));
    EntryFunc f{fn, fn.addEntryBlock(), {}};
    b.setInsertionPointToStart(f.block);

    // Parameters (all of them: frozen ones are read, not updated), then the
    // optimizer state of the trainable ones, parameter-major.
    unsigned n = roles.params.size();
    SmallVector<Value> params;
    for (unsigned arg : roles.params)
      params.push_back(f.add(model.getArgumentTypes()[arg], "kiln.param",
                             model.getArgAttr(arg, "kiln.param")));
    // Buffers (batch norm's running statistics): read by every entry,
    // updated by train_step.
    SmallVector<Value> buffers;
    for (unsigned arg : roles.buffers)
      buffers.push_back(f.add(model.getArgumentTypes()[arg], "kiln.buffer",
                              model.getArgAttr(arg, "kiln.buffer")));
    SmallVector<StringRef> slots;
    if (e.update)
      slots = optim::stateSlots(opt);
    SmallVector<SmallVector<Value>> state(n);
    for (unsigned i = 0; i < n; ++i) {
      if (!trainable(model, roles.params[i]))
        continue;
      auto name = model.getArgAttrOfType<DictionaryAttr>(roles.params[i], "kiln.param")
                      .getAs<StringAttr>("name");
      for (StringRef slot : slots) {
        SmallVector<NamedAttribute> role{b.getNamedAttr("param", name),
                                         b.getNamedAttr("slot", b.getStringAttr(slot))};
        if (double init = optim::stateInit(opt, slot); init != 0.0)
          role.push_back(b.getNamedAttr("init", b.getF64FloatAttr(init)));
        state[i].push_back(f.add(params[i].getType(), "kiln.state",
                                 b.getDictionaryAttr(role)));
      }
    }
    Value x = f.add(rebatched(model.getArgumentTypes()[roles.input], e.batch),
                    "kiln.input", model.getArgAttr(roles.input, "kiln.input"));
    Value y;
    if (e.loss)
      y = f.add(rebatched(loss.getArgumentTypes()[roles.target], e.batch),
                "kiln.target", loss.getArgAttr(roles.target, "kiln.target"));
    Value lr, step, seed, context;
    if (e.update) {
      Type elem = cast<ShapedType>(params.front().getType()).getElementType();
      lr = f.add(elem, "kiln.scalar", b.getStringAttr("lr"));
    }
    if (e.mode == "train") {
      step = f.add(b.getI64Type(), "kiln.scalar", b.getStringAttr("step"));
      seed = f.add(b.getI64Type(), "kiln.scalar", b.getStringAttr("seed"));
    }
    bool allreduce = dataParallel && e.update && !e.check;
    if (allreduce) {
      context = f.add(LLVM::LLVMPointerType::get(b.getContext()), "kiln.scalar",
                      b.getStringAttr("context"));
      SmallVector<NamedAttribute> entry(
          fn->getAttrOfType<DictionaryAttr>("kiln.entry").getValue());
      entry.push_back(b.getNamedAttr("allreduce", b.getBoolAttr(true)));
      fn->setAttr("kiln.entry", b.getDictionaryAttr(entry));
    }

    SmallVector<Operation *> tape;
    SmallVector<Value> modelArgs(model.getNumArguments());
    modelArgs[roles.input] = x;
    for (auto [arg, p] : llvm::zip(roles.params, params))
      modelArgs[arg] = p;
    for (auto [arg, v] : llvm::zip(roles.buffers, buffers))
      modelArgs[arg] = v;
    auto pred = inlineBody(b, model, modelArgs, e.batch, &tape);
    if (failed(pred))
      return failure();
    // Ops that differ between training and evaluation get the entry's mode
    // (and, in training, the step's counters for their randomness).
    for (Operation *op : tape)
      if (auto modal = dyn_cast<nn::ModeDependentOpInterface>(op))
        if (failed(modal.setMode(e.mode, seed, step)))
          return failure();
    Value prediction = (*pred)[0];
    auto predType = dyn_cast<RankedTensorType>(prediction.getType());
    if (!predType || predType.getRank() == 0 || predType.getDimSize(0) != e.batch)
      return model.emitError("kiln-autodiff: the prediction ")
             << prediction.getType() << " does not carry the batch (" << e.batch
             << " for " << e.name << "); it must depend on the input";
    SmallVector<Value> results, roots;
    SmallVector<DictionaryAttr> resultAttrs;
    auto role = [&](StringRef key, Attribute value) {
      return b.getDictionaryAttr(b.getNamedAttr(key, value));
    };
    if (e.loss) {
      SmallVector<Value> lossArgs(2);
      lossArgs[roles.prediction] = prediction;
      lossArgs[roles.target] = y;
      auto l = inlineBody(b, loss, lossArgs, e.batch, &tape);
      if (failed(l))
        return failure();
      // The regularization terms join the loss (reported and minimized);
      // each is a root of the reverse sweep as the loss is.
      Value total = (*l)[0];
      for (unsigned r : roles.penalties)
        total = mapElementwise(b, loc, {total, (*pred)[r]},
                               getElementTypeOrSelf(total.getType()),
                               binary<arith::AddFOp>);
      results.push_back(total);
      resultAttrs.push_back(role("kiln.result", b.getStringAttr("loss")));
      roots.push_back((*l)[0]);
      for (unsigned r : roles.penalties)
        roots.push_back((*pred)[r]);
    }
    SmallVector<Value> updates;
    SmallVector<DictionaryAttr> updateAttrs;
    DenseMap<Value, Value> grads;
    if (e.update || e.check) {
      auto swept = reverseSweep(b, loc, tape, roots);
      if (failed(swept))
        return failure();
      grads = std::move(*swept);
    }
    if (e.check) {
      SmallVector<Attribute> names;
      for (auto [i, count] : llvm::enumerate(buildChecks(
               b, loc, x, results[0], prediction, tape, grads, names))) {
        results.push_back(count);
        resultAttrs.push_back(role("kiln.check", b.getI64IntegerAttr(i)));
      }
      SmallVector<NamedAttribute> entry(
          fn->getAttrOfType<DictionaryAttr>("kiln.entry").getValue());
      entry.push_back(b.getNamedAttr("checks", b.getArrayAttr(names)));
      fn->setAttr("kiln.entry", b.getDictionaryAttr(entry));
      return finish(b, loc, fn, f, results, resultAttrs);
    }
    if (e.update) {
      SmallVector<Value> paramGrads(n);
      for (unsigned i = 0; i < n; ++i) {
        if (!trainable(model, roles.params[i]))
          continue;
        paramGrads[i] = grads.lookup(params[i]);
        if (!paramGrads[i])
          paramGrads[i] =
              filled(b, loc, cast<RankedTensorType>(params[i].getType()), 0.0);
      }
      if (allreduce)
        averageAcrossProcesses(b, loc, context, results[0], paramGrads);
      clip(b, loc, opt, paramGrads);
      for (unsigned i = 0; i < n; ++i) {
        if (!trainable(model, roles.params[i]))
          continue;
        Value p = params[i];
        Value g = paramGrads[i];
        auto paramRole =
            model.getArgAttrOfType<DictionaryAttr>(roles.params[i], "kiln.param");
        auto paramName = paramRole ? paramRole.getAs<StringAttr>("name") : StringAttr();
        RoleMarker marker(b, "update", paramName ? paramName.getValue() : StringRef());
        auto updated = buildUpdate(
            b, loc, opt,
            model.getArgAttrOfType<DictionaryAttr>(roles.params[i], "kiln.param"),
            p, g, state[i], lr, step);
        if (failed(updated))
          return module.emitError("kiln-autodiff: unknown optimizer '")
                 << opt.getAs<StringAttr>("type").getValue() << "'";
        updates.push_back((*updated)[0]);
        updateAttrs.push_back(role(
            "kiln.tied",
            b.getI64IntegerAttr(cast<BlockArgument>(params[i]).getArgNumber())));
        for (auto [s, v] : llvm::enumerate(llvm::drop_begin(*updated))) {
          updates.push_back(v);
          updateAttrs.push_back(role(
              "kiln.tied",
              b.getI64IntegerAttr(cast<BlockArgument>(state[i][s]).getArgNumber())));
        }
      }
    }
    // Predictions as the user sees them: probabilities when the loss
    // applies softmax itself.
    // (An inference-only @model marked kiln.probabilities ends in softmax.)
    Value probs = loss ? probabilitiesOf(b, loc, loss, prediction) : Value();
    bool probabilities = bool(probs) || model->hasAttr("kiln.probabilities");
    if (probs)
      prediction = probs;
    results.push_back(prediction);
    resultAttrs.push_back(role(
        "kiln.output",
        b.getDictionaryAttr(
            {b.getNamedAttr("name", b.getStringAttr("prediction")),
             b.getNamedAttr("kind", b.getStringAttr(probabilities ? "probabilities"
                                                                : "values"))})));
    results.append(updates);
    resultAttrs.append(updateAttrs);
    if (e.update)
      for (auto [r, which] : llvm::enumerate(roles.updates)) {
        results.push_back((*pred)[roles.updateResults[r]]);
        resultAttrs.push_back(role(
            "kiln.tied",
            b.getI64IntegerAttr(cast<BlockArgument>(buffers[which]).getArgNumber())));
      }
    return finish(b, loc, fn, f, results, resultAttrs);
  }

  static LogicalResult finish(OpBuilder &b, Location loc, func::FuncOp fn,
                              EntryFunc &f, ValueRange results,
                              ArrayRef<DictionaryAttr> resultAttrs) {
    b.create<func::ReturnOp>(loc, results);
    fn.setType(b.getFunctionType(f.block->getArgumentTypes(), results.getTypes()));
    fn.setAllArgAttrs(f.argAttrs);
    fn.setAllResultAttrs(resultAttrs);
    return success();
  }

  /// check_step's results: how many elements of each checked value are
  /// non-finite, a tensor<1xf32> per check in the order the step computes them
  /// (the input, each layer's output, the loss and the gradient reaching
  /// the prediction, then each layer's gradients from the last layer back).
  /// A layer is the ops carrying its name (a NameLoc from the frontend);
  /// its output is each value it hands to ops outside it, its gradient the
  /// cotangent of each value it reads from another layer (the first reader
  /// of a value read by several). Parameter
  /// gradients are not checked: their matmuls would double check_step, and
  /// the runtime names a parameter an update made non-finite anyway.
  /// `names` gets {layer, value, size} per check.
  static SmallVector<Value> buildChecks(OpBuilder &b, Location loc, Value x, Value total,
                           Value prediction, ArrayRef<Operation *> tape,
                           const DenseMap<Value, Value> &grads,
                           SmallVectorImpl<Attribute> &names) {
    struct Check {
      std::string layer, value;
      SmallVector<Value> values;
    };
    auto isFloat = [](Value v) {
      auto t = dyn_cast<RankedTensorType>(v.getType());
      return t && isa<FloatType>(t.getElementType());
    };
    SmallVector<Check> outputs, gradients;
    llvm::StringMap<unsigned> index;
    // A value several layers read (a skip connection) has one cotangent,
    // complete once its first reader's backward is done: checked there.
    DenseSet<Value> read;
    for (Operation *op : tape) {
      StringRef name = layerOf(op);
      if (name.empty())
        continue; // the loss's own ops: checked as the loss below
      auto [it, fresh] = index.try_emplace(name, outputs.size());
      if (fresh) {
        outputs.push_back({name.str(), "output", {}});
        gradients.push_back({name.str(), "gradient", {}});
      }
      for (Value r : op->getResults())
        if (isFloat(r) && llvm::any_of(r.getUsers(), [&](Operation *u) {
              return layerOf(u) != name;
            }))
          outputs[it->second].values.push_back(r);
      for (Value o : op->getOperands()) {
        Operation *def = o.getDefiningOp();
        if (!def || layerOf(def) == name || !isFloat(o) || !read.insert(o).second)
          continue;
        if (Value g = grads.lookup(o))
          gradients[it->second].values.push_back(g);
      }
    }
    SmallVector<Check> checks;
    if (isFloat(x))
      checks.push_back({"input", "value", {x}});
    checks.append(outputs);
    checks.push_back({"loss", "value", {total}});
    if (Value g = grads.lookup(prediction))
      checks.push_back({"loss", "gradient", {g}});
    checks.append(gradients.rbegin(), gradients.rend());
    llvm::erase_if(checks, [](const Check &c) { return c.values.empty(); });

    auto f32 = b.getF32Type();
    SmallVector<Value> out;
    for (const Check &c : checks) {
      Value count;
      int64_t size = 0;
      for (Value v : c.values) {
        // Counted where it is made, so it need not live to the end of the
        // step (the workspace holds it only while the step still uses it).
        Value n;
        {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPointAfterValue(v);
          n = countNonFinite(b, loc, v);
        }
        count = count ? mapElementwise(b, loc, {count, n}, f32, binary<arith::AddFOp>) : n;
        size += cast<RankedTensorType>(v.getType()).getNumElements();
      }
      // Separate results, not one tensor: a chain of thousands of
      // insert_slices makes one-shot bufferization quadratic.
      out.push_back(b.create<tensor::ExpandShapeOp>(
          loc, RankedTensorType::get({1}, f32), count,
          ArrayRef<ReassociationIndices>{}));
      names.push_back(b.getDictionaryAttr(
          {b.getNamedAttr("layer", b.getStringAttr(c.layer)),
           b.getNamedAttr("value", b.getStringAttr(c.value)),
           b.getNamedAttr("size", b.getI64IntegerAttr(size))}));
    }
    return out;
  }

  /// The layer an op belongs to: the name the frontend gave its location.
  static StringRef layerOf(Operation *op) {
    Location loc = op->getLoc();
    if (auto fused = dyn_cast<FusedLoc>(loc))
      for (Location l : fused.getLocations())
        if (auto n = dyn_cast<NameLoc>(l))
          return n.getName().getValue();
    if (auto n = dyn_cast<NameLoc>(loc))
      return n.getName().getValue();
    return {};
  }

  /// Data parallelism: the loss and the gradients of the trainable
  /// parameters (null entries are frozen ones, which send nothing) become
  /// their means over the processes, in one optim.allreduce.
  static void averageAcrossProcesses(OpBuilder &b, Location loc, Value context,
                                     Value &loss, MutableArrayRef<Value> grads) {
    SmallVector<Value> values{loss};
    for (Value g : grads)
      if (g)
        values.push_back(g);
    auto op = b.create<optim::AllReduceOp>(loc, ValueRange(values).getTypes(),
                                           context, values);
    loss = op.getResults()[0];
    unsigned next = 1;
    for (Value &g : grads)
      if (g)
        g = op.getResults()[next++];
  }

  /// Clips the gradients of the trainable parameters (null entries are
  /// frozen ones) as the optimizer's clip_norm or clip_value says.
  static void clip(OpBuilder &b, Location loc, DictionaryAttr opt,
                   MutableArrayRef<Value> grads) {
    SmallVector<Value> live;
    for (Value g : grads)
      if (g)
        live.push_back(g);
    if (double maxNorm = attrOr(opt, "clip_norm", 0.0); maxNorm > 0) {
      auto op = b.create<optim::ClipByGlobalNormOp>(
          loc, ValueRange(live).getTypes(), live, b.getF64FloatAttr(maxNorm));
      unsigned next = 0;
      for (Value &g : grads)
        if (g)
          g = op.getClipped()[next++];
    }
    if (double v = attrOr(opt, "clip_value", 0.0); v > 0)
      for (Value &g : grads)
        if (g)
          g = mapElementwise(
              b, loc, {g}, getElementTypeOrSelf(g.getType()),
              [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                Type t = a[0].getType();
                Value lo = nb.create<arith::MaximumFOp>(l, a[0], floatConst(nb, l, t, -v));
                return nb.create<arith::MinimumFOp>(l, lo, floatConst(nb, l, t, v));
              });
  }

  /// The cotangent of every value the roots (the loss and its
  /// regularization terms, summed) depend on, each root seeded with 1.
  FailureOr<DenseMap<Value, Value>> reverseSweep(OpBuilder &b, Location loc,
                                                 ArrayRef<Operation *> tape,
                                                 ArrayRef<Value> roots) {
    DenseMap<Value, Value> grads;
    for (Value root : roots)
      accumulate(b, loc, grads, root,
                 filled(b, loc, cast<RankedTensorType>(root.getType()), 1.0));
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
          resultGrads[i] =
              filled(b, loc, cast<RankedTensorType>(r.getType()), 0.0);
      RoleMarker marker(b, "backward");
      SmallVector<Value> operandGrads = diff.buildVJP(b, resultGrads);
      for (auto [operand, g] : llvm::zip(op->getOperands(), operandGrads))
        if (g)
          accumulate(b, op->getLoc(), grads, operand, g);
    }
    return grads;
  }
};

} // namespace
