//===- ModelSpec.cpp - Parse and validate Kiln's JSON model format --------===//
#include "compiler/frontend/ModelSpec.h"
#include "compiler/frontend/SpecReader.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringSet.h"

namespace kiln {
namespace {

using namespace spec;


const std::initializer_list<llvm::StringRef> kActivations = {
    "linear", "relu", "sigmoid", "tanh", "leaky_relu", "softmax", "gelu"};
const std::initializer_list<llvm::StringRef> kLayerTypes = {
    "dense", "conv2d", "max_pool2d", "avg_pool2d", "global_avg_pool2d",
    "global_max_pool2d", "batch_norm", "local_response_norm", "relu", "sigmoid",
    "tanh", "leaky_relu", "softmax", "gelu", "flatten", "reshape", "dropout",
    "embedding", "position_embedding", "layer_norm", "add", "multiply", "concat",
    "global_avg_pool1d", "global_max_pool1d", "multi_head_attention",
    "transformer_block", "lstm", "gru", "simple_rnn"};

/// "inputs": a layer name or a non-empty array of them.
bool parseInputs(Reader &r, const Object &o, const std::string &path,
                 LayerSpec &layer) {
  const Value *v = o.get("inputs");
  if (!v)
    return true;
  std::string p = path + "/inputs";
  if (auto s = v->getAsString()) {
    layer.inputs.push_back(s->str());
    return true;
  }
  const Array *a = v->getAsArray();
  if (!a || a->empty())
    return r.fail(p, "expected a layer name or a non-empty array of layer "
                     "names, got " + Reader::show(*v));
  for (size_t i = 0; i < a->size(); ++i) {
    auto s = r.string((*a)[i], p + "/" + std::to_string(i));
    if (!s)
      return false;
    layer.inputs.push_back(*s);
  }
  return true;
}

/// The keys of the sequence and graph layers.
bool parseSequenceLayer(Reader &r, const Object &o, const std::string &path,
                        LayerSpec &layer) {
  auto posInt = [&](const Value &v, const std::string &p) { return r.positiveInt(v, p); };
  auto required = [&](const char *key, int64_t &to) {
    if (!o.get(key))
      return r.fail(path, std::string("missing key \"") + key + "\"");
    return bool(r.optional(o, path, key, to, posInt));
  };
  const std::string &t = layer.type;
  if (t == "embedding")
    return r.onlyKeys(o, path, {"type", "name", "trainable", "input_dim",
                                "output_dim"}) &&
           required("input_dim", layer.inputDim) && required("output_dim", layer.outputDim);
  if (t == "position_embedding")
    return r.onlyKeys(o, path, {"type", "name", "trainable", "max_len"}) &&
           r.optional(o, path, "max_len", layer.maxLen, posInt);
  if (t == "layer_norm")
    return r.onlyKeys(o, path, {"type", "name", "trainable", "epsilon",
                                "affine"}) &&
           r.optional(o, path, "epsilon", layer.epsilon,
                      [&](const Value &v, const std::string &p) {
                        return r.number(v, p, 0.0, 1.0, true);
                      }) &&
           r.optional(o, path, "affine", layer.affine,
                      [&](const Value &v, const std::string &p) { return r.boolean(v, p); });
  auto flag = [&](const char *key, bool &to) {
    return bool(r.optional(o, path, key, to, [&](const Value &v, const std::string &p) {
      return r.boolean(v, p);
    }));
  };
  auto dropout = [&](const Value &v, const std::string &p) -> std::optional<double> {
    auto d = v.getAsNumber();
    if (!d || !(*d >= 0.0 && *d < 1.0)) {
      r.fail(p, "expected a number in [0, 1), got " + Reader::show(v));
      return std::nullopt;
    }
    return *d;
  };
  if (t == "multi_head_attention" || t == "transformer_block") {
    bool block = t == "transformer_block";
    layer.rate = block ? 0.1 : 0.0;
    layer.activation = "relu";
    if (!(block ? r.onlyKeys(o, path, {"type", "name", "trainable", "num_heads", "causal",
                                       "dropout", "dim_feedforward", "activation",
                                       "norm_first"})
                : r.onlyKeys(o, path, {"type", "name", "trainable", "num_heads", "causal",
                                       "dropout"})) ||
        !required("num_heads", layer.numHeads) || !flag("causal", layer.causal) ||
        !r.optional(o, path, "dropout", layer.rate, dropout))
      return false;
    return !block ||
           (r.optional(o, path, "dim_feedforward", layer.dimFeedforward, posInt) &&
            flag("norm_first", layer.normFirst) &&
            r.optional(o, path, "activation", layer.activation,
                       [&](const Value &v, const std::string &p) {
                         return r.oneOf(v, p, {"relu", "gelu"});
                       }));
  }
  if (t == "lstm" || t == "gru" || t == "simple_rnn")
    return r.onlyKeys(o, path, {"type", "name", "trainable", "units", "return_sequences",
                                "num_layers", "bidirectional"}) &&
           required("units", layer.units) && flag("return_sequences", layer.returnSequences) &&
           flag("bidirectional", layer.bidirectional) &&
           r.optional(o, path, "num_layers", layer.numLayers, posInt);
  if (t == "concat" || t == "softmax")
    return r.onlyKeys(o, path, {"type", "name", "trainable", "axis"}) &&
           r.optional(o, path, "axis", layer.axis,
                      [&](const Value &v, const std::string &p) -> std::optional<int64_t> {
                        auto i = integerOf(v);
                        if (!i || *i < -8 || *i > 8 || *i == 0) {
                          r.fail(p, "expected a non-zero axis of the sample "
                                    "(1 is the first after the batch, -1 the "
                                    "last), got " + Reader::show(v));
                          return std::nullopt;
                        }
                        return *i;
                      });
  return r.onlyKeys(o, path, {"type", "name", "trainable"});
}

/// An int (both dimensions) or a [h, w] pair of positive integers.
std::optional<std::vector<int64_t>> pair(Reader &r, const Value &v,
                                         const std::string &path) {
  if (integerOf(v)) {
    auto i = r.positiveInt(v, path);
    if (!i)
      return std::nullopt;
    return std::vector<int64_t>{*i, *i};
  }
  const Array *a = v.getAsArray();
  if (!a || a->size() != 2) {
    r.fail(path, "expected a positive integer or [height, width], got " +
                     Reader::show(v));
    return std::nullopt;
  }
  return r.shape(v, path);
}

/// "valid", "same", an int or [ph, pw] (zeros on both sides).
bool parsePadding(Reader &r, const Object &o, const std::string &path,
                  LayerSpec &layer) {
  const Value *v = o.get("padding");
  if (!v)
    return true;
  std::string p = path + "/padding";
  if (v->getAsString())
    return bool(r.optional(o, path, "padding", layer.padding,
                           [&](const Value &v, const std::string &p) {
                             return r.oneOf(v, p, {"valid", "same"});
                           }));
  // An int or [ph, pw] of non-negative integers.
  auto nonNegative = [](const Value &e) {
    auto i = integerOf(e);
    return i && *i >= 0 && *i <= kMaxSize;
  };
  const Array *a = v->getAsArray();
  if (!(nonNegative(*v) || (a && a->size() == 2 && nonNegative((*a)[0]) &&
                            nonNegative((*a)[1]))))
    return r.fail(p, "expected \"valid\", \"same\", a non-negative integer or "
                     "[height, width], got " + Reader::show(*v));
  std::vector<int64_t> pad = a ? std::vector<int64_t>{*integerOf((*a)[0]),
                                                      *integerOf((*a)[1])}
                               : std::vector<int64_t>(2, *integerOf(*v));
  if (pad[0] == 0 && pad[1] == 0)
    return true;
  layer.pad = pad;
  layer.padding = "explicit";
  return true;
}

bool parseConvOrPool(Reader &r, const Object &o, const std::string &path,
                     LayerSpec &layer) {
  bool conv = layer.type == "conv2d";
  if (conv ? !r.onlyKeys(o, path, {"type", "name", "trainable", "filters",
                                   "kernel_size", "strides", "padding", "dilation",
                                   "groups", "use_bias", "activation", "kernel_init",
                                   "bias_init"})
           : !r.onlyKeys(o, path, {"type", "name", "trainable", "pool_size",
                                   "strides", "padding"}))
    return false;
  const char *sizeKey = conv ? "kernel_size" : "pool_size";
  const Value *size = o.get(sizeKey);
  if (!size)
    return r.fail(path, std::string("missing key \"") + sizeKey + "\"");
  auto pairOf = [&](const Value &v, const std::string &p) { return pair(r, v, p); };
  if (!r.optional(o, path, sizeKey, layer.kernel, pairOf))
    return false;
  layer.strides = conv ? std::vector<int64_t>{1, 1} : layer.kernel;
  if (!r.optional(o, path, "strides", layer.strides, pairOf) ||
      !parsePadding(r, o, path, layer))
    return false;
  if (!conv)
    return true;
  const Value *filters = o.get("filters");
  if (!filters)
    return r.fail(path, "missing key \"filters\"");
  auto f = r.positiveInt(*filters, path + "/filters");
  if (!f)
    return false;
  layer.filters = *f;
  layer.activation = "linear";
  if (!r.optional(o, path, "dilation", layer.dilation, pairOf) ||
      !r.optional(o, path, "groups", layer.groups,
                  [&](const Value &v, const std::string &p) { return r.positiveInt(v, p); }) ||
      !r.optional(o, path, "use_bias", layer.useBias,
                  [&](const Value &v, const std::string &p) { return r.boolean(v, p); }) ||
      !r.optional(o, path, "activation", layer.activation,
                  [&](const Value &v, const std::string &p) {
                    return r.oneOf(v, p, {"linear", "relu", "sigmoid", "tanh", "leaky_relu"});
                  }))
    return false;
  if (layer.filters % layer.groups != 0)
    return r.fail(path + "/groups", "groups (" + std::to_string(layer.groups) +
                                        ") must divide filters (" +
                                        std::to_string(layer.filters) + ")");
  layer.kernelInit = layer.activation == "relu" || layer.activation == "leaky_relu"
                         ? "he_uniform" : "glorot_uniform";
  layer.biasInit = "zeros";
  return r.optional(o, path, "kernel_init", layer.kernelInit,
                    [&](const Value &v, const std::string &p) {
                      return r.oneOf(v, p, {"glorot_uniform", "he_uniform",
                                            "uniform_fan_in", "zeros"});
                    }) &&
         r.optional(o, path, "bias_init", layer.biasInit,
                    [&](const Value &v, const std::string &p) {
                      return r.oneOf(v, p, {"zeros", "uniform_fan_in"});
                    });
}

/// A layer's own training settings: lr_scale, weight_decay and
/// kernel_regularizer {l1, l2}. Whether the layer has the parameters they
/// apply to is checked once its shape is known (JsonFrontend).
bool parseTrainingKeys(Reader &r, const Object &o, const std::string &path,
                       LayerSpec &layer) {
  if (!r.optional(o, path, "lr_scale", layer.lrScale,
                  [&](const Value &v, const std::string &p) {
                    return r.number(v, p, 0.0, 1e6);
                  }))
    return false;
  if (const Value *wd = o.get("weight_decay")) {
    auto d = r.number(*wd, path + "/weight_decay", 0.0, 1e6);
    if (!d)
      return false;
    layer.weightDecay = *d;
  }
  const Value *reg = o.get("kernel_regularizer");
  if (!reg)
    return true;
  std::string p = path + "/kernel_regularizer";
  if (layer.type != "dense" && layer.type != "conv2d")
    return r.fail(p, "only dense and conv2d layers have a kernel to regularize");
  const Object *ro = r.object(*reg, p);
  auto rate = [&](const Value &v, const std::string &p) {
    return r.number(v, p, 0.0, 1e6);
  };
  if (!ro || !r.onlyKeys(*ro, p, {"l1", "l2"}) ||
      !r.optional(*ro, p, "l1", layer.l1, rate) ||
      !r.optional(*ro, p, "l2", layer.l2, rate))
    return false;
  if (ro->empty())
    return r.fail(p, "expected {\"l1\": a, \"l2\": b} (either or both)");
  return true;
}

bool parseLayer(Reader &r, const Value &v, size_t index, LayerSpec &layer) {
  std::string path = "/layers/" + std::to_string(index);
  layer.path = path;
  const Object *o;
  auto t = r.typed(v, path, kLayerTypes, o, /*nameAlone=*/false);
  if (!t)
    return false;
  layer.type = *t;
  layer.name = layer.type + "_" + std::to_string(index);
  if (const Value *n = o->get("name")) {
    auto s = r.string(*n, path + "/name");
    if (!s)
      return false;
    if (s->empty() || s->find_first_of(" .\"\\/") != std::string::npos ||
        llvm::any_of(*s, [](char c) { return (unsigned char)c < 0x20; }))
      return r.fail(path + "/name", "a layer name must be non-empty, without "
                                    "spaces, dots, quotes, slashes or control "
                                    "characters");
    if (*s == "input")
      return r.fail(path + "/name", "\"input\" is reserved (\"inputs\" "
                                    "names the model's input by it)");
    // check_step's checks name the loss by it (docs/abi.md).
    if (*s == "loss")
      return r.fail(path + "/name", "\"loss\" is reserved (divergence "
                                    "reports name the loss by it)");
    // Checkpoints keep optimizer state under "optimizer.<param>.<slot>".
    if (*s == "optimizer")
      return r.fail(path + "/name", "\"optimizer\" is reserved (checkpoints "
                                    "store optimizer state under it)");
    layer.name = *s;
  }
  if (!parseInputs(r, *o, path, layer))
    return false;
  if (!r.optional(*o, path, "trainable", layer.trainable,
                  [&](const Value &v, const std::string &p) {
                    return r.boolean(v, p);
                  }) ||
      !parseTrainingKeys(r, *o, path, layer))
    return false;
  // The keys every layer with parameters may have are read; the rest are
  // the type's.
  bool params = layer.type == "dense" || layer.type == "conv2d" ||
                layer.type == "batch_norm";
  params |= layer.type == "embedding" || layer.type == "position_embedding" ||
            layer.type == "layer_norm" || layer.type == "multi_head_attention" ||
            layer.type == "transformer_block" || layer.type == "lstm" ||
            layer.type == "gru" || layer.type == "simple_rnn";
  r.alsoAllowed = {"inputs"};
  if (params)
    r.alsoAllowed.insert(r.alsoAllowed.end(), {"lr_scale", "weight_decay"});
  if (layer.type == "dense" || layer.type == "conv2d")
    r.alsoAllowed.push_back("kernel_regularizer");
  auto clear = llvm::make_scope_exit([&] { r.alsoAllowed.clear(); });
  if (layer.type == "dense") {
    if (!r.onlyKeys(*o, path, {"type", "name", "trainable", "units", "activation",
                               "use_bias", "kernel_init", "bias_init"}))
      return false;
    const Value *units = o->get("units");
    if (!units)
      return r.fail(path, "missing key \"units\"");
    auto u = r.positiveInt(*units, path + "/units");
    if (!u)
      return false;
    layer.units = *u;
    layer.activation = "linear";
    if (!r.optional(*o, path, "activation", layer.activation,
                    [&](const Value &v, const std::string &p) {
                      return r.oneOf(v, p, kActivations);
                    }) ||
        !r.optional(*o, path, "use_bias", layer.useBias,
                    [&](const Value &v, const std::string &p) {
                      return r.boolean(v, p);
                    }))
      return false;
    layer.kernelInit = layer.activation == "relu" || layer.activation == "leaky_relu"
                           ? "he_uniform" : "glorot_uniform";
    layer.biasInit = "zeros";
    return r.optional(*o, path, "kernel_init", layer.kernelInit,
                      [&](const Value &v, const std::string &p) {
                        return r.oneOf(v, p, {"glorot_uniform", "he_uniform",
                                              "uniform_fan_in", "zeros"});
                      }) &&
           r.optional(*o, path, "bias_init", layer.biasInit,
                      [&](const Value &v, const std::string &p) {
                        return r.oneOf(v, p, {"zeros", "uniform_fan_in"});
                      });
  }
  if (layer.type == "conv2d" || layer.type == "max_pool2d" ||
      layer.type == "avg_pool2d")
    return parseConvOrPool(r, *o, path, layer);
  if (layer.type == "embedding" || layer.type == "position_embedding" ||
      layer.type == "layer_norm" || layer.type == "concat" || layer.type == "softmax" ||
      layer.type == "multi_head_attention" || layer.type == "transformer_block" ||
      layer.type == "lstm" || layer.type == "gru" || layer.type == "simple_rnn")
    return parseSequenceLayer(r, *o, path, layer);
  auto num = [&](double lo, double hi, bool openLo) {
    return [&r, lo, hi, openLo](const Value &v, const std::string &p) {
      return r.number(v, p, lo, hi, openLo);
    };
  };
  if (layer.type == "batch_norm")
    return r.onlyKeys(*o, path, {"type", "name", "trainable", "momentum", "epsilon",
                                 "affine"}) &&
           r.optional(*o, path, "momentum", layer.momentum, num(0.0, 1.0, false)) &&
           r.optional(*o, path, "epsilon", layer.epsilon, num(0.0, 1.0, true)) &&
           r.optional(*o, path, "affine", layer.affine,
                      [&](const Value &v, const std::string &p) { return r.boolean(v, p); });
  if (layer.type == "local_response_norm") {
    layer.alpha = 1e-4;
    if (!r.onlyKeys(*o, path, {"type", "name", "trainable", "size", "alpha", "beta", "k"}))
      return false;
    const Value *size = o->get("size");
    if (!size)
      return r.fail(path, "missing key \"size\" (the number of channels summed over)");
    return r.optional(*o, path, "size", layer.size,
                      [&](const Value &v, const std::string &p) { return r.positiveInt(v, p); }) &&
           r.optional(*o, path, "alpha", layer.alpha, num(0.0, 1e6, false)) &&
           r.optional(*o, path, "beta", layer.beta, num(0.0, 1e6, false)) &&
           r.optional(*o, path, "k", layer.k, num(0.0, 1e6, true));
  }
  if (layer.type == "leaky_relu") {
    if (!r.onlyKeys(*o, path, {"type", "name", "trainable", "alpha"}))
      return false;
    if (const Value *a = o->get("alpha")) {
      auto d = r.number(*a, path + "/alpha", 0.0, 1.0);
      if (!d)
        return false;
      layer.alpha = *d;
    }
    return true;
  }
  if (layer.type == "dropout") {
    if (!r.onlyKeys(*o, path, {"type", "name", "trainable", "rate"}))
      return false;
    const Value *rate = o->get("rate");
    if (!rate)
      return r.fail(path, "missing key \"rate\" (the probability of zeroing an element)");
    auto d = rate->getAsNumber();
    if (!d || !(*d >= 0.0 && *d < 1.0))
      return r.fail(path + "/rate",
                    "expected a number in [0, 1), got " + Reader::show(*rate));
    layer.rate = *d;
    return true;
  }
  if (layer.type == "reshape") {
    if (!r.onlyKeys(*o, path, {"type", "name", "trainable", "shape"}))
      return false;
    const Value *s = o->get("shape");
    if (!s)
      return r.fail(path, "missing key \"shape\"");
    auto sh = r.shape(*s, path + "/shape");
    if (!sh)
      return false;
    layer.shape = *sh;
    return true;
  }
  return r.onlyKeys(*o, path, {"type", "name", "trainable"});
}


/// llvm::json keeps the last of repeated keys silently; a model file with
/// "units" twice is a mistake worth naming. Runs on text that parsed.
std::optional<std::string> findDuplicateKey(const std::string &text) {
  struct Level {
    bool isObject;
    std::string key;   // object: the current key
    int64_t index = 0; // array: the current element
    llvm::StringSet<> seen;
  };
  std::vector<Level> stack;
  auto path = [&]() {
    std::string p;
    for (const Level &l : stack)
      p += "/" + (l.isObject ? l.key : std::to_string(l.index));
    return p;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '{' || c == '[') {
      stack.push_back({c == '{', "", 0, {}});
    } else if (c == '}' || c == ']') {
      stack.pop_back();
    } else if (c == ',' && !stack.empty() && !stack.back().isObject) {
      ++stack.back().index;
    } else if (c == '"') {
      size_t start = ++i;
      std::string raw; // the key decoded: "unit\u0073" is "units"
      for (; text[i] != '"'; ++i) {
        if (text[i] != '\\') {
          raw += text[i];
          continue;
        }
        char e = text[++i];
        if (e == 'u') {
          raw += static_cast<char>(std::stoi(text.substr(i + 1, 4), nullptr, 16));
          i += 4;
        } else {
          raw += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r'
                 : e == 'b' ? '\b' : e == 'f' ? '\f' : e;
        }
      }
      size_t next = text.find_first_not_of(" \t\r\n", i + 1);
      if (next == std::string::npos || text[next] != ':' || stack.empty() ||
          !stack.back().isObject)
        continue;
      Level &obj = stack.back();
      obj.key = raw;
      if (!obj.seen.insert(raw).second) {
        std::string where = path();
        return "duplicate key \"" + raw + "\" at " + where + " (byte " +
               std::to_string(start - 1) + ")";
      }
    }
  }
  return std::nullopt;
}

} // namespace

