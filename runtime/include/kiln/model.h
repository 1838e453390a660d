//===- model.h - A compiled model with its parameters and optimizer state -===//
//
// Model owns everything the generated functions work on: one buffer per
// parameter, num_slots optimizer buffers per parameter and the step counter.
// Buffers never reallocate, so the pointer tables handed to generated code
// stay valid for the Model's lifetime (moves included).
//
#ifndef KILN_MODEL_H
#define KILN_MODEL_H

#include "kiln/abi.h"
#include "kiln/manifest.h"

#include <cstdint>
#include <vector>

namespace kiln {

class Model {
public:
  /// Parses and validates the manifest; parameters and state start at zero.
  explicit Model(const kiln_model_api &api);
  Model(const Model &) = delete;
  Model &operator=(const Model &) = delete;
  Model(Model &&) = default;
  Model &operator=(Model &&) = default;

  const Manifest &getManifest() const { return manifest; }

  /// Initializes parameters from the manifest's initializers, zeroes the
  /// optimizer state and the step counter.
  void init(uint64_t seed);

  /// One optimizer step on exactly batchSize samples; returns its loss.
  /// `y` is int32 labels [batch] or float targets [batch, output...].
  /// `out` (optional) receives the predictions before the update.
  float trainBatch(const float *x, const void *y, float lr,
                   float *out = nullptr);

  /// forward on exactly batchSize samples.
  void forwardBatch(const float *x, float *out) const;

  /// forward on any number of samples: [n, input...] to [n, output...].
  /// The last partial batch is zero-padded and its padding rows dropped.
  void predict(const float *x, int64_t numSamples, float *out) const;

  size_t getNumParams() const { return params.size(); }
  std::vector<float> &getParam(size_t index) { return params[index]; }
  const std::vector<float> &getParam(size_t index) const {
    return params[index];
  }
  std::vector<float> &getState(size_t param, size_t slot) {
    return state[param * manifest.stateSlots.size() + slot];
  }
  const std::vector<float> &getState(size_t param, size_t slot) const {
    return state[param * manifest.stateSlots.size() + slot];
  }

  /// Optimizer steps taken so far (the next trainBatch passes step + 1).
  int64_t getStep() const { return step; }
  void setStep(int64_t value) { step = value; }

private:
  kiln_model_api api;
  Manifest manifest;
  std::vector<std::vector<float>> params;
  std::vector<std::vector<float>> state;
  std::vector<float *> paramPtrs;
  std::vector<float *> statePtrs;
  std::vector<float> scratchOut; // train_step output nobody asked for
  int64_t step = 0;
};

} // namespace kiln

#endif // KILN_MODEL_H
