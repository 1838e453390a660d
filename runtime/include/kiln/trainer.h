//===- trainer.h - The epoch loop around the generated train_step ---------===//
#ifndef KILN_TRAINER_H
#define KILN_TRAINER_H

#include "kiln/dataset.h"
#include "kiln/metrics.h"
#include "kiln/model.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace kiln {

struct TrainOptions {
  int64_t epochs = 1;
  float lr = 0;
  uint64_t seed = 0;    // shuffle order of every epoch
  int64_t maxSteps = 0; // stop after this many steps; 0 = no limit
  bool shuffle = true;
  /// Classification accuracy of each batch before its update (ignored for
  /// regression). Costs one extra forward per batch, since train_step
  /// returns only the loss.
  bool trainAccuracy = false;
};

struct EpochRecord {
  int64_t epoch = 0;
  int64_t steps = 0;
  int64_t samples = 0;
  double trainLoss = 0; // mean of train_step's losses
  std::optional<double> trainAccuracy;
  std::optional<Metrics> validation;
  double seconds = 0; // training only, validation excluded
  double samplesPerSecond = 0;
};

struct TrainResult {
  std::vector<EpochRecord> history;
  int64_t steps = 0;
  double samplesPerSecond = 0;
};

/// Receives progress; every method does nothing by default.
class TrainObserver {
public:
  virtual ~TrainObserver();
  virtual void epochBegin(int64_t epoch, int64_t numEpochs, int64_t numSamples);
  virtual void batchEnd(int64_t samplesDone, double meanLoss);
  virtual void epochEnd(const EpochRecord &record, int64_t numEpochs);
};

/// Batches whose size is the compiled batch size, so the last partial batch
/// of every epoch is dropped. Shuffles with deriveSeed(seed, epoch). Throws
/// unless `data` and `validation` fit the model (see checkDataset).
TrainResult train(Model &model, const Dataset &data, const Dataset *validation,
                  const TrainOptions &options,
                  TrainObserver *observer = nullptr);

} // namespace kiln

#endif // KILN_TRAINER_H
