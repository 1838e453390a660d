//===- interrupt.cpp - SIGINT / SIGTERM as a request to stop training ----===//
#include "kiln/interrupt.h"

#include <atomic>
#include <csignal>
#include <unistd.h>

namespace kiln {
namespace {

std::atomic<int> received{0};
static_assert(std::atomic<int>::is_always_lock_free, "read in a signal handler");
struct sigaction previousInt, previousTerm, previousPipe;

void onSignal(int signal) {
  if (received.load()) {
    // The second request: the default action, now.
    std::signal(signal, SIG_DFL);
    std::raise(signal);
    return;
  }
  received.store(signal);
  static const char message[] =
      "\ninterrupted: stopping after the current step (again to stop at once)\n";
  // write(2) is async-signal-safe; its result cannot be acted on here.
  ssize_t ignored = ::write(STDERR_FILENO, message, sizeof(message) - 1);
  (void)ignored;
}

} // namespace

InterruptGuard::InterruptGuard() {
  received.store(0);
  struct sigaction action {};
  action.sa_handler = onSignal;
  action.sa_flags = SA_RESTART;
  sigemptyset(&action.sa_mask);
  // A SIGINT ignored on purpose (nohup, a script's background job) stays so.
  sigaction(SIGINT, nullptr, &previousInt);
  if (previousInt.sa_handler != SIG_IGN)
    sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, &previousTerm);
  // Ctrl-C reaches `train | tee log` too: tee dies first, and a progress line
  // written to the closed pipe must fail, not kill the run before it saves.
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  sigaction(SIGPIPE, &ignore, &previousPipe);
}

InterruptGuard::~InterruptGuard() {
  sigaction(SIGINT, &previousInt, nullptr);
  sigaction(SIGTERM, &previousTerm, nullptr);
  sigaction(SIGPIPE, &previousPipe, nullptr);
}

int interruptSignal() { return received.load(); }

} // namespace kiln
