//===- dataset.h - In-memory training and test data -----------------------===//
//
// Data is loaded whole into float32 (inputs) and int32 labels or float32
// targets, checked against the manifest once, then only indexed.
// Formats: IDX (raw or gzip) and numeric CSV; layouts are in docs/abi.md.
//
#ifndef KILN_DATASET_H
#define KILN_DATASET_H

#include "kiln/manifest.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kiln {

struct Dataset {
  std::string source; // the file(s) it came from, for messages
  int64_t numSamples = 0;
  int64_t sampleSize = 0;      // floats per sample
  int64_t targetSize = 0;      // floats per regression target, 0 for labels
  std::vector<float> inputs;   // [numSamples, sampleSize] (f32 models)
  std::vector<int32_t> ids;    // [numSamples, sampleSize] (i32 models)
  std::vector<int32_t> labels; // [numSamples, labelsPerSample] (classification)
  int64_t labelsPerSample = 1; // [T] labels of per-position classes: T
  std::vector<float> targets;  // [numSamples, targetSize] when regression

  /// A time series' values were standardized: (v - mean) / std. Metrics in
  /// the series' own units multiply errors by std.
  double mean = 0, std = 1;
  bool standardized = false;

  bool hasLabels() const { return targetSize == 0; }
  bool hasIds() const { return !ids.empty(); }
  /// Sample i's input as the model reads it (f32 values or i32 ids).
  const void *sample(int64_t i) const {
    return hasIds() ? static_cast<const void *>(&ids[i * sampleSize])
                    : &inputs[i * sampleSize];
  }
};

struct DataSplits {
  Dataset train;
  std::optional<Dataset> test; // absent for a single CSV file
  /// --text classification: the name of each class (its file or
  /// sub-directory), by label.
  std::vector<std::string> classNames;
};

/// `path` is a directory holding IDX files (train-images-idx3-ubyte[.gz],
/// train-labels-idx1-ubyte[.gz], t10k-...) or train.csv [+ test.csv], or a
/// single CSV file. The result matches the manifest (sizes, label range).
DataSplits loadData(const std::string &path, const Manifest &manifest);

/// `path`'s text files as windows of byte ids [T] with a class label per
/// file or sub-directory (--text; the split and order in text.cpp).
DataSplits loadText(const std::string &path, const Manifest &manifest);

/// `column` (a header name or a 1-based index) of the CSV at `path` as a
/// time series: windows of the model's input length T predicting the next
/// K values (output [K]); the first 80% of the series trains, windows whose
/// targets start after it test; standardized with the training part's mean
/// and std (--series), or with `scale` {mean, std} when given (eval: the
/// checkpoint's).
DataSplits loadSeries(const std::string &path, const std::string &column,
                      const Manifest &manifest,
                      std::optional<std::pair<double, double>> scale = std::nullopt);

/// The test split alone (for eval): t10k-* or test.csv in a directory, or
/// all of a single CSV file.
Dataset loadTestData(const std::string &path, const Manifest &manifest);

/// An IDX images file (uint8, scaled to [0, 1]) and its labels file.
Dataset loadIdx(const std::string &imagesPath, const std::string &labelsPath);

/// A numeric CSV: optional header row, inputs then the target column(s).
Dataset loadCsv(const std::string &path, const Manifest &manifest);

/// Throws unless the model takes one input, f32 or i32 (token ids), the
/// kinds the loaders (IDX, CSV, NPY, text) produce.
void checkLoaderInput(const Manifest &manifest);

/// Throws unless `data` fits the manifest: sample size, input kind, target
/// size, every label in [0, num_classes) and every id in [0, vocab_size).
void checkDataset(const Dataset &data, const Manifest &manifest);

/// Throws unless every id is in [0, vocab_size) of the model's input,
/// naming the sample and position.
void checkIds(const int32_t *ids, int64_t numSamples, int64_t sampleSize,
              const Manifest &manifest, const std::string &source);

/// Moves the last `count` samples into a new Dataset (the validation split
/// is taken from the end, before any shuffling).
Dataset splitTail(Dataset &data, int64_t count);

} // namespace kiln

#endif // KILN_DATASET_H
