//===- rng.cpp - xoshiro256** seeded by splitmix64 ------------------------===//
//
// Reference: https://prng.di.unimi.it/ (public domain algorithms).
//
#include "kiln/rng.h"

namespace kiln {
namespace {

uint64_t splitmix64(uint64_t &x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

} // namespace

Rng::Rng(uint64_t seed) {
  // splitmix64 never yields an all-zero xoshiro state from any seed.
  for (uint64_t &word : state)
    word = splitmix64(seed);
}

uint64_t Rng::next() {
  uint64_t result = rotl(state[1] * 5, 7) * 9;
  uint64_t t = state[1] << 17;
  state[2] ^= state[0];
  state[3] ^= state[1];
  state[1] ^= state[2];
  state[0] ^= state[3];
  state[2] ^= t;
  state[3] = rotl(state[3], 45);
  return result;
}

double Rng::uniform() { return double(next() >> 11) * 0x1.0p-53; }

uint64_t Rng::below(uint64_t bound) {
  // Reject the lowest (2^64 mod bound) values so every residue is equally
  // likely; the loop almost never repeats.
  uint64_t threshold = (0 - bound) % bound;
  for (;;) {
    uint64_t r = next();
    if (r >= threshold)
      return r % bound;
  }
}

uint64_t deriveSeed(uint64_t seed, std::string_view label, uint64_t index) {
  // FNV-1a over the label, then splitmix64 to spread (seed, label, index).
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (char c : label)
    hash = (hash ^ uint8_t(c)) * 0x100000001b3ULL;
  uint64_t x = seed ^ hash;
  splitmix64(x);
  x ^= index;
  return splitmix64(x);
}

} // namespace kiln
