//===- threads_test.cpp - The thread pool behind parallel_for -------------===//
#include "kiln/threads.h"
#include "kiln/denormals.h"

#include <sched.h>
#include "test_support.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <utility>

namespace kiln {
namespace {

using testing::HasSubstr;

/// The ranges a run hands out, and the threads that ran them.
struct Record {
  std::mutex mutex;
  std::set<std::pair<int64_t, int64_t>> ranges;
  std::set<std::thread::id> threads;
  static void body(void *self, int64_t begin, int64_t end) {
    auto *r = static_cast<Record *>(self);
    std::lock_guard<std::mutex> lock(r->mutex);
    r->ranges.insert({begin, end});
    r->threads.insert(std::this_thread::get_id());
  }
};

TEST(ThreadPool, SplitsIntoContiguousNearEqualParts) {
  ThreadPool pool(3);
  Record r;
  pool.run(10, &Record::body, &r);
  EXPECT_EQ(r.ranges, (std::set<std::pair<int64_t, int64_t>>{{0, 3}, {3, 6}, {6, 10}}));
  // The caller runs the first part, and any part no worker has claimed yet.
  EXPECT_TRUE(r.threads.count(std::this_thread::get_id()));
  EXPECT_LE(r.threads.size(), 3u);
}

// Workers asleep (idle past their spin) wake slowly; the caller runs the
// parts they have not claimed, so a run after an idle stretch does not wait
// for a wake-up. The parts are the same whoever runs them.
TEST(ThreadPool, CallerRunsPartsNoWorkerClaimed) {
  ThreadPool pool(3);
  int callerRanAll = 0;
  for (int run = 0; run < 20; ++run) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2)); // the workers fall asleep
    Record r;
    pool.run(9, &Record::body, &r);
    ASSERT_EQ(r.ranges, (std::set<std::pair<int64_t, int64_t>>{{0, 3}, {3, 6}, {6, 9}}));
    callerRanAll += r.threads.size() == 1;
  }
  // Not every time (a worker may wake before the caller finishes its part),
  // but a wake-up takes far longer than the caller's part of 9 elements.
  EXPECT_GT(callerRanAll, 0);
}

TEST(ThreadPool, FewerPartsThanThreadsAndAnEmptyRange) {
  ThreadPool pool(4);
  Record r;
  pool.run(2, &Record::body, &r);
  EXPECT_EQ(r.ranges, (std::set<std::pair<int64_t, int64_t>>{{0, 1}, {1, 2}}));
  Record none;
  pool.run(0, &Record::body, &none);
  EXPECT_TRUE(none.ranges.empty());
}

TEST(ThreadPool, OneThreadRunsOnTheCaller) {
  ThreadPool pool(1);
  Record r;
  pool.run(5, &Record::body, &r);
  EXPECT_EQ(r.ranges, (std::set<std::pair<int64_t, int64_t>>{{0, 5}}));
  EXPECT_EQ(*r.threads.begin(), std::this_thread::get_id());
}

// Many short runs in a row (a train step makes dozens): every element is
// done exactly once each time, none is lost between runs.
TEST(ThreadPool, ManyRunsEachCoverEverythingOnce) {
  ThreadPool pool(3);
  std::vector<std::atomic<int>> hits(1000);
  struct Arg {
    std::vector<std::atomic<int>> *hits;
  } arg{&hits};
  for (int run = 0; run < 2000; ++run)
    pool.run(int64_t(hits.size()), [](void *self, int64_t b, int64_t e) {
      auto *a = static_cast<Arg *>(self);
      for (int64_t i = b; i < e; ++i)
        ++(*a->hits)[i];
    }, &arg);
  for (auto &h : hits)
    ASSERT_EQ(h.load(), 2000);
}

