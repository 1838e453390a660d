// The floor under batch-1 dense latency: y = W x over ROWS rows of 784 fp32
// weights (fashion_mlp's first layer is 512 of them, all its layers 683 rows'
// worth), x in L1, repeated 2000 times; prints the best, median and mean time
// of one pass. Nothing but the weights' stream: no model, no threads. With
// THREADS > 1, the threads of one process split the rows (each streams its
// share, in groups of four rows, the last also the rest) and meet once per
// pass: thread 0 starts the pass and waits for the others' ends, as a forward
// split over threads must at least, so the time is the slowest share plus one
// hand-off each way.
// Usage: gemv_floor ROWS [THREADS]
#include <immintrin.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define K 784
#define RUNS 2000
#define WARM 100
#define MAX_THREADS 256
static float x[K] __attribute__((aligned(64)));
float y[8192];
static float *w;
static int rows, threads;

// One line each: the pass thread 0 published, and the last pass each ended.
static struct {
  _Alignas(64) atomic_int pass;
} start;
static struct {
  _Alignas(64) atomic_int pass;
} ended[MAX_THREADS];

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

// Rows [begin, end). Four rows at a time: four independent sums keep the
// loads, not one chain of FMA latencies, the limit (a single chain read
// 5-15% slower).
static void gemv(int begin, int end) {
  int i = begin;
  for (; i + 4 <= end; i += 4) {
    const float *r = w + (long)i * K;
    __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    for (int k = 0; k < K; k += 16) {
      __m512 xv = _mm512_load_ps(x + k);
      a0 = _mm512_fmadd_ps(_mm512_loadu_ps(r + k), xv, a0);
      a1 = _mm512_fmadd_ps(_mm512_loadu_ps(r + K + k), xv, a1);
      a2 = _mm512_fmadd_ps(_mm512_loadu_ps(r + 2 * K + k), xv, a2);
      a3 = _mm512_fmadd_ps(_mm512_loadu_ps(r + 3 * K + k), xv, a3);
    }
    y[i] = _mm512_reduce_add_ps(a0);
    y[i + 1] = _mm512_reduce_add_ps(a1);
    y[i + 2] = _mm512_reduce_add_ps(a2);
    y[i + 3] = _mm512_reduce_add_ps(a3);
  }
  for (; i < end; i++) {
    const float *row = w + (long)i * K;
    __m512 acc = _mm512_setzero_ps();
    for (int k = 0; k < K; k += 16)
      acc = _mm512_fmadd_ps(_mm512_loadu_ps(row + k), _mm512_load_ps(x + k), acc);
    y[i] = _mm512_reduce_add_ps(acc);
  }
}

// Share t of the rows, in whole groups of four where it can.
static int first_row(int t) { return (int)((long)rows / 4 * t / threads * 4); }
static int last_row(int t) { return t == threads - 1 ? rows : first_row(t + 1); }

static void *worker(void *arg) {
  int t = (int)(long)arg;
  for (int pass = 1; pass <= RUNS; pass++) {
    while (atomic_load_explicit(&start.pass, memory_order_acquire) != pass)
      _mm_pause();
    gemv(first_row(t), last_row(t));
    atomic_store_explicit(&ended[t].pass, pass, memory_order_release);
  }
  return NULL;
}

static int by_value(const void *a, const void *b) {
  double l = *(const double *)a, r = *(const double *)b;
  return (l > r) - (l < r);
}

int main(int argc, char **argv) {
  rows = argc > 1 ? atoi(argv[1]) : 683;
  threads = argc > 2 ? atoi(argv[2]) : 1;
  if (rows < 1 || rows > 8192)
    return fprintf(stderr, "gemv_floor: ROWS must be 1..8192\n"), 2;
  if (threads < 1 || threads > MAX_THREADS || (threads > 1 && rows < 4 * threads))
    return fprintf(stderr, "gemv_floor: THREADS must be 1..%d, at most ROWS / 4\n", MAX_THREADS), 2;
  w = aligned_alloc(64, (size_t)rows * K * 4);
  for (long i = 0; i < (long)rows * K; i++)
    w[i] = (float)(i % 13) * 0.01f;
  for (int k = 0; k < K; k++)
    x[k] = 1;
  pthread_t tid[MAX_THREADS];
  for (int t = 1; t < threads; t++)
    if (pthread_create(&tid[t], NULL, worker, (void *)(long)t) != 0)
      return fprintf(stderr, "gemv_floor: cannot start a thread\n"), 1;
  static double times[RUNS];
  for (int pass = 1; pass <= RUNS; pass++) {
    double t0 = now_us();
    atomic_store_explicit(&start.pass, pass, memory_order_release);
    gemv(first_row(0), last_row(0));
    for (int t = 1; t < threads; t++)
      while (atomic_load_explicit(&ended[t].pass, memory_order_acquire) != pass)
        _mm_pause();
    times[pass - 1] = now_us() - t0;
  }
  for (int t = 1; t < threads; t++)
    pthread_join(tid[t], NULL);
  double sum = 0;
  for (int i = WARM; i < RUNS; i++)
    sum += times[i];
  qsort(times + WARM, RUNS - WARM, sizeof(double), by_value);
  float check = 0;
  for (int i = 0; i < rows; i++)
    check += y[i];
  printf("%d rows (%.2f MB), %d thread(s): best %.2f us, median %.2f us, mean %.2f us (check %g)\n",
         rows, rows * K * 4 / 1e6, threads, times[WARM], times[WARM + (RUNS - WARM) / 2],
         sum / (RUNS - WARM), check);
  return 0;
}
