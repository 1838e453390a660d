//===- class_report.cpp - Precision, recall, F1, ROC AUC, top-k, confusion -===//
//
// Definitions follow scikit-learn (checked against it in e2e.metrics):
// precision_recall_fscore_support with zero_division=0 and labels = every
// class, roc_auc_score one-vs-rest with average="macro", ties in scores
// counted half (the Mann-Whitney statistic).
//
#include "kiln/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace kiln {
namespace {

/// ROC AUC of `scores` for `positive`; nullopt without both kinds.
std::optional<double> rocAuc(const std::vector<float> &scores,
                             const std::vector<bool> &positive) {
  // A diverged model's NaN scores have no order: no AUC.
  for (float s : scores)
    if (!std::isfinite(s))
      return std::nullopt;
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return scores[a] < scores[b]; });
  // Sum of the positives' ranks, ties sharing their mean rank.
  double rankSum = 0;
  int64_t numPositive = 0;
  for (size_t i = 0; i < order.size();) {
    size_t j = i + 1;
    while (j < order.size() && scores[order[j]] == scores[order[i]])
      ++j;
    double meanRank = (double(i + 1) + double(j)) / 2;
    for (size_t k = i; k < j; ++k)
      if (positive[order[k]]) {
        rankSum += meanRank;
        ++numPositive;
      }
    i = j;
  }
  int64_t numNegative = int64_t(scores.size()) - numPositive;
  if (numPositive == 0 || numNegative == 0)
    return std::nullopt;
  double p = double(numPositive);
  return (rankSum - p * (p + 1) / 2) / (p * double(numNegative));
}

/// Precision, recall and F1 per class from a confusion matrix, and their
/// macro means over all classes.
void fillScores(ClassReport &r, int64_t numClasses) {
  const auto &c = r.confusion;
  for (int64_t k = 0; k < numClasses; ++k) {
    int64_t tp = c[k][k], predicted = 0, actual = 0;
    for (int64_t j = 0; j < numClasses; ++j) {
      predicted += c[j][k];
      actual += c[k][j];
    }
    double p = predicted ? double(tp) / double(predicted) : 0;
    double q = actual ? double(tp) / double(actual) : 0;
    r.precision.push_back(p);
    r.recall.push_back(q);
    r.f1.push_back(p + q > 0 ? 2 * p * q / (p + q) : 0);
  }
  auto mean = [](const std::vector<double> &v) {
    return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
  };
  r.macroPrecision = mean(r.precision);
  r.macroRecall = mean(r.recall);
  r.macroF1 = mean(r.f1);
}

std::optional<double> meanOf(const std::vector<std::optional<double>> &values) {
  double sum = 0;
  int64_t count = 0;
  for (const auto &v : values)
    if (v) {
      sum += *v;
      ++count;
    }
  return count ? std::optional<double>(sum / double(count)) : std::nullopt;
}

} // namespace

ClassReport labelReport(const float *probs, const int32_t *labels,
                        int64_t numSamples, int64_t numClasses) {
  ClassReport r;
  r.confusion.assign(numClasses, std::vector<int64_t>(numClasses, 0));
  std::vector<int64_t> rankOfLabel(numSamples);
  for (int64_t i = 0; i < numSamples; ++i) {
    const float *row = probs + i * numClasses;
    int64_t predicted = argmax(row, numClasses);
    ++r.confusion[labels[i]][predicted];
    // How many classes score above the label's (ties: the label wins).
    int64_t above = 0;
    for (int64_t k = 0; k < numClasses; ++k)
      above += row[k] > row[labels[i]];
    rankOfLabel[i] = above;
  }
  for (int64_t k = 2; k <= 5 && k < numClasses; ++k) {
    int64_t hits = 0;
    for (int64_t above : rankOfLabel)
      hits += above < k;
    r.topK.push_back({k, numSamples ? double(hits) / double(numSamples) : 0});
  }
  fillScores(r, numClasses);
  std::vector<std::optional<double>> aucs;
  std::vector<float> scores(numSamples);
  std::vector<bool> positive(numSamples);
  for (int64_t k = 0; k < numClasses; ++k) {
    for (int64_t i = 0; i < numSamples; ++i) {
      scores[i] = probs[i * numClasses + k];
      positive[i] = labels[i] == k;
    }
    aucs.push_back(rocAuc(scores, positive));
  }
  r.auc = meanOf(aucs);
  return r;
}

ClassReport sigmoidReport(const float *probs, const float *targets,
                          int64_t numSamples, int64_t width) {
  ClassReport r;
  r.confusion.assign(2, std::vector<int64_t>(2, 0));
  std::vector<std::optional<double>> aucs;
  std::vector<float> scores(numSamples);
  std::vector<bool> positive(numSamples);
  for (int64_t j = 0; j < width; ++j) {
    ClassReport one;
    one.confusion.assign(2, std::vector<int64_t>(2, 0));
    for (int64_t i = 0; i < numSamples; ++i) {
      scores[i] = probs[i * width + j];
      positive[i] = targets[i * width + j] >= 0.5f;
      ++one.confusion[positive[i]][scores[i] >= 0.5f];
    }
    for (int a = 0; a < 2; ++a)
      for (int b = 0; b < 2; ++b)
        r.confusion[a][b] += one.confusion[a][b];
    fillScores(one, 2);
    // Each output's positive class.
    r.precision.push_back(one.precision[1]);
    r.recall.push_back(one.recall[1]);
    r.f1.push_back(one.f1[1]);
    aucs.push_back(rocAuc(scores, positive));
  }
  auto mean = [](const std::vector<double> &v) {
    return std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
  };
  r.macroPrecision = mean(r.precision);
  r.macroRecall = mean(r.recall);
  r.macroF1 = mean(r.f1);
  r.auc = meanOf(aucs);
  return r;
}

std::string formatReport(const ClassReport &r,
                         const std::vector<std::string> &wanted,
                         const std::string &prefix) {
  std::string text;
  auto want = [&](const std::string &name) {
    return std::find(wanted.begin(), wanted.end(), name) != wanted.end();
  };
  for (const auto &[k, value] : r.topK)
    if (want(fmt::format("top_{}_accuracy", k)))
      text += fmt::format(" {}top_{}_accuracy {:.4f}", prefix, k, value);
  if (want("precision"))
    text += fmt::format(" {}precision {:.4f}", prefix, r.macroPrecision);
  if (want("recall"))
    text += fmt::format(" {}recall {:.4f}", prefix, r.macroRecall);
  if (want("f1"))
    text += fmt::format(" {}f1 {:.4f}", prefix, r.macroF1);
  if (want("auc") && r.auc)
    text += fmt::format(" {}auc {:.4f}", prefix, *r.auc);
  return text;
}

} // namespace kiln
