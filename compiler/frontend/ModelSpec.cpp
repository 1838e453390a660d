//===- ModelSpec.cpp - Parse and validate Kiln's JSON model format --------===//
#include "compiler/frontend/ModelSpec.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

#include <cmath>
#include <optional>

using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;

namespace kiln {
namespace {

/// Reads typed fields of JSON objects; the first error wins and names the
/// JSON path of the offending value.
class Reader {
public:
  explicit Reader(std::string file) : file(std::move(file)) {}

  bool fail(const std::string &path, const std::string &msg) {
    if (error.empty())
      error = file + ": " + (path.empty() ? "/" : path) + ": " + msg;
    return false;
  }
  bool ok() const { return error.empty(); }

  static std::string num(double d) {
    char buf[32];
    snprintf(buf, sizeof buf, "%.10g", d);
    return buf;
  }

  static std::string show(const Value &v) {
    // Numbers as people wrote them (-0.1, not -0.10000000000000001).
    if (v.kind() == Value::Number && !v.getAsInteger())
      return num(*v.getAsNumber());
    std::string s;
    llvm::raw_string_ostream os(s);
    os << v;
    if (s.size() > 40)
      s = s.substr(0, 37) + "...";
    return s;
  }

  /// Rejects keys outside `allowed` (and `alsoAllowed`), so typos do not
  /// pass silently.
  bool onlyKeys(const Object &o, const std::string &path,
                std::initializer_list<llvm::StringRef> allowed) {
    std::vector<llvm::StringRef> all(allowed);
    all.insert(all.end(), alsoAllowed.begin(), alsoAllowed.end());
    for (const auto &kv : o)
      if (!llvm::is_contained(all, kv.first.str()))
        return fail(path + "/" + kv.first.str(),
                    "unknown key (expected one of: " + llvm::join(all, ", ") +
                        ")");
    return true;
  }

  /// Keys every object of a kind may have (a layer's training keys), checked
  /// by their own parser.
  std::vector<llvm::StringRef> alsoAllowed;

  std::optional<int64_t> positiveInt(const Value &v, const std::string &path) {
    auto i = v.getAsInteger();
    if (!i || *i <= 0) {
      fail(path, "expected a positive integer, got " + show(v));
      return std::nullopt;
    }
    if (*i > kMaxSize) {
      fail(path, "expected at most " + std::to_string(kMaxSize) + ", got " + show(v));
      return std::nullopt;
    }
    return *i;
  }

  std::optional<double> number(const Value &v, const std::string &path,
                               double lo, double hi, bool openLo = false) {
    auto d = v.getAsNumber();
    if (!d || !std::isfinite(*d) || *d < lo || *d > hi || (openLo && *d == lo)) {
      fail(path, "expected a number in " + std::string(openLo ? "(" : "[") +
                     num(lo) + ", " + num(hi) + "], got " + show(v));
      return std::nullopt;
    }
    return *d;
  }

  std::optional<std::string> string(const Value &v, const std::string &path) {
    auto s = v.getAsString();
    if (!s) {
      fail(path, "expected a string, got " + show(v));
      return std::nullopt;
    }
    return s->str();
  }

  std::optional<std::string> oneOf(const Value &v, const std::string &path,
                                   std::initializer_list<llvm::StringRef> opts) {
    auto s = string(v, path);
    if (s && !llvm::is_contained(opts, *s)) {
      fail(path, "unknown value \"" + *s + "\" (expected one of: " +
                     llvm::join(opts, ", ") + ")");
      return std::nullopt;
    }
    return s;
  }

  std::optional<bool> boolean(const Value &v, const std::string &path) {
    auto b = v.getAsBoolean();
    if (!b)
      fail(path, "expected true or false, got " + show(v));
    return b;
  }

  std::optional<std::vector<int64_t>> shape(const Value &v,
                                            const std::string &path) {
    const Array *a = v.getAsArray();
    if (!a || a->empty()) {
      fail(path, "expected a non-empty array of positive integers, got " + show(v));
      return std::nullopt;
    }
    std::vector<int64_t> out;
    for (size_t i = 0; i < a->size(); ++i) {
      auto d = positiveInt((*a)[i], path + "/" + std::to_string(i));
      if (!d)
        return std::nullopt;
      out.push_back(*d);
    }
    return out;
  }

