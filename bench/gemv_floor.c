// The floor under batch-1 dense latency: y = W x over ROWS rows of 784 fp32
// weights (fashion_mlp's first layer is 512 of them, all its layers 683 rows'
// worth), x in L1, repeated 2000 times; prints the best and mean time of one
// pass. Nothing but the weights' stream: no model, no threads, no sync.
// Usage: gemv_floor ROWS
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <x86intrin.h>
#include <time.h>

#define K 784
static float x[K] __attribute__((aligned(64)));
float y[8192];

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

int main(int argc, char **argv) {
  int rows = argc > 1 ? atoi(argv[1]) : 683;
  if (rows < 1 || rows > 8192)
    return fprintf(stderr, "gemv_floor: ROWS must be 1..8192\n"), 2;
  float *w = aligned_alloc(64, (size_t)rows * K * 4);
  for (long i = 0; i < (long)rows * K; i++)
    w[i] = (float)(i % 13) * 0.01f;
  for (int k = 0; k < K; k++)
    x[k] = 1;
  double best = 1e30, sum = 0;
  const int runs = 2000, warm = 100;
  for (int it = 0; it < runs; it++) {
    double t0 = now_us();
    // Four rows at a time: four independent sums keep the loads, not one
    // chain of FMA latencies, the limit (a single chain read 5-15% slower).
    int i = 0;
    for (; i + 4 <= rows; i += 4) {
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
    for (; i < rows; i++) {
      const float *row = w + (long)i * K;
      __m512 acc = _mm512_setzero_ps();
      for (int k = 0; k < K; k += 16)
        acc = _mm512_fmadd_ps(_mm512_loadu_ps(row + k), _mm512_load_ps(x + k), acc);
      y[i] = _mm512_reduce_add_ps(acc);
    }
    double us = now_us() - t0;
    if (it >= warm) {
      sum += us;
      best = us < best ? us : best;
    }
  }
  float check = 0;
  for (int i = 0; i < rows; i++)
    check += y[i];
  printf("%d rows (%.2f MB): best %.2f us, mean %.2f us (check %g)\n", rows,
         rows * K * 4 / 1e6, best, sum / (runs - warm), check);
  return 0;
}
