//===- denormals.cpp - Flush-to-zero modes of this thread -----------------===//
#include "kiln/denormals.h"

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

namespace kiln {

uint64_t flushDenormals() {
#if defined(__x86_64__) || defined(__i386__)
  unsigned saved = _mm_getcsr();
  _mm_setcsr(saved | 0x8040); // FTZ (bit 15) and DAZ (bit 6)
  return saved;
#elif defined(__aarch64__)
  uint64_t saved;
  __asm__ volatile("mrs %0, fpcr" : "=r"(saved));
  __asm__ volatile("msr fpcr, %0" : : "r"(saved | (uint64_t(1) << 24))); // FZ
  return saved;
#else
  return 0;
#endif
}

void restoreFloatControl(uint64_t saved) {
#if defined(__x86_64__) || defined(__i386__)
  _mm_setcsr(unsigned(saved));
#elif defined(__aarch64__)
  __asm__ volatile("msr fpcr, %0" : : "r"(saved));
#else
  (void)saved;
#endif
}

} // namespace kiln
