//===- JsonFrontend.cpp - Model description to nn dialect -----------------===//
#include "compiler/frontend/JsonFrontend.h"
#include "dialects/NN/IR/NNDialect.h"
#include "dialects/Optim/IR/OptimDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/Support/JSON.h"


using namespace mlir;
namespace json = llvm::json;

namespace kiln {
namespace {

/// The element count, saturated at kMaxSize + 1 (sizes are each at most
/// kMaxSize, so no step overflows).
int64_t product(const std::vector<int64_t> &s) {
  int64_t n = 1;
  for (int64_t d : s)
    n = std::min(n * d, kMaxSize + 1);
  return n;
}

std::string showShape(const std::vector<int64_t> &s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i)
    out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

json::Array toJson(const std::vector<int64_t> &s) {
  json::Array a;
  for (int64_t d : s)
    a.push_back(d);
  return a;
}

struct Param {
  std::string name, init;
  std::vector<int64_t> shape;
  int64_t fanIn, fanOut;
};

class Importer {
public:
  Importer(MLIRContext &ctx, const ModelSpec &spec, std::string file)
      : ctx(ctx), spec(spec), file(std::move(file)), b(&ctx) {}

  OwningOpRef<ModuleOp> run(std::string &error);

private:
  bool fail(const LayerSpec &l, const std::string &msg) {
    err = file + ": " + l.path + ": layer \"" + l.name + "\": " + msg;
    return false;
  }
  RankedTensorType batched(const std::vector<int64_t> &sample) {
    SmallVector<int64_t> shape{spec.batchSize};
    shape.append(sample.begin(), sample.end());
    return RankedTensorType::get(shape, b.getF32Type());
  }
  Value activation(Location loc, const std::string &act, double alpha, Value x);
  bool buildModel(ModuleOp module);
  void buildLoss(ModuleOp module, Type predType);
  std::string manifest();