/// The deepest nesting of arrays and objects (the JSON parser recurses).
size_t nestingDepth(const std::string &text) {
  size_t depth = 0, deepest = 0;
  bool inString = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (inString) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        inString = false;
    } else if (c == '"') {
      inString = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

bool parseModelSpec(const std::string &text, const std::string &file,
                    ModelSpec &spec, std::string &error) {
  Reader r(file);
  if (nestingDepth(text) > 64) {
    error = file + ": invalid model: arrays and objects nested more than 64 deep";
    return false;
  }
  llvm::Expected<Value> parsed = llvm::json::parse(text);
  if (!parsed) {
    // llvm::json reports "[line:col, byte=N]: message".
    error = file + ": invalid JSON " + llvm::toString(parsed.takeError());
    return false;
  }
  if (auto dup = findDuplicateKey(text)) {
    error = file + ": " + *dup;
    return false;
  }
  const Object *root = r.object(*parsed, "");
  if (!root || !r.onlyKeys(*root, "", {"name", "input", "output", "layers", "training"})) {
    error = r.error;
    return false;
  }
  spec.name = "model";
  if (const Value *n = root->get("name")) {
    auto s = r.string(*n, "/name");
    if (s)
      spec.name = *s;
  }
  const Value *input = root->get("input");
  if (!input)
    r.fail("", "missing key \"input\" (e.g. {\"shape\": [784]})");
  else if (const Object *in = r.object(*input, "/input")) {
    if (r.onlyKeys(*in, "/input", {"shape", "dtype"})) {
      if (const Value *s = in->get("shape")) {
        if (auto sh = r.shape(*s, "/input/shape"))
          spec.inputShape = *sh;
      } else {
        r.fail("/input", "missing key \"shape\"");
      }
      r.optional(*in, "/input", "dtype", spec.inputDtype,
                 [&](const Value &v, const std::string &p) {
                   return r.oneOf(v, p, {"float32", "int32"});
                 });
    }
  }
  if (const Value *out = root->get("output"); out && r.ok())
    if (auto s = r.string(*out, "/output"))
      spec.output = *s;
  const Value *layers = r.ok() ? root->get("layers") : nullptr;
  if (r.ok() && !layers)
    r.fail("", "missing key \"layers\"");
  if (layers) {
    const Array *a = layers->getAsArray();
    if (!a || a->empty())
      r.fail("/layers", "expected a non-empty array of layers");
    else
      for (size_t i = 0; i < a->size() && r.ok(); ++i) {
        LayerSpec layer;
        if (parseLayer(r, (*a)[i], i, layer))
          spec.layers.push_back(layer);
      }
  }
  llvm::StringSet<> names;
  for (const LayerSpec &l : spec.layers)
    if (r.ok() && !names.insert(l.name).second)
      r.fail(l.path + "/name", "duplicate layer name \"" + l.name + "\"");
  if (r.ok()) {
    if (const Value *t = root->get("training")) {
      // `"training": false`: an inference-only model (forward alone).
      if (std::optional<bool> flag = t->getAsBoolean()) {
        if (*flag)
          r.fail("/training", "expected an object or false, got true");
        spec.inference = !*flag;
        spec.loss.type.clear(); // no loss: the layers' outputs are the predictions
      } else {
        parseTraining(r, *t, spec);
      }
    }
  }
  error = r.error;
  return r.ok();
}

} // namespace kiln