  /// Reads `key` of `o`, when present, with `parse` into `out`.
  template <typename T, typename Parse>
  bool optional(const Object &o, const std::string &path, llvm::StringRef key,
                T &out, Parse parse) {
    const Value *v = o.get(key);
    if (!v)
      return true;
    auto got = parse(*v, path + "/" + key.str());
    if (got)
      out = *got;
    return bool(got);
  }

  const Object *object(const Value &v, const std::string &path) {
    const Object *o = v.getAsObject();
    if (!o)
      fail(path, "expected an object, got " + show(v));
    return o;
  }

  std::string file, error;
};

const std::initializer_list<llvm::StringRef> kActivations = {
    "linear", "relu", "sigmoid", "tanh", "leaky_relu", "softmax"};
const std::initializer_list<llvm::StringRef> kLayerTypes = {
    "dense", "conv2d", "max_pool2d", "avg_pool2d", "global_avg_pool2d",
    "global_max_pool2d", "batch_norm", "local_response_norm", "relu", "sigmoid", "tanh", "leaky_relu", "softmax",
    "flatten", "reshape", "dropout"};

/// An int (both dimensions) or a [h, w] pair of positive integers.
std::optional<std::vector<int64_t>> pair(Reader &r, const Value &v,
                                         const std::string &path) {
  if (v.getAsInteger()) {
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
    auto i = e.getAsInteger();
    return i && *i >= 0 && *i <= kMaxSize;
  };
  const Array *a = v->getAsArray();
  if (!(nonNegative(*v) || (a && a->size() == 2 && nonNegative((*a)[0]) &&
                            nonNegative((*a)[1]))))
    return r.fail(p, "expected \"valid\", \"same\", a non-negative integer or "
                     "[height, width], got " + Reader::show(*v));
  std::vector<int64_t> pad = a ? std::vector<int64_t>{*(*a)[0].getAsInteger(),
                                                      *(*a)[1].getAsInteger()}
                               : std::vector<int64_t>(2, *v->getAsInteger());
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
  const Object *o = r.object(v, path);
  if (!o)
    return false;
  const Value *type = o->get("type");
  if (!type)
    return r.fail(path, "missing key \"type\"");
  auto t = r.oneOf(*type, path + "/type", kLayerTypes);
  if (!t)
    return false;
  layer.type = *t;
  layer.name = layer.type + "_" + std::to_string(index);
  if (const Value *n = o->get("name")) {
    auto s = r.string(*n, path + "/name");
    if (!s)
      return false;
    if (s->empty() || s->find_first_of(" .\"\\/") != std::string::npos)
      return r.fail(path + "/name", "a layer name must be non-empty, without "
                                    "spaces, dots, quotes or slashes");
    // Checkpoints keep optimizer state under "optimizer.<param>.<slot>".
    if (*s == "optimizer")
      return r.fail(path + "/name", "\"optimizer\" is reserved (checkpoints "
                                    "store optimizer state under it)");
    layer.name = *s;
  }
  if (o->get("inputs"))
    return r.fail(path + "/inputs", "graph models (named inputs) are not "
                                    "supported yet; layers run in sequence");
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
  if (params)
    r.alsoAllowed = {"lr_scale", "weight_decay"};
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

/// One optimizer's hyper-parameters: PyTorch's names, defaults and ranges
/// (lr aside). Flags (nesterov, centered) are read separately.
struct HyperSpec {
  const char *key;
  double dflt, lo, hi;
  bool openLo;
};

const std::map<std::string, std::vector<HyperSpec>> &optimizerTable() {
  static const std::map<std::string, std::vector<HyperSpec>> table{
      {"sgd", {{"weight_decay", 0.0, 0.0, 1e6, false}}},
      {"momentum",
       {{"momentum", 0.9, 0.0, 1.0, false}, {"weight_decay", 0.0, 0.0, 1e6, false}}},
      {"adam",
       {{"beta1", 0.9, 0.0, 0.999999999, false},
        {"beta2", 0.999, 0.0, 0.999999999, false},
        {"eps", 1e-8, 0.0, 1e6, true},
        {"weight_decay", 0.0, 0.0, 1e6, false}}},
      {"adamw",
       {{"beta1", 0.9, 0.0, 0.999999999, false},
        {"beta2", 0.999, 0.0, 0.999999999, false},
        {"eps", 1e-8, 0.0, 1e6, true},
        {"weight_decay", 0.01, 0.0, 1e6, false}}},
      {"adagrad",
       {{"lr_decay", 0.0, 0.0, 1e6, false},
        {"initial_accumulator_value", 0.0, 0.0, 1e6, false},
        {"eps", 1e-10, 0.0, 1e6, true},
        {"weight_decay", 0.0, 0.0, 1e6, false}}},
      {"rmsprop",
       {{"alpha", 0.99, 0.0, 1.0, false},
        {"eps", 1e-8, 0.0, 1e6, true},
        {"momentum", 0.0, 0.0, 1.0, false},
        {"weight_decay", 0.0, 0.0, 1e6, false}}},
  };
  return table;
}

bool parseOptimizer(Reader &r, const Value &v, OptimizerSpec &opt) {
  const std::string path = "/training/optimizer";
  const std::initializer_list<llvm::StringRef> types = {
      "sgd", "momentum", "adam", "adamw", "adagrad", "rmsprop"};
  const Object *o = nullptr;
  if (v.getAsString()) {
    auto t = r.oneOf(v, path, types);
    if (!t)
      return false;
    opt.type = *t;
  } else {
    o = r.object(v, path);
    if (!o)
      return false;
    const Value *type = o->get("type");
    if (!type)
      return r.fail(path, "missing key \"type\"");
    auto t = r.oneOf(*type, path + "/type", types);
    if (!t)
      return false;
    opt.type = *t;
  }
  const std::vector<HyperSpec> &hypers = optimizerTable().at(opt.type);
  // PyTorch's defaults, written out so the manifest and `info` show every
  // value the compiled update uses. Kiln's default lr: Adam's 1e-3, 0.01
  // for the others (PyTorch's for adagrad and rmsprop).
  for (const HyperSpec &h : hypers)
    opt.hyper[h.key] = h.dflt;
  opt.lr = opt.type == "adam" || opt.type == "adamw" ? 1e-3 : 0.01;
  if (!o)
    return true;
  for (const auto &kv : *o) {
    std::string key = kv.first.str(), p = path + "/" + key;
    if (key == "type")
      continue;
    if (key == "nesterov" || key == "centered") {
      const char *owner = key == "nesterov" ? "momentum" : "rmsprop";
      if (opt.type != owner)
        return r.fail(p, "only the " + std::string(owner) + " optimizer takes " + key);
      auto b = r.boolean(kv.second, p);
      if (!b)
        return false;
      (key == "nesterov" ? opt.nesterov : opt.centered) = *b;
      continue;
    }
    if (key == "lr") {
      auto d = r.number(kv.second, p, 0.0, 1e6, /*openLo=*/true);
      if (!d)
        return false;
      opt.lr = *d;
      continue;
    }
    if (key == "bias_weight_decay") {
      auto d = r.number(kv.second, p, 0.0, 1e6);
      if (!d)
        return false;
      opt.biasWeightDecay = *d;
      continue;
    }
    auto h = llvm::find_if(hypers, [&](const HyperSpec &h) { return key == h.key; });
    if (h == hypers.end()) {
      std::string known = "lr";
      for (const HyperSpec &x : hypers)
        known += std::string(", ") + x.key;
      known += ", bias_weight_decay";
      if (opt.type == "momentum")
        known += ", nesterov";
      if (opt.type == "rmsprop")
        known += ", centered";
      return r.fail(p, "unknown key for the " + opt.type +
                           " optimizer (expected one of: " + known + ")");
    }
    auto d = r.number(kv.second, p, h->lo, h->hi, h->openLo);
    if (!d)
      return false;
    opt.hyper[key] = *d;
  }
  if (opt.nesterov && (opt.type != "momentum" || opt.hyper["momentum"] == 0.0))
    return r.fail(path + "/nesterov",
                  "nesterov needs the momentum optimizer with momentum > 0");
  return true;
}

/// "mse" or {"type": "huber", "delta": 0.5}.
bool parseLoss(Reader &r, const Value &v, LossSpec &loss) {
  const std::string path = "/training/loss";
  const std::initializer_list<llvm::StringRef> types = {
      "softmax_cross_entropy", "cross_entropy", "mse", "mae", "huber",
      "binary_cross_entropy", "kl_divergence"};
  const Object *o = nullptr;
  std::optional<std::string> t;
  if (v.getAsString()) {
    t = r.oneOf(v, path, types);
  } else if ((o = r.object(v, path))) {
    const Value *type = o->get("type");
    if (!type)
      return r.fail(path, "missing key \"type\"");
    t = r.oneOf(*type, path + "/type", types);
  }
  if (!t)
    return false;
  loss.type = *t == "cross_entropy" ? "softmax_cross_entropy" : *t;
  if (!o)
    return true;
  if (loss.type == "huber")
    return r.onlyKeys(*o, path, {"type", "delta"}) &&
           r.optional(*o, path, "delta", loss.delta,
                      [&](const Value &v, const std::string &p) {
                        return r.number(v, p, 0.0, 1e6, /*openLo=*/true);
                      });
  if (loss.type == "softmax_cross_entropy") {
    std::string targets = "labels";
    if (!r.onlyKeys(*o, path, {"type", "label_smoothing", "targets"}) ||
        !r.optional(*o, path, "label_smoothing", loss.labelSmoothing,
                    [&](const Value &v, const std::string &p) {
                      return r.number(v, p, 0.0, 1.0);
                    }) ||
        !r.optional(*o, path, "targets", targets,
                    [&](const Value &v, const std::string &p) {
                      return r.oneOf(v, p, {"labels", "probabilities"});
                    }))
      return false;
    loss.softTargets = targets == "probabilities";
    return true;
  }
  return r.onlyKeys(*o, path, {"type"});
}

/// The metrics a monitor may name (what `train` reports per epoch).
const std::initializer_list<llvm::StringRef> kMonitors = {
    "train_loss",     "train_accuracy",     "train_mae",   "val_loss",
    "val_accuracy",   "val_mae",            "val_rmse",
    "val_r2",         "val_precision",      "val_recall",
    "val_f1",         "val_auc",            "val_top_2_accuracy",
    "val_top_3_accuracy", "val_top_4_accuracy", "val_top_5_accuracy"};

/// A number key of a schedule or early-stopping object, in [lo, hi].
bool loopNumber(Reader &r, const Object &o, const std::string &path,
                const char *key, double lo, double hi, bool integer = false) {
  const Value *v = o.get(key);
  if (!v)
    return true;
  if (integer) {
    auto i = v->getAsInteger();
    if (!i || *i < int64_t(lo))
      return r.fail(path + "/" + key, "expected an integer of at least " +
                                          Reader::num(lo) + ", got " +
                                          Reader::show(*v));
    return true;
  }
  return bool(r.number(*v, path + "/" + key, lo, hi));
}

/// {"type": "cosine", "warmup_steps": 100}; passed on as written.
bool parseSchedule(Reader &r, const Value &v, std::string &out) {
  const std::string path = "/training/schedule";
  const Object *o = r.object(v, path);
  if (!o)
    return false;
  const Value *type = o->get("type");
  if (!type)
    return r.fail(path, "missing key \"type\"");
  auto t = r.oneOf(*type, path + "/type",
                   {"constant", "step", "exponential", "cosine", "reduce_on_plateau"});
  if (!t)
    return false;
  bool ok = true;
  if (*t == "constant")
    ok = r.onlyKeys(*o, path, {"type"});
  else if (*t == "step")
    ok = r.onlyKeys(*o, path, {"type", "step_size", "gamma"}) &&
         loopNumber(r, *o, path, "step_size", 1, 0, true) &&
         loopNumber(r, *o, path, "gamma", 0, 1);
  else if (*t == "exponential")
    ok = r.onlyKeys(*o, path, {"type", "gamma"}) &&
         loopNumber(r, *o, path, "gamma", 0, 1);
  else if (*t == "cosine")
    ok = r.onlyKeys(*o, path, {"type", "warmup_steps", "min_lr"}) &&
         loopNumber(r, *o, path, "warmup_steps", 0, 0, true) &&
         loopNumber(r, *o, path, "min_lr", 0, 1e6);
  else
    ok = r.onlyKeys(*o, path, {"type", "monitor", "factor", "patience",
                               "min_delta", "min_lr"}) &&
         (!o->get("monitor") || r.oneOf(*o->get("monitor"), path + "/monitor", kMonitors)) &&
         loopNumber(r, *o, path, "factor", 0, 1) &&
         loopNumber(r, *o, path, "patience", 0, 0, true) &&
         loopNumber(r, *o, path, "min_delta", 0, 1e30) &&
         loopNumber(r, *o, path, "min_lr", 0, 1e6);
  if (ok && *t == "reduce_on_plateau")
    if (const Value *f = o->get("factor");
        f && (*f->getAsNumber() == 0 || *f->getAsNumber() == 1))
      return r.fail(path + "/factor", "expected a number in (0, 1), got " +
                                          Reader::show(*f));
  std::string text;
  llvm::raw_string_ostream os(text);
  os << v;
  out = os.str();
  return ok;
}

/// {"monitor": "val_loss", "patience": 3, "min_delta": 0, "restore_best": true}.
bool parseEarlyStopping(Reader &r, const Value &v, std::string &out) {
  const std::string path = "/training/early_stopping";
  const Object *o = r.object(v, path);
  if (!o || !r.onlyKeys(*o, path, {"monitor", "patience", "min_delta", "restore_best"}))
    return false;
  if (const Value *m = o->get("monitor"); m && !r.oneOf(*m, path + "/monitor", kMonitors))
    return false;
  if (const Value *b = o->get("restore_best"); b && !r.boolean(*b, path + "/restore_best"))
    return false;
  if (!loopNumber(r, *o, path, "patience", 0, 0, true) ||
      !loopNumber(r, *o, path, "min_delta", 0, 1e30))
    return false;
  std::string text;
  llvm::raw_string_ostream os(text);
  os << v;
  out = os.str();
  return true;
}

/// {"flip_horizontal": true, "crop_padding": 4, "noise_std": 0.05}; flips
/// and crops need images [C, H, W].
bool parseAugment(Reader &r, const Value &v, ModelSpec &spec) {
  const std::string path = "/training/augment";
  const Object *o = r.object(v, path);
  if (!o || !r.onlyKeys(*o, path, {"flip_horizontal", "crop_padding", "noise_std"}))
    return false;
  if (const Value *f = o->get("flip_horizontal"); f && !r.boolean(*f, path + "/flip_horizontal"))
    return false;
  if (const Value *c = o->get("crop_padding")) {
    auto i = c->getAsInteger();
    if (!i || *i < 0 || *i > 1024)
      return r.fail(path + "/crop_padding",
                    "expected an integer in [0, 1024], got " + Reader::show(*c));
  }
  if (!loopNumber(r, *o, path, "noise_std", 0, 1e6))
    return false;
  bool image = (o->get("flip_horizontal") && *o->get("flip_horizontal")->getAsBoolean()) ||
               (o->get("crop_padding") && *o->get("crop_padding")->getAsInteger() > 0);
  if (image && spec.inputShape.size() != 3)
    return r.fail(path, "flip_horizontal and crop_padding need an image input "
                        "[channels, height, width]; give /input/shape as one");
  std::string text;
  llvm::raw_string_ostream os(text);
  os << v;
  spec.augment = os.str();
  return true;
}

/// Classification metrics need a loss that predicts probabilities, the
/// regression ones a loss that predicts values.
bool metricFits(llvm::StringRef metric, const LossSpec &loss) {
  bool values = metric.ends_with("mae") || metric.ends_with("rmse") ||
                metric.ends_with("r2");
  return metric.ends_with("loss") || values != loss.predictsProbabilities();
}

std::string lossKind(const LossSpec &loss) {
  return loss.type + (loss.predictsProbabilities() ? " predicts probabilities"
                                                   : " predicts values");
}

bool checkMetricsFit(Reader &r, const ModelSpec &spec) {
  for (size_t i = 0; i < spec.metrics.size(); ++i)
    if (!metricFits(spec.metrics[i], spec.loss))
      return r.fail("/training/metrics/" + std::to_string(i),
                    spec.metrics[i] + " does not fit the loss: " +
                        lossKind(spec.loss));
  return true;
}

/// A monitor names a metric this model reports (train_accuracy: with
/// "accuracy" in metrics and class labels).
bool checkMonitor(Reader &r, const Value &v, const std::string &path,
                  const ModelSpec &spec) {
  const Value *m = v.getAsObject()->get("monitor");
  auto name = m ? m->getAsString() : std::optional<llvm::StringRef>();
  if (!name)
    return true;
  if (!metricFits(*name, spec.loss))
    return r.fail(path, name->str() + " is not reported: " + lossKind(spec.loss));
  for (const char *metric : {"accuracy", "mae"})
    if (*name == std::string("train_") + metric &&
        !llvm::is_contained(spec.metrics, std::string(metric)))
      return r.fail(path, name->str() + " is reported with \"" + metric +
                              "\" in /training/metrics");
  return true;
}

bool parseTraining(Reader &r, const Value &v, ModelSpec &spec) {
  const std::string path = "/training";
  const Object *o = r.object(v, path);
  if (!o || !r.onlyKeys(*o, path, {"loss", "optimizer", "batch_size", "epochs",
                                   "metrics", "validation_split", "shuffle", "seed",
                                   "clip_norm", "clip_value", "schedule",
                                   "early_stopping", "augment"}))
    return false;
  if (const Value *l = o->get("loss"))
    if (!parseLoss(r, *l, spec.loss))
      return false;
  if (const Value *opt = o->get("optimizer"))
    if (!parseOptimizer(r, *opt, spec.optimizer))
      return false;
  auto clip = [&](const Value &v, const std::string &p) {
    return r.number(v, p, 0.0, 1e6, /*openLo=*/true);
  };
  if (!r.optional(*o, path, "clip_norm", spec.clipNorm, clip) ||
      !r.optional(*o, path, "clip_value", spec.clipValue, clip))
    return false;
  if (spec.clipNorm > 0 && spec.clipValue > 0)
    return r.fail(path + "/clip_value", "give clip_norm or clip_value, not both");
  auto positive = [&](const Value &v, const std::string &p) {
    return r.positiveInt(v, p);
  };
  if (!r.optional(*o, path, "batch_size", spec.batchSize, positive) ||
      !r.optional(*o, path, "epochs", spec.epochs, positive))
    return false;
  if (const Value *m = o->get("metrics")) {
    const Array *a = m->getAsArray();
    if (!a)
      return r.fail(path + "/metrics", "expected an array of metric names");
    for (size_t i = 0; i < a->size(); ++i) {
      auto s = r.oneOf((*a)[i], path + "/metrics/" + std::to_string(i),
                       {"accuracy", "loss", "mae", "rmse", "r2", "top_2_accuracy",
                        "top_3_accuracy", "top_4_accuracy", "top_5_accuracy",
                        "precision", "recall", "f1", "auc", "confusion_matrix"});
      if (!s)
        return false;
      spec.metrics.push_back(*s);
    }
  }
  if (!r.optional(*o, path, "validation_split", spec.validationSplit,
                  [&](const Value &v, const std::string &p) {
                    return r.number(v, p, 0.0, 0.9);
                  }) ||
      !r.optional(*o, path, "shuffle", spec.shuffle,
                  [&](const Value &v, const std::string &p) {
                    return r.boolean(v, p);
                  }))
    return false;
  if (const Value *s = o->get("seed")) {
    auto i = s->getAsInteger();
    if (!i || *i < 0)
      return r.fail(path + "/seed", "expected a non-negative integer, got " +
                                        Reader::show(*s));
    spec.seed = *i;
  }
  // After the loss and the metrics, which they are checked against.
  if (const Value *a = o->get("augment"))
    if (!parseAugment(r, *a, spec))
      return false;
  if (const Value *s = o->get("schedule"))
    if (!parseSchedule(r, *s, spec.schedule) ||
        !checkMonitor(r, *s, "/training/schedule/monitor", spec))
      return false;
  if (const Value *e = o->get("early_stopping"))
    if (!parseEarlyStopping(r, *e, spec.earlyStopping) ||
        !checkMonitor(r, *e, "/training/early_stopping/monitor", spec))
      return false;
  return checkMetricsFit(r, spec);
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
  if (!root || !r.onlyKeys(*root, "", {"name", "input", "layers", "training"})) {
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
    if (r.onlyKeys(*in, "/input", {"shape"})) {
      if (const Value *s = in->get("shape")) {
        if (auto sh = r.shape(*s, "/input/shape"))
          spec.inputShape = *sh;
      } else {
        r.fail("/input", "missing key \"shape\"");
      }
    }
  }
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
