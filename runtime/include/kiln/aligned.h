//===- aligned.h - Storage aligned to a cache line ------------------------===//
//
// Generated kernels load whole 64-byte vectors (AVX-512). A tensor that
// starts 16 bytes into a line, as malloc's large blocks do, makes every such
// load touch two lines: fashion_mlp's one-sample forward on 2 threads, whose
// weights sit in L2, ran at half speed. Model state and the trainer's
// batches live in these.
//
#ifndef KILN_ALIGNED_H
#define KILN_ALIGNED_H

#include <cstddef>
#include <new>
#include <vector>

namespace kiln {

inline constexpr std::size_t kCacheLine = 64;

template <typename T> struct CacheAligned {
  using value_type = T;
  CacheAligned() = default;
  template <typename U> CacheAligned(const CacheAligned<U> &) {}
  T *allocate(std::size_t n) {
    return static_cast<T *>(::operator new(n * sizeof(T), std::align_val_t(kCacheLine)));
  }
  void deallocate(T *p, std::size_t) { ::operator delete(p, std::align_val_t(kCacheLine)); }
  template <typename U> bool operator==(const CacheAligned<U> &) const { return true; }
  template <typename U> bool operator!=(const CacheAligned<U> &) const { return false; }
};

/// A float tensor's storage, 64-byte aligned.
using Floats = std::vector<float, CacheAligned<float>>;

} // namespace kiln

#endif // KILN_ALIGNED_H
