//===- denormals.cpp - Flush-to-zero modes of this thread -----------------===//
#include "kiln/denormals.h"

#if defined(__x86_64__) || (defined(__i386__) && defined(__SSE__))
#define KILN_MXCSR 1
#include <xmmintrin.h>
#endif

namespace kiln {

/// MXCSR's FTZ (bit 15) and DAZ (bit 6).
constexpr unsigned kFlushBits = 0x8040;

uint64_t flushDenormals() {
#if defined(KILN_MXCSR)
  unsigned saved = _mm_getcsr();
  if ((saved & kFlushBits) != kFlushBits) // a write stalls the FP pipes: only when needed
    _mm_setcsr(saved | kFlushBits);
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
#if defined(KILN_MXCSR)
  // The modes only: exception flags the call raised stay for the caller.
  unsigned now = _mm_getcsr();
  if ((now & kFlushBits) != (unsigned(saved) & kFlushBits))
    _mm_setcsr((now & ~kFlushBits) | (unsigned(saved) & kFlushBits));
#elif defined(__aarch64__)
  __asm__ volatile("msr fpcr, %0" : : "r"(saved));
#else
  (void)saved;
#endif
}

} // namespace kiln
