//===- interrupt.cpp - SIGINT / SIGTERM as a request to stop training ----===//
#include "kiln/interrupt.h"

#include <csignal>
#include <unistd.h>

namespace kiln {
namespace {

volatile std::sig_atomic_t received = 0;
struct sigaction previousInt, previousTerm;

void onSignal(int signal) {
  if (received) {
    // The second request: the default action, now.
    std::signal(signal, SIG_DFL);
    std::raise(signal);
    return;
  }
  received = signal;
  static const char message[] =
      "\ninterrupted: stopping after the current step (again to stop at once)\n";
  // write(2) is async-signal-safe; its result cannot be acted on here.
  ssize_t ignored = ::write(STDERR_FILENO, message, sizeof(message) - 1);
  (void)ignored;
}

} // namespace

InterruptGuard::InterruptGuard() {
  received = 0;
  struct sigaction action {};
  action.sa_handler = onSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &previousInt);
  sigaction(SIGTERM, &action, &previousTerm);
}

InterruptGuard::~InterruptGuard() {
  sigaction(SIGINT, &previousInt, nullptr);
  sigaction(SIGTERM, &previousTerm, nullptr);
}

int interruptSignal() { return received; }

} // namespace kiln
