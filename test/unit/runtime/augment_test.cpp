//===- augment_test.cpp - Seeded flips, crops and noise -------------------===//
#include "kiln/augment.h"
#include "kiln/error.h"
#include "test_support.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

namespace kiln {
namespace {

using test::errorOf;
using testing::HasSubstr;

/// `count` images [2, 3, 4] holding 1, 2, 3, ... (never 0).
std::vector<float> images(int64_t count) {
  std::vector<float> x(count * 24);
  std::iota(x.begin(), x.end(), 1.0f);
  return x;
}

TEST(Augment, FlipsMirrorTheWidthOfAboutHalfTheSamples) {
  const Shape shape{2, 3, 4};
  std::vector<float> x = images(200), original = x, scratch;
  augmentBatch(parseAugment(R"({"flip_horizontal": true})", "t"), shape,
               x.data(), 200, 7, scratch);
  int flipped = 0;
  for (int64_t i = 0; i < 200; ++i) {
    const float *in = &original[i * 24], *out = &x[i * 24];
    bool same = std::equal(in, in + 24, out), mirrored = true;
    for (int64_t r = 0; r < 6; ++r)
      for (int64_t w = 0; w < 4; ++w)
        mirrored &= out[r * 4 + w] == in[r * 4 + 3 - w];
    EXPECT_TRUE(same || mirrored) << "sample " << i;
    flipped += mirrored;
  }
  EXPECT_GT(flipped, 70);
  EXPECT_LT(flipped, 130);
}

TEST(Augment, CropsShiftInZeros) {
  const Shape shape{2, 3, 4};
  std::vector<float> x = images(100), original = x, scratch;
  augmentBatch(parseAugment(R"({"crop_padding": 1})", "t"), shape, x.data(),
               100, 3, scratch);
  int shifted = 0;
  for (int64_t i = 0; i < 100; ++i) {
    // Find the shift (dy, dx) in [-1, 1]² that explains the sample.
    bool explained = false;
    for (int dy = -1; dy <= 1 && !explained; ++dy)
      for (int dx = -1; dx <= 1 && !explained; ++dx) {
        bool ok = true;
        for (int64_t c = 0; c < 2; ++c)
          for (int64_t h = 0; h < 3; ++h)
            for (int64_t w = 0; w < 4; ++w) {
              int64_t sh = h + dy, sw = w + dx;
              float want = sh >= 0 && sh < 3 && sw >= 0 && sw < 4
                               ? original[i * 24 + (c * 3 + sh) * 4 + sw]
                               : 0.0f;
              ok &= x[i * 24 + (c * 3 + h) * 4 + w] == want;
            }
        explained = ok;
        shifted += ok && (dy || dx);
      }
    EXPECT_TRUE(explained) << "sample " << i;
  }
  EXPECT_GT(shifted, 70); // 8 of 9 shifts move the image
}

TEST(Augment, NoiseHasItsStdAndEveryDrawIsSeeded) {
  const Shape shape{1000};
  std::vector<float> x(4000, 0.0f), y(4000, 0.0f), z(4000, 0.0f), scratch;
  AugmentSpec spec = parseAugment(R"({"noise_std": 0.5})", "t");
  augmentBatch(spec, shape, x.data(), 4, 11, scratch);
  augmentBatch(spec, shape, y.data(), 4, 11, scratch);
  augmentBatch(spec, shape, z.data(), 4, 12, scratch);
  EXPECT_EQ(x, y) << "the same seed, the same noise";
  EXPECT_NE(x, z);
  double sum = 0, squares = 0;
  for (float v : x) {
    sum += v;
    squares += double(v) * v;
  }
  EXPECT_NEAR(sum / 4000, 0.0, 0.03);
  EXPECT_NEAR(std::sqrt(squares / 4000), 0.5, 0.02);
}

TEST(Augment, BadSpecsAndShapes) {
  EXPECT_THAT(errorOf([] { parseAugment(R"({"flip": true})", "--augment"); }),
              HasSubstr("--augment: unknown key 'flip' (expected one of: "
                        "flip_horizontal, crop_padding, noise_std)"));
  EXPECT_THAT(errorOf([] { parseAugment(R"({"crop_padding": -1})", "a"); }),
              HasSubstr("a: 'crop_padding' must be an integer in [0, 1024], got -1"));
  EXPECT_THAT(errorOf([] {
                checkAugment(parseAugment(R"({"flip_horizontal": true})", "a"), {784});
              }),
              HasSubstr("need image inputs [channels, height, width], but the "
                        "model's input is [784]"));
  checkAugment(parseAugment(R"({"noise_std": 0.1})", "a"), {784}); // any shape
  EXPECT_FALSE(parseAugment("none", "a").any());
}

} // namespace
} // namespace kiln
