//===- report.h - The training report: one self-contained HTML file -------===//
#ifndef KILN_REPORT_H
#define KILN_REPORT_H

#include "kiln/manifest.h"
#include "kiln/metrics.h"
#include "kiln/trainer.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kiln {

struct ReportData {
  const Manifest *manifest = nullptr;
  std::vector<EpochRecord> history; // every epoch of this call
  std::optional<Metrics> test;
  /// The run's settings as shown: ("epochs", "5"), ("data", "DIR"), ...
  std::vector<std::pair<std::string, std::string>> settings;
  std::string outcome; // one line: stopped early, restored, ...
};

/// The report's HTML: the model summary (layers, output shapes, parameters,
/// FLOPs, memory), an SVG chart per metric with one point per epoch (train
/// and validation), the learning rate, the test metrics with the confusion
/// matrix, and the settings. No scripts, no external resources.
std::string renderReport(const ReportData &data);

/// renderReport, written atomically.
void writeReport(const std::string &path, const ReportData &data);

} // namespace kiln

#endif // KILN_REPORT_H
