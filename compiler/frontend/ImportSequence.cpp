//===- ImportSequence.cpp - Attention, transformer and recurrent layers ---===//
//
// Composite layers, each several nn ops; their parameters take PyTorch's
// names and layouts so a PyTorch state_dict loads unchanged.
//
#include "compiler/frontend/Importer.h"
#include "dialects/NN/IR/NNDialect.h"

using namespace mlir;

namespace kiln::importer {

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
/// the fused attention (its weights dropped out in training), the output
/// projection.
Value Importer::attention(const LayerSpec &l, Location loc, Value x,
                          const std::string &prefix) {
  int64_t e = sampleShape(x).back();
  Value w = addParam(prefix + ".in_proj_weight", {3 * e, e}, "glorot_uniform", e, 3 * e);
  Value bias = addParam(prefix + ".in_proj_bias", {3 * e}, "zeros", e, 3 * e);
  Value qkv = b.create<nn::DenseOp>(loc, x, w, bias);
  int64_t index = &l - spec.layers.data();
  Value o = b.create<nn::AttentionOp>(loc, qkv, Value(), Value(),
                                      b.getI64IntegerAttr(l.numHeads),
                                      l.causal ? b.getUnitAttr() : UnitAttr(),
                                      b.getF64FloatAttr(l.rate),
                                      b.getI64IntegerAttr(((index + 1) << 20) | 0), UnitAttr())
                .getResult();
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

} // namespace kiln::importer
