//===- trainer.h - The epoch loop around the generated train_step ---------===//
#ifndef KILN_TRAINER_H
#define KILN_TRAINER_H

#include "kiln/augment.h"
#include "kiln/checkpoint.h"
#include "kiln/dataset.h"
#include "kiln/distributed.h"
#include "kiln/metrics.h"
#include "kiln/model.h"
#include "kiln/schedule.h"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kiln {

/// One run: epochs 1..epochs, or up to maxSteps steps. A run may be done
/// in parts (interrupted, then resumed): every count here is from the start
/// of the run, so the parts together do exactly what one call would.
struct TrainOptions {
  int64_t epochs = 1; // the run's last epoch
  float lr = 0;
  uint64_t seed = 0;    // shuffle order of every epoch
  int64_t maxSteps = 0; // the run stops after this many steps; 0 = no limit
  bool shuffle = true;
  /// Running metrics from each batch's train-mode predictions (written by
  /// train_step before its update): accuracy for probability outputs (as
  /// evaluate scores it), MAE for values.
  bool trainAccuracy = false;
  bool trainMae = false;
  /// Where this call starts: batch `startBatch` of epoch `startEpoch`
  /// (from a resumed checkpoint's TrainPosition).
  int64_t startEpoch = 1;
  int64_t startBatch = 0;
  /// Write a resumable checkpoint to checkpointPath every N steps of the
  /// run (atomically); 0 = never.
  int64_t checkpointEvery = 0;
  std::string checkpointPath;
  /// The rate of each step comes from `schedule` with `lr` as its base.
  ScheduleSpec schedule;
  std::optional<EarlyStoppingSpec> earlyStopping;
  /// With early stopping's restore_best: where the best epoch's params and
  /// buffers are kept between parts of a run ("" = in memory only), and
  /// where a resumed run reads those of the part before (its checkpoint's).
  std::string bestPath, bestFrom;
  /// Applied to every training batch (see kiln/augment.h).
  AugmentSpec augment;
  /// The loop state of a resumed run (TrainPosition::loop).
  std::map<std::string, std::string> loopState;
  /// Polled before each step: true stops the run there, as --steps would
  /// (no validation of a partial epoch).
  std::function<bool()> interrupted;
  /// Called after each step with the model's step count and the step's loss.
  std::function<void(int64_t step, double loss)> stepDone;
  /// Data parallelism: the processes training together (the model has
  /// joined it). Each global batch is size() compiled batches of the
  /// epoch's order, this process taking the rank()-th; only rank 0 writes
  /// checkpoints. Null: this process alone.
  ProcessGroup *group = nullptr;
};

struct EpochRecord {
  int64_t epoch = 0;
  int64_t steps = 0;
  int64_t samples = 0;
  double trainLoss = 0; // mean of train_step's losses
  double lr = 0;        // the rate of the epoch's last step
  std::optional<double> trainAccuracy;
  std::optional<double> trainMae; // values outputs, with "mae" in metrics
  /// The kernel regularizers' term of the loss at the epoch's end (part of
  /// trainLoss); absent without regularizers.
  std::optional<double> regularization;
  std::optional<Metrics> validation;
  double seconds = 0; // training only, validation excluded
  double samplesPerSecond = 0;
};

struct TrainResult {
  std::vector<EpochRecord> history; // epochs this call ran (or finished)
  int64_t steps = 0;                // steps this call took
  double samplesPerSecond = 0;
  double seconds = 0; // in training steps (validation excluded)
  TrainPosition end; // where the run stands: save it to resume later
  /// Early stopping ended the run (in this call or an earlier part).
  bool stoppedEarly = false;
  /// TrainOptions::interrupted stopped the run before its end.
  bool interrupted = false;
  /// The best epoch of the monitored metric, and whether its params and
  /// buffers were put back (restore_best).
  int64_t bestEpoch = 0;
  bool restoredBest = false;
};

/// The metrics an epoch reports, by name: train_loss, train_accuracy,
/// val_loss, val_accuracy, val_mae, val_rmse, val_r2 (those present).
std::map<std::string, double> reportedMetrics(const EpochRecord &record);

/// Receives progress; every method does nothing by default.
class TrainObserver {
public:
  virtual ~TrainObserver();
  virtual void epochBegin(int64_t epoch, int64_t numEpochs, int64_t numSamples);
  virtual void batchEnd(int64_t samplesDone, double meanLoss);
  virtual void epochEnd(const EpochRecord &record, int64_t numEpochs);
};

/// Batches of train_step's batch size (times the group's size), so the last
/// partial batch of every epoch is dropped. Epoch e's order is a shuffle seeded by
/// deriveSeed(seed, "shuffle", e), so a resumed run recomputes it.
/// Validation runs eval_step. Throws unless `data` and `validation` fit the
/// model (see checkDataset).
TrainResult train(Model &model, const Dataset &data, const Dataset *validation,
                  const TrainOptions &options,
                  TrainObserver *observer = nullptr);

} // namespace kiln

#endif // KILN_TRAINER_H
