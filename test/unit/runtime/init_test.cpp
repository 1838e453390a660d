//===- init_test.cpp - Seeded RNG and parameter initializers --------------===//
#include "kiln/init.h"
#include "kiln/rng.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

namespace kiln {
namespace {

ParamSpec spec(InitKind init, int64_t fanIn, int64_t fanOut) {
  return ParamSpec{"layer.weight", {fanOut, fanIn}, init, fanIn, fanOut};
}

std::vector<float> initialize(const ParamSpec &param, uint64_t seed) {
  std::vector<float> data(shapeSize(param.shape));
  initializeParam(param, seed, data.data());
  return data;
}

TEST(Rng, IsDeterministicAndBounded) {
  Rng a(42), b(42), c(43);
  for (int i = 0; i < 100; ++i) {
    uint64_t value = a.next();
    EXPECT_EQ(value, b.next());
    EXPECT_NE(value, c.next());
  }
  for (int i = 0; i < 1000; ++i) {
    EXPECT_LT(a.below(7), 7u);
    double u = a.uniform();
    EXPECT_GE(u, 0.0);
    EXPECT_LT(u, 1.0);
  }
  EXPECT_NE(deriveSeed(0, "a"), deriveSeed(0, "b"));
  EXPECT_NE(deriveSeed(0, "a", 1), deriveSeed(0, "a", 2));
}

// Pins the exact bits, so a change in the generator or the float
// conversion (which would change every trained model) is noticed.
TEST(Rng, MatchesReferenceValues) {
  Rng rng(0);
  EXPECT_EQ(rng.next(), UINT64_C(0x99ec5f36cb75f2b4));
  EXPECT_EQ(rng.next(), UINT64_C(0xbf6e1f784956452a));
  std::vector<float> values =
      initialize(spec(InitKind::GlorotUniform, 4, 3), 0);
  const uint32_t expected[] = {0xbe21c1e8, 0x3f1eea76, 0xbf5a59f5, 0x3f441a21};
  for (size_t i = 0; i < 4; ++i) {
    uint32_t bits;
    std::memcpy(&bits, &values[i], 4);
    EXPECT_EQ(bits, expected[i]) << "value " << i << " = " << values[i];
  }
}

TEST(Init, IsReproducibleForASeed) {
  ParamSpec param = spec(InitKind::GlorotUniform, 784, 512);
  EXPECT_EQ(initialize(param, 7), initialize(param, 7));
  EXPECT_NE(initialize(param, 7), initialize(param, 8));
  ParamSpec other = param;
  other.name = "other.weight";
  EXPECT_NE(initialize(param, 7), initialize(other, 7));
}

TEST(Init, GlorotStaysWithinItsBound) {
  ParamSpec param = spec(InitKind::GlorotUniform, 784, 512);
  double bound = std::sqrt(6.0 / (784 + 512));
  EXPECT_DOUBLE_EQ(initBound(param), bound);
  std::vector<float> values = initialize(param, 0);
  double sum = 0, largest = 0;
  for (float v : values) {
    EXPECT_LE(std::fabs(v), float(bound));
    largest = std::max(largest, double(std::fabs(v)));
    sum += v;
  }
  EXPECT_GT(largest, 0.999 * bound); // fills the whole range
  EXPECT_LT(std::fabs(sum / values.size()), 0.01 * bound);
}

TEST(Init, OtherBounds) {
  EXPECT_DOUBLE_EQ(initBound(spec(InitKind::HeUniform, 100, 10)),
                   std::sqrt(6.0 / 100));
  EXPECT_DOUBLE_EQ(initBound(spec(InitKind::UniformFanIn, 100, 10)), 0.1);
  for (float v : initialize(spec(InitKind::HeUniform, 100, 10), 3))
    EXPECT_LE(std::fabs(v), float(std::sqrt(6.0 / 100)));
  for (float v : initialize(spec(InitKind::Zeros, 5, 5), 3))
    EXPECT_EQ(v, 0.0f);
  for (float v : initialize(spec(InitKind::Ones, 5, 5), 3))
    EXPECT_EQ(v, 1.0f);
}

} // namespace
} // namespace kiln
