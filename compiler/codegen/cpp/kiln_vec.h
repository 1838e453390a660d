// kiln_vec.h - vector types and helpers for the C++ that `kilnc --emit=cpp`
// writes. Generated code includes it next to itself; it needs only a C++17
// compiler with GCC vector extensions (g++ >= 12, clang++ >= 14).
//
// A vector<N x T> of Kiln's IR is one kiln::vec<T, P> per piece of at most
// the schedule's width, P the power of two >= its lanes; lanes past N are
// padding that loads, stores and reductions never touch. Masks (vectors of
// i1) have 32-bit lanes, -1 for true. Every helper takes scalars and
// vectors alike, so that generated code reads the same for both.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>
#if defined(__AVX512F__)
#include <immintrin.h> // masked loads and stores of partial vectors
#endif

#if !defined(__GNUC__)
#error "kiln_vec.h needs GCC or Clang vector extensions"
#endif

#define KILN_NOINLINE __attribute__((noinline))
#if defined(__has_builtin)
#if __has_builtin(__builtin_elementwise_fma)
#define KILN_HAS_ELEMENTWISE_FMA 1
#endif
#endif

namespace kiln {

template <class T, int P>
struct vec_t {
  static_assert((P & (P - 1)) == 0, "lane counts are powers of two");
  typedef T type __attribute__((vector_size(sizeof(T) * P)));
};
template <class T, int P>
using vec = typename vec_t<T, P>::type;

template <class V>
using lane_t = std::remove_cv_t<std::remove_reference_t<decltype(std::declval<V>()[0])>>;
template <class V>
constexpr int lanes = sizeof(V) / sizeof(lane_t<V>);
/// The vector of U with as many lanes as V.
template <class U, class V>
using with_lane = vec<U, lanes<V>>;
template <class X>
constexpr bool is_scalar = std::is_arithmetic_v<X>;

// --- Construction, memory ----------------------------------------------------

/// Every lane `s`. Lane by lane: compilers make it one broadcast (folded
/// into an FMA's operand), where V{} + s would add 0 and turn -0 into +0.
template <class V, class S>
inline V splat(S s) {
  V v;
  for (int i = 0; i < lanes<V>; ++i)
    v[i] = static_cast<lane_t<V>>(s);
  return v;
}

namespace detail {
constexpr int floor_pow2(int n) { return n < 2 ? n : 2 * floor_pow2(n / 2); }
/// Lanes [0, lanes of S) of `s` in a V; the other lanes are unspecified.
template <class V, class S, int... I>
inline V widen(const S &s, std::integer_sequence<int, I...>) {
  return __builtin_shufflevector(s, s, (I < lanes<S> ? I : 0)...);
}
/// Lanes [0, H) of `lo`, then lanes [2H - N, H) of `hi`: N lanes from two
/// H-lane parts that overlap.
template <int N, class V, class S, int... I>
inline V join(const S &lo, const S &hi, std::integer_sequence<int, I...>) {
  constexpr int H = lanes<S>;
  return __builtin_shufflevector(lo, hi, (I < H ? I : I < N ? I - (N - H) + H
                                                            : 0)...);
}
/// Lanes [From, From + lanes of S) of `v`.
template <class S, int From, class V, int... I>
inline S part(const V &v, std::integer_sequence<int, I...>) {
  return __builtin_shufflevector(v, v, (From + I < lanes<V> ? From + I : 0)...);
}
} // namespace detail

/// N contiguous elements (N <= lanes of V), unaligned, in registers: a
/// power of two at once; N between H and 2H as two H-lane loads that
/// overlap (a copy into a zeroed vector goes through memory and stalls
/// GCC's code on the reload).
template <class V, int N, class T>
inline V load(const T *p) {
  constexpr int H = detail::floor_pow2(N);
#if defined(__AVX512F__)
  // A masked load where the target has one (one instruction, as LLVM).
  if constexpr (N < lanes<V> && sizeof(V) == 64 && sizeof(T) == 4)
    return (V)_mm512_maskz_loadu_ps(__mmask16((1u << N) - 1), p);
  if constexpr (N < lanes<V> && sizeof(V) == 64 && sizeof(T) == 8)
    return (V)_mm512_maskz_loadu_pd(__mmask8((1u << N) - 1), p);
#endif
  if constexpr (N == lanes<V>) {
    V v;
    std::memcpy(&v, p, sizeof v);
    return v;
  } else if constexpr (N == H || H < 4) {
    vec<T, H> s;
    std::memcpy(&s, p, sizeof s);
    V v = detail::widen<V>(s, std::make_integer_sequence<int, lanes<V>>());
    for (int i = H; i < N; ++i)
      v[i] = p[i];
    return v;
  } else {
    vec<T, H> lo, hi;
    std::memcpy(&lo, p, sizeof lo);
    std::memcpy(&hi, p + (N - H), sizeof hi);
    return detail::join<N, V>(lo, hi, std::make_integer_sequence<int, lanes<V>>());
  }
}
template <int N, class T, class V>
inline void store(T *p, const V &v) {
  constexpr int H = detail::floor_pow2(N);
  using S = vec<T, H>;
#if defined(__AVX512F__)
  if constexpr (N < lanes<V> && sizeof(V) == 64 && sizeof(T) == 4) {
    _mm512_mask_storeu_ps(p, __mmask16((1u << N) - 1), (__m512)v);
    return;
  }
  if constexpr (N < lanes<V> && sizeof(V) == 64 && sizeof(T) == 8) {
    _mm512_mask_storeu_pd(p, __mmask8((1u << N) - 1), (__m512d)v);
    return;
  }
#endif
  if constexpr (N == lanes<V>) {
    std::memcpy(p, &v, sizeof v);
  } else if constexpr (N == H || H < 4) {
    S s = detail::part<S, 0>(v, std::make_integer_sequence<int, H>());
    std::memcpy(p, &s, sizeof s);
    for (int i = H; i < N; ++i)
      p[i] = v[i];
  } else { // two H-lane stores that overlap (the same values where they do)
    S lo = detail::part<S, 0>(v, std::make_integer_sequence<int, H>());
    S hi = detail::part<S, N - H>(v, std::make_integer_sequence<int, H>());
    std::memcpy(p, &lo, sizeof lo);
    std::memcpy(p + (N - H), &hi, sizeof hi);
  }
}
template <class V, int N, class T>
inline V load_strided(const T *p, int64_t stride) {
  V v{};
  for (int i = 0; i < N; ++i)
    v[i] = p[i * stride];
  return v;
}
template <int N, class T, class V>
inline void store_strided(T *p, int64_t stride, const V &v) {
  for (int i = 0; i < N; ++i)
    p[i * stride] = v[i];
}
/// Lanes i < N with mask[i] read p[index[i]], the others keep pass[i].
template <int N, class T, class I, class M, class V>
inline V gather(const T *p, const I &index, const M &mask, V pass) {
  for (int i = 0; i < N; ++i)
    if (mask[i])
      pass[i] = p[index[i]];
  return pass;
}
/// `v` with lanes N and up set to `identity` (before a reduction).
template <int N, class V>
inline V pad(V v, lane_t<V> identity) {
  for (int i = N; i < lanes<V>; ++i)
    v[i] = identity;
  return v;
}

// --- Arithmetic --------------------------------------------------------------

/// a * b + c rounded once, whatever -ffp-contract says (emitted code is
/// built with it off, so that a * b and + c stay apart where the IR has
/// them apart).
inline float fma(float a, float b, float c) { return std::fma(a, b, c); }
inline double fma(double a, double b, double c) { return std::fma(a, b, c); }
template <class V>
inline V fma(const V &a, const V &b, const V &c) {
#if KILN_HAS_ELEMENTWISE_FMA
  return __builtin_elementwise_fma(a, b, c);
#elif defined(__clang__)
  // Clang before 17: fused by the back end (constants could fold first).
#pragma clang fp contract(fast)
  return a * b + c;
#else
  V r; // lane by lane: the vectorizer makes it one vfmadd
  for (int i = 0; i < lanes<V>; ++i)
    r[i] = fma(a[i], b[i], c[i]);
  return r;
#endif
}

/// A scalar function lane by lane (the math functions Kiln did not expand
/// into polynomials).
template <class V, class F>
inline V each(V v, F f) {
  if constexpr (is_scalar<V>) {
    return f(v);
  } else {
    for (int i = 0; i < lanes<V>; ++i)
      v[i] = f(v[i]);
    return v;
  }
}
template <class V>
inline V sqrt(const V &v) {
  return each(v, [](auto x) { return std::sqrt(x); });
}
template <class V>
inline V rsqrt(const V &v) {
  return each(v, [](auto x) { return 1 / std::sqrt(x); });
}
template <class V>
inline V abs(const V &v) {
  return each(v, [](auto x) { return std::fabs(x); });
}
template <class V>
inline V floor(const V &v) {
  return each(v, [](auto x) { return std::floor(x); });
}
template <class V>
inline V ceil(const V &v) {
  return each(v, [](auto x) { return std::ceil(x); });
}
template <class V>
inline V exp(const V &v) {
  return each(v, [](auto x) { return std::exp(x); });
}
template <class V>
inline V log(const V &v) {
  return each(v, [](auto x) { return std::log(x); });
}
template <class V>
inline V tanh(const V &v) {
  return each(v, [](auto x) { return std::tanh(x); });
}
template <class T>
inline T powf(T a, T b) { return std::pow(a, b); }

/// IEEE maximum/minimum: NaN if either is NaN; +0 is above -0.
template <class T>
inline T max(const T &a, const T &b) {
  if constexpr (is_scalar<T>) {
    if (a != a || b != b)
      return a != a ? a : b;
    return a == b ? (std::signbit(a) ? b : a) : a > b ? a
                                                      : b;
  } else {
    using I = with_lane<std::conditional_t<sizeof(lane_t<T>) == 8, int64_t, int32_t>, T>;
    T same = (T)((I)a & (I)b); // equal: -0 only if both are
    T r = a > b ? a : b > a ? b
                            : same;
    r = b != b ? b : r;
    return a != a ? a : r;
  }
}
template <class T>
inline T min(const T &a, const T &b) {
  if constexpr (is_scalar<T>) {
    if (a != a || b != b)
      return a != a ? a : b;
    return a == b ? (std::signbit(a) ? a : b) : a < b ? a
                                                      : b;
  } else {
    using I = with_lane<std::conditional_t<sizeof(lane_t<T>) == 8, int64_t, int32_t>, T>;
    T same = (T)((I)a | (I)b); // equal: -0 if either is
    T r = a < b ? a : b < a ? b
                            : same;
    r = b != b ? b : r;
    return a != a ? a : r;
  }
}
/// maxnum/minnum: the number when one is NaN.
template <class T>
inline T maxnum(const T &a, const T &b) { return a != a ? b : b != b ? a
                                                          : a > b    ? a
                                                                     : b; }
template <class T>
inline T minnum(const T &a, const T &b) { return a != a ? b : b != b ? a
                                                          : a < b    ? a
                                                                     : b; }

// Integer arithmetic wraps, as in the IR: it goes through the unsigned type.
template <class V>
inline auto as_unsigned(const V &v) {
  if constexpr (is_scalar<V>)
    return static_cast<std::make_unsigned_t<V>>(v);
  else
    return (with_lane<std::make_unsigned_t<lane_t<V>>, V>)v;
}
template <class T>
inline T addi(const T &a, const T &b) { return T(as_unsigned(a) + as_unsigned(b)); }
template <class T>
inline T subi(const T &a, const T &b) { return T(as_unsigned(a) - as_unsigned(b)); }
template <class T>
inline T muli(const T &a, const T &b) { return T(as_unsigned(a) * as_unsigned(b)); }
template <class T>
inline T shli(const T &a, const T &b) { return T(as_unsigned(a) << as_unsigned(b)); }
template <class T>
inline T shrui(const T &a, const T &b) { return T(as_unsigned(a) >> as_unsigned(b)); }
template <class T>
inline T shrsi(const T &a, const T &b) { return a >> b; }
template <class T>
inline T divui(const T &a, const T &b) { return T(as_unsigned(a) / as_unsigned(b)); }
template <class T>
inline T remui(const T &a, const T &b) { return T(as_unsigned(a) % as_unsigned(b)); }
template <class T>
inline T minsi(const T &a, const T &b) { return a < b ? a : b; }
template <class T>
inline T maxsi(const T &a, const T &b) { return a > b ? a : b; }

// --- Compares, select --------------------------------------------------------

/// A compare's result as a mask (32-bit lanes, -1 true); scalars stay bool.
template <class M>
inline auto mask(const M &m) {
  if constexpr (is_scalar<M>) {
    return bool(m);
  } else {
    using To = with_lane<int32_t, M>;
    return __builtin_convertvector(m, To);
  }
}
/// The negation of a compare's result.
template <class M>
inline M negate(const M &m) {
  if constexpr (std::is_same_v<M, bool>)
    return !m;
  else
    return ~m;
}

// Ordered compares are false with a NaN, unordered ones true.
#define KILN_CMP(name, expr)                 \
  template <class T>                         \
  inline auto name(const T &x, const T &y) { \
    return mask(expr);                       \
  }
KILN_CMP(cmp_oeq, x == y)
KILN_CMP(cmp_one, (x < y) | (x > y))
KILN_CMP(cmp_olt, x < y)
KILN_CMP(cmp_ole, x <= y)
KILN_CMP(cmp_ogt, x > y)
KILN_CMP(cmp_oge, x >= y)
KILN_CMP(cmp_ord, (x == x) & (y == y))
KILN_CMP(cmp_uno, (x != x) | (y != y))
KILN_CMP(cmp_une, x != y)
KILN_CMP(cmp_ueq, negate(cmp_one(x, y)))
KILN_CMP(cmp_ult, negate(cmp_oge(x, y)))
KILN_CMP(cmp_ule, negate(cmp_ogt(x, y)))
KILN_CMP(cmp_ugt, negate(cmp_ole(x, y)))
KILN_CMP(cmp_uge, negate(cmp_olt(x, y)))
KILN_CMP(cmp_eq, x == y)
KILN_CMP(cmp_ne, x != y)
KILN_CMP(cmp_slt, x < y)
KILN_CMP(cmp_sle, x <= y)
KILN_CMP(cmp_sgt, x > y)
KILN_CMP(cmp_sge, x >= y)
KILN_CMP(cmp_ult_i, as_unsigned(x) < as_unsigned(y))
KILN_CMP(cmp_ule_i, as_unsigned(x) <= as_unsigned(y))
KILN_CMP(cmp_ugt_i, as_unsigned(x) > as_unsigned(y))
KILN_CMP(cmp_uge_i, as_unsigned(x) >= as_unsigned(y))
#undef KILN_CMP

/// Lanes of `a` where the mask is set, of `b` elsewhere.
template <class M, class V>
inline V select(const M &m, const V &a, const V &b) {
  if constexpr (std::is_same_v<M, bool>) {
    return m ? a : b;
  } else {
    using L = lane_t<V>;
    using I = std::conditional_t<sizeof(L) == 8, int64_t,
                                 std::conditional_t<sizeof(L) == 4, int32_t, int8_t>>;
    using To = with_lane<I, V>;
    return __builtin_convertvector(m, To) ? a : b;
  }
}

// --- Conversions -------------------------------------------------------------

/// Lane-wise value conversion (sitofp, fptosi, extf, truncf, index_cast).
template <class To, class From>
inline To convert(const From &v) {
  if constexpr (is_scalar<From>)
    return static_cast<To>(v);
  else
    return __builtin_convertvector(v, To);
}
/// The low bit of each lane as a mask (trunci to i1).
template <class To, class From>
inline To low_bit_mask(const From &v) {
  return -convert<To>(v & 1);
}
/// `v` with 1 in its zero lanes: a divisor whose padding lanes may be 0
/// (dividing by 0 in a lane the IR has is undefined there too).
template <class V>
inline V nonzero(const V &v) {
  return v == 0 ? V(v - v + 1) : v;
}
/// A mask's lanes as 0/1 integers (extui of i1).
template <class To, class From>
inline To mask_to_int(const From &m) {
  if constexpr (is_scalar<From>)
    return To(m);
  else
    return convert<To>(m & 1);
}
/// The same bits as another type of the same size.
template <class To, class From>
inline To bitcast(const From &v) {
  static_assert(sizeof(To) == sizeof(From), "bitcast between sizes");
  To o;
  std::memcpy(&o, &v, sizeof o);
  return o;
}

// --- Reductions --------------------------------------------------------------

/// Folds the first N lanes in halves (LLVM's order for a reassociating
/// reduction); lanes past N count as the identity.
template <int N, class V, class F>
inline lane_t<V> reduce(V v, lane_t<V> identity, F f) {
  v = pad<N>(v, identity);
  for (int half = lanes<V> / 2; half >= 1; half /= 2)
    for (int i = 0; i < half; ++i)
      v[i] = f(v[i], v[i + half]);
  return v[0];
}
template <int N, class V>
inline lane_t<V> reduce_add(const V &v) {
  return reduce<N>(v, lane_t<V>(0), [](auto a, auto b) { return a + b; });
}
template <int N, class V>
inline lane_t<V> reduce_mul(const V &v) {
  return reduce<N>(v, lane_t<V>(1), [](auto a, auto b) { return a * b; });
}
template <int N, class V>
inline lane_t<V> reduce_max(const V &v) {
  return reduce<N>(v, -INFINITY, [](auto a, auto b) { return max(a, b); });
}
template <int N, class V>
inline lane_t<V> reduce_min(const V &v) {
  return reduce<N>(v, INFINITY, [](auto a, auto b) { return min(a, b); });
}

} // namespace kiln

// Short names of the vector types generated code uses: f32x16 is 16 floats.
#define KILN_VEC_TYPES(T, n)         \
  using n##x1 = kiln::vec<T, 1>;     \
  using n##x2 = kiln::vec<T, 2>;     \
  using n##x4 = kiln::vec<T, 4>;     \
  using n##x8 = kiln::vec<T, 8>;     \
  using n##x16 = kiln::vec<T, 16>;   \
  using n##x32 = kiln::vec<T, 32>;   \
  using n##x64 = kiln::vec<T, 64>;   \
  using n##x128 = kiln::vec<T, 128>; \
  using n##x256 = kiln::vec<T, 256>;
KILN_VEC_TYPES(float, f32)
KILN_VEC_TYPES(double, f64)
KILN_VEC_TYPES(int8_t, i8)
KILN_VEC_TYPES(int16_t, i16)
KILN_VEC_TYPES(int32_t, i32)
KILN_VEC_TYPES(int64_t, i64)
#undef KILN_VEC_TYPES
