//===- rng.h - Portable seeded random numbers -----------------------------===//
//
// Standard library distributions differ between implementations, so the
// runtime uses xoshiro256** seeded by splitmix64 and its own conversions:
// the same seed gives the same weights and shuffles on every platform.
//
#ifndef KILN_RNG_H
#define KILN_RNG_H

#include <cstdint>
#include <string_view>

namespace kiln {

class Rng {
public:
  explicit Rng(uint64_t seed);

  uint64_t next();
  /// Uniform in [0, 1) with 53 random bits.
  double uniform();
  /// Uniform integer in [0, bound), unbiased; bound must be > 0.
  uint64_t below(uint64_t bound);

private:
  uint64_t state[4];
};

/// An independent stream seed for (`seed`, `label`, `index`), e.g. the
/// initializer of one parameter or the shuffle of one epoch.
uint64_t deriveSeed(uint64_t seed, std::string_view label, uint64_t index = 0);

} // namespace kiln

#endif // KILN_RNG_H
