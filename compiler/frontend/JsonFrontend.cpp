//===- JsonFrontend.cpp - Model description to nn dialect -----------------===//
#include "compiler/frontend/JsonFrontend.h"
#include "compiler/frontend/Importer.h"
#include "compiler/frontend/SpecReader.h"
#include "dialects/NN/IR/NNDialect.h"
#include "dialects/Optim/IR/OptimDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/Support/JSON.h"

#include <map>

using namespace mlir;
namespace json = llvm::json;

namespace kiln::importer {

static json::Array toJson(const std::vector<int64_t> &s) {
  json::Array a;
  for (int64_t d : s)
    a.push_back(d);
  return a;
}

/// Resolves each layer's inputs and orders the layers so each comes after
/// its inputs (file order where the graph allows). Unknown names, cycles and
/// layers whose output nobody reads are errors.
bool Importer::orderLayers(std::vector<const LayerSpec *> &order) {
  const std::vector<LayerSpec> &layers = spec.layers;
  for (size_t i = 0; i < layers.size(); ++i) {
    const LayerSpec &l = layers[i];
    byName[l.name] = &l;
    inputsOf[l.name] = !l.inputs.empty() ? l.inputs
                       : i == 0          ? std::vector<std::string>{"input"}
                                         : std::vector<std::string>{layers[i - 1].name};
  }
  for (const LayerSpec &l : layers)
    for (const std::string &in : inputsOf[l.name])
      if (in != "input" && !byName.count(in))
        return fail(l, "input \"" + in + "\" names no layer (nor \"input\", "
                       "the model's input)");
  if (!spec.output.empty() && !byName.count(spec.output)) {
    err = file + ": /output: \"" + spec.output + "\" names no layer";
    return false;
  }
  output = spec.output.empty() ? &layers.back() : byName[spec.output];
  // Kahn's algorithm, taking the first ready layer in file order.
  std::map<std::string, bool> placed{{"input", true}};
  while (order.size() < layers.size()) {
    const LayerSpec *ready = nullptr;
    for (const LayerSpec &l : layers)
      if (!placed[l.name] && llvm::all_of(inputsOf[l.name], [&](const std::string &n) {
            return placed[n];
          })) {
        ready = &l;
        break;
      }
    if (!ready) {
      // Every unplaced layer waits on another: walk back to a repeat.
      const LayerSpec *at = nullptr;
      for (const LayerSpec &l : layers)
        if (!placed[l.name]) {
          at = &l;
          break;
        }
      std::vector<std::string> path;
      while (llvm::find(path, at->name) == path.end()) {
        path.push_back(at->name);
        for (const std::string &n : inputsOf[at->name])
          if (!placed[n]) {
            at = byName[n];
            break;
          }
      }
      std::string cycle;
      for (auto it = llvm::find(path, at->name); it != path.end(); ++it)
        cycle += "\"" + *it + "\" reads ";
      return fail(*at, "the inputs form a cycle: " + cycle + "\"" + at->name + "\"");
    }
    placed[ready->name] = true;
    order.push_back(ready);
  }
  std::map<std::string, bool> read;
  for (const LayerSpec &l : layers)
    for (const std::string &n : inputsOf[l.name])
      read[n] = true;
  for (const LayerSpec &l : layers)
    if (&l != output && !read[l.name])
      return fail(l, "its output is never used: no layer reads it and it is not "
                     "the model's output (\"" + output->name + "\"" +
                     (spec.output.empty() ? ", the last layer" : "") + ")");
  return true;
}

/// A bias by PyTorch's names: `bias`, `in_proj_bias`, `bias_ih_l0`, ...
static bool isBias(llvm::StringRef name) {
  llvm::StringRef last = name.rsplit('.').second.empty() ? name : name.rsplit('.').second;
  return last == "bias" || last.starts_with("bias_") || last.ends_with("_bias");
}

Value Importer::addParam(const std::string &name, std::vector<int64_t> s,
                         const std::string &init, int64_t fanIn, int64_t fanOut) {
  std::optional<double> wd = layer->weightDecay;
  if (!wd && isBias(name))
    wd = spec.optimizer.biasWeightDecay;
  params.push_back({name, init, s, fanIn, fanOut, layer->trainable,
                    entry->getNumArguments(), layer->lrScale, wd});
  return entry->addArgument(
      RankedTensorType::get(SmallVector<int64_t>(s.begin(), s.end()), b.getF32Type()),
      entry->getParentOp()->getLoc());
}

bool Importer::buildModel(ModuleOp module) {
  // Parameters are discovered while walking the layers, so build the body
  // first with a placeholder signature, then add the parameter arguments.
  Location loc = FileLineColLoc::get(&ctx, file, 0, 0);
  b.setInsertionPointToEnd(module.getBody());
  RankedTensorType inputType = batched(spec.inputShape);
  if (spec.inputDtype == "int32")
    inputType = inputType.clone(b.getI32Type());
  auto fn = b.create<func::FuncOp>(loc, "model", b.getFunctionType({inputType}, {}));
  entry = fn.addEntryBlock();
  b.setInsertionPointToStart(entry);
  // A batch of values [batch, shape...] that does not fit: its message.
  auto tooBig = [&](const std::vector<int64_t> &s) -> std::string {
    std::vector<int64_t> batchedShape{spec.batchSize};
    batchedShape.insert(batchedShape.end(), s.begin(), s.end());
    if (product(batchedShape) <= kMaxSize)
      return "";
    return showShape(batchedShape) + " has more than " +
           std::to_string(kMaxSize) + " elements";
  };
  if (std::string msg = tooBig(spec.inputShape); !msg.empty()) {
    err = file + ": /input/shape: a batch of inputs " + msg;
    return false;
  }
  std::vector<const LayerSpec *> order;
  if (!orderLayers(order))
    return false;
  std::map<std::string, Value> values{{"input", entry->getArgument(0)}};
  for (const LayerSpec *lp : order) {
    const LayerSpec &l = *lp;
    SmallVector<Value> ins;
    for (const std::string &n : inputsOf[l.name])
      ins.push_back(values[n]);
    Value x = ins[0];
    std::vector<int64_t> shape = sampleShape(x);
    const std::vector<int64_t> inShape = shape;
    Location lloc = NameLoc::get(b.getStringAttr(l.name), loc);
    int64_t before = params.size();
    layer = &l;
    if (!buildLayer(l, lloc, ins, x, shape))
      return false;
    for (size_t i = before; i < params.size(); ++i)
      if (product(params[i].shape) > kMaxSize)
        return fail(l, "the parameter " + params[i].name + " " + showShape(params[i].shape) +
                           " has more than " + std::to_string(kMaxSize) + " elements");
    values[l.name] = x;
    if (std::string msg = tooBig(shape); !msg.empty())
      return fail(l, "its output " + msg);
    if (int64_t(params.size()) == before &&
        (l.lrScale != 1.0 || l.weightDecay)) {
      std::string key = l.lrScale != 1.0 ? "lr_scale" : "weight_decay";
      err = file + ": " + l.path + "/" + key + ": layer \"" + l.name +
            "\" has no parameters for " + key + " to apply to";
      return false;
    }
    // A frozen layer's term stays in the loss (a constant: no gradient).
    if (l.l1 || l.l2) {
      params[before].l1 = l.l1;
      params[before].l2 = l.l2;
    }
    if (l.l1 || l.l2)
      penalties.push_back(b.create<nn::WeightPenaltyOp>(
          lloc, entry->getArgument(params[before].arg),
          b.getF64FloatAttr(l.l1), b.getF64FloatAttr(l.l2)));
    int64_t count = 0;
    for (size_t i = before; i < params.size(); ++i)
      count += product(params[i].shape);
    json::Object info{{"name", l.name}, {"type", l.type},
                      {"output_shape", toJson(shape)}, {"params", count},
                      {"flops", flopsPerSample(l, inShape, shape)},
                      {"trainable", l.trainable}};
    if (!l.inputs.empty()) {
      json::Array from;
      for (const std::string &n : inputsOf[l.name])
        from.push_back(n);
      info["inputs"] = std::move(from);
    }
    if (l.type == "dense" || l.type == "conv2d")
      info["activation"] = l.activation;
    if (l.type == "dropout")
      info["rate"] = l.rate;
    if (l.type == "batch_norm") {
      info["momentum"] = l.momentum;
      info["epsilon"] = l.epsilon;
    }
    layerInfo.push_back(std::move(info));
  }
  Value x = values[output->name];
  outputShape = sampleShape(x);
  // The prediction, each buffer's updated value, then the regularization
  // terms (not when compiled for inference).
  SmallVector<Value> results{x};
  for (const Buffer &buf : buffers)
    results.push_back(buf.update);
  if (spec.inference)
    for (Value p : penalties)
      p.getDefiningOp()->erase();
  else
    results.append(penalties);
  b.create<func::ReturnOp>(loc, results);
  fn.setType(b.getFunctionType(entry->getArgumentTypes(), ValueRange(results).getTypes()));
  for (auto [i, buf] : llvm::enumerate(buffers)) {
    fn.setArgAttr(buf.arg, "kiln.buffer",
                  b.getDictionaryAttr({b.getNamedAttr("name", b.getStringAttr(buf.name)),
                                       b.getNamedAttr("init", b.getStringAttr(buf.init))}));
    fn.setResultAttr(i + 1, "kiln.buffer_update", b.getStringAttr(buf.name));
  }
  for (unsigned r = 1 + buffers.size(); r < results.size(); ++r)
    fn.setResultAttr(r, "kiln.regularization", b.getUnitAttr());
  // Token ids index the embeddings that read them: the runtime refuses ids
  // outside the smallest table.
  SmallVector<NamedAttribute> input{b.getNamedAttr("name", b.getStringAttr("x"))};
  int64_t vocab = 0;
  for (const LayerSpec &l : spec.layers)
    if (l.type == "embedding" && inputsOf[l.name] == std::vector<std::string>{"input"})
      vocab = vocab ? std::min(vocab, l.inputDim) : l.inputDim;
  if (vocab)
    input.push_back(b.getNamedAttr("vocab_size", b.getI64IntegerAttr(vocab)));
  fn.setArgAttr(0, "kiln.input", b.getDictionaryAttr(input));
  for (size_t i = 0; i < params.size(); ++i) {
    const Param &p = params[i];
    SmallVector<NamedAttribute> role{
        b.getNamedAttr("name", b.getStringAttr(p.name)),
        b.getNamedAttr("trainable", b.getBoolAttr(p.trainable)),
        b.getNamedAttr("init", b.getStringAttr(p.init)),
        b.getNamedAttr("fan_in", b.getI64IntegerAttr(p.fanIn)),
        b.getNamedAttr("fan_out", b.getI64IntegerAttr(p.fanOut))};
    // Per-parameter optimizer settings, only where they differ.
    if (p.trainable && !spec.inference && p.lrScale != 1.0)
      role.push_back(b.getNamedAttr("lr_scale", b.getF64FloatAttr(p.lrScale)));
    if (p.trainable && !spec.inference && p.weightDecay)
      role.push_back(b.getNamedAttr("weight_decay", b.getF64FloatAttr(*p.weightDecay)));
    // The runtime reports the regularizers' term of the loss on its own.
    if (!spec.inference && p.l1)
      role.push_back(b.getNamedAttr("l1", b.getF64FloatAttr(p.l1)));
    if (!spec.inference && p.l2)
      role.push_back(b.getNamedAttr("l2", b.getF64FloatAttr(p.l2)));
    fn.setArgAttr(p.arg, "kiln.param", b.getDictionaryAttr(role));
  }
  return true;
}

/// A json::Value as an attribute (the layer summary travels in the IR to the
/// manifest generator).
Attribute Importer::toAttr(const json::Value &v) {
  if (auto s = v.getAsString())
    return b.getStringAttr(*s);
  if (auto flag = v.getAsBoolean())
    return b.getBoolAttr(*flag);
  if (auto i = spec::integerOf(v))
    return b.getI64IntegerAttr(*i);
  if (auto d = v.getAsNumber())
    return b.getF64FloatAttr(*d);
  if (auto *a = v.getAsArray()) {
    SmallVector<Attribute> items;
    for (const json::Value &e : *a)
      items.push_back(toAttr(e));
    return b.getArrayAttr(items);
  }
  if (auto *o = v.getAsObject()) {
    SmallVector<NamedAttribute> items;
    for (const auto &kv : *o)
      items.push_back(b.getNamedAttr(kv.first.str(), toAttr(kv.second)));
    return b.getDictionaryAttr(items);
  }
  return b.getUnitAttr();
}

/// What the manifest needs and the IR cannot say: the name, the layer
/// summary, the optimizer's settings and the training defaults.
void Importer::describe(ModuleOp module) {
  module->setAttr("kiln.name", b.getStringAttr(spec.name));
  module->setAttr("kiln.layers", toAttr(json::Value(std::move(layerInfo))));
  if (spec.inference)
    return;
  const OptimizerSpec &o = spec.optimizer;
  SmallVector<NamedAttribute> opt{b.getNamedAttr("type", b.getStringAttr(o.type)),
                                  b.getNamedAttr("lr", b.getF64FloatAttr(o.lr))};
  for (auto &[k, v] : o.hyper)
    opt.push_back(b.getNamedAttr(k, b.getF64FloatAttr(v)));
  if (o.type == "momentum")
    opt.push_back(b.getNamedAttr("nesterov", b.getBoolAttr(o.nesterov)));
  if (o.type == "rmsprop")
    opt.push_back(b.getNamedAttr("centered", b.getBoolAttr(o.centered)));
  if (o.biasWeightDecay)
    opt.push_back(b.getNamedAttr("bias_weight_decay", b.getF64FloatAttr(*o.biasWeightDecay)));
  if (spec.clipNorm > 0)
    opt.push_back(b.getNamedAttr("clip_norm", b.getF64FloatAttr(spec.clipNorm)));
  if (spec.clipValue > 0)
    opt.push_back(b.getNamedAttr("clip_value", b.getF64FloatAttr(spec.clipValue)));
  module->setAttr("kiln.optimizer", b.getDictionaryAttr(opt));
  json::Array metrics;
  for (const std::string &m : spec.metrics)
    metrics.push_back(m);
  json::Object training{{"loss", spec.loss.type},
                        {"epochs", spec.epochs},
                        {"batch_size", spec.batchSize},
                        {"metrics", std::move(metrics)},
                        {"validation_split", spec.validationSplit},
                        {"shuffle", spec.shuffle},
                        {"seed", spec.seed}};
  for (auto [key, text] : {std::pair<const char *, const std::string *>{
                               "schedule", &spec.schedule},
                           {"early_stopping", &spec.earlyStopping},
                           {"augment", &spec.augment}})
    if (!text->empty()) {
      llvm::Expected<json::Value> v = json::parse(*text); // written by us
      if (v)
        training[key] = std::move(*v);
      else
        llvm::consumeError(v.takeError());
    }
  // The loss's settings, for `info` and the record of the run.
  if (spec.loss.type == "huber")
    training["delta"] = spec.loss.delta;
  // (Only what differs from the defaults.)
  if (spec.loss.labelSmoothing != 0)
    training["label_smoothing"] = spec.loss.labelSmoothing;
  if (spec.loss.softTargets)
    training["targets"] = "probabilities";
  module->setAttr("kiln.training", toAttr(json::Value(std::move(training))));
}

OwningOpRef<ModuleOp> Importer::run(std::string &error) {
  ctx.loadDialect<nn::NNDialect, func::FuncDialect>();
  OwningOpRef<ModuleOp> module = ModuleOp::create(FileLineColLoc::get(&ctx, file, 0, 0));
  if (!buildModel(*module)) {
    error = err;
    return nullptr;
  }
  if (!spec.inference && llvm::none_of(params, [](const Param &p) { return p.trainable; })) {
    error = file + ": /layers: the model has no trainable parameters; "
                   "compile it for inference (\"training\": false)";
    return nullptr;
  }
  if (spec.inference) {
    // Compiled for inference from a training file: predict what its
    // training build predicts (the loss would have applied softmax or
    // sigmoid).
    const std::string &lt = spec.loss.type;
    bool softmax = (lt == "softmax_cross_entropy" &&
                    (outputShape.size() == 1 || spec.loss.takesLabels())) ||
                   (lt == "kl_divergence" && outputShape.size() == 1);
    if (softmax || lt == "binary_cross_entropy") {
      auto fn = module->lookupSymbol<func::FuncOp>("model");
      auto ret = cast<func::ReturnOp>(fn.getBody().front().getTerminator());
      b.setInsertionPoint(ret);
      Value logits = ret.getOperand(0);
      Value probs = softmax ? Value(b.create<nn::SoftmaxOp>(ret.getLoc(), logits))
                            : Value(b.create<nn::SigmoidOp>(ret.getLoc(), logits));
      ret.setOperand(0, probs);
      fn->setAttr("kiln.probabilities", b.getUnitAttr());
    }
    describe(*module);
    return module;
  }
  if (!checkLossFits()) {
    error = err;
    return nullptr;
  }
  auto func = module->lookupSymbol<func::FuncOp>("model");
  buildLoss(*module, func.getResultTypes()[0]);
  describe(*module);
  return module;
}

} // namespace kiln::importer

namespace kiln {

OwningOpRef<ModuleOp> importModel(MLIRContext &ctx, const ModelSpec &spec,
                                  const std::string &file, std::string &error) {
  return importer::Importer(ctx, spec, file).run(error);
}

} // namespace kiln
