// kiln_vec.h - vector types and helpers for the C++ that `kilnc --emit=cpp`
// writes. Generated code includes it next to itself; it needs only a C++17
// compiler with GCC vector extensions (g++ >= 12, clang++ >= 15).
//
// A vector<N x T> of the compiler's IR is a kiln::vec<T, P>, P the power of
// two >= N (GCC accepts no other lane counts); lanes N..P-1 are padding that
// loads, stores and reductions never touch. An n-D vector is kiln::rows: its
// leading dimensions flattened into R rows of its last. Masks (vectors of i1)
// are 32-bit lanes, -1 for true.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

#if !defined(__GNUC__)
#error "kiln_vec.h needs GCC or Clang vector extensions"
#endif

#define KILN_NOINLINE __attribute__((noinline))

namespace kiln {

template <class T, int P> struct vec_t {
  static_assert((P & (P - 1)) == 0, "lane counts are powers of two");
  typedef T type __attribute__((vector_size(sizeof(T) * P)));
};
template <class T, int P> using vec = typename vec_t<T, P>::type;

template <class V, int R> struct rows {
  V r[R];
};

template <class X> struct is_rows : std::false_type {};
template <class V, int R> struct is_rows<rows<V, R>> : std::true_type {};
template <class X>
constexpr bool is_vec = !std::is_arithmetic_v<X> && !is_rows<X>::value;

template <class V> using lane_t = std::remove_cv_t<std::remove_reference_t<decltype(std::declval<V>()[0])>>;
template <class V> constexpr int lanes = sizeof(V) / sizeof(lane_t<V>);
/// The vector of U with as many lanes as V.
template <class U, class V> using with_lane = vec<U, lanes<V>>;

// --- Construction, memory --------------------------------------------------

template <class V, class S> inline V splat(S s) {
  if constexpr (is_rows<V>::value) {
    V o;
    for (auto &row : o.r)
      row = splat<std::remove_reference_t<decltype(row)>>(s);
    return o;
  } else {
    // Lane by lane: compilers make it one broadcast (folded into an FMA's
    // operand), where V{} + s would add 0 first and turn -0 into +0.
    V v;
    for (int i = 0; i < lanes<V>; ++i)
      v[i] = static_cast<lane_t<V>>(s);
    return v;
  }
}

/// Every row of the result is row (i % rows of `v`) of `v`: a broadcast
/// along new leading dimensions.
template <class Out, class In> inline Out broadcast(const In &v) {
  Out o;
  constexpr int n = sizeof(o.r) / sizeof(o.r[0]);
  for (int i = 0; i < n; ++i) {
    if constexpr (is_rows<In>::value)
      o.r[i] = v.r[i % (sizeof(v.r) / sizeof(v.r[0]))];
    else
      o.r[i] = v;
  }
  return o;
}

/// Rows [start, start + rows of Out) of `v`.
template <class Out, class In> inline Out sub(const In &v, int start) {
  Out o;
  std::memcpy(&o, &v.r[start], sizeof o);
  return o;
}
template <class Out, class In> inline void set_sub(Out &v, int start, const In &s) {
  std::memcpy(&v.r[start], &s, sizeof s);
}

/// N contiguous elements (N <= lanes of V).
template <class V, int N, class T> inline V load(const T *p) {
  V v{};
  std::memcpy(&v, p, N * sizeof(T));
  return v;
}
template <int N, class T, class V> inline void store(T *p, const V &v) {
  std::memcpy(p, &v, N * sizeof(T));
}
template <class V, int N, class T> inline V load_strided(const T *p, int64_t stride) {
  V v{};
  for (int i = 0; i < N; ++i)
    v[i] = p[i * stride];
  return v;
}
template <int N, class T, class V> inline void store_strided(T *p, int64_t stride, const V &v) {
  for (int i = 0; i < N; ++i)
    p[i * stride] = v[i];
}
/// Lanes i < N with mask[i] read p[base + index[i]], the others pass[i].
template <int N, class T, class I, class M, class V>
inline V gather(const T *p, const I &index, const M &mask, V pass) {
  for (int i = 0; i < N; ++i)
    if (mask[i])
      pass[i] = p[index[i]];
  return pass;
}

/// `v` with lanes N and up set to `identity` (before a reduction).
template <int N, class V> inline V pad(V v, lane_t<V> identity) {
  for (int i = N; i < lanes<V>; ++i)
    v[i] = identity;
  return v;
}

/// Copies `s`'s first N lanes to lanes [Off, Off + N) of `d`.
template <int Off, int N, class D, class S> inline void insert_lanes(D &d, const S &s) {
  for (int i = 0; i < N; ++i)
    d[Off + i] = s[i];
}

// --- Elementwise ------------------------------------------------------------

/// Applies `f` lane-wise through the rows of n-D vectors.
template <class F, class A, class... B> inline auto map(F f, const A &a, const B &...b) {
  if constexpr (is_rows<A>::value) {
    using Row = decltype(f(a.r[0], b.r[0]...));
    constexpr int n = sizeof(a.r) / sizeof(a.r[0]);
    rows<Row, n> o;
    for (int i = 0; i < n; ++i)
      o.r[i] = f(a.r[i], b.r[i]...);
    return o;
  } else {
    return f(a, b...);
  }
}

#define KILN_ROWS_OP(op)                                                       \
  template <class V, int R>                                                    \
  inline rows<V, R> operator op(const rows<V, R> &a, const rows<V, R> &b) {    \
    return map([](const V &x, const V &y) { return V(x op y); }, a, b);        \
  }
KILN_ROWS_OP(+)
KILN_ROWS_OP(-)
KILN_ROWS_OP(*)
KILN_ROWS_OP(/)
KILN_ROWS_OP(&)
KILN_ROWS_OP(|)
KILN_ROWS_OP(^)
#undef KILN_ROWS_OP
template <class V, int R> inline rows<V, R> operator-(const rows<V, R> &a) {
  return map([](const V &x) { return V(-x); }, a);
}

/// Lane-wise through a scalar function, for the few math functions that
/// have no vector form here (the polynomial ones were expanded by kilnc).
template <class V, class F> inline V each(V v, F f) {
  for (int i = 0; i < lanes<V>; ++i)
    v[i] = f(v[i]);
  return v;
}

inline float fma(float a, float b, float c) { return std::fma(a, b, c); }
inline double fma(double a, double b, double c) { return std::fma(a, b, c); }
template <class V> inline V fma(const V &a, const V &b, const V &c) {
  if constexpr (is_rows<V>::value)
    return map([](const auto &x, const auto &y, const auto &z) { return fma(x, y, z); }, a, b, c);
  else {
#if defined(__clang__)
#pragma clang fp contract(fast)
    return a * b + c; // fused whatever -ffp-contract says
#else
    // Fused whatever -ffp-contract says (emitted code is built with off, so
    // that a * b and + c stay apart where the IR has them apart): lane by
    // lane, which the vectorizer makes one vfmadd.
    V r;
    for (int i = 0; i < lanes<V>; ++i)
      r[i] = fma(a[i], b[i], c[i]);
    return r;
#endif
  }
}

#define KILN_MATH1(name, expr)                                                 \
  inline float name(float x) { return expr; }                                  \
  inline double name(double x) { return expr; }                                \
  template <class V> inline V name(const V &v) {                               \
    return map([](const auto &w) { return each(w, [](auto x) { return name(x); }); }, v); \
  }
KILN_MATH1(sqrt, std::sqrt(x))
KILN_MATH1(abs, std::fabs(x))
KILN_MATH1(floor, std::floor(x))
KILN_MATH1(ceil, std::ceil(x))
KILN_MATH1(exp, std::exp(x))
KILN_MATH1(log, std::log(x))
KILN_MATH1(tanh, std::tanh(x))
KILN_MATH1(rsqrt, 1 / std::sqrt(x))
#undef KILN_MATH1
template <class T> inline T powf(T a, T b) { return std::pow(a, b); }

/// IEEE maximum/minimum: NaN if either is NaN.
template <class T> inline T max(const T &a, const T &b) {
  if constexpr (std::is_arithmetic_v<T>)
    return a != a ? a : b != b ? b : a > b ? a : b;
  else if constexpr (is_rows<T>::value)
    return map([](const auto &x, const auto &y) { return max(x, y); }, a, b);
  else
    return a != a ? a : b != b ? b : a > b ? a : b;
}
template <class T> inline T min(const T &a, const T &b) {
  if constexpr (std::is_arithmetic_v<T>)
    return a != a ? a : b != b ? b : a < b ? a : b;
  else if constexpr (is_rows<T>::value)
    return map([](const auto &x, const auto &y) { return min(x, y); }, a, b);
  else
    return a != a ? a : b != b ? b : a < b ? a : b;
}
/// maxnum/minnum: the number if one is NaN.
template <class T> inline T maxnum(const T &a, const T &b) {
  return map([](const auto &x, const auto &y) { return x != x ? y : y != y ? x : x > y ? x : y; }, a, b);
}
template <class T> inline T minnum(const T &a, const T &b) {
  return map([](const auto &x, const auto &y) { return x != x ? y : y != y ? x : x < y ? x : y; }, a, b);
}

// Integer arithmetic wraps (as in the IR): through the unsigned type.
template <class T> struct unsigned_of {
  using type = std::make_unsigned_t<T>;
};
template <class V> inline auto as_unsigned(const V &v) {
  if constexpr (std::is_arithmetic_v<V>)
    return static_cast<std::make_unsigned_t<V>>(v);
  else
    return (with_lane<std::make_unsigned_t<lane_t<V>>, V>)v;
}
#define KILN_WRAP(name, expr)                                                  \
  template <class T> inline T name(const T &a, const T &b) {                   \
    return map([](const auto &x, const auto &y) {                              \
      using X = std::remove_cv_t<std::remove_reference_t<decltype(x)>>;        \
      return X(expr);                                                          \
    }, a, b);                                                                  \
  }
KILN_WRAP(addi, as_unsigned(x) + as_unsigned(y))
KILN_WRAP(subi, as_unsigned(x) - as_unsigned(y))
KILN_WRAP(muli, as_unsigned(x) * as_unsigned(y))
KILN_WRAP(shli, as_unsigned(x) << as_unsigned(y))
KILN_WRAP(shrui, as_unsigned(x) >> as_unsigned(y))
KILN_WRAP(shrsi, x >> y)
KILN_WRAP(divui, as_unsigned(x) / as_unsigned(y))
KILN_WRAP(remui, as_unsigned(x) % as_unsigned(y))
#undef KILN_WRAP
template <class T> inline T minsi(const T &a, const T &b) {
  return map([](const auto &x, const auto &y) { return x < y ? x : y; }, a, b);
}
template <class T> inline T maxsi(const T &a, const T &b) {
  return map([](const auto &x, const auto &y) { return x > y ? x : y; }, a, b);
}

// --- Compares, select -------------------------------------------------------

/// A compare's lanes as a mask (32-bit lanes, -1 true); scalars stay bool.
template <class M> inline auto mask(const M &m) {
  if constexpr (std::is_same_v<M, bool>)
    return m;
  else {
    using To = with_lane<int32_t, M>;
    return __builtin_convertvector(m, To);
  }
}

#define KILN_CMP(name, expr)                                                   \
  template <class T> inline auto name(const T &a, const T &b) {                \
    return map([](const auto &x, const auto &y) {                              \
      if constexpr (std::is_arithmetic_v<std::remove_cv_t<std::remove_reference_t<decltype(x)>>>) \
        return bool(expr);                                                     \
      else                                                                     \
        return mask(expr);                                                     \
    }, a, b);                                                                  \
  }
/// The negation of a compare: !b for scalars, ~m for masks.
#define KILN_NOT_CMP(name, of)                                                 \
  template <class T> inline auto name(const T &a, const T &b) {                \
    return map([](const auto &m) {                                             \
      if constexpr (std::is_same_v<std::remove_cv_t<std::remove_reference_t<decltype(m)>>, bool>) \
        return !m;                                                             \
      else                                                                     \
        return decltype(m)(~m);                                                \
    }, of(a, b));                                                              \
  }
// Ordered: false with a NaN; unordered: true with a NaN.
KILN_CMP(cmp_oeq, x == y)
KILN_CMP(cmp_one, (x < y) | (x > y))
KILN_CMP(cmp_olt, x < y)
KILN_CMP(cmp_ole, x <= y)
KILN_CMP(cmp_ogt, x > y)
KILN_CMP(cmp_oge, x >= y)
KILN_CMP(cmp_ord, (x == x) & (y == y))
KILN_CMP(cmp_uno, (x != x) | (y != y))
KILN_CMP(cmp_une, x != y)
KILN_NOT_CMP(cmp_ueq, cmp_one)
KILN_NOT_CMP(cmp_ult, cmp_oge)
KILN_NOT_CMP(cmp_ule, cmp_ogt)
KILN_NOT_CMP(cmp_ugt, cmp_ole)
KILN_NOT_CMP(cmp_uge, cmp_olt)
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
#undef KILN_NOT_CMP
#undef KILN_CMP

template <class M, class V> inline V select(const M &m, const V &a, const V &b) {
  if constexpr (std::is_same_v<M, bool>) {
    return m ? a : b;
  } else if constexpr (is_rows<V>::value) {
    return map([](const auto &c, const auto &x, const auto &y) { return select(c, x, y); }, m, a, b);
  } else {
    using L = lane_t<V>;
    using I = std::conditional_t<sizeof(L) == 8, int64_t, std::conditional_t<sizeof(L) == 4, int32_t, int8_t>>;
    using To = with_lane<I, V>;
    return __builtin_convertvector(m, To) ? a : b;
  }
}

// --- Conversions ------------------------------------------------------------

/// Lane-wise value conversion (sitofp, fptosi, extf, truncf, index_cast).
template <class To, class From> inline To convert(const From &v) {
  if constexpr (std::is_arithmetic_v<From>)
    return static_cast<To>(v);
  else if constexpr (is_rows<From>::value) {
    To o;
    for (int i = 0; i < int(sizeof(v.r) / sizeof(v.r[0])); ++i)
      o.r[i] = convert<std::remove_reference_t<decltype(o.r[0])>>(v.r[i]);
    return o;
  } else
    return __builtin_convertvector(v, To);
}
/// A mask's lanes as 0/1 integers (extui of i1).
template <class To, class From> inline To mask_to_int(const From &m) {
  if constexpr (std::is_same_v<From, bool>)
    return To(m);
  else
    return convert<To>(m & 1);
}
/// The same bits as another type of the same size.
template <class To, class From> inline To bitcast(const From &v) {
  static_assert(sizeof(To) == sizeof(From), "bitcast between sizes");
  To o;
  std::memcpy(&o, &v, sizeof o);
  return o;
}

// --- Reductions ---------------------------------------------------------------

/// Pairwise (tree) reduction of the first N lanes, the order LLVM's
/// reassociating reduction uses; padding lanes hold the identity.
template <int N, class V, class F> inline lane_t<V> reduce(V v, lane_t<V> identity, F f) {
  for (int i = N; i < lanes<V>; ++i)
    v[i] = identity;
  for (int half = lanes<V> / 2; half >= 1; half /= 2)
    for (int i = 0; i < half; ++i)
      v[i] = f(v[i], v[i + half]);
  return v[0];
}
template <int N, class V> inline lane_t<V> reduce_add(const V &v) {
  return reduce<N>(v, lane_t<V>(0), [](auto a, auto b) { return a + b; });
}
template <int N, class V> inline lane_t<V> reduce_mul(const V &v) {
  return reduce<N>(v, lane_t<V>(1), [](auto a, auto b) { return a * b; });
}
template <int N, class V> inline lane_t<V> reduce_max(const V &v) {
  return reduce<N>(v, -INFINITY, [](auto a, auto b) { return max(a, b); });
}
template <int N, class V> inline lane_t<V> reduce_min(const V &v) {
  return reduce<N>(v, INFINITY, [](auto a, auto b) { return min(a, b); });
}

} // namespace kiln

// Short names for the vector types generated code uses.
#define KILN_VEC_TYPES(T, n)                                                   \
  using n##x1 = kiln::vec<T, 1>;                                               \
  using n##x2 = kiln::vec<T, 2>;                                               \
  using n##x4 = kiln::vec<T, 4>;                                               \
  using n##x8 = kiln::vec<T, 8>;                                               \
  using n##x16 = kiln::vec<T, 16>;                                             \
  using n##x32 = kiln::vec<T, 32>;                                             \
  using n##x64 = kiln::vec<T, 64>;                                             \
  using n##x128 = kiln::vec<T, 128>;                                           \
  using n##x256 = kiln::vec<T, 256>;                                           \
  using n##x512 = kiln::vec<T, 512>;                                           \
  using n##x1024 = kiln::vec<T, 1024>;
KILN_VEC_TYPES(float, f32)
KILN_VEC_TYPES(double, f64)
KILN_VEC_TYPES(int8_t, i8)
KILN_VEC_TYPES(int16_t, i16)
KILN_VEC_TYPES(int32_t, i32)
KILN_VEC_TYPES(int64_t, i64)
#undef KILN_VEC_TYPES
