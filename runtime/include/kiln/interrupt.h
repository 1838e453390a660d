//===- interrupt.h - SIGINT / SIGTERM as a request to stop training ------===//
//
// A long run should end cleanly when asked: the handler only records the
// request, and the training loop stops after the step in progress, so the
// checkpoint written then is a consistent one. A second signal ends the
// process at once (the default action).
//
#ifndef KILN_INTERRUPT_H
#define KILN_INTERRUPT_H

namespace kiln {

/// Installs the handler for SIGINT and SIGTERM (until the guard goes).
class InterruptGuard {
public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard &) = delete;
  InterruptGuard &operator=(const InterruptGuard &) = delete;
};

/// The signal received since the guard was installed, or 0.
int interruptSignal();

} // namespace kiln

#endif // KILN_INTERRUPT_H
