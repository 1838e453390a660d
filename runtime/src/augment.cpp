//===- augment.cpp - Seeded data augmentation of training batches ---------===//
#include "kiln/augment.h"

#include "kiln/rng.h"
#include "support.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace kiln {

AugmentSpec parseAugment(const std::string &text, const std::string &where) {
  AugmentSpec spec;
  if (text == "none")
    return spec;
  using Json = nlohmann::json;
  Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object())
    fail("{}: expected a JSON object such as {{\"flip_horizontal\": true}} or "
         "none, got '{}'",
         where, text.size() > 60 ? text.substr(0, 57) + "..." : text);
  for (const auto &item : json.items()) {
    const std::string &key = item.key();
    const Json &v = item.value();
    if (key == "flip_horizontal" && v.is_boolean())
      spec.flipHorizontal = v.get<bool>();
    else if (key == "crop_padding" && v.is_number_integer() &&
             v.get<int64_t>() >= 0 && v.get<int64_t>() <= 1024)
      spec.cropPadding = v.get<int64_t>();
    else if (key == "noise_std" && v.is_number() && v.get<double>() >= 0 &&
             v.get<double>() <= 1e6)
      spec.noiseStd = v.get<double>();
    else if (key == "flip_horizontal" || key == "crop_padding" ||
             key == "noise_std")
      fail("{}: '{}' must be {}, got {}", where, key,
           key == "flip_horizontal" ? "true or false"
           : key == "crop_padding"  ? "an integer in [0, 1024]"
                                    : "a number in [0, 1e6]",
           v.dump());
    else
      fail("{}: unknown key '{}' (expected one of: flip_horizontal, "
           "crop_padding, noise_std)",
           where, key);
  }
  return spec;
}

void checkAugment(const AugmentSpec &spec, const Shape &shape) {
  if ((spec.flipHorizontal || spec.cropPadding > 0) && shape.size() != 3)
    fail("augment: flip_horizontal and crop_padding need image inputs "
         "[channels, height, width], but the model's input is {}",
         formatShape(shape));
}

void augmentBatch(const AugmentSpec &spec, const Shape &shape, float *x,
                  int64_t count, uint64_t seed, std::vector<float> &scratch) {
  const int64_t size = shapeSize(shape);
  const bool image = shape.size() == 3;
  const int64_t channels = image ? shape[0] : 1, height = image ? shape[1] : 1,
                width = image ? shape[2] : size;
  scratch.resize(size_t(size));
  for (int64_t i = 0; i < count; ++i) {
    float *sample = x + i * size;
    Rng rng(deriveSeed(seed, "sample", uint64_t(i)));
    // Draw in a fixed order whatever is enabled, so turning one
    // augmentation on does not change the others' draws.
    bool flip = rng.below(2) == 1;
    int64_t p = spec.cropPadding;
    int64_t dy = int64_t(rng.below(uint64_t(2 * p + 1))) - p;
    int64_t dx = int64_t(rng.below(uint64_t(2 * p + 1))) - p;
    if (image && (spec.flipHorizontal || p > 0)) {
      std::copy(sample, sample + size, scratch.begin());
      flip = flip && spec.flipHorizontal;
      // out[c][h][w] = in[c][h + dy][w' + dx] (w' mirrored when flipped),
      // zero outside the image: a crop of the zero-padded image.
      for (int64_t c = 0; c < channels; ++c)
        for (int64_t h = 0; h < height; ++h)
          for (int64_t w = 0; w < width; ++w) {
            int64_t sh = h + dy, sw = (flip ? width - 1 - w : w) + dx;
            bool inside = sh >= 0 && sh < height && sw >= 0 && sw < width;
            sample[(c * height + h) * width + w] =
                inside ? scratch[size_t((c * height + sh) * width + sw)] : 0.0f;
          }
    }
    if (spec.noiseStd > 0)
      for (int64_t j = 0; j < size; j += 2) {
        // Box-Muller: two normal values from two uniforms.
        double u = 1.0 - rng.uniform(), v = rng.uniform();
        double r = std::sqrt(-2.0 * std::log(u)) * spec.noiseStd;
        sample[j] += float(r * std::cos(2 * M_PI * v));
        if (j + 1 < size)
          sample[j + 1] += float(r * std::sin(2 * M_PI * v));
      }
  }
}

} // namespace kiln
