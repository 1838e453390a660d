//===- trainer.cpp - The epoch loop around the generated train_step -------===//
#include "kiln/trainer.h"

#include "kiln/checkpoint.h"
#include "kiln/rng.h"
#include "support.h"

#include <chrono>
#include <cstring>
#include <numeric>

namespace kiln {

TrainObserver::~TrainObserver() = default;
void TrainObserver::epochBegin(int64_t, int64_t, int64_t) {}
void TrainObserver::batchEnd(int64_t, double) {}
void TrainObserver::epochEnd(const EpochRecord &, int64_t) {}

namespace {

/// Gathers shuffled samples into the contiguous batch buffers train_step
/// reads.
class BatchAssembler {
public:
  BatchAssembler(const Dataset &data, int64_t batchSize)
      : data(data), batchSize(batchSize), x(batchSize * data.sampleSize),
        labels(data.hasLabels() ? batchSize : 0),
        targets(data.hasLabels() ? 0 : batchSize * data.targetSize) {}

  void gather(const int64_t *indices) {
    for (int64_t row = 0; row < batchSize; ++row) {
      int64_t index = indices[row];
      std::memcpy(&x[row * data.sampleSize],
                  &data.inputs[index * data.sampleSize],
                  data.sampleSize * sizeof(float));
      if (data.hasLabels())
        labels[row] = data.labels[index];
      else
        std::memcpy(&targets[row * data.targetSize],
                    &data.targets[index * data.targetSize],
                    data.targetSize * sizeof(float));
    }
  }

  const float *getX() const { return x.data(); }
  const int32_t *getLabels() const { return labels.data(); }
  const void *getY() const {
    return data.hasLabels() ? static_cast<const void *>(labels.data())
                            : targets.data();
  }

private:
  const Dataset &data;
  int64_t batchSize;
  std::vector<float> x;
  std::vector<int32_t> labels;
  std::vector<float> targets;
};

void shuffleIndices(std::vector<int64_t> &indices, uint64_t seed) {
  Rng rng(seed);
  for (size_t i = indices.size(); i > 1; --i)
    std::swap(indices[i - 1], indices[rng.below(i)]);
}

double rate(int64_t samples, double seconds) {
  return seconds > 0 ? double(samples) / seconds : 0;
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

} // namespace

TrainResult train(Model &model, const Dataset &data, const Dataset *validation,
                  const TrainOptions &options, TrainObserver *observer) {
  TrainObserver silent;
  if (!observer)
    observer = &silent;
  const Manifest &manifest = model.getManifest();
  model.requireEntry(EntryPoint::TrainStep);
  // Generated code trusts every size; a mismatched Dataset would make it
  // read out of bounds.
  checkDataset(data, manifest);
  if (validation)
    checkDataset(*validation, manifest);
  const bool trackAccuracy = options.trainAccuracy && data.hasLabels();
  const int64_t batchSize = model.trainBatchSize();
  const int64_t numBatches = data.numSamples / batchSize;
  if (numBatches == 0)
    fail("{}: {} training samples are fewer than the compiled batch size {}",
         data.source, data.numSamples, batchSize);
  if (options.startEpoch < 1 || options.startBatch < 0 ||
      options.startBatch >= numBatches)
    fail("cannot start at batch {} of epoch {}: an epoch of {} samples has "
         "{} batches",
         options.startBatch, options.startEpoch, data.numSamples, numBatches);

  BatchAssembler batch(data, batchSize);
  std::vector<int64_t> order(data.numSamples);
  std::vector<float> probs(trackAccuracy ? batchSize * manifest.outputSize()
                                         : 0);
  // Steps of the run so far, resumed parts included: every epoch before
  // the current one ran all its batches.
  int64_t runSteps = (options.startEpoch - 1) * numBatches + options.startBatch;
  auto limitReached = [&] {
    return options.maxSteps > 0 && runSteps >= options.maxSteps;
  };
  auto checkpointDue = [&] {
    return options.checkpointEvery > 0 &&
           runSteps % options.checkpointEvery == 0;
  };
  TrainResult result;
  result.end = {options.startEpoch, options.startBatch, options.seed,
                data.numSamples};
  double trainSeconds = 0;
  int64_t trainSamples = 0;
  for (int64_t epoch = options.startEpoch;
       epoch <= options.epochs && !limitReached(); ++epoch) {
    const int64_t first = epoch == options.startEpoch ? options.startBatch : 0;
    observer->epochBegin(epoch, options.epochs,
                         (numBatches - first) * batchSize);
    std::iota(order.begin(), order.end(), 0);
    if (options.shuffle)
      shuffleIndices(order, deriveSeed(options.seed, "shuffle", epoch));
    EpochRecord record;
    record.epoch = epoch;
    double lossSum = 0;
    int64_t correct = 0;
    auto start = std::chrono::steady_clock::now();
    int64_t b = first;
    for (; b < numBatches && !limitReached(); ++b) {
      batch.gather(&order[b * batchSize]);
      lossSum += model.trainBatch(batch.getX(), batch.getY(), options.lr,
                                  trackAccuracy ? probs.data() : nullptr);
      if (trackAccuracy)
        for (int64_t row = 0; row < batchSize; ++row)
          correct += argmax(&probs[row * manifest.outputSize()],
                            manifest.outputSize()) == batch.getLabels()[row];
      ++runSteps;
      ++record.steps;
      ++result.steps;
      record.samples += batchSize;
      result.end.epoch = epoch;
      result.end.batch = b + 1;
      // At an epoch's end the checkpoint waits for its validation (below).
      if (checkpointDue() && b + 1 < numBatches)
        saveCheckpoint(model, options.checkpointPath, result.end);
      observer->batchEnd(record.samples, lossSum / double(record.steps));
    }
    if (b == numBatches)
      result.end = {epoch + 1, 0, options.seed, data.numSamples};
    record.seconds = secondsSince(start);
    record.samplesPerSecond = rate(record.samples, record.seconds);
    record.trainLoss = lossSum / double(record.steps);
    if (trackAccuracy)
      record.trainAccuracy = double(correct) / double(record.samples);
    if (validation && validation->numSamples > 0)
      record.validation = evaluate(model, *validation);
    trainSeconds += record.seconds;
    trainSamples += record.samples;
    result.history.push_back(record);
    observer->epochEnd(record, options.epochs);
    if (checkpointDue() && b == numBatches)
      saveCheckpoint(model, options.checkpointPath, result.end);
  }
  result.samplesPerSecond = rate(trainSamples, trainSeconds);
  return result;
}

} // namespace kiln
