//===- checkpoint.h - Model weights and optimizer state in safetensors ----===//
//
// Weights are stored under the manifest's parameter names, optimizer state
// as `optimizer.<param>.<slot>`, the step in metadata {"step", "format"}.
//
#ifndef KILN_CHECKPOINT_H
#define KILN_CHECKPOINT_H

#include "kiln/model.h"

#include <string>

namespace kiln {

void saveCheckpoint(const Model &model, const std::string &path);

/// Weights must match the manifest exactly (name and shape). Optimizer
/// state is optional: when every `optimizer.<param>.<slot>` of this model is
/// present it is loaded with the step and true is returned; otherwise the
/// state and step are reset to zero and false is returned.
bool loadCheckpoint(Model &model, const std::string &path);

} // namespace kiln

#endif // KILN_CHECKPOINT_H
