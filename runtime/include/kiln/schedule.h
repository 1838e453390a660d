//===- schedule.h - Learning-rate schedules and early stopping ------------===//
//
// Both run in the runtime's loop, so changing them needs no recompile: the
// model file gives defaults (the manifest's training section), `train
// --schedule` and `--early-stopping` override them. Their state lives in
// checkpoints, so a resumed run decides as an uninterrupted one would.
//
#ifndef KILN_SCHEDULE_H
#define KILN_SCHEDULE_H

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace kiln {

struct ScheduleSpec {
  /// constant, step, exponential, cosine, reduce_on_plateau.
  std::string type = "constant";
  int64_t stepSize = 1;    // step: epochs between decays
  double gamma = 0.1;      // step, exponential: the factor per decay
  int64_t warmupSteps = 0; // cosine: linear warmup from 0
  double minLr = 0;        // cosine, reduce_on_plateau: the floor
  std::string monitor = "val_loss"; // reduce_on_plateau
  double factor = 0.1;              // reduce_on_plateau
  int64_t patience = 10;            // reduce_on_plateau
  double minDelta = 0;              // reduce_on_plateau: what counts as better
};

struct EarlyStoppingSpec {
  std::string monitor = "val_loss";
  int64_t patience = 0; // epochs without improvement before stopping
  double minDelta = 0;  // an improvement must exceed this
  bool restoreBest = false;
};

/// Parse and check JSON text (`{"type": "cosine", "warmup_steps": 100}`);
/// `where` names its origin in errors ("--schedule", "manifest: 'training.
/// schedule'"). "none" gives the constant schedule / no early stopping.
ScheduleSpec parseSchedule(const std::string &json, const std::string &where);
std::optional<EarlyStoppingSpec> parseEarlyStopping(const std::string &json,
                                                    const std::string &where);

/// Whether a larger value of a reported metric is better (accuracy, r2,
/// precision, recall, f1, auc).
bool largerIsBetter(const std::string &metric);

/// Tracks the best value of a monitored metric.
struct Plateau {
  std::optional<double> best;
  int64_t bestEpoch = 0;
  int64_t wait = 0; // epochs since the best
  /// Records `value` for `epoch`; returns whether it improved on the best
  /// by more than `minDelta`.
  bool update(double value, int64_t epoch, bool larger, double minDelta);
};

/// The learning rate of every step of a run.
class LrSchedule {
public:
  LrSchedule(ScheduleSpec spec, double baseLr, int64_t totalSteps);
  /// The rate for the step after `runSteps` steps, in epoch `epoch` (from 1).
  double lrAt(int64_t epoch, int64_t runSteps) const;
  /// reduce_on_plateau: after each epoch, with the monitored value.
  void epochEnd(double monitored, int64_t epoch);
  const ScheduleSpec &getSpec() const { return spec; }

  /// What a resumed run needs (reduce_on_plateau's scale and plateau).
  std::map<std::string, std::string> state() const;
  void restore(const std::map<std::string, std::string> &state);

private:
  ScheduleSpec spec;
  double baseLr;
  int64_t totalSteps;
  double scale = 1; // reduce_on_plateau
  Plateau plateau;
};

} // namespace kiln

#endif // KILN_SCHEDULE_H
