//===- model.cpp - Parameter buffers and calls into generated code --------===//
#include "kiln/model.h"

#include "kiln/init.h"
#include "support.h"

#include <algorithm>
#include <cstring>

namespace kiln {

Model::Model(const kiln_model_api &api) : api(api) {
  if (!api.manifest || !api.train_step || !api.forward)
    fail("model: the generated code is missing an entry point");
  const char *json = api.manifest();
  if (!json)
    fail("model: manifest() returned null");
  manifest = parseManifest(json);
  for (const ParamSpec &param : manifest.params) {
    size_t size = shapeSize(param.shape);
    params.emplace_back(size, 0.0f);
    for (size_t slot = 0; slot < manifest.stateSlots.size(); ++slot)
      state.emplace_back(size, 0.0f);
  }
  for (std::vector<float> &buffer : params)
    paramPtrs.push_back(buffer.data());
  for (std::vector<float> &buffer : state)
    statePtrs.push_back(buffer.data());
}

void Model::init(uint64_t seed) {
  for (size_t i = 0; i < params.size(); ++i)
    initializeParam(manifest.params[i], seed, params[i].data());
  for (std::vector<float> &buffer : state)
    std::fill(buffer.begin(), buffer.end(), 0.0f);
  step = 0;
}

float Model::trainBatch(const float *x, const void *y, float lr, float *out) {
  if (!out) {
    scratchOut.resize(manifest.batchSize * manifest.outputSize());
    out = scratchOut.data();
  }
  ++step;
  return api.train_step(paramPtrs.data(), statePtrs.data(), x, y, lr, step,
                        out);
}

void Model::forwardBatch(const float *x, float *out) const {
  api.forward(paramPtrs.data(), x, out);
}

void Model::predict(const float *x, int64_t numSamples, float *out) const {
  const int64_t batch = manifest.batchSize;
  const int64_t inSize = manifest.inputSize();
  const int64_t outSize = manifest.outputSize();
  int64_t done = 0;
  for (; done + batch <= numSamples; done += batch)
    forwardBatch(x + done * inSize, out + done * outSize);
  int64_t rest = numSamples - done;
  if (rest == 0)
    return;
  // Zero padding keeps the padded rows finite; their outputs are dropped.
  std::vector<float> paddedIn(batch * inSize, 0.0f);
  std::vector<float> paddedOut(batch * outSize);
  std::memcpy(paddedIn.data(), x + done * inSize,
              rest * inSize * sizeof(float));
  forwardBatch(paddedIn.data(), paddedOut.data());
  std::memcpy(out + done * outSize, paddedOut.data(),
              rest * outSize * sizeof(float));
}

} // namespace kiln
