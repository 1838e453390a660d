//===- divergence.cpp - Naming what made training diverge -----------------===//
#include "divergence.h"

#include "support.h"

#include <cmath>

namespace kiln {
namespace {

/// Copies are taken when they cost at most 1% of the time since the last.
constexpr double kCopyShare = 0.01;

/// One failed check, in words.
std::string describe(int64_t step, const CheckSpec &check, float count) {
  std::string bad = fmt::format("{:.0f} of {} values are NaN or inf", count,
                                check.size);
  if (check.layer == "input")
    return fmt::format("at step {} the input batch itself is not finite: {}",
                       step, bad);
  if (check.layer == "loss" && check.value == "value")
    return fmt::format("at step {} every layer's output is finite but the "
                       "loss is not",
                       step);
  if (check.layer == "loss")
    return fmt::format("at step {} the loss is finite but its gradient at "
                       "the prediction is not: {}",
                       step, bad);
  if (check.value == "output")
    return fmt::format("at step {} the first non-finite value is the output "
                       "of layer '{}' ({}; every value before it is finite)",
                       step, check.layer, bad);
  return fmt::format("at step {} the forward pass is finite and the first "
                     "non-finite gradient is the one layer '{}' receives "
                     "for its input ({}; the gradients computed before it, "
                     "nearer the loss, are finite)",
                     step, check.layer, bad);
}

} // namespace

DivergenceWatch::DivergenceWatch(Model &model, bool replays)
    : model(model), replays(replays) {}

std::string DivergenceWatch::beforeBatch(int64_t b, const Loader &load) {
  // Due by time alone, also at an epoch's start: a run of many short
  // epochs copies no more often, and an epoch begun without a copy gets one
  // when it is due (until then, divergence there is not replayed).
  if (!replays || secondsSince(snapTime) * kCopyShare < snapSeconds)
    return {};
  auto start = std::chrono::steady_clock::now();
  if (std::string bad = model.firstNonFinite(); !bad.empty()) {
    std::string why = explain(b - 1, load);
    return why.empty() ? bad + " (no copy of this epoch to replay from)"
                       : "Replayed: " + why;
  }
  model.saveTo(snap);
  snapBatch = b;
  snapTime = start;
  snapSeconds = secondsSince(start);
  return {};
}

std::string DivergenceWatch::explain(int64_t last, const Loader &load) {
  if (snapBatch < 0 || snapBatch > last)
    return {};
  model.restore(snap);
  const EntryPointSpec *checker =
      model.getManifest().findEntry(EntryPoint::CheckStep);
  // train_step finds the step; check_step (its own kernels unoptimized)
  // then runs once, on the model as it was before that step.
  Model::Snapshot before;
  for (int64_t b = snapBatch; b <= last; ++b) {
    const void *x = nullptr, *y = nullptr;
    float lr = float(load(b, &x, &y));
    int64_t step = model.getStep() + 1;
    model.saveTo(before);
    float loss = model.trainBatch(x, y, lr);
    std::string bad = model.firstNonFinite();
    if (std::isfinite(loss) && bad.empty())
      continue;
    if (!checker)
      return fmt::format("at step {} the loss is {}{} (this model has no "
                         "check_step to say which layer; recompile it)",
                         step, loss, bad.empty() ? "" : " and after it " + bad);
    model.restore(before);
    std::vector<float> counts = model.checkBatch(x, y);
    for (size_t i = 0; i < counts.size(); ++i)
      if (counts[i] != 0)
        return describe(step, checker->checks[i], counts[i]);
    if (bad.empty())
      return fmt::format("at step {} the loss is {}, but check_step, which "
                         "has train_step's schedules, found every checked "
                         "value finite (unexpected: please report it)",
                         step, loss);
    return fmt::format("at step {} the loss, every layer's output and the "
                       "gradients between layers are finite, but the update "
                       "made {} (its gradient or the update overflowed)",
                       step, bad);
  }
  return fmt::format("replaying steps {} to {} from a copy gave finite values "
                     "throughout: the run is not reproducible",
                     snap.step + 1, snap.step + 1 + last - snapBatch);
}

} // namespace kiln
