//===- threads.cpp - The thread pool behind parallel_for ------------------===//
#include "kiln/threads.h"
#include "kiln/denormals.h"

#include <algorithm>
#ifdef __linux__
#include <sched.h>
#endif

#include "support.h"

#include <chrono>
#include <cstdlib>
#include <string>

namespace kiln {

ThreadPool::ThreadPool(int count) : threads(count) {
  if (count < 1)
    fail("the number of threads must be at least 1, got {}", count);
  slots = std::make_unique<Slot[]>(size_t(count));
  workers.reserve(count - 1);
  for (int i = 1; i < count; ++i)
    workers.emplace_back([this, i] { work(i); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopping = true;
  }
  wake.notify_all();
  for (std::thread &t : workers)
    t.join();
}

/// Part `index` of `parts` of [0, n).
static std::pair<int64_t, int64_t> part(int64_t n, int64_t parts, int64_t index) {
  return {n * index / parts, n * (index + 1) / parts};
}

/// Spins until `ready()` or about `kSpin` has passed; returns ready().
template <typename Ready> static bool spinFor(Ready ready) {
  constexpr auto kSpin = std::chrono::microseconds(100);
  auto start = std::chrono::steady_clock::now();
  for (int i = 1;; ++i) {
    if (ready())
      return true;
    if (i % 64 == 0 && std::chrono::steady_clock::now() - start > kSpin)
      return ready();
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }
}

void ThreadPool::tryRun(int64_t index, uint64_t run) {
  // Open for this run is 2 * run, claimed 2 * run + 1: a worker late from an
  // earlier run, or one without a part in this one, fails the exchange.
  uint64_t open = 2 * run;
  if (!slots[index].state.compare_exchange_strong(open, open + 1, std::memory_order_acq_rel,
                                                  std::memory_order_relaxed))
    return;
  // Claimed: the caller waits for this part before it writes another run.
  auto [begin, end] = part(n, parts, index);
  body(arg, begin, end);
  if (pending.fetch_sub(1, std::memory_order_seq_cst) == 1 &&
      callerAsleep.load(std::memory_order_seq_cst)) {
    { std::lock_guard<std::mutex> lock(mutex); } // it is waiting, or sees pending
    done.notify_one();
  }
}

void ThreadPool::run(int64_t count, void (*fn)(void *, int64_t, int64_t), void *data) {
  FlushDenormals flush; // as the workers run their parts (work())
  const int64_t split = std::min<int64_t>(size(), count);
  if (split <= 1) {
    if (count > 0)
      fn(data, 0, count);
    return;
  }
  n = count, parts = split, body = fn, arg = data;
  pending.store(int(split - 1), std::memory_order_relaxed);
  uint64_t run = generation.load(std::memory_order_relaxed) + 1;
  for (int64_t i = 1; i < split; ++i)
    slots[i].state.store(2 * run, std::memory_order_release);
  // Sequentially consistent with the sleepers' count (work()): either a
  // worker about to sleep sees this generation, or this sees it counted.
  generation.store(run, std::memory_order_seq_cst);
  bool asleep = sleepers.load(std::memory_order_seq_cst) > 0;
  if (asleep) {
    { std::lock_guard<std::mutex> lock(mutex); } // it is waiting, or sees the run
    wake.notify_all();
  }
  auto [begin, end] = part(count, split, 0);
  fn(data, begin, end);
  // A worker asleep takes a while to wake (after a long serial kernel, as a
  // recurrent layer's loop): the parts not claimed yet run here. Worker i
  // otherwise runs part i, so a part's data stays in the same core's cache
  // from kernel to kernel.
  if (asleep)
    for (int64_t i = 1; i < split; ++i)
      tryRun(i, run);
  auto finished = [&] { return pending.load(std::memory_order_seq_cst) == 0; };
  if (!spinFor(finished)) {
    std::unique_lock<std::mutex> lock(mutex);
    callerAsleep.store(true, std::memory_order_seq_cst);
    done.wait(lock, finished);
    callerAsleep.store(false, std::memory_order_relaxed);
  }
}

void ThreadPool::work(int index) {
  // The same arithmetic as the calling thread's (Model::call): results do
  // not depend on which thread ran a part.
  flushDenormals();
  uint64_t seen = 0;
  for (;;) {
    // Sequentially consistent: after counting itself a sleeper, this load
    // and run()'s read of the count cannot both miss the other's write.
    auto published = [&] {
      return generation.load(std::memory_order_seq_cst) != seen;
    };
    if (!spinFor(published)) {
      std::unique_lock<std::mutex> lock(mutex);
      sleepers.fetch_add(1, std::memory_order_seq_cst);
      wake.wait(lock, [&] { return stopping || published(); });
      sleepers.fetch_sub(1, std::memory_order_relaxed);
      if (stopping)
        return;
    }
    seen = generation.load(std::memory_order_acquire);
    tryRun(index, seen);
  }
}

int ThreadPool::defaultThreads() {
  if (const char *text = std::getenv("KILN_NUM_THREADS")) {
    char *end = nullptr;
    long value = std::strtol(text, &end, 10);
    if (end == text || *end != '\0' || value < 1 || value > kMaxThreads)
      fail("KILN_NUM_THREADS is '{}'; expected a number of threads from 1 to {}",
           text, kMaxThreads);
    return int(value);
  }
  // The cores this process may run on, shared with the other ranks of an
  // MPI job on this host (each rank a pool of its own would oversubscribe).
  int cores = int(std::thread::hardware_concurrency());
#ifdef __linux__
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0)
    cores = CPU_COUNT(&set);
#endif
  for (const char *var : {"OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS"})
    if (const char *text = std::getenv(var))
      if (long ranks = std::strtol(text, nullptr, 10); ranks > 1) {
        cores /= int(ranks);
        break;
      }
  return std::clamp(cores, 1, kMaxThreads);
}

} // namespace kiln
