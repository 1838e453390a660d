//===- progress.cpp - Training progress on the terminal -------------------===//
#include "kiln/progress.h"

#include <fmt/format.h>

namespace kiln {
namespace {

std::string formatDuration(double seconds) {
  int64_t total = int64_t(seconds + 0.5);
  if (total >= 3600)
    return fmt::format("{}:{:02}:{:02}", total / 3600, total / 60 % 60,
                       total % 60);
  return fmt::format("{}:{:02}", total / 60, total % 60);
}

} // namespace

std::string formatEpochLine(const EpochRecord &record, int64_t numEpochs,
                            const std::vector<std::string> &extra) {
  std::string line = fmt::format("epoch {}/{}: loss {:.4f}", record.epoch,
                                 numEpochs, record.trainLoss);
  if (record.regularization)
    line += fmt::format(" (reg {:.4f})", *record.regularization);
  if (record.trainAccuracy)
    line += fmt::format(" accuracy {:.4f}", *record.trainAccuracy);
  if (record.trainMae)
    line += fmt::format(" mae {:.4f}", *record.trainMae);
  if (record.validation)
    line += " " + formatMetrics(*record.validation, "val_", extra);
  line += fmt::format(" (lr {:.4g}, {:.1f} s, {:.0f} samples/s)", record.lr,
                      record.seconds, record.samplesPerSecond);
  return line;
}

ProgressPrinter::ProgressPrinter(std::FILE *barStream, std::FILE *lineStream,
                                 bool interactive)
    : barStream(barStream), lineStream(lineStream), interactive(interactive) {}

void ProgressPrinter::epochBegin(int64_t epoch, int64_t numEpochs,
                                 int64_t numSamples) {
  barEpoch = epoch;
  barNumEpochs = numEpochs;
  barNumSamples = numSamples;
  epochStart = lastDraw = Clock::now();
}

void ProgressPrinter::batchEnd(int64_t samplesDone, double meanLoss) {
  if (!interactive)
    return;
  // Redrawing costs a write syscall; ten times a second reads as smooth.
  Clock::time_point now = Clock::now();
  if (now - lastDraw < std::chrono::milliseconds(100))
    return;
  lastDraw = now;
  double elapsed = std::chrono::duration<double>(now - epochStart).count();
  double rate = elapsed > 0 ? double(samplesDone) / elapsed : 0;
  double fraction = double(samplesDone) / double(barNumSamples);
  constexpr int width = 30;
  int filled = int(fraction * width);
  std::string bar(filled, '=');
  if (filled < width)
    bar += '>' + std::string(width - filled - 1, ' ');
  double eta = rate > 0 ? double(barNumSamples - samplesDone) / rate : 0;
  fmt::print(barStream,
             "\r\033[Kepoch {}/{} [{}] {:3.0f}% {:.0f} samples/s ETA {} "
             "loss {:.4f}",
             barEpoch, barNumEpochs, bar, fraction * 100, rate,
             formatDuration(eta), meanLoss);
  std::fflush(barStream);
  barShown = true;
}

void ProgressPrinter::epochEnd(const EpochRecord &record, int64_t numEpochs) {
  clearBar();
  fmt::print(lineStream, "{}\n", formatEpochLine(record, numEpochs, extra));
  std::fflush(lineStream);
}

void ProgressPrinter::clearBar() {
  if (!barShown)
    return;
  fmt::print(barStream, "\r\033[K");
  std::fflush(barStream);
  barShown = false;
}

} // namespace kiln
