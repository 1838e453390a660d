//===- divergence.h - Naming what made training diverge (not public) ------===//
//
// A step whose loss is NaN or inf has already updated the model. To say
// where it went wrong, the trainer keeps a copy of the model from a few
// steps back (taken when copying costs under 1% of the time since the last
// copy) and, on divergence, replays the batches since then through
// train_step (exactly: the batches, learning rates and dropout masks are
// those of the first run) to the first step whose loss or parameters are not
// finite. That step then runs, from the model before it, through check_step,
// which counts the non-finite elements of every layer's output and input
// gradient.
//
#ifndef KILN_SRC_DIVERGENCE_H
#define KILN_SRC_DIVERGENCE_H

#include "kiln/model.h"

#include <chrono>
#include <functional>
#include <string>

namespace kiln {

class DivergenceWatch {
public:
  /// Without `replays` it copies nothing and explains nothing.
  explicit DivergenceWatch(Model &model, bool replays = true);

  /// Batches are numbered within an epoch: the copy of an earlier epoch is
  /// no start for a replay.
  void epochBegin() { snapBatch = -1; }

  /// Before batch `b`: copies the model when due. Returns an explanation
  /// when the model has turned non-finite since the last copy while the
  /// losses stayed finite (replaying to find where; `load` as below).
  using Loader = std::function<double(int64_t batch, const void **x, const void **y)>;
  std::string beforeBatch(int64_t b, const Loader &load);

  /// Why the model diverged by batch `last` (inclusive) of this epoch:
  /// replays from the last copy. `load(b, &x, &y)` puts batch b into x and
  /// y and returns its learning rate. Leaves the model in the state the
  /// replay ends in. Empty when no copy of this epoch exists.
  std::string explain(int64_t last, const Loader &load);

private:
  Model &model;
  bool replays;
  Model::Snapshot snap;
  int64_t snapBatch = -1; // the batch the copy was taken before; -1: none
  std::chrono::steady_clock::time_point snapTime;
  double snapSeconds = 0; // what the last copy cost
};

} // namespace kiln

#endif // KILN_SRC_DIVERGENCE_H
