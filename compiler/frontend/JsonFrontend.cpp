//===- JsonFrontend.cpp - Model description to nn dialect -----------------===//
#include "compiler/frontend/JsonFrontend.h"
#include "dialects/NN/IR/NNDialect.h"
#include "dialects/Optim/IR/OptimDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/Support/JSON.h"

#include <cmath>
#include <map>


using namespace mlir;
namespace json = llvm::json;

namespace kiln {
namespace {

/// The element count, saturated at kMaxSize + 1 (sizes are each at most
/// kMaxSize, so no step overflows).
/// Recurrent layers are unrolled: steps x layers x directions at most.
constexpr int64_t kMaxUnrolledSteps = 512;

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
  bool trainable;
  unsigned arg; // @model's argument
  double lrScale;
  std::optional<double> weightDecay; // the layer's or bias_weight_decay
  double l1 = 0, l2 = 0;             // a kernel regularizer on this weight
};

/// State a layer keeps outside the parameters (batch norm's running
/// statistics): an argument of @model, and the result that updates it.
struct Buffer {
  std::string name, init;
  unsigned arg;
  Value update;
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
  /// The per-sample shape of a batched value.
  static std::vector<int64_t> sampleShape(Value v) {
    auto shape = cast<RankedTensorType>(v.getType()).getShape();
    return std::vector<int64_t>(shape.begin() + 1, shape.end());
  }
  Value activation(Location loc, const std::string &act, double alpha, Value x);
  template <typename AddParam>
  bool buildWindowLayer(const LayerSpec &l, Location loc, Value &x,
                        const std::vector<int64_t> &shape, AddParam addParam);
  bool orderLayers(std::vector<const LayerSpec *> &order);
  bool buildLayer(const LayerSpec &l, Location loc, ArrayRef<Value> ins,
                  Value &x, std::vector<int64_t> &shape);
  bool buildModel(ModuleOp module);
  Value addParam(const std::string &name, std::vector<int64_t> s,
                 const std::string &init, int64_t fanIn, int64_t fanOut);
  Value attention(const LayerSpec &l, Location loc, Value x, const std::string &prefix);
  Value transformerBlock(const LayerSpec &l, Location loc, Value x);
  Value dropoutOf(const LayerSpec &l, Location loc, Value x, int64_t part);
  Value recurrent(const LayerSpec &l, Location loc, Value x);
  void buildLoss(ModuleOp module, Type predType);
  bool checkLossFits();
  Attribute toAttr(const json::Value &v);
  void describe(ModuleOp module);

