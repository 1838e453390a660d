//===- schedule.cpp - Learning-rate schedules and early stopping ----------===//
#include "kiln/schedule.h"

#include "support.h"

#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace kiln {
namespace {

using Json = nlohmann::json;

/// Typed reads of one JSON object; every error names `where` and the key.
struct Reader {
  const Json &json;
  const std::string &where;

  void onlyKeys(const std::vector<std::string> &allowed) const {
    for (const auto &item : json.items())
      if (std::find(allowed.begin(), allowed.end(), item.key()) ==
          allowed.end())
        fail("{}: unknown key '{}' (expected one of: {})", where, item.key(),
             fmt::join(allowed, ", "));
  }
  double number(const char *key, double dflt, double lo, double hi,
                bool openLo = false) const {
    if (!json.contains(key))
      return dflt;
    const Json &v = json[key];
    double d = v.is_number() ? v.get<double>() : NAN;
    if (!(d >= lo && d <= hi) || (openLo && d == lo))
      fail("{}: '{}' must be a number in {}{}, {}], got {}", where, key,
           openLo ? "(" : "[", lo, hi, v.dump());
    return d;
  }
  int64_t integer(const char *key, int64_t dflt, int64_t lo) const {
    if (!json.contains(key))
      return dflt;
    const Json &v = json[key];
    if (!v.is_number_integer() || v.get<int64_t>() < lo)
      fail("{}: '{}' must be an integer of at least {}, got {}", where, key,
           lo, v.dump());
    return v.get<int64_t>();
  }
  std::string string(const char *key, const std::string &dflt) const {
    if (!json.contains(key))
      return dflt;
    if (!json[key].is_string())
      fail("{}: '{}' must be a string, got {}", where, key, json[key].dump());
    return json[key].get<std::string>();
  }
  bool boolean(const char *key, bool dflt) const {
    if (!json.contains(key))
      return dflt;
    if (!json[key].is_boolean())
      fail("{}: '{}' must be true or false, got {}", where, key,
           json[key].dump());
    return json[key].get<bool>();
  }
};

/// The object in `text`, or null for "none".
std::optional<Json> parseObject(const std::string &text,
                                const std::string &where) {
  if (text == "none")
    return std::nullopt;
  Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object())
    fail("{}: expected a JSON object such as {{\"type\": \"cosine\"}} or "
         "none, got '{}'",
         where, text.size() > 60 ? text.substr(0, 57) + "..." : text);
  return json;
}

std::string number(double v) { return fmt::format("{:.17g}", v); }

} // namespace

ScheduleSpec parseSchedule(const std::string &text, const std::string &where) {
  ScheduleSpec spec;
  std::optional<Json> json = parseObject(text, where);
  if (!json)
    return spec;
  Reader r{*json, where};
  spec.type = r.string("type", "");
  if (spec.type == "constant") {
    r.onlyKeys({"type"});
  } else if (spec.type == "step") {
    r.onlyKeys({"type", "step_size", "gamma"});
    spec.stepSize = r.integer("step_size", 1, 1);
    spec.gamma = r.number("gamma", 0.1, 0, 1);
  } else if (spec.type == "exponential") {
    r.onlyKeys({"type", "gamma"});
    spec.gamma = r.number("gamma", 0.9, 0, 1);
  } else if (spec.type == "cosine") {
    r.onlyKeys({"type", "warmup_steps", "min_lr"});
    spec.warmupSteps = r.integer("warmup_steps", 0, 0);
    spec.minLr = r.number("min_lr", 0, 0, 1e6);
  } else if (spec.type == "reduce_on_plateau") {
    r.onlyKeys({"type", "monitor", "factor", "patience", "min_delta", "min_lr"});
    spec.monitor = r.string("monitor", "val_loss");
    spec.factor = r.number("factor", 0.1, 0, 1, /*openLo=*/true);
    spec.patience = r.integer("patience", 10, 0);
    spec.minDelta = r.number("min_delta", 0, 0, 1e30);
    spec.minLr = r.number("min_lr", 0, 0, 1e6);
    if (spec.factor == 1)
      fail("{}: 'factor' must be below 1, got 1", where);
  } else {
    fail("{}: 'type' must be one of constant, step, exponential, cosine, "
         "reduce_on_plateau, got '{}'",
         where, spec.type);
  }
  return spec;
}

