//===- KilnVecTest.cpp - kiln_vec.h, the emitted C++'s helpers -------------===//
//
// Built twice: with the default flags (the portable paths) and with
// -march=native (AVX-512's masked moves where the machine has them). Every
// partial load and store moves exactly its N lanes; the helpers keep the IR's
// NaN and signed-zero rules.
//
#include "compiler/codegen/cpp/kiln_vec.h"

#include <gtest/gtest.h>

#include <limits>

namespace {

template <class V, int N>
void checkLoadStore() {
  using T = kiln::lane_t<V>;
  T source[80], target[80];
  for (int i = 0; i < 80; ++i)
    source[i] = T(i + 1);
  V v = kiln::load<V, N>(source + 3);
  for (int i = 0; i < N; ++i)
    EXPECT_EQ(v[i], source[3 + i]) << "load of " << N << " lanes, lane " << i;
  for (int i = 0; i < 80; ++i)
    target[i] = T(-1);
  kiln::store<N>(target + 5, v);
  for (int i = 0; i < 80; ++i)
    EXPECT_EQ(target[i], i >= 5 && i < 5 + N ? source[3 + i - 5] : T(-1))
        << "store of " << N << " lanes, element " << i;
}

TEST(KilnVec, PartialLoadsAndStoresMoveTheirLanesOnly) {
  checkLoadStore<f32x16, 1>();
  checkLoadStore<f32x16, 3>();
  checkLoadStore<f32x16, 5>();
  checkLoadStore<f32x16, 8>();
  checkLoadStore<f32x16, 10>();
  checkLoadStore<f32x16, 13>();
  checkLoadStore<f32x16, 16>();
  checkLoadStore<f32x8, 7>();
  checkLoadStore<f64x8, 3>();
  checkLoadStore<f64x8, 6>();
  checkLoadStore<i32x16, 11>();
  checkLoadStore<i64x8, 5>();
  checkLoadStore<f32x1, 1>();
}

TEST(KilnVec, SplatKeepsNegativeZero) {
  f32x16 v = kiln::splat<f32x16>(-0.0f);
  EXPECT_TRUE(std::signbit(v[0]) && std::signbit(v[15]));
}

TEST(KilnVec, MaxAndMinPropagateNaN) {
  float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_TRUE(std::isnan(kiln::max(nan, 1.0f)));
  EXPECT_TRUE(std::isnan(kiln::max(1.0f, nan)));
  EXPECT_EQ(kiln::maxnum(nan, 1.0f), 1.0f);
  f32x4 a = {1, nan, 3, -2}, b = {2, 0, nan, -3};
  f32x4 m = kiln::max(a, b);
  EXPECT_EQ(m[0], 2);
  EXPECT_TRUE(std::isnan(m[1]) && std::isnan(m[2]));
  EXPECT_EQ(m[3], -2);
}

TEST(KilnVec, MaxAndMinOrderSignedZeros) {
  EXPECT_FALSE(std::signbit(kiln::max(0.0f, -0.0f)));
  EXPECT_FALSE(std::signbit(kiln::max(-0.0f, 0.0f)));
  EXPECT_TRUE(std::signbit(kiln::min(0.0f, -0.0f)));
  EXPECT_TRUE(std::signbit(kiln::max(-0.0f, -0.0f)));
  f32x4 a = {0.0f, -0.0f, -0.0f, 2}, b = {-0.0f, 0.0f, -0.0f, 2};
  f32x4 mx = kiln::max(a, b), mn = kiln::min(a, b);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(std::signbit(mx[i]), i == 2) << i;
    EXPECT_TRUE(std::signbit(mn[i])) << i;
  }
  EXPECT_EQ(mx[3], 2.0f);
}

TEST(KilnVec, MasksAndDivisors) {
  i64x4 v = {3, 2, -1, 0};
  i32x4 m = kiln::low_bit_mask<i32x4>(v); // trunci to i1
  EXPECT_EQ(m[0], -1);
  EXPECT_EQ(m[1], 0);
  EXPECT_EQ(m[2], -1);
  EXPECT_EQ(m[3], 0);
  i32x4 d = kiln::nonzero(i32x4{4, 0, -2, 0});
  EXPECT_EQ(d[0], 4);
  EXPECT_EQ(d[1], 1);
  EXPECT_EQ(d[2], -2);
}

TEST(KilnVec, UnorderedComparesAreTrueWithNaN) {
  float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_TRUE(kiln::cmp_ult(nan, 1.0f));
  EXPECT_FALSE(kiln::cmp_olt(nan, 1.0f));
  f32x4 a = {nan, 1, 2, 3}, b = {0, 1, 1, 4};
  i32x4 m = kiln::cmp_ule(a, b); // masks: -1 true
  EXPECT_EQ(m[0], -1);
  EXPECT_EQ(m[1], -1);
  EXPECT_EQ(m[2], 0);
  EXPECT_EQ(m[3], -1);
  f32x4 s = kiln::select(m, a, b);
  EXPECT_TRUE(std::isnan(s[0]));
  EXPECT_EQ(s[2], 1);
}

TEST(KilnVec, ReductionsFoldInHalvesOverTheirLanes) {
  f32x16 v = kiln::splat<f32x16>(1e30f); // padding: never summed
  for (int i = 0; i < 10; ++i)
    v[i] = float(i);
  EXPECT_EQ(kiln::reduce_add<10>(v), 45.0f);
  EXPECT_EQ(kiln::reduce_max<10>(v), 9.0f);
  // Halves: (1e8 + 1) + (-1e8 + 1) rounds differently from a sequential sum.
  f32x4 w = {1e8f, -1e8f, 1, 1};
  EXPECT_EQ(kiln::reduce_add<4>(w), (1e8f + 1.0f) + (-1e8f + 1.0f));
}

TEST(KilnVec, IntegerArithmeticWraps) {
  int64_t big = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(kiln::addi<int64_t>(big, 1), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(kiln::shrui<int64_t>(-1, 60), 15);
  i64x4 v = {big, -1, 2, 3};
  i64x4 r = kiln::muli(v, kiln::splat<i64x4>(2));
  EXPECT_EQ(r[0], -2);
  EXPECT_EQ(kiln::mask_to_int<i32x4>(kiln::cmp_slt(v, kiln::splat<i64x4>(0)))[1], 1);
}

TEST(KilnVec, FmaRoundsOnce) {
  float a = 1 + 0x1p-12f, c = -(1 + 0x1p-11f);
  // a * a = 1 + 2^-11 + 2^-24: one rounding keeps the 2^-24.
  EXPECT_EQ(kiln::fma(a, a, c), 0x1p-24f);
  f32x4 v = kiln::fma(kiln::splat<f32x4>(a), kiln::splat<f32x4>(a), kiln::splat<f32x4>(c));
  EXPECT_EQ(v[3], 0x1p-24f);
}

} // namespace
