//===- metrics.h - Loss and quality metrics computed by the runtime -------===//
#ifndef KILN_METRICS_H
#define KILN_METRICS_H

#include "kiln/dataset.h"
#include "kiln/model.h"

#include <cstdint>
#include <optional>
#include <string>

namespace kiln {

struct Metrics {
  double loss = 0;
  std::optional<double> accuracy; // classification
  std::optional<double> mae;      // regression
  std::optional<double> rmse;     // regression
  std::optional<double> r2;       // regression, averaged over outputs
};

/// Mean of -log(max(p[label], 1e-12)) and top-1 accuracy.
Metrics classificationMetrics(const float *probs, const int32_t *labels,
                              int64_t numSamples, int64_t numClasses);

/// Accuracy against f32 targets: for sigmoid outputs (binary
/// cross-entropy) the fraction of outputs on the target's side of 0.5, for
/// probability rows the fraction of rows whose argmax is the target's.
Metrics probabilityMetrics(const float *probs, const float *targets,
                           int64_t numSamples, int64_t width, bool sigmoid);

/// MSE over all elements, MAE, RMSE and R² (per output, then averaged).
Metrics regressionMetrics(const float *predictions, const float *targets,
                          int64_t numSamples, int64_t width);

/// Runs eval_step over `data` (full batches, then eval_step_1 for the rest)
/// and scores its predictions; the loss is eval_step's, averaged over
/// samples. Throws for an inference-only model, or unless `data` fits the
/// model (see checkDataset).
Metrics evaluate(Model &model, const Dataset &data);

/// "loss 0.3456 accuracy 0.8765", each name after `prefix` ("val_").
std::string formatMetrics(const Metrics &metrics, const std::string &prefix);

/// Index of the largest value (the first on ties).
int64_t argmax(const float *values, int64_t count);

} // namespace kiln

#endif // KILN_METRICS_H
