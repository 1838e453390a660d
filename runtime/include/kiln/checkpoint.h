//===- checkpoint.h - Model state in safetensors files --------------------===//
//
// Params and buffers are stored under their manifest names (F32, or I64 for
// an i64 buffer such as num_batches_tracked), optimizer state (F32) as
// `optimizer.<param>.<slot>`; the metadata holds "format" ("kiln"),
// "model", "step" and, for checkpoints written during training, where the
// run stands: "epoch", "batch", "data_seed" and "epoch_samples". Files are
// written atomically. Every loader validates the whole file before it
// touches the model, so a failed load leaves the model as it was.
//
#ifndef KILN_CHECKPOINT_H
#define KILN_CHECKPOINT_H

#include "kiln/model.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kiln {

/// Where a training run stands; enough to continue it exactly.
struct TrainPosition {
  int64_t epoch = 1; // the epoch in progress, from 1
  int64_t batch = 0; // batches of that epoch already done
  /// The order of epoch e is a shuffle derived from (dataSeed, e).
  uint64_t dataSeed = 0;
  int64_t epochSamples = 0; // training samples per epoch; 0 = unknown
  /// The loop's own state (learning-rate schedule, early stopping), as
  /// metadata entries `loop.<key>`.
  std::map<std::string, std::string> loop;
};

/// Writes params, buffers, optimizer state and the step; `position` when
/// the checkpoint is meant to be resumed.
void saveCheckpoint(const Model &model, const std::string &path,
                    const std::optional<TrainPosition> &position = {});

/// Strict (`--load`): every param and buffer must be there with its shape
/// and dtype, and any other tensor not named `optimizer.*` is an error. When
/// all of this model's optimizer state is present it is loaded with the step
/// and true is returned; when none is, state and step are reset to zero and
/// false is returned; some but not all is an error.
bool loadCheckpoint(Model &model, const std::string &path);

/// `--resume`: as loadCheckpoint, but the optimizer state, the step and the
/// training position must all be there.
TrainPosition resumeCheckpoint(Model &model, const std::string &path);

/// What loadForTransfer did, by tensor name.
struct TransferReport {
  std::vector<std::string> loaded;  // name and shape matched
  std::vector<std::string> fresh;   // not in the file: kept as they were
  std::vector<std::string> ignored; // in the file, not in the model
};

/// `--init-from`: loads every param and buffer whose name and shape match;
/// the others keep their values (call init first). A matching name with
/// another shape or dtype is an error, and so is a file with no matching
/// tensor.
/// Optimizer state and step start at zero.
TransferReport loadForTransfer(Model &model, const std::string &path);

} // namespace kiln

#endif // KILN_CHECKPOINT_H
