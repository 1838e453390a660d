//===- trainer.cpp - The epoch loop around the generated train_step -------===//
#include "kiln/trainer.h"

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
  // Generated code trusts every size; a mismatched Dataset would make it
  // read out of bounds.
  checkDataset(data, manifest);
  if (validation)
    checkDataset(*validation, manifest);
  const bool trackAccuracy = options.trainAccuracy && data.hasLabels();
  const int64_t batchSize = manifest.batchSize;
  const int64_t numBatches = data.numSamples / batchSize;
  if (numBatches == 0)
    fail("{}: {} training samples are fewer than the compiled batch size {}",
         data.source, data.numSamples, batchSize);

  BatchAssembler batch(data, batchSize);
  std::vector<int64_t> order(data.numSamples);
  std::vector<float> probs(trackAccuracy ? batchSize * manifest.outputSize()
                                         : 0);
  TrainResult result;
  double trainSeconds = 0;
  int64_t trainSamples = 0;
  for (int64_t epoch = 1; epoch <= options.epochs; ++epoch) {
    observer->epochBegin(epoch, options.epochs, numBatches * batchSize);
    std::iota(order.begin(), order.end(), 0);
    if (options.shuffle)
      shuffleIndices(order, deriveSeed(options.seed, "shuffle", epoch));
    EpochRecord record;
    record.epoch = epoch;
    double lossSum = 0;
    int64_t correct = 0;
    auto start = std::chrono::steady_clock::now();
    for (int64_t b = 0; b < numBatches; ++b) {
      if (options.maxSteps > 0 && result.steps == options.maxSteps)
        break;
      batch.gather(&order[b * batchSize]);
      lossSum += model.trainBatch(batch.getX(), batch.getY(), options.lr,
                                  trackAccuracy ? probs.data() : nullptr);
      if (trackAccuracy)
        for (int64_t row = 0; row < batchSize; ++row)
          correct += argmax(&probs[row * manifest.outputSize()],
                            manifest.outputSize()) == batch.getLabels()[row];
      ++record.steps;
      ++result.steps;
      record.samples += batchSize;
      observer->batchEnd(record.samples, lossSum / double(record.steps));
    }
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
    if (options.maxSteps > 0 && result.steps == options.maxSteps)
      break;
  }
  result.samplesPerSecond = rate(trainSamples, trainSeconds);
  return result;
}

} // namespace kiln
