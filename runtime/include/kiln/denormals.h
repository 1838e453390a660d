//===- denormals.h - Generated code runs with denormals flushed to zero ---===//
//
// Values below 2^-126 (float's denormals) take a slow path through the
// floating-point unit: on Intel cores every operation on one costs about a
// hundred cycles. Adam's moments of weights whose gradients are zero (a dead
// ReLU's) decay into that range within a few hundred steps, and fashion_mlp
// then trained at two thirds of its speed. The runtime runs every entry point,
// and its pool's threads, with denormal inputs read as zero and denormal
// results flushed to zero (x86: MXCSR's DAZ and FTZ; AArch64: FPCR.FZ), as
// TensorFlow does by default and PyTorch after torch.set_flush_denormal(True).
//
#ifndef KILN_DENORMALS_H
#define KILN_DENORMALS_H

#include <cstdint>

namespace kiln {

/// Sets this thread's flush-to-zero modes; returns the previous control word.
uint64_t flushDenormals();
/// Puts back a control word flushDenormals() returned.
void restoreFloatControl(uint64_t saved);

/// Flush-to-zero for the guard's lifetime on this thread.
class FlushDenormals {
public:
  FlushDenormals() : saved(flushDenormals()) {}
  ~FlushDenormals() { restoreFloatControl(saved); }
  FlushDenormals(const FlushDenormals &) = delete;
  FlushDenormals &operator=(const FlushDenormals &) = delete;

private:
  uint64_t saved;
};

} // namespace kiln

#endif // KILN_DENORMALS_H