std::optional<EarlyStoppingSpec> parseEarlyStopping(const std::string &text,
                                                    const std::string &where) {
  std::optional<Json> json = parseObject(text, where);
  if (!json)
    return std::nullopt;
  Reader r{*json, where};
  r.onlyKeys({"monitor", "patience", "min_delta", "restore_best"});
  EarlyStoppingSpec spec;
  spec.monitor = r.string("monitor", "val_loss");
  spec.patience = r.integer("patience", 0, 0);
  spec.minDelta = r.number("min_delta", 0, 0, 1e30);
  spec.restoreBest = r.boolean("restore_best", false);
  return spec;
}

bool largerIsBetter(const std::string &metric) {
  for (const char *name : {"accuracy", "r2", "precision", "recall", "f1", "auc"})
    if (metric.size() >= std::string(name).size() &&
        metric.compare(metric.size() - std::string(name).size(),
                       std::string::npos, name) == 0)
      return true;
  return false;
}

bool Plateau::update(double value, int64_t epoch, bool larger,
                     double minDelta) {
  bool better = !best || (larger ? value > *best + minDelta
                                 : value < *best - minDelta);
  if (better) {
    best = value;
    bestEpoch = epoch;
    wait = 0;
  } else {
    ++wait;
  }
  return better;
}

LrSchedule::LrSchedule(ScheduleSpec spec, double baseLr, int64_t totalSteps)
    : spec(std::move(spec)), baseLr(baseLr),
      totalSteps(std::max<int64_t>(totalSteps, 1)) {}

double LrSchedule::lrAt(int64_t epoch, int64_t runSteps) const {
  const std::string &type = spec.type;
  if (type == "step")
    return baseLr * std::pow(spec.gamma, double((epoch - 1) / spec.stepSize));
  if (type == "exponential")
    return baseLr * std::pow(spec.gamma, double(epoch - 1));
  if (type == "reduce_on_plateau")
    return std::max(baseLr * scale, spec.minLr);
  if (type != "cosine")
    return baseLr;
  // Step s (from 1): s / warmup of the rate during the warmup, then half a
  // cosine from the rate down to min_lr over the remaining steps.
  int64_t s = runSteps + 1, w = spec.warmupSteps;
  if (s <= w)
    return baseLr * double(s) / double(w);
  double span = double(std::max<int64_t>(totalSteps - w, 1));
  double t = std::min(double(s - w - 1), span);
  return spec.minLr +
         (baseLr - spec.minLr) * (1 + std::cos(M_PI * t / span)) / 2;
}

void LrSchedule::epochEnd(double monitored, int64_t epoch) {
  if (spec.type != "reduce_on_plateau")
    return;
  // PyTorch's ReduceLROnPlateau: more than `patience` epochs without
  // improvement scale the rate by `factor`, and the count starts again.
  plateau.update(monitored, epoch, largerIsBetter(spec.monitor), spec.minDelta);
  if (plateau.wait > spec.patience) {
    scale *= spec.factor;
    plateau.wait = 0;
  }
}

std::map<std::string, std::string> LrSchedule::state() const {
  if (spec.type != "reduce_on_plateau")
    return {};
  std::map<std::string, std::string> out{
      {"lr_scale", number(scale)},
      {"plateau_wait", std::to_string(plateau.wait)},
      {"plateau_best_epoch", std::to_string(plateau.bestEpoch)}};
  if (plateau.best)
    out["plateau_best"] = number(*plateau.best);
  return out;
}

void LrSchedule::restore(const std::map<std::string, std::string> &state) {
  if (spec.type != "reduce_on_plateau")
    return;
  auto get = [&](const char *key) -> const std::string * {
    auto it = state.find(key);
    return it == state.end() ? nullptr : &it->second;
  };
  try {
    if (const std::string *v = get("lr_scale"))
      scale = std::stod(*v);
    if (const std::string *v = get("plateau_wait"))
      plateau.wait = std::stoll(*v);
    if (const std::string *v = get("plateau_best_epoch"))
      plateau.bestEpoch = std::stoll(*v);
    if (const std::string *v = get("plateau_best"))
      plateau.best = std::stod(*v);
  } catch (const std::exception &) {
    fail("checkpoint: the reduce_on_plateau state is not a number");
  }
  if (!(scale > 0 && scale <= 1))
    fail("checkpoint: the reduce_on_plateau lr_scale {} is not in (0, 1]",
         scale);
}

} // namespace kiln
