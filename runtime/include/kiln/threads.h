//===- threads.h - The thread pool behind kiln_context.parallel_for -------===//
//
// Generated kernels whose loop iterations are independent hand their trips
// to the context's parallel_for (kiln-parallel-calls), and the trainer its
// batch's rows to gather; the pool splits them into contiguous parts, one
// per thread: worker i claims part i, and after a run that found a worker
// asleep the caller runs the parts not claimed yet. The parts never overlap, depend
// only on n and the pool's size, and each iteration does the same
// arithmetic wherever it runs (every part with denormals flushed to zero,
// kiln/denormals.h), so results are bit-identical for any number of threads.
//
#ifndef KILN_THREADS_H
#define KILN_THREADS_H

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace kiln {

class ThreadPool {
public:
  /// `threads` >= 1 in all: the caller of run() and threads - 1 workers.
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  int size() const { return threads; }
  static constexpr int kMaxThreads = 4096;

  /// Runs body(arg, begin, end) over [0, n) in size() contiguous parts of
  /// near-equal length (fewer when n is smaller), the caller taking the
  /// first (and, when a worker was asleep, any not claimed by then), and
  /// returns when every part is done. One run at a time: models
  /// that share a pool must not be called from several threads at once.
  void run(int64_t n, void (*body)(void *, int64_t, int64_t), void *arg);

  /// The threads a run gets by default: KILN_NUM_THREADS when set (a
  /// positive integer, or an error naming it), else the cores this process
  /// may run on, divided among the MPI ranks on this host.
  static int defaultThreads();

private:
  void work(int index);
  /// Runs part `index` of run `run` if it is open and nobody claimed it.
  void tryRun(int64_t index, uint64_t run);

  const int threads;
  std::vector<std::thread> workers;
  // A run is published by incrementing `generation`; the workers, and then
  // the caller waiting for them, spin a little before sleeping: a kernel
  // lasts microseconds, and a wake-up from sleep about as long.
  std::mutex mutex;
  std::condition_variable wake, done;
  // The mutex is taken only around sleeping: a sleeper counts itself first,
  // and a run takes the lock (and notifies) only when someone may sleep.
  std::atomic<uint64_t> generation{0}; // one per run()
  // Part i's claim (i >= 1): 2 * run while open, 2 * run + 1 once taken;
  // a line each, as each is written by its worker.
  struct alignas(64) Slot {
    std::atomic<uint64_t> state{0};
  };
  std::unique_ptr<Slot[]> slots;
  std::atomic<int> pending{0}; // parts after the first not yet done
  std::atomic<int> sleepers{0};        // workers asleep or about to be
  std::atomic<bool> callerAsleep{false};
  bool stopping = false;
  int64_t n = 0, parts = 0;
  void (*body)(void *, int64_t, int64_t) = nullptr;
  void *arg = nullptr;
};

} // namespace kiln

#endif // KILN_THREADS_H
