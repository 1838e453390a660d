//===- ImportLayers.cpp - One layer at a time into nn ops -----------------===//
//
// Importer::buildLayer checks each layer against its input's shape and
// builds it; the composite sequence layers it calls are in
// ImportSequence.cpp.
//
#include "compiler/frontend/Importer.h"
#include "dialects/NN/IR/NNDialect.h"

#include <cmath>

using namespace mlir;

namespace kiln::importer {


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
int64_t flopsPerSample(const LayerSpec &l, const std::vector<int64_t> &in,
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
    // The projections' and feed-forward rows (the fused attention's
    // temporaries are tiles, whatever T).
    if (product({spec.batchSize, shape[0], std::max(3 * shape[1], l.dimFeedforward)}) > kMaxSize)
      return fail(l, "its projections or feed-forward rows have more than " +
                         std::to_string(kMaxSize) + " elements");
    x = l.type == "multi_head_attention" ? attention(l, lloc, x, l.name)
                                         : transformerBlock(l, lloc, x);
  } else if (l.type == "lstm" || l.type == "gru" || l.type == "simple_rnn") {
    if (shape.size() != 2)
      return fail(l, l.type + " expects [steps, features], got " + showShape(shape));
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

} // namespace kiln::importer
