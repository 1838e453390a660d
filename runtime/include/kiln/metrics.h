//===- metrics.h - Loss and quality metrics computed by the runtime -------===//
#ifndef KILN_METRICS_H
#define KILN_METRICS_H

#include "kiln/dataset.h"
#include "kiln/model.h"

#include <cstdint>
#include <optional>
#include <string>

namespace kiln {

/// Per-class quality of class predictions (argmax of softmax rows, or each
/// sigmoid output at 0.5 as its own binary class), and ranking quality.
struct ClassReport {
  /// top-k accuracy for k = 2..5 (where k < classes), by k.
  std::vector<std::pair<int64_t, double>> topK;
  /// Per class (per output for sigmoid outputs); 0 where undefined, as
  /// scikit-learn's zero_division=0.
  std::vector<double> precision, recall, f1;
  double macroPrecision = 0, macroRecall = 0, macroF1 = 0;
  /// ROC AUC: binary for one sigmoid output, else the macro mean of one
  /// vs rest over the classes (outputs) with both positives and negatives;
  /// absent when none has.
  std::optional<double> auc;
  /// confusion[true][predicted]: classes x classes (2 x 2 per output for
  /// sigmoid outputs, summed over outputs).
  std::vector<std::vector<int64_t>> confusion;
};

struct Metrics {
  double loss = 0;
  std::optional<double> accuracy; // classification
  std::optional<double> mae;      // regression
  std::optional<double> rmse;     // regression
  std::optional<double> r2;       // regression, averaged over outputs
  std::optional<ClassReport> classes; // classification
};

/// The report of softmax probabilities against labels.
ClassReport labelReport(const float *probs, const int32_t *labels,
                        int64_t numSamples, int64_t numClasses);
/// The report of sigmoid outputs against f32 targets (positive: >= 0.5).
ClassReport sigmoidReport(const float *probs, const float *targets,
                          int64_t numSamples, int64_t width);

/// The extra metrics a list asks for (precision, recall, f1, auc,
/// top_k_accuracy, confusion_matrix), as "name value" pairs for a line.
std::string formatReport(const ClassReport &report,
                         const std::vector<std::string> &wanted,
                         const std::string &prefix);

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
/// Then the classification extras `wanted` names (see formatReport).
std::string formatMetrics(const Metrics &metrics, const std::string &prefix,
                          const std::vector<std::string> &wanted = {});

/// Index of the largest value (the first on ties).
int64_t argmax(const float *values, int64_t count);

} // namespace kiln

#endif // KILN_METRICS_H