// Runs over 0 to 6 elements (up to 5 parts) on pools of 2 to 5 threads, now and then after the
// workers fell asleep: a worker without a part in a run, or late from an
// earlier one (its part taken by the caller), runs nothing twice.
TEST(ThreadPool, VaryingPartsRunEachOnce) {
  for (int threads = 2; threads <= 5; ++threads) {
    ThreadPool pool(threads);
    std::vector<std::atomic<int>> hits(6);
    struct Arg {
      std::vector<std::atomic<int>> *hits;
    } arg{&hits};
    for (int run = 0; run < 600; ++run) {
      int64_t count = run % 7;
      if (run % 97 == 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      for (auto &h : hits)
        h = 0;
      pool.run(count, [](void *self, int64_t b, int64_t e) {
        auto *a = static_cast<Arg *>(self);
        for (int64_t i = b; i < e; ++i)
          ++(*a->hits)[i];
      }, &arg);
      for (int64_t i = 0; i < 6; ++i)
        ASSERT_EQ(hits[i].load(), i < count ? 1 : 0) << "threads " << threads << ", run " << run;
    }
  }
}

// A part after the first runs on its own worker or on the caller, never on
// another worker: worker i takes part i, run after run, so a part's data
// stays in one core's cache from kernel to kernel.
TEST(ThreadPool, WorkersKeepTheirParts) {
  ThreadPool pool(3);
  struct Arg {
    std::thread::id caller = std::this_thread::get_id();
    std::mutex mutex;
    std::map<int64_t, std::set<std::thread::id>> workersOf;
  } arg;
  for (int run = 0; run < 300; ++run) {
    if (run % 50 == 0) // now and then the workers fall asleep
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    pool.run(3, [](void *self, int64_t b, int64_t) {
      auto *a = static_cast<Arg *>(self);
      std::lock_guard<std::mutex> lock(a->mutex);
      if (std::this_thread::get_id() != a->caller)
        a->workersOf[b].insert(std::this_thread::get_id());
    }, &arg);
  }
  ASSERT_LE(arg.workersOf[1].size(), 1u);
  ASSERT_LE(arg.workersOf[2].size(), 1u);
  if (!arg.workersOf[1].empty() && !arg.workersOf[2].empty())
    EXPECT_NE(*arg.workersOf[1].begin(), *arg.workersOf[2].begin());
}

// Runs far apart (the workers fall asleep between them) and parts that
// outlast the caller's spin (the caller falls asleep waiting): every wake-up
// arrives (a lost one would hang here) and every part runs once.
TEST(ThreadPool, WakesSleepingWorkersAndCaller) {
  std::atomic<bool> finished{false};
  std::thread watchdog([&] { // a lost wake-up fails here, not at ctest's timeout
    for (int i = 0; i < 600 && !finished; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (!finished) {
      std::fprintf(stderr, "a run did not finish within 60 s: a lost wake-up\n");
      std::_Exit(1);
    }
  });
  ThreadPool pool(3);
  std::vector<std::atomic<int>> hits(3);
  struct Arg {
    std::vector<std::atomic<int>> *hits;
  } arg{&hits};
  for (int run = 0; run < 60; ++run) {
    std::this_thread::sleep_for(std::chrono::microseconds(run % 2 ? 400 : 20));
    pool.run(3, [](void *self, int64_t b, int64_t e) {
      auto *a = static_cast<Arg *>(self);
      if (b > 0) // parts after the first: longer than the caller spins
        std::this_thread::sleep_for(std::chrono::microseconds(300));
      for (int64_t i = b; i < e; ++i)
        ++(*a->hits)[i];
    }, &arg);
  }
  finished = true;
  watchdog.join();
  for (auto &h : hits)
    ASSERT_EQ(h.load(), 60);
}

/// The bits of half the smallest normal float: a denormal's, or 0 when
/// flushed (bits: under DAZ a denormal compares equal to 0).
uint32_t halfOfSmallestNormal() {
  volatile float smallest = 1.17549435e-38f;
  float half = smallest * 0.5f;
  uint32_t bits;
  std::memcpy(&bits, &half, sizeof(bits));
  return bits;
}

/// The smallest denormal (bits 1) times 2^23: 2^-126 unless denormal
/// inputs read as zero (DAZ).
float smallestDenormalScaled() {
  uint32_t bits = 1;
  float tiny;
  std::memcpy(&tiny, &bits, sizeof(tiny));
  volatile float in = tiny;
  return in * 8388608.0f;
}

TEST(FlushDenormals, FlushesForItsLifetimeOnly) {
  EXPECT_NE(halfOfSmallestNormal(), 0u);
  EXPECT_EQ(smallestDenormalScaled(), 1.17549435e-38f);
  {
    FlushDenormals flush;
    EXPECT_EQ(halfOfSmallestNormal(), 0u); // results flushed
    float scaled = smallestDenormalScaled(); // inputs read as zero
    uint32_t bits;
    std::memcpy(&bits, &scaled, sizeof(bits));
    EXPECT_EQ(bits, 0u);
  }
  EXPECT_NE(halfOfSmallestNormal(), 0u);
}

// Every part computes as the caller does, whichever thread runs it: results
// do not depend on the thread count.
TEST(ThreadPool, WorkersFlushDenormals) {
  ThreadPool pool(3);
  struct Seen {
    std::mutex mutex;
    std::map<std::thread::id, uint32_t> halves;
    static void body(void *self, int64_t, int64_t) {
      auto *s = static_cast<Seen *>(self);
      uint32_t half = halfOfSmallestNormal();
      std::lock_guard<std::mutex> lock(s->mutex);
      s->halves[std::this_thread::get_id()] = half;
    }
  } seen;
  FlushDenormals flush;
  // Until a worker has run a part (the caller runs those of sleeping ones).
  auto start = std::chrono::steady_clock::now();
  while (seen.halves.size() < 2 &&
         std::chrono::steady_clock::now() - start < std::chrono::seconds(10))
    pool.run(3, Seen::body, &seen);
  ASSERT_GE(seen.halves.size(), 2u);
  for (auto [thread, half] : seen.halves)
    EXPECT_EQ(half, 0u);
}

TEST(ThreadPool, DefaultThreadsFromTheEnvironment) {
  ::setenv("KILN_NUM_THREADS", "3", 1);
  EXPECT_EQ(ThreadPool::defaultThreads(), 3);
  ::setenv("KILN_NUM_THREADS", "zero", 1);
  EXPECT_THAT(test::errorOf([] { ThreadPool::defaultThreads(); }),
              HasSubstr("KILN_NUM_THREADS is 'zero'; expected a number of threads from 1 to 4096"));
  ::unsetenv("KILN_NUM_THREADS");
  // Else the cores this process may use (all of them here).
  cpu_set_t set;
  ASSERT_EQ(sched_getaffinity(0, sizeof(set), &set), 0);
  EXPECT_EQ(ThreadPool::defaultThreads(), CPU_COUNT(&set));
  ::setenv("OMPI_COMM_WORLD_LOCAL_SIZE", "1000000", 1); // more ranks than cores
  EXPECT_EQ(ThreadPool::defaultThreads(), 1);
  ::unsetenv("OMPI_COMM_WORLD_LOCAL_SIZE");
  EXPECT_THAT(test::errorOf([] { ThreadPool pool(0); }),
              HasSubstr("the number of threads must be at least 1, got 0"));
}

} // namespace
} // namespace kiln