  MLIRContext &ctx;
  const ModelSpec &spec;
  std::string file, err;
  OpBuilder b;
  std::vector<Param> params;
  std::vector<Buffer> buffers;
  SmallVector<Value> penalties; // kernel regularizers' terms of the loss
  json::Array layerInfo;
  std::vector<int64_t> outputShape;
  // The graph: each layer's input names ("input": the model's input), the
  // layers by name, and the output layer.
  std::map<std::string, std::vector<std::string>> inputsOf;
  std::map<std::string, const LayerSpec *> byName;
  const LayerSpec *output = nullptr;
  // While building: where addParam adds arguments, for which layer.
  Block *entry = nullptr;
  const LayerSpec *layer = nullptr;
};

Value Importer::activation(Location loc, const std::string &act, double alpha,
                           Value x) {
  if (act == "relu")
    return b.create<nn::ReluOp>(loc, x);
  if (act == "sigmoid")
    return b.create<nn::SigmoidOp>(loc, x);
  if (act == "tanh")
    return b.create<nn::TanhOp>(loc, x);
  if (act == "softmax")
    return b.create<nn::SoftmaxOp>(loc, x);
  if (act == "leaky_relu")
    return b.create<nn::LeakyReluOp>(loc, x, b.getF64FloatAttr(alpha));
  if (act == "gelu")
    return b.create<nn::GeluOp>(loc, x);
  return x;
}

/// Padding [top, left, bottom, right] of a window: "same" gives ceil(in /
/// stride) outputs, the odd pixel at the bottom/right (PyTorch's "same" at
/// stride 1).
static std::vector<int64_t> paddingOf(const LayerSpec &l, int64_t h, int64_t w) {
  if (l.padding == "explicit")
    return {l.pad[0], l.pad[1], l.pad[0], l.pad[1]};
  if (l.padding != "same")
    return {0, 0, 0, 0};
  auto total = [](int64_t in, int64_t k, int64_t s, int64_t d) {
    int64_t out = (in + s - 1) / s;
    return std::max<int64_t>((out - 1) * s + (k - 1) * d + 1 - in, 0);
  };
  int64_t th = total(h, l.kernel[0], l.strides[0], l.dilation[0]);
  int64_t tw = total(w, l.kernel[1], l.strides[1], l.dilation[1]);
  return {th / 2, tw / 2, th - th / 2, tw - tw / 2};
}

template <typename AddParam>
bool Importer::buildWindowLayer(const LayerSpec &l, Location loc, Value &x,
                                const std::vector<int64_t> &shape,
                                AddParam addParam) {
  int64_t c = shape[0], h = shape[1], w = shape[2];
  bool global = l.type.rfind("global_", 0) == 0;
  std::vector<int64_t> k = global ? std::vector<int64_t>{h, w} : l.kernel;
  std::vector<int64_t> s = global ? std::vector<int64_t>{1, 1} : l.strides;
  std::vector<int64_t> p = global ? std::vector<int64_t>{0, 0, 0, 0}
                                  : paddingOf(l, h, w);
  const std::vector<int64_t> &d = l.dilation;
  Window2D win{k[0], k[1], s[0], s[1], d[0], d[1], p[0], p[1], p[2], p[3]};
  if (win.outH(h) < 1 || win.outW(w) < 1)
    return fail(l, "the " + std::to_string(k[0]) + "x" + std::to_string(k[1]) +
                       (l.type == "conv2d" ? " kernel" : " window") +
                       (d[0] * d[1] > 1 ? " (dilation " + std::to_string(d[0]) + "x" +
                                              std::to_string(d[1]) + ")"
                                        : "") +
                       " does not fit its input " + showShape(shape) +
                       " with padding " + showShape(p) + " [top, left, bottom, right]");
  auto arr = [&](const std::vector<int64_t> &v) { return b.getDenseI64ArrayAttr(v); };
  if (l.type == "conv2d") {
    if (c % l.groups != 0)
      return fail(l, "groups (" + std::to_string(l.groups) +
                         ") must divide the input channels (" + std::to_string(c) + ")");
    int64_t receptive = k[0] * k[1];
    std::vector<int64_t> wShape{l.filters, c / l.groups, k[0], k[1]};
    if (product(wShape) > kMaxSize)
      return fail(l, "the weight " + showShape(wShape) + " has more than " +
                         std::to_string(kMaxSize) + " elements");
    Value weight = addParam(l.name + ".weight", wShape, l.kernelInit,
                            c / l.groups * receptive, l.filters * receptive);
    Value bias = l.useBias ? addParam(l.name + ".bias", {l.filters}, l.biasInit,
                                      c / l.groups * receptive, l.filters * receptive)
                           : Value();
    x = b.create<nn::Conv2DOp>(loc, x, weight, bias, arr(s), arr(p), arr(d),
                               b.getI64IntegerAttr(l.groups));
    x = activation(loc, l.activation, 0.01, x);
    return true;
  }
  if (p[0] >= k[0] || p[2] >= k[0] || p[1] >= k[1] || p[3] >= k[1])
    return fail(l, "padding " + showShape(p) + " [top, left, bottom, right] must be "
                   "smaller than the " + std::to_string(k[0]) + "x" +
                   std::to_string(k[1]) + " window");
  bool max = l.type == "max_pool2d" || l.type == "global_max_pool2d";
  if (max)
    x = b.create<nn::MaxPool2DOp>(loc, x, arr(k), arr(s), arr(p));
  else
    x = b.create<nn::AvgPool2DOp>(loc, x, arr(k), arr(s), arr(p));
  if (global)
    x = b.create<nn::ReshapeOp>(loc, batched({c}), x);
  return true;
}

/// Floating-point operations of one sample's forward pass through `l` (a
/// multiply-add counts 2), for `info` and the training report.
static int64_t flopsPerSample(const LayerSpec &l, const std::vector<int64_t> &in,
                              const std::vector<int64_t> &out) {
  double inSize = double(product(in)), outSize = double(product(out));
  double act = l.activation.empty() || l.activation == "linear" ? 0 : outSize;
  double flops = 0;
  if (l.type == "dense")
    flops = 2 * inSize * double(l.units) + (l.useBias ? outSize : 0) + act;
  else if (l.type == "conv2d")
    flops = 2 * double(in[0] / l.groups) * double(l.kernel[0] * l.kernel[1]) * outSize +
            (l.useBias ? outSize : 0) + act;
  else if (l.type == "max_pool2d" || l.type == "avg_pool2d")
    flops = double(l.kernel[0] * l.kernel[1]) * outSize;
  else if (l.type == "global_avg_pool2d" || l.type == "global_max_pool2d")
    flops = inSize;
  else if (l.type == "batch_norm")
    flops = 2 * outSize; // one multiply-add per value in eval mode
  else if (l.type == "local_response_norm")
    flops = (2 * double(std::min<int64_t>(l.size, in[0])) + 4) * outSize;
  else if (l.type == "layer_norm")
    flops = 8 * outSize; // two row sums, normalize, scale and shift
  else if (l.type == "lstm" || l.type == "gru" || l.type == "simple_rnn") {
    // Per step and direction: the input and recurrent products of G gates.
    double t = double(in[0]), f = double(in[1]), h = double(l.units);
    double dirs = l.bidirectional ? 2 : 1;
    double g = l.type == "lstm" ? 4 : l.type == "gru" ? 3 : 1;
    flops = dirs * t * (2 * g * h * f + 2 * g * h * h + 10 * h);
    for (int64_t k = 1; k < l.numLayers; ++k)
      flops += dirs * t * (2 * g * h * dirs * h + 2 * g * h * h + 10 * h);
  } else if (l.type == "multi_head_attention" || l.type == "transformer_block") {
    double t = double(in[0]), e = double(in[1]);
    // Projections in and out, scores and their use, the softmax.
    flops = 8 * t * e * e + 4 * t * t * e + 5 * double(l.numHeads) * t * t;
    if (l.type == "transformer_block")
      flops += 4 * t * e * double(l.dimFeedforward) + 16 * t * e;
  }
  else if (l.type == "global_avg_pool1d" || l.type == "global_max_pool1d" ||
           l.type == "add" || l.type == "multiply")
    flops = l.type.rfind("global", 0) == 0 ? inSize : outSize;
  else if (l.type != "flatten" && l.type != "reshape" && l.type != "embedding" &&
           l.type != "concat")
    flops = outSize; // activations, dropout, position embedding
  return int64_t(std::min(flops, 9.0e18));
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

Value Importer::addParam(const std::string &name, std::vector<int64_t> s,
                         const std::string &init, int64_t fanIn, int64_t fanOut) {
  std::optional<double> wd = layer->weightDecay;
  if (!wd && llvm::StringRef(name).ends_with(".bias"))
    wd = spec.optimizer.biasWeightDecay;
  params.push_back({name, init, s, fanIn, fanOut, layer->trainable,
                    entry->getNumArguments(), layer->lrScale, wd});
  return entry->addArgument(
      RankedTensorType::get(SmallVector<int64_t>(s.begin(), s.end()), b.getF32Type()),
      entry->getParentOp()->getLoc());
}

/// Dropout `part` of a composite layer (its own mask stream), or `x` at
/// rate 0.
Value Importer::dropoutOf(const LayerSpec &l, Location loc, Value x, int64_t part) {
  if (l.rate == 0)
    return x;
  int64_t index = &l - spec.layers.data();
  return b.create<nn::DropoutOp>(loc, x, Value(), Value(), b.getF64FloatAttr(l.rate),
                                 b.getI64IntegerAttr(((index + 1) << 20) | part), UnitAttr());
}

/// PyTorch's MultiheadAttention (self-attention, batch first) with its
/// parameter names under `prefix`: the input projection to packed [Q|K|V],
/// the weights (dropped out in training), applied to V, the output
/// projection.
Value Importer::attention(const LayerSpec &l, Location loc, Value x,
                          const std::string &prefix) {
  int64_t e = sampleShape(x).back();
  Value w = addParam(prefix + ".in_proj_weight", {3 * e, e}, "glorot_uniform", e, 3 * e);
  Value bias = addParam(prefix + ".in_proj_bias", {3 * e}, "zeros", e, 3 * e);
  Value qkv = b.create<nn::DenseOp>(loc, x, w, bias);
  Value p = b.create<nn::AttentionWeightsOp>(loc, qkv, b.getI64IntegerAttr(l.numHeads),
                                             l.causal ? b.getUnitAttr() : UnitAttr());
  p = dropoutOf(l, loc, p, 0);
  Value o = b.create<nn::AttentionApplyOp>(loc, p, qkv);
  Value ow = addParam(prefix + ".out_proj.weight", {e, e}, "uniform_fan_in", e, e);
  Value ob = addParam(prefix + ".out_proj.bias", {e}, "zeros", e, e);
  return b.create<nn::DenseOp>(loc, o, ow, ob);
}

/// PyTorch's TransformerEncoderLayer (batch first), its parameter names
/// under the layer's: post-norm x = norm1(x + sa(x)), norm2(x + ff(x)), or
/// with norm_first x + sa(norm1(x)), then x + ff(norm2(x)). The same ops a
/// graph of the primitive layers builds.
Value Importer::transformerBlock(const LayerSpec &l, Location loc, Value x) {
  int64_t e = sampleShape(x).back(), ff = l.dimFeedforward;
  const std::string &n = l.name;
  auto norm = [&](const std::string &name, Value v) -> Value {
    Value w = addParam(n + "." + name + ".weight", {e}, "ones", e, e);
    Value bias = addParam(n + "." + name + ".bias", {e}, "zeros", e, e);
    return b.create<nn::LayerNormOp>(loc, v, w, bias, b.getF64FloatAttr(1e-5));
  };
  auto linear = [&](const std::string &name, Value v, int64_t out, int64_t in) -> Value {
    Value w = addParam(n + "." + name + ".weight", {out, in}, "uniform_fan_in", in, out);
    Value bias = addParam(n + "." + name + ".bias", {out}, "uniform_fan_in", in, out);
    return b.create<nn::DenseOp>(loc, v, w, bias);
  };
  auto sa = [&](Value v) { return dropoutOf(l, loc, attention(l, loc, v, n + ".self_attn"), 1); };
  auto feedForward = [&](Value v) {
    Value h = dropoutOf(l, loc, activation(loc, l.activation, 0.01, linear("linear1", v, ff, e)), 2);
    return dropoutOf(l, loc, linear("linear2", h, e, ff), 3);
  };
  auto add = [&](Value a, Value c) -> Value { return b.create<nn::AddOp>(loc, a, c); };
  if (l.normFirst) {
    x = add(x, sa(norm("norm1", x)));
    return add(x, feedForward(norm("norm2", x)));
  }
  x = norm("norm1", add(x, sa(x)));
  return norm("norm2", add(x, feedForward(x)));
}

/// PyTorch's LSTM, GRU or RNN (tanh; batch first, zero initial states) with
/// its parameter names: per layer k and direction, weight_ih_l<k>[_reverse],
/// weight_hh_, bias_ih_, bias_hh_; a bidirectional layer's output joins
/// both directions' h along the features. Without return_sequences:
/// output[:, -1].
Value Importer::recurrent(const LayerSpec &l, Location loc, Value x) {
  int64_t h = l.units;
  int64_t gates = l.type == "lstm" ? 4 : l.type == "gru" ? 3 : 1;
  for (int64_t k = 0; k < l.numLayers; ++k) {
    int64_t in = sampleShape(x).back();
    SmallVector<Value> dirs;
    for (bool reverse : {false, true}) {
      if (reverse && !l.bidirectional)
        break;
      std::string sfx = "_l" + std::to_string(k) + (reverse ? "_reverse" : "");
      int64_t g = gates * h;
      // PyTorch initializes all four U(-1/sqrt(H), 1/sqrt(H)).
      Value wih = addParam(l.name + ".weight_ih" + sfx, {g, in}, "uniform_fan_in", h, g);
      Value whh = addParam(l.name + ".weight_hh" + sfx, {g, h}, "uniform_fan_in", h, g);
      Value bih = addParam(l.name + ".bias_ih" + sfx, {g}, "uniform_fan_in", h, g);
      Value bhh = addParam(l.name + ".bias_hh" + sfx, {g}, "uniform_fan_in", h, g);
      UnitAttr rev = reverse ? b.getUnitAttr() : UnitAttr();
      Value out = gates == 4   ? b.create<nn::LSTMOp>(loc, x, wih, whh, bih, bhh, rev).getResult()
                  : gates == 3 ? b.create<nn::GRUOp>(loc, x, wih, whh, bih, bhh, rev).getResult()
                               : Value(b.create<nn::SimpleRNNOp>(loc, x, wih, whh, bih, bhh, rev));
      dirs.push_back(out);
    }
    x = dirs.size() == 1 ? dirs[0]
                         : Value(b.create<nn::ConcatOp>(loc, ValueRange(dirs),
                                                        b.getI64IntegerAttr(2)));
  }
  return l.returnSequences ? x : Value(b.create<nn::LastStepOp>(loc, x));
}

/// One layer on its inputs `ins`: `x` and `shape` (per sample) become its
/// output.
bool Importer::buildLayer(const LayerSpec &l, Location lloc, ArrayRef<Value> ins,
                          Value &x, std::vector<int64_t> &shape) {
  auto addP = [&](const std::string &name, std::vector<int64_t> s,
                  const std::string &init, int64_t fanIn, int64_t fanOut) {
    return addParam(name, std::move(s), init, fanIn, fanOut);
  };
  const std::vector<std::string> &names = inputsOf[l.name];
  bool merge = l.type == "add" || l.type == "multiply" || l.type == "concat";
  if (merge && ins.size() < 2)
    return fail(l, l.type + " merges two or more inputs; \"inputs\" names " +
                       std::to_string(ins.size()));
  if (!merge && ins.size() != 1)
    return fail(l, l.type + " takes one input; \"inputs\" names " +
                       std::to_string(ins.size()));
  bool ids = false;
  std::string idsFrom; // the input that carries ids
  for (auto [v, n] : llvm::zip(ins, names))
    if (isa<IntegerType>(cast<ShapedType>(v.getType()).getElementType()) && !ids) {
      ids = true;
      idsFrom = n;
    }
  if (l.type == "embedding" && !ids)
    return fail(l, "embedding expects int32 token ids (an input with \"dtype\": "
                   "\"int32\"), but \"" + names[0] + "\" gives float values");
  if (l.type != "embedding" && ids)
    return fail(l, l.type + " expects float values, but \"" + idsFrom +
                       "\" gives int32 token ids; an embedding layer turns ids "
                       "into vectors");
  if (merge) {
    int64_t rank = shape.size();
    int64_t axis = l.type != "concat" ? -1 : l.axis < 0 ? rank + 1 + l.axis : l.axis;
    if (l.type == "concat" && (axis < 1 || axis > rank))
      return fail(l, "axis " + std::to_string(l.axis) + " is not an axis of the "
                     "samples " + showShape(shape) + " (axis 0 is the batch)");
    for (size_t i = 1; i < ins.size(); ++i) {
      std::vector<int64_t> other = sampleShape(ins[i]);
      bool fits = other.size() == shape.size();
      for (int64_t d = 0; fits && d < rank; ++d)
        fits = d + 1 == axis || other[d] == shape[d];
      if (!fits)
        return fail(l, l.type + (axis < 0 ? " needs inputs of one shape"
                                          : " needs inputs equal outside axis " +
                                                std::to_string(axis)) +
                           "; \"" + names[0] + "\" gives " + showShape(shape) +
                           " but \"" + names[i] + "\" gives " + showShape(other));
    }
    if (l.type == "concat") {
      x = b.create<nn::ConcatOp>(lloc, ValueRange(ins), b.getI64IntegerAttr(axis));
    } else {
      for (size_t i = 1; i < ins.size(); ++i)
        x = l.type == "add" ? Value(b.create<nn::AddOp>(lloc, x, ins[i]))
                            : Value(b.create<nn::MultiplyOp>(lloc, x, ins[i]));
    }
    shape = sampleShape(x);
    return true;
  }
  if (l.type == "dense") {
    int64_t in = shape.back();
    if (product({l.units, in}) > kMaxSize)
      return fail(l, "the weight [" + std::to_string(l.units) + ", " +
                         std::to_string(in) + "] has more than " +
                         std::to_string(kMaxSize) + " elements");
    Value w = addP(l.name + ".weight", {l.units, in}, l.kernelInit, in, l.units);
    Value bias = l.useBias ? addP(l.name + ".bias", {l.units}, l.biasInit, in, l.units)
                           : Value();
    x = b.create<nn::DenseOp>(lloc, x, w, bias);
    x = activation(lloc, l.activation, 0.01, x);
  } else if (l.type == "conv2d" || l.type == "max_pool2d" ||
             l.type == "avg_pool2d" || l.type == "global_avg_pool2d" ||
             l.type == "global_max_pool2d") {
    if (shape.size() != 3) {
      // A square image flattened or without its channel: name the shape
      // that would work.
      int64_t n = product(shape), side = int64_t(std::sqrt(double(n)) + 0.5);
      std::string hint = shape.size() == 2
                             ? "; give the input shape [1, " + std::to_string(shape[0]) +
                                   ", " + std::to_string(shape[1]) + "]"
                         : side * side == n
                             ? "; give the input shape [1, " + std::to_string(side) +
                                   ", " + std::to_string(side) +
                                   "] (a flat dataset of as many values feeds it)"
                             : "; give the input its [channels, height, width] shape";
      return fail(l, l.type + " expects [channels, height, width], got " +
                         showShape(shape) + hint);
    }
    if (!buildWindowLayer(l, lloc, x, shape, addP))
      return false;
  } else if (l.type == "flatten" || l.type == "reshape") {
    std::vector<int64_t> to = l.type == "flatten"
                                  ? std::vector<int64_t>{product(shape)}
                                  : l.shape;
    if (product(to) != product(shape))
      return fail(l, "cannot reshape " + showShape(shape) + " (" +
                         std::to_string(product(shape)) + " values) into " +
                         showShape(to) + " (" + std::to_string(product(to)) + ")");
    x = b.create<nn::ReshapeOp>(lloc, batched(to), x);
  } else if (l.type == "batch_norm") {
    if (shape.size() != 1 && shape.size() != 3)
      return fail(l, "batch_norm expects [features] or [channels, height, width], got " +
                         showShape(shape));
    int64_t c = shape[0];
    if (!spec.inference && spec.batchSize * product(shape) / c < 2)
      return fail(l, "batch_norm needs more than one value per channel in a "
                     "training batch (the batch variance), got batch " +
                         std::to_string(spec.batchSize) + " of " + showShape(shape));
    Location loc = entry->getParentOp()->getLoc();
    auto addBuffer = [&](const std::string &name, const std::string &init,
                         RankedTensorType type) {
      buffers.push_back({name, init, entry->getNumArguments(), Value()});
      return entry->addArgument(type, loc);
    };
    auto stat = RankedTensorType::get({c}, b.getF32Type());
    Value mean = addBuffer(l.name + ".running_mean", "zeros", stat);
    Value var = addBuffer(l.name + ".running_var", "ones", stat);
    Value tracked = addBuffer(l.name + ".num_batches_tracked", "zeros",
                              RankedTensorType::get({}, b.getI64Type()));
    Value w = l.affine ? addP(l.name + ".weight", {c}, "ones", c, c) : Value();
    Value bias = l.affine ? addP(l.name + ".bias", {c}, "zeros", c, c) : Value();
    auto bn = b.create<nn::BatchNormOp>(lloc, x, mean, var, w, bias,
                                        b.getF64FloatAttr(l.momentum),
                                        b.getF64FloatAttr(l.epsilon), UnitAttr());
    x = bn.getResult();
    buffers[buffers.size() - 3].update = bn.getNewMean();
    buffers[buffers.size() - 2].update = bn.getNewVar();
    buffers.back().update = b.create<nn::CountOp>(lloc, tracked, UnitAttr());
  } else if (l.type == "local_response_norm") {
    if (shape.size() != 3)
      return fail(l, "local_response_norm expects [channels, height, width], got " +
                         showShape(shape));
    x = b.create<nn::LocalResponseNormOp>(lloc, x, b.getI64IntegerAttr(l.size),
                                          b.getF64FloatAttr(l.alpha),
                                          b.getF64FloatAttr(l.beta),
                                          b.getF64FloatAttr(l.k));
  } else if (l.type == "dropout") {
    // The layer's index tells its mask apart from the other layers'.
    x = b.create<nn::DropoutOp>(lloc, x, Value(), Value(),
                                b.getF64FloatAttr(l.rate),
                                b.getI64IntegerAttr(&l - spec.layers.data()),
                                UnitAttr());
  } else if (l.type == "embedding") {
    if (product({l.inputDim, l.outputDim}) > kMaxSize)
      return fail(l, "the weight " + showShape({l.inputDim, l.outputDim}) +
                         " has more than " + std::to_string(kMaxSize) + " elements");
    Value w = addP(l.name + ".weight", {l.inputDim, l.outputDim}, "normal",
                   l.inputDim, l.outputDim);
    x = b.create<nn::EmbeddingOp>(lloc, x, w);
  } else if (l.type == "position_embedding") {
    if (shape.size() != 2)
      return fail(l, "position_embedding expects [steps, dim], got " + showShape(shape));
    int64_t maxLen = l.maxLen ? l.maxLen : shape[0];
    if (maxLen < shape[0])
      return fail(l, "max_len " + std::to_string(maxLen) + " is shorter than the " +
                         std::to_string(shape[0]) + " steps of its input " +
                         showShape(shape));
    Value w = addP(l.name + ".weight", {maxLen, shape[1]}, "normal", maxLen, shape[1]);
    x = b.create<nn::PositionEmbeddingOp>(lloc, x, w);
  } else if (l.type == "layer_norm") {
    int64_t f = shape.back();
    Value w = l.affine ? addP(l.name + ".weight", {f}, "ones", f, f) : Value();
    Value bias = l.affine ? addP(l.name + ".bias", {f}, "zeros", f, f) : Value();
    x = b.create<nn::LayerNormOp>(lloc, x, w, bias, b.getF64FloatAttr(l.epsilon));
  } else if (l.type == "multi_head_attention" || l.type == "transformer_block") {
    if (shape.size() != 2)
      return fail(l, l.type + " expects [steps, width], got " + showShape(shape));
    if (shape[1] % l.numHeads != 0)
      return fail(l, "num_heads (" + std::to_string(l.numHeads) +
                         ") must divide the width of its input " + showShape(shape));
    // The per-head weights [batch, heads, T, T] and the feed-forward rows.
    std::vector<int64_t> weights{spec.batchSize, l.numHeads, shape[0], shape[0]};
    if (product(weights) > kMaxSize ||
        product({spec.batchSize, shape[0], std::max(3 * shape[1], l.dimFeedforward)}) > kMaxSize)
      return fail(l, "its attention weights " + showShape(weights) + " or projections have more "
                     "than " + std::to_string(kMaxSize) + " elements");
    x = l.type == "multi_head_attention" ? attention(l, lloc, x, l.name)
                                         : transformerBlock(l, lloc, x);
  } else if (l.type == "lstm" || l.type == "gru" || l.type == "simple_rnn") {
    if (shape.size() != 2)
      return fail(l, l.type + " expects [steps, features], got " + showShape(shape));
    // Each step of each layer and direction is unrolled into the code.
    int64_t unrolled = shape[0] * l.numLayers * (l.bidirectional ? 2 : 1);
    if (unrolled > kMaxUnrolledSteps)
      return fail(l, std::to_string(shape[0]) + " steps x " + std::to_string(l.numLayers) +
                         " layers" + (l.bidirectional ? " x 2 directions" : "") + " = " +
                         std::to_string(unrolled) + " unrolled steps, more than " +
                         std::to_string(kMaxUnrolledSteps) +
                         " (recurrent layers are unrolled; compile time grows with them)");
    if (product({spec.batchSize, shape[0], 4 * l.units}) > kMaxSize)
      return fail(l, "its gates [" + std::to_string(spec.batchSize) + ", " +
                         std::to_string(shape[0]) + ", " + std::to_string(4 * l.units) +
                         "] have more than " + std::to_string(kMaxSize) + " elements");
    x = recurrent(l, lloc, x);
  } else if (l.type == "global_avg_pool1d" || l.type == "global_max_pool1d") {
    if (shape.size() != 2)
      return fail(l, l.type + " expects [steps, features], got " + showShape(shape));
    if (l.type == "global_avg_pool1d")
      x = b.create<nn::ReduceMeanOp>(lloc, x, b.getI64IntegerAttr(1));
    else
      x = b.create<nn::ReduceMaxOp>(lloc, x, b.getI64IntegerAttr(1));
  } else {
    if (l.type == "softmax") {
      // Keras' axis: 0 is the batch, negative counts from the last.
      int64_t rank = shape.size() + 1, axis = l.axis < 0 ? rank + l.axis : l.axis;
      if (axis < 1 || axis >= rank)
        return fail(l, "axis " + std::to_string(l.axis) + " is not an axis of the "
                       "samples " + showShape(shape) + " (axis 0 is the batch)");
      x = b.create<nn::SoftmaxOp>(lloc, x, b.getI64IntegerAttr(axis == rank - 1 ? -1 : axis));
    } else {
      x = activation(lloc, l.type, l.alpha, x);
    }
  }
  shape = sampleShape(x);
  return true;
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

void Importer::buildLoss(ModuleOp module, Type predType) {
  Location loc = FileLineColLoc::get(&ctx, file, 0, 0);
  b.setInsertionPointToEnd(module.getBody());
  auto scalar = RankedTensorType::get({}, b.getF32Type());
  const LossSpec &loss = spec.loss;
  // Labels: one per row of classes ([batch] for [batch, C] logits, [batch,
  // T] for [batch, T, C]).
  auto predShape = cast<RankedTensorType>(predType).getShape();
  Type target = loss.takesLabels()
                    ? Type(RankedTensorType::get(predShape.drop_back(), b.getI32Type()))
                    : predType;
  auto fn = b.create<func::FuncOp>(loc, "loss",
                                   b.getFunctionType({predType, target}, {scalar}));
  Block *entry = fn.addEntryBlock();
  b.setInsertionPointToStart(entry);
  fn.setArgAttr(1, "kiln.target",
                b.getDictionaryAttr(b.getNamedAttr("name", b.getStringAttr("y"))));
  Value p = entry->getArgument(0), t = entry->getArgument(1), l;
  if (loss.type == "softmax_cross_entropy")
    l = b.create<nn::SoftmaxCrossEntropyOp>(loc, p, t,
                                            b.getF64FloatAttr(loss.labelSmoothing));
  else if (loss.type == "kl_divergence")
    l = b.create<nn::KLDivergenceOp>(loc, p, t);
  else if (loss.type == "binary_cross_entropy")
    l = b.create<nn::BinaryCrossEntropyOp>(loc, p, t);
  else if (loss.type == "mae")
    l = b.create<nn::MAELossOp>(loc, p, t);
  else if (loss.type == "huber")
    l = b.create<nn::HuberLossOp>(loc, p, t, b.getF64FloatAttr(loss.delta));
  else
    l = b.create<nn::MSELossOp>(loc, p, t);
  b.create<func::ReturnOp>(loc, l);
}

/// The loss fits the last layer: class rows for the softmax losses, and
/// logits (no softmax or sigmoid already applied) for the losses that apply
/// one themselves.
bool Importer::checkLossFits() {
  const LossSpec &loss = spec.loss;
  const LayerSpec &last = *output;
  bool softmax = loss.type == "softmax_cross_entropy" || loss.type == "kl_divergence";
  // top-k accuracy ranks the classes of a softmax row: more than k of them.
  for (size_t i = 0; i < spec.metrics.size(); ++i) {
    llvm::StringRef m = spec.metrics[i];
    if (!m.starts_with("top_"))
      continue;
    int64_t k = m[4] - '0';
    if (!softmax || outputShape.size() != 1 || outputShape[0] <= k) {
      err = file + ": /training/metrics/" + std::to_string(i) + ": " + m.str() +
            " needs a softmax loss over more than " + std::to_string(k) +
            " classes; " + loss.type + " gives " + showShape(outputShape);
      return false;
    }
  }
  // Cross-entropy with labels also takes rows of classes per position
  // ([T, C], one label per step).
  bool rows = loss.takesLabels() && outputShape.size() > 1;
  // Per-position labels get loss and accuracy; the class report (precision,
  // recall, F1, AUC, confusion matrix) is per sample.
  for (size_t i = 0; rows && i < spec.metrics.size(); ++i)
    if (spec.metrics[i] != "accuracy") {
      err = file + ": /training/metrics/" + std::to_string(i) + ": " + spec.metrics[i] +
            " is reported per sample; with one label per position " +
            showShape(outputShape) + " only accuracy is";
      return false;
    }
  if (softmax && ((outputShape.size() != 1 && !rows) || outputShape.back() < 2))
    return fail(last, loss.type + " expects the last layer to output [classes] "
                                  "with at least 2 classes, got " +
                          showShape(outputShape) +
                          (outputShape.size() > 1
                               ? " (dense works on the last axis: flatten or "
                                 "pool the other axes first)"
                               : ""));
  if (!softmax && loss.type != "binary_cross_entropy")
    return true;
  const char *applied = softmax ? "softmax" : "sigmoid";
  // Back from the output through the layers that keep values in place
  // (reshapes, dropout, activations): a softmax or sigmoid anywhere there
  // reaches the loss.
  for (const LayerSpec *it = output; it;) {
    if (it->type == applied || it->activation == applied)
      return fail(*it, loss.type + " applies " + applied +
                           " itself; remove this layer's " + applied +
                           " so the model outputs logits");
    bool inPlace = it->type == "flatten" || it->type == "reshape" ||
                   it->type == "dropout" || it->type == "relu" ||
                   it->type == "sigmoid" || it->type == "tanh" ||
                   it->type == "leaky_relu" || it->type == "softmax" ||
                   it->type == "gelu";
    const std::vector<std::string> &from = inputsOf[it->name];
    if (!inPlace || from.size() != 1 || from[0] == "input")
      break;
    it = byName[from[0]];
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
  if (auto i = v.getAsInteger())
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

} // namespace

OwningOpRef<ModuleOp> importModel(MLIRContext &ctx, const ModelSpec &spec,
                                  const std::string &file, std::string &error) {
  return Importer(ctx, spec, file).run(error);
}

} // namespace kiln
