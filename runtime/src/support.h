//===- support.h - Helpers shared by the runtime's sources (not public) ---===//
#ifndef KILN_SRC_SUPPORT_H
#define KILN_SRC_SUPPORT_H

#include "kiln/error.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <utility>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
// Safetensors, NPY '<f4' and the ABI's buffers are little-endian; the
// runtime copies them as they are.
#error "the Kiln runtime requires a little-endian target"
#endif

namespace kiln {

template <typename... Args>
[[noreturn]] void fail(fmt::format_string<Args...> format, Args &&...args) {
  throw Error(fmt::format(format, std::forward<Args>(args)...));
}

/// The index of the first inf or nan of p[0, n), or -1 (model.cpp).
int64_t firstNonFiniteIndex(const float *p, size_t n);

/// What to try when training diverges, ending every such message.
inline constexpr const char *kDivergenceAdvice =
    "Lower the learning rate, clip gradients (clip_norm) or look for extreme "
    "values in the data";

/// Wall seconds since `start`.
inline double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

/// a * b for element and byte counts read from files, which may be hostile.
inline int64_t checkedMul(int64_t a, int64_t b, const char *what) {
  int64_t result;
  if (__builtin_mul_overflow(a, b, &result))
    fail("{}: size overflows ({} * {})", what, a, b);
  return result;
}

/// a + b, likewise.
inline int64_t checkedAdd(int64_t a, int64_t b, const char *what) {
  int64_t result;
  if (__builtin_add_overflow(a, b, &result))
    fail("{}: size overflows ({} + {})", what, a, b);
  return result;
}

} // namespace kiln

#endif // KILN_SRC_SUPPORT_H
