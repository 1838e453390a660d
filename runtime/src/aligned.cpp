//===- aligned.cpp - Huge pages for buffers of megabytes ------------------===//
#include "kiln/aligned.h"

#include <cstdint>
#ifdef __linux__
#include <sys/mman.h>
#endif

namespace kiln {

void adviseHugePages(const void *p, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr uintptr_t kHuge = uintptr_t(2) << 20;
  uintptr_t begin = (reinterpret_cast<uintptr_t>(p) + kHuge - 1) & ~(kHuge - 1);
  uintptr_t end = (reinterpret_cast<uintptr_t>(p) + bytes) & ~(kHuge - 1);
  if (end > begin) // advice only: where it is refused, small pages serve
    (void)::madvise(reinterpret_cast<void *>(begin), end - begin, MADV_HUGEPAGE);
#else
  (void)p, (void)bytes;
#endif
}

} // namespace kiln
