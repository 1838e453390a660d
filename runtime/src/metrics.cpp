//===- metrics.cpp - Loss and quality metrics computed by the runtime -----===//
//
// Sums are accumulated in double so that 60000-sample means do not drift.
//
#include "kiln/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace kiln {

int64_t argmax(const float *values, int64_t count) {
  return std::max_element(values, values + count) - values;
}

Metrics classificationMetrics(const float *probs, const int32_t *labels,
                              int64_t numSamples, int64_t numClasses) {
  double lossSum = 0;
  int64_t correct = 0;
  for (int64_t i = 0; i < numSamples; ++i) {
    const float *row = probs + i * numClasses;
    lossSum -= std::log(std::max(double(row[labels[i]]), 1e-12));
    correct += argmax(row, numClasses) == labels[i];
  }
  Metrics metrics;
  metrics.loss = numSamples ? lossSum / double(numSamples) : 0;
  metrics.accuracy = numSamples ? double(correct) / double(numSamples) : 0;
  return metrics;
}

Metrics probabilityMetrics(const float *probs, const float *targets,
                           int64_t numSamples, int64_t width, bool sigmoid) {
  int64_t correct = 0, total = 0;
  for (int64_t i = 0; i < numSamples; ++i) {
    const float *p = probs + i * width, *t = targets + i * width;
    if (!sigmoid) {
      correct += argmax(p, width) == argmax(t, width);
      ++total;
      continue;
    }
    for (int64_t j = 0; j < width; ++j)
      correct += (p[j] >= 0.5f) == (t[j] >= 0.5f);
    total += width;
  }
  Metrics metrics;
  metrics.accuracy = total ? double(correct) / double(total) : 0;
  return metrics;
}

Metrics regressionMetrics(const float *predictions, const float *targets,
                          int64_t numSamples, int64_t width) {
  double squared = 0, absolute = 0;
  std::vector<double> mean(width, 0.0), residual(width, 0.0), total(width, 0.0);
  for (int64_t i = 0; i < numSamples * width; ++i)
    mean[i % width] += targets[i];
  for (double &m : mean)
    m /= double(std::max<int64_t>(numSamples, 1));
  for (int64_t i = 0; i < numSamples * width; ++i) {
    double error = double(predictions[i]) - double(targets[i]);
    double spread = double(targets[i]) - mean[i % width];
    squared += error * error;
    absolute += std::fabs(error);
    residual[i % width] += error * error;
    total[i % width] += spread * spread;
  }
  // R² per output, averaged (scikit-learn's default). A constant target
  // scores 1 when predicted exactly and 0 otherwise, as in scikit-learn.
  double r2 = 0;
  for (int64_t j = 0; j < width; ++j)
    r2 += total[j] > 0 ? 1 - residual[j] / total[j]
                       : (residual[j] == 0 ? 1.0 : 0.0);
  double count = double(std::max<int64_t>(numSamples * width, 1));
  Metrics metrics;
  metrics.loss = squared / count;
  metrics.mae = absolute / count;
  metrics.rmse = std::sqrt(metrics.loss);
  metrics.r2 = r2 / double(width);
  return metrics;
}

Metrics evaluate(Model &model, const Dataset &data) {
  const Manifest &manifest = model.getManifest();
  model.requireEntry(EntryPoint::EvalStep);
  checkDataset(data, manifest); // eval_step trusts the sizes
  const int64_t width = manifest.outputSize(), batch = model.evalBatchSize();
  std::vector<float> outputs(data.numSamples * width);
  // One sample's input and target, as eval_step reads them.
  auto input = [&](int64_t i) { return data.sample(i); };
  auto target = [&](int64_t i) -> const void * {
    return data.hasLabels()
               ? static_cast<const void *>(&data.labels[i * data.labelsPerSample])
                            : &data.targets[i * data.targetSize];
  };
  double lossSum = 0; // eval_step returns batch means; weight by samples
  int64_t done = 0;
  for (; done + batch <= data.numSamples; done += batch)
    lossSum += double(batch) * model.evalBatch(input(done), target(done),
                                               &outputs[done * width]);
  for (; done < data.numSamples; ++done)
    lossSum +=
        model.evalSample(input(done), target(done), &outputs[done * width]);
  // Label models score rows of classes, one per label.
  const int64_t rows = data.numSamples * data.labelsPerSample;
  Metrics metrics =
      data.hasLabels()
          ? classificationMetrics(outputs.data(), data.labels.data(), rows,
                                  manifest.numClasses)
      : manifest.isClassification()
          ? probabilityMetrics(outputs.data(), data.targets.data(),
                               data.numSamples, width,
                               manifest.predictsSigmoid())
          : regressionMetrics(outputs.data(), data.targets.data(),
                              data.numSamples, width);
  if (data.hasLabels()) {
    // (Per-position labels, a language model's, get loss and accuracy
    // only: a report over every class of every position costs more than
    // it tells.)
    if (data.labelsPerSample == 1)
      metrics.classes = labelReport(outputs.data(), data.labels.data(),
                                    data.numSamples, width);
  } else if (manifest.predictsSigmoid()) {
    metrics.classes = sigmoidReport(outputs.data(), data.targets.data(),
                                    data.numSamples, width);
  } else if (manifest.isClassification()) {
    // Probability-row targets: their argmax is the class.
    std::vector<int32_t> labels(data.numSamples);
    for (int64_t i = 0; i < data.numSamples; ++i)
      labels[i] = int32_t(argmax(&data.targets[i * width], width));
    metrics.classes =
        labelReport(outputs.data(), labels.data(), data.numSamples, width);
  }
  metrics.loss = data.numSamples ? lossSum / double(data.numSamples) : 0;
  // A standardized series' errors in its own units (the loss stays the
  // objective: standardized).
  if (data.standardized) {
    if (metrics.mae)
      *metrics.mae *= data.std;
    if (metrics.rmse)
      *metrics.rmse *= data.std;
  }
  return metrics;
}

std::string formatMetrics(const Metrics &metrics, const std::string &prefix,
                          const std::vector<std::string> &wanted) {
  std::string text = fmt::format("{}loss {:.4f}", prefix, metrics.loss);
  auto append = [&](const char *name, const std::optional<double> &value) {
    if (value)
      text += fmt::format(" {}{} {:.4f}", prefix, name, *value);
  };
  append("accuracy", metrics.accuracy);
  append("mae", metrics.mae);
  append("rmse", metrics.rmse);
  append("r2", metrics.r2);
  if (metrics.classes)
    text += formatReport(*metrics.classes, wanted, prefix);
  return text;
}

} // namespace kiln