  MLIRContext &ctx;
  const ModelSpec &spec;
  std::string file, err;
  OpBuilder b;
  std::vector<Param> params;
  json::Array layerInfo;
  std::vector<int64_t> outputShape;
};

Value Importer::activation(Location loc, const std::string &act, double alpha,
                           Value x) {
  Type t = x.getType();
  if (act == "relu")
    return b.create<nn::ReluOp>(loc, t, x);
  if (act == "sigmoid")
    return b.create<nn::SigmoidOp>(loc, t, x);
  if (act == "tanh")
    return b.create<nn::TanhOp>(loc, t, x);
  if (act == "softmax")
    return b.create<nn::SoftmaxOp>(loc, t, x);
  if (act == "leaky_relu")
    return b.create<nn::LeakyReluOp>(loc, t, x, b.getF64FloatAttr(alpha));
  return x;
}

bool Importer::buildModel(ModuleOp module) {
  // Parameters are discovered while walking the layers, so build the body
  // first with a placeholder signature, then add the parameter arguments.
  Location loc = FileLineColLoc::get(&ctx, file, 0, 0);
  b.setInsertionPointToEnd(module.getBody());
  auto fn = b.create<func::FuncOp>(loc, "model",
                                   b.getFunctionType({batched(spec.inputShape)}, {}));
  Block *entry = fn.addEntryBlock();
  b.setInsertionPointToStart(entry);
  Value x = entry->getArgument(0);
  std::vector<int64_t> shape = spec.inputShape;
  auto addParam = [&](const std::string &name, std::vector<int64_t> s,
                      const std::string &init, int64_t fanIn, int64_t fanOut) {
    params.push_back({name, init, s, fanIn, fanOut});
    return entry->addArgument(
        RankedTensorType::get(SmallVector<int64_t>(s.begin(), s.end()), b.getF32Type()),
        loc);
  };
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
  for (const LayerSpec &l : spec.layers) {
    Location lloc = NameLoc::get(b.getStringAttr(l.name), loc);
    int64_t before = params.size();
    if (l.type == "dense") {
      if (shape.size() != 1)
        return fail(l, "dense expects a flat input [features], got " +
                           showShape(shape) + "; add a flatten layer before it");
      int64_t in = shape[0];
      if (product({l.units, in}) > kMaxSize)
        return fail(l, "the weight [" + std::to_string(l.units) + ", " +
                           std::to_string(in) + "] has more than " +
                           std::to_string(kMaxSize) + " elements");
      Value w = addParam(l.name + ".weight", {l.units, in}, l.kernelInit, in, l.units);
      Value bias = l.useBias ? addParam(l.name + ".bias", {l.units}, l.biasInit, in, l.units)
                             : Value();
      shape = {l.units};
      x = b.create<nn::DenseOp>(lloc, batched(shape), x, w, bias);
      x = activation(lloc, l.activation, 0.01, x);
    } else if (l.type == "flatten" || l.type == "reshape") {
      std::vector<int64_t> to = l.type == "flatten"
                                    ? std::vector<int64_t>{product(shape)}
                                    : l.shape;
      if (product(to) != product(shape))
        return fail(l, "cannot reshape " + showShape(shape) + " (" +
                           std::to_string(product(shape)) + " values) into " +
                           showShape(to) + " (" + std::to_string(product(to)) + ")");
      shape = to;
      x = b.create<nn::ReshapeOp>(lloc, batched(shape), x);
    } else {
      if (l.type == "softmax" && shape.size() != 1)
        return fail(l, "softmax expects [features], got " + showShape(shape));
      x = activation(lloc, l.type, l.alpha, x);
    }
    if (std::string msg = tooBig(shape); !msg.empty())
      return fail(l, "its output " + msg);
    int64_t count = 0;
    for (size_t i = before; i < params.size(); ++i)
      count += product(params[i].shape);
    json::Object info{{"name", l.name}, {"type", l.type},
                      {"output_shape", toJson(shape)}, {"params", count}};
    if (l.type == "dense")
      info["activation"] = l.activation;
    layerInfo.push_back(std::move(info));
  }
  outputShape = shape;
  b.create<func::ReturnOp>(loc, x);
  fn.setType(b.getFunctionType(entry->getArgumentTypes(), {x.getType()}));
  for (size_t i = 0; i < params.size(); ++i)
    fn.setArgAttr(i + 1, "kiln.param", b.getStringAttr(params[i].name));
  return true;
}

void Importer::buildLoss(ModuleOp module, Type predType) {
  Location loc = FileLineColLoc::get(&ctx, file, 0, 0);
  b.setInsertionPointToEnd(module.getBody());
  auto scalar = RankedTensorType::get({}, b.getF32Type());
  bool ce = spec.loss == "softmax_cross_entropy";
  Type target = ce ? Type(RankedTensorType::get({spec.batchSize}, b.getI32Type()))
                   : predType;
  auto fn = b.create<func::FuncOp>(loc, "loss",
                                   b.getFunctionType({predType, target}, {scalar}));
  Block *entry = fn.addEntryBlock();
  b.setInsertionPointToStart(entry);
  Value l = ce ? Value(b.create<nn::SoftmaxCrossEntropyOp>(
                     loc, scalar, entry->getArgument(0), entry->getArgument(1)))
               : Value(b.create<nn::MSELossOp>(loc, scalar, entry->getArgument(0),
                                               entry->getArgument(1)));
  b.create<func::ReturnOp>(loc, l);
}

std::string Importer::manifest() {
  const OptimizerSpec &o = spec.optimizer;
  json::Object opt{{"type", o.type}, {"lr", o.lr}};
  for (auto &[k, v] : o.hyper)
    opt[k] = v;
  if (o.type == "momentum")
    opt["nesterov"] = o.nesterov;
  json::Array slots;
  for (llvm::StringRef slot : optim::stateSlots(o.type))
    slots.push_back(slot.str());
  json::Array ps;
  for (const Param &p : params)
    ps.push_back(json::Object{{"name", p.name}, {"shape", toJson(p.shape)},
                              {"init", p.init}, {"fan_in", p.fanIn},
                              {"fan_out", p.fanOut}});
  json::Array metrics;
  for (const std::string &m : spec.metrics)
    metrics.push_back(m);
  bool ce = spec.loss == "softmax_cross_entropy";
  json::Object m{
      {"abi_version", 1},
      {"name", spec.name},
      {"batch_size", spec.batchSize},
      {"input_shape", toJson(spec.inputShape)},
      {"output_shape", toJson(outputShape)},
      {"loss", spec.loss},
      {"output", ce ? "probabilities" : "values"},
      {"optimizer", std::move(opt)},
      {"state_slots", std::move(slots)},
      {"params", std::move(ps)},
      {"layers", std::move(layerInfo)},
      {"training", json::Object{{"epochs", spec.epochs},
                                {"batch_size", spec.batchSize},
                                {"metrics", std::move(metrics)},
                                {"validation_split", spec.validationSplit},
                                {"shuffle", spec.shuffle},
                                {"seed", spec.seed}}}};
  if (ce)
    m["num_classes"] = outputShape[0];
  std::string s;
  llvm::raw_string_ostream os(s);
  os << json::Value(std::move(m));
  return s;
}

OwningOpRef<ModuleOp> Importer::run(std::string &error) {
  ctx.loadDialect<nn::NNDialect, func::FuncDialect>();
  OwningOpRef<ModuleOp> module = ModuleOp::create(FileLineColLoc::get(&ctx, file, 0, 0));
  if (!buildModel(*module)) {
    error = err;
    return nullptr;
  }
  if (params.empty()) {
    error = file + ": /layers: the model has no trainable parameters";
    return nullptr;
  }
  const LayerSpec &last = spec.layers.back();
  // The layer that produced the values, looking through reshapes.
  const LayerSpec *producer = &last;
  for (auto it = spec.layers.rbegin(); it != spec.layers.rend(); ++it) {
    producer = &*it;
    if (it->type != "flatten" && it->type != "reshape")
      break;
  }
  if (spec.loss == "softmax_cross_entropy") {
    if (outputShape.size() != 1 || outputShape[0] < 2) {
      fail(last, "softmax_cross_entropy expects the last layer to output "
                 "[classes] with at least 2 classes, got " + showShape(outputShape));
      error = err;
      return nullptr;
    }
    if (producer->type == "softmax" || producer->activation == "softmax") {
      fail(*producer, "softmax_cross_entropy applies softmax itself; remove the "
                 "final softmax so the last layer outputs logits");
      error = err;
      return nullptr;
    }
  }
  auto func = module->lookupSymbol<func::FuncOp>("model");
  buildLoss(*module, func.getResultTypes()[0]);
  const OptimizerSpec &o = spec.optimizer;
  SmallVector<NamedAttribute> opt{b.getNamedAttr("type", b.getStringAttr(o.type))};
  for (auto &[k, v] : o.hyper)
    opt.push_back(b.getNamedAttr(k, b.getF64FloatAttr(v)));
  if (o.nesterov)
    opt.push_back(b.getNamedAttr("nesterov", b.getUnitAttr()));
  (*module)->setAttr("kiln.optimizer", b.getDictionaryAttr(opt));
  (*module)->setAttr("kiln.manifest", b.getStringAttr(manifest()));
  return module;
}

} // namespace

OwningOpRef<ModuleOp> importModel(MLIRContext &ctx, const ModelSpec &spec,
                                  const std::string &file, std::string &error) {
  return Importer(ctx, spec, file).run(error);
}

} // namespace kiln
