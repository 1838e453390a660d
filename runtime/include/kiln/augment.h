//===- augment.h - Seeded data augmentation of training batches -----------===//
//
// Applied by the training loop to each assembled batch, never to validation
// or test data. Every draw comes from a seed derived from (run seed, epoch,
// batch), so a resumed run augments exactly as the uninterrupted one.
//
#ifndef KILN_AUGMENT_H
#define KILN_AUGMENT_H

#include "kiln/manifest.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kiln {

struct AugmentSpec {
  bool flipHorizontal = false; // mirror the width axis, probability 1/2
  int64_t cropPadding = 0;     // random crop of the image padded by zeros
  double noiseStd = 0;         // add N(0, noiseStd²) to every value
  bool any() const { return flipHorizontal || cropPadding > 0 || noiseStd > 0; }
};

/// JSON text ({"flip_horizontal": true, "crop_padding": 4, "noise_std":
/// 0.05}) or "none"; `where` names its origin in errors.
AugmentSpec parseAugment(const std::string &json, const std::string &where);

/// Flips and crops need images [channels, height, width] whose sides exceed
/// nothing: throws naming the shape otherwise.
void checkAugment(const AugmentSpec &spec, const Shape &sampleShape);

/// Augments `count` samples of `sampleShape` at `x` in place; sample i draws
/// from deriveSeed(seed, "sample", i). `scratch` holds one sample (resized
/// once, so a step allocates nothing).
void augmentBatch(const AugmentSpec &spec, const Shape &sampleShape, float *x,
                  int64_t count, uint64_t seed, std::vector<float> &scratch);

} // namespace kiln

#endif // KILN_AUGMENT_H
