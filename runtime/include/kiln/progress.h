//===- progress.h - Training progress on the terminal ---------------------===//
#ifndef KILN_PROGRESS_H
#define KILN_PROGRESS_H

#include "kiln/trainer.h"

#include <chrono>
#include <cstdio>
#include <string>

namespace kiln {

/// "epoch 1/5: loss 0.5123 accuracy 0.8123 val_loss ... (12.3 s, 45678
/// samples/s)".
std::string formatEpochLine(const EpochRecord &record, int64_t numEpochs,
                            const std::vector<std::string> &extra = {});

/// On a terminal, a one-line bar on `barStream` redrawn with \r at most ten
/// times a second; always one epoch line per epoch on `lineStream`.
class ProgressPrinter : public TrainObserver {
public:
  ProgressPrinter(std::FILE *barStream, std::FILE *lineStream,
                  bool interactive);

  void epochBegin(int64_t epoch, int64_t numEpochs,
                  int64_t numSamples) override;
  void batchEnd(int64_t samplesDone, double meanLoss) override;
  void epochEnd(const EpochRecord &record, int64_t numEpochs) override;
  /// Classification metrics to show besides loss and accuracy.
  void setExtraMetrics(std::vector<std::string> names) { extra = std::move(names); }

private:
  using Clock = std::chrono::steady_clock;

  void clearBar();

  std::FILE *barStream;
  std::FILE *lineStream;
  bool interactive;
  // The epoch being drawn.
  int64_t barEpoch = 0;
  int64_t barNumEpochs = 0;
  int64_t barNumSamples = 0;
  Clock::time_point epochStart;
  Clock::time_point lastDraw;
  bool barShown = false;
  std::vector<std::string> extra;
};

} // namespace kiln

#endif // KILN_PROGRESS_H
