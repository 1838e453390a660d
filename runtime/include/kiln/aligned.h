//===- aligned.h - Storage aligned to a cache line ------------------------===//
//
// Generated kernels load whole 64-byte vectors (AVX-512). A tensor that
// starts 16 bytes into a line, as malloc's large blocks do, makes every such
// load touch two lines: fashion_mlp's one-sample forward on 2 threads, whose
// weights sit in L2, ran at half speed. Model state and the trainer's
// batches live in these.
//
// Buffers of megabytes (a dataset, a model's state) ask Linux for huge
// pages before they are first written: in a virtual machine each 4 KiB
// page's first touch costs microseconds, and faulting in Fashion-MNIST's
// 220 MB of floats and inflated bytes took about 0.7 s of a 1.1-1.4 s
// start-up (adviseHugePages). Where the kernel compacts memory to find
// huge pages (THP "defrag" of madvise, the default), a fragmented machine
// may make those faults slower instead; results never depend on it.
//
#ifndef KILN_ALIGNED_H
#define KILN_ALIGNED_H

#include <cstddef>
#include <new>
#include <vector>

namespace kiln {

inline constexpr std::size_t kCacheLine = 64;

/// Advises the kernel to back the 2 MiB-aligned part of [p, p + bytes)
/// with huge pages (transparent huge pages in "madvise" mode; 2 MiB is
/// x86-64's size, and 4 KiB-page aarch64's). Call it before the memory is
/// first written; a no-op for small ranges and where the advice is not
/// available. Results do not depend on it.
void adviseHugePages(const void *p, std::size_t bytes);

/// Reserves room for `n` elements in `v`; a new buffer is advised huge
/// pages before the old elements are copied into it.
template <typename Vector> void reserveAdvised(Vector &v, std::size_t n) {
  if (n <= v.capacity())
    return;
  Vector grown(v.get_allocator());
  grown.reserve(n);
  adviseHugePages(grown.data(), grown.capacity() * sizeof(typename Vector::value_type));
  grown.assign(v.begin(), v.end());
  v.swap(grown);
}

/// Resizes `v` to `n` elements, in a buffer from reserveAdvised.
template <typename Vector> void resizeAdvised(Vector &v, std::size_t n) {
  reserveAdvised(v, n);
  v.resize(n);
}

template <typename T> struct CacheAligned {
  using value_type = T;
  CacheAligned() = default;
  template <typename U> CacheAligned(const CacheAligned<U> &) {}
  T *allocate(std::size_t n) {
    T *p = static_cast<T *>(::operator new(n * sizeof(T), std::align_val_t(kCacheLine)));
    adviseHugePages(p, n * sizeof(T));
    return p;
  }
  void deallocate(T *p, std::size_t) { ::operator delete(p, std::align_val_t(kCacheLine)); }
  template <typename U> bool operator==(const CacheAligned<U> &) const { return true; }
  template <typename U> bool operator!=(const CacheAligned<U> &) const { return false; }
};

/// A float tensor's storage, 64-byte aligned.
using Floats = std::vector<float, CacheAligned<float>>;

} // namespace kiln

#endif // KILN_ALIGNED_H
