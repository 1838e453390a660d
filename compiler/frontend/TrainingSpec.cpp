//===- TrainingSpec.cpp - The training section of a model file ------------===//
#include "compiler/frontend/SpecReader.h"

#include <map>

namespace kiln::spec {
namespace {

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
  const Object *o;
  auto t = r.typed(v, path, types, o, /*nameAlone=*/true);
  if (!t)
    return false;
  opt.type = *t;
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
  const Object *o;
  auto t = r.typed(v, path, types, o, /*nameAlone=*/true);
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
    auto i = integerOf(*v);
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
  const Object *o;
  auto t = r.typed(v, path,
                   {"constant", "step", "exponential", "cosine", "reduce_on_plateau"},
                   o, /*nameAlone=*/false);
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
    auto i = integerOf(*c);
    if (!i || *i < 0 || *i > 1024)
      return r.fail(path + "/crop_padding",
                    "expected an integer in [0, 1024], got " + Reader::show(*c));
  }
  if (!loopNumber(r, *o, path, "noise_std", 0, 1e6))
    return false;
  bool image = (o->get("flip_horizontal") && *o->get("flip_horizontal")->getAsBoolean()) ||
               (o->get("crop_padding") && *integerOf(*o->get("crop_padding")) > 0);
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

} // namespace

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
    auto i = integerOf(*s);
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

} // namespace kiln::spec
