//===- dataset.cpp - Locate, load and check training/test data ------------===//
#include "kiln/dataset.h"

#include "support.h"

#include <sys/stat.h>

#include <cmath>

namespace kiln {
namespace {

bool isDirectory(const std::string &path) {
  struct stat info;
  return ::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

bool exists(const std::string &path) {
  struct stat info;
  return ::stat(path.c_str(), &info) == 0;
}

/// `dir/name` or `dir/name.gz`, whichever exists (the loader looks at the
/// content, not the suffix); empty when neither does.
std::string findFile(const std::string &dir, const std::string &name) {
  for (std::string candidate : {dir + "/" + name, dir + "/" + name + ".gz"})
    if (exists(candidate))
      return candidate;
  return "";
}

/// The images file `prefix`-images-idx3-ubyte and its labels, if present.
std::optional<Dataset> loadIdxSplit(const std::string &dir,
                                    const std::string &prefix) {
  std::string images = findFile(dir, prefix + "-images-idx3-ubyte");
  if (images.empty())
    return std::nullopt;
  std::string labelsName = prefix + "-labels-idx1-ubyte";
  std::string labels = findFile(dir, labelsName);
  if (labels.empty())
    fail("data: '{}' exists but '{}/{}[.gz]' does not", images, dir,
         labelsName);
  return loadIdx(images, labels);
}

/// The train or test split of a data directory, if present.
std::optional<Dataset> loadDirSplit(const std::string &dir,
                                    const Manifest &manifest, bool test) {
  std::string csv = dir + (test ? "/test.csv" : "/train.csv");
  if (exists(csv))
    return loadCsv(csv, manifest);
  return loadIdxSplit(dir, test ? "t10k" : "train");
}

/// Binary cross-entropy takes targets in [0, 1]; the softmax losses with
/// f32 targets take probability rows (non-negative, summing to 1).
void checkTargetRanges(const Dataset &data, const Manifest &manifest) {
  if (data.hasLabels() || !manifest.isClassification() || !manifest.loss)
    return;
  const int64_t width = data.targetSize;
  for (int64_t i = 0; i < data.numSamples; ++i) {
    const float *row = &data.targets[i * width];
    double sum = 0;
    for (int64_t j = 0; j < width; ++j) {
      if (manifest.predictsSigmoid() && !(row[j] >= 0 && row[j] <= 1))
        fail("{}: sample {}, target {}: {} is not in [0, 1] (binary "
             "cross-entropy takes 0/1 or probabilities)",
             data.source, i, j, row[j]);
      if (!(row[j] >= 0))
        fail("{}: sample {}, target {}: {} is negative (the targets of {} are "
             "probabilities)",
             data.source, i, j, row[j], lossName(*manifest.loss));
      sum += row[j];
    }
    if (!manifest.predictsSigmoid() && std::fabs(sum - 1) > 1e-3)
      fail("{}: sample {}: the targets sum to {:.6g}, not 1 (the targets of "
           "{} are probability rows)",
           data.source, i, sum, lossName(*manifest.loss));
  }
}

} // namespace

DataSplits loadData(const std::string &path, const Manifest &manifest) {
  checkLoaderInput(manifest); // before reading a large file for nothing
  DataSplits splits;
  if (!isDirectory(path)) {
    if (!exists(path))
      fail("data: '{}' does not exist", path);
    splits.train = loadCsv(path, manifest);
  } else if (std::optional<Dataset> train =
                 loadDirSplit(path, manifest, false)) {
    splits.train = std::move(*train);
    splits.test = loadDirSplit(path, manifest, true);
  } else {
    fail("data: '{}' has neither train.csv nor "
         "train-images-idx3-ubyte[.gz] with train-labels-idx1-ubyte[.gz]",
         path);
  }
  checkDataset(splits.train, manifest);
  if (splits.test)
    checkDataset(*splits.test, manifest);
  return splits;
}

Dataset loadTestData(const std::string &path, const Manifest &manifest) {
  checkLoaderInput(manifest);
  std::optional<Dataset> test;
  if (!isDirectory(path)) {
    if (!exists(path))
      fail("data: '{}' does not exist", path);
    test = loadCsv(path, manifest);
  } else {
    test = loadDirSplit(path, manifest, true);
    if (!test)
      fail("data: '{}' has no test split (test.csv or "
           "t10k-images-idx3-ubyte[.gz] with t10k-labels-idx1-ubyte[.gz])",
           path);
  }
  checkDataset(*test, manifest);
  return std::move(*test);
}

void checkLoaderInput(const Manifest &manifest) {
  const TensorSpec &input = manifest.inputs[0];
  if (manifest.inputs.size() != 1 ||
      (input.dtype != DType::F32 && input.dtype != DType::I32))
    fail("model '{}' takes {} input '{}'{}; the runtime's data loaders "
         "produce one f32 or i32 input, so feed this model through the "
         "kiln::Model API",
         manifest.name, dtypeName(input.dtype), input.name,
         manifest.inputs.size() > 1 ? " (and more inputs)" : "");
}

void checkIds(const int32_t *ids, int64_t numSamples, int64_t sampleSize,
              const Manifest &manifest, const std::string &source) {
  int64_t vocab = manifest.inputs[0].vocabSize;
  if (vocab <= 0)
    return;
  for (int64_t i = 0; i < numSamples * sampleSize; ++i)
    if (ids[i] < 0 || ids[i] >= vocab)
      fail("{}: sample {}, position {}: token id {} is out of range [0, {}) "
           "(the embedding's input_dim)",
           source, i / sampleSize, i % sampleSize, ids[i], vocab);
}

void checkDataset(const Dataset &data, const Manifest &manifest) {
  checkLoaderInput(manifest);
  if (data.sampleSize != manifest.inputSize())
    fail("{}: samples have {} values but model '{}' expects input shape {} "
         "({} values)",
         data.source, data.sampleSize, manifest.name,
         formatShape(manifest.inputShape()), manifest.inputSize());
  if (manifest.takesLabels() != data.hasLabels())
    fail("{}: holds {} but model '{}' trains on {}", data.source,
         data.hasLabels() ? "class labels" : "f32 targets", manifest.name,
         manifest.takesLabels() ? "class labels"
                                : fmt::format("{} f32 targets per sample",
                                              manifest.outputSize()));
  if (data.hasLabels() && data.labelsPerSample != manifest.labelsPerSample())
    fail("{}: samples have {} labels but model '{}' takes {} (one per row of "
         "its output {})",
         data.source, data.labelsPerSample, manifest.name,
         manifest.labelsPerSample(), formatShape(manifest.outputShape()));
  if (!data.hasLabels() && data.targetSize != manifest.outputSize())
    fail("{}: targets have {} values but model '{}' has output shape {}",
         data.source, data.targetSize, manifest.name,
         formatShape(manifest.outputShape()));
  bool ids = manifest.inputs[0].dtype == DType::I32;
  if (ids != data.hasIds())
    fail("{}: holds {} but model '{}' takes {}", data.source,
         data.hasIds() ? "token ids" : "float values", manifest.name,
         ids ? "int32 token ids" : "float values");
  checkIds(data.ids.data(), data.numSamples, data.sampleSize, manifest,
           data.source);
  checkTargetRanges(data, manifest);
  for (size_t i = 0; i < data.labels.size(); ++i)
    if (data.labels[i] < 0 || data.labels[i] >= manifest.numClasses)
      fail("{}: label {} at index {} is out of range [0, {})", data.source,
           data.labels[i], i, manifest.numClasses);
  if (int64_t(data.labels.size()) != data.numSamples * data.labelsPerSample &&
      data.hasLabels())
    fail("{}: {} labels for {} samples of {}", data.source, data.labels.size(),
         data.numSamples, data.labelsPerSample);
}

Dataset splitTail(Dataset &data, int64_t count) {
  Dataset tail;
  tail.source = data.source + " (validation split)";
  tail.numSamples = count;
  tail.sampleSize = data.sampleSize;
  tail.targetSize = data.targetSize;
  tail.labelsPerSample = data.labelsPerSample;
  tail.mean = data.mean;
  tail.std = data.std;
  tail.standardized = data.standardized;
  int64_t keep = data.numSamples - count;
  auto moveTail = [keep](auto &from, auto &to, int64_t width) {
    to.assign(from.begin() + keep * width, from.end());
    from.resize(keep * width);
  };
  if (data.hasIds())
    moveTail(data.ids, tail.ids, data.sampleSize);
  else
    moveTail(data.inputs, tail.inputs, data.sampleSize);
  if (data.hasLabels())
    moveTail(data.labels, tail.labels, data.labelsPerSample);
  else
    moveTail(data.targets, tail.targets, data.targetSize);
  data.numSamples = keep;
  return tail;
}

} // namespace kiln
