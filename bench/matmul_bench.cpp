//===- matmul_bench.cpp - fp32 GEMM rates: FMA peak, Kiln, BLAS libraries -===//
//
// One process per measurement (bench/matmul.py alternates them):
//   matmul_bench peak T         an FMA loop on T threads: the machine's limit
//   matmul_bench kiln S T       Model::predict of a compiled dense layer
//                               (y = x Wᵀ, batch S, S in, S out, no bias),
//                               W packed once (prepare, at the warm-up call)
//   matmul_bench kilnw S T      the same with W changed before every call:
//                               prepare packs it each time, as a library's
//                               sgemm packs its operands
//   matmul_bench blas S T       cblas_sgemm(x, Wᵀ) from the OpenBLAS loaded
//                               at run time (LD_LIBRARY_PATH picks which)
//   matmul_bench dnnl S T       dnnl_sgemm(x, Wᵀ) from oneDNN (libdnnl.so.2,
//                               its own JIT kernels for the host's ISA;
//                               threads from OMP_NUM_THREADS)
//   matmul_bench block T        Kiln's matmul register block (2 vectors of
//                               columns by 12 rows on Intel with AVX-512, 8 on
//                               other AVX-512 CPUs, 6 with AVX2) on panels that
//                               stay in L1, on T threads: the most any matmul's
//                               inner loop reaches on this core
// Each prints the best GFLOP/s over its rounds. Built with -march=native.
//
#ifdef KILN_BENCH_MODEL
#include "bench_model.h"
#endif

#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace {

double seconds(const std::function<void()> &f) {
  auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// Best rate over `rounds` of `calls` calls, after one warm-up call.
double bestRate(double flop, int rounds, int calls, const std::function<void()> &f) {
  f();
  double best = 1e30;
  for (int r = 0; r < rounds; ++r)
    best = std::min(best, seconds([&] {
                      for (int i = 0; i < calls; ++i)
                        f();
                    }) / calls);
  return flop / best * 1e-9;
}

#ifdef __AVX512F__
using Vec = __m512;
inline Vec vfma(Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); }
inline Vec vset(float x) { return _mm512_set1_ps(x); }
inline float vsum(Vec v) { return _mm512_reduce_add_ps(v); }
inline Vec vload(const float *p) { return _mm512_load_ps(p); }
inline Vec vloadu(const float *p) { return _mm512_loadu_ps(p); }
inline void vstoreu(float *p, Vec v) { _mm512_storeu_ps(p, v); }
constexpr int kLanes = 16;
#else
using Vec = __m256;
inline Vec vfma(Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); }
inline Vec vset(float x) { return _mm256_set1_ps(x); }
inline float vsum(Vec v) {
  alignas(32) float l[8];
  _mm256_store_ps(l, v);
  float s = 0;
  for (float x : l)
    s += x;
  return s;
}
inline Vec vload(const float *p) { return _mm256_load_ps(p); }
inline Vec vloadu(const float *p) { return _mm256_loadu_ps(p); }
inline void vstoreu(float *p, Vec v) { _mm256_storeu_ps(p, v); }
constexpr int kLanes = 8;
#endif

/// 12 independent FMA chains (more than latency x ports), `iters` times,
/// in named registers (an array would live on the stack).
float fmaLoop(long iters) {
  Vec a = vset(0.999999f), b = vset(1e-7f);
  Vec c0 = vset(1), c1 = vset(2), c2 = vset(3), c3 = vset(4), c4 = vset(5), c5 = vset(6);
  Vec c6 = vset(7), c7 = vset(8), c8 = vset(9), c9 = vset(10), c10 = vset(11), c11 = vset(12);
  for (long n = 0; n < iters; ++n) {
    c0 = vfma(c0, a, b), c1 = vfma(c1, a, b), c2 = vfma(c2, a, b), c3 = vfma(c3, a, b);
    c4 = vfma(c4, a, b), c5 = vfma(c5, a, b), c6 = vfma(c6, a, b), c7 = vfma(c7, a, b);
    c8 = vfma(c8, a, b), c9 = vfma(c9, a, b), c10 = vfma(c10, a, b), c11 = vfma(c11, a, b);
    asm volatile("" : "+v"(c0), "+v"(c1), "+v"(c2), "+v"(c3), "+v"(c4), "+v"(c5));
    asm volatile("" : "+v"(c6), "+v"(c7), "+v"(c8), "+v"(c9), "+v"(c10), "+v"(c11));
  }
  return vsum(c0) + vsum(c1) + vsum(c2) + vsum(c3) + vsum(c4) + vsum(c5) + vsum(c6) +
         vsum(c7) + vsum(c8) + vsum(c9) + vsum(c10) + vsum(c11);
}

double peak(int threads) {
  const long iters = 20'000'000;
  double flop = 12.0 * kLanes * 2 * iters * threads;
  double best = 1e30;
  for (int r = 0; r < 5; ++r) {
    std::vector<std::thread> ts;
    volatile float sink = 0;
    best = std::min(best, seconds([&] {
                      for (int t = 0; t < threads; ++t)
                        ts.emplace_back([&] { sink = fmaLoop(iters); });
                      for (auto &t : ts)
                        t.join();
                    }));
  }
  return flop / best * 1e-9;
}

/// C[rows, 2 lanes] += A[rows, kc] B[kc, 2 lanes], A and B packed as a
/// matmul's panels ([kc][rows], [kc][2 lanes]): C loaded before and stored
/// after, as in a matmul's reduction chunk.
template <int kBlockRows>
void registerBlock(int kc, const float *a, const float *b, float *c) {
  Vec acc[kBlockRows][2];
#pragma GCC unroll 16
  for (int i = 0; i < kBlockRows; ++i)
    acc[i][0] = vloadu(c + i * 2 * kLanes), acc[i][1] = vloadu(c + i * 2 * kLanes + kLanes);
  for (int k = 0; k < kc; ++k) {
    Vec b0 = vload(b + k * 2 * kLanes), b1 = vload(b + k * 2 * kLanes + kLanes);
#pragma GCC unroll 16
    for (int i = 0; i < kBlockRows; ++i) {
      Vec ai = vset(a[k * kBlockRows + i]);
      acc[i][0] = vfma(ai, b0, acc[i][0]), acc[i][1] = vfma(ai, b1, acc[i][1]);
    }
  }
#pragma GCC unroll 16
  for (int i = 0; i < kBlockRows; ++i)
    vstoreu(c + i * 2 * kLanes, acc[i][0]), vstoreu(c + i * 2 * kLanes + kLanes, acc[i][1]);
}

/// The register block over kc = 256 (A and B panels: 12 + 32 KB at 512
/// bits), the same panels again and again, on each of `threads` threads.
template <int kBlockRows> double block(int threads) {
  const int kc = 256, calls = 100'000;
  double flop = 2.0 * kBlockRows * 2 * kLanes * kc * calls * threads;
  double best = 1e30;
  for (int r = 0; r < 5; ++r) {
    std::vector<std::thread> ts;
    best = std::min(best, seconds([&] {
                      for (int t = 0; t < threads; ++t)
                        ts.emplace_back([&] {
                          auto panel = [](size_t n, float v) {
                            auto *p = static_cast<float *>(std::aligned_alloc(64, n * 4));
                            std::fill(p, p + n, v);
                            return p;
                          };
                          float *a = panel(kc * kBlockRows, 1e-3f),
                                *b = panel(kc * 2 * kLanes, 1e-3f),
                                *c = panel(kBlockRows * 2 * kLanes, 0.f);
                          for (int i = 0; i < calls; ++i)
                            registerBlock<kBlockRows>(kc, a, b, c);
                          volatile float sink = c[0];
                          (void)sink;
                          std::free(a), std::free(b), std::free(c);
                        });
                      for (auto &t : ts)
                        t.join();
                    }));
  }
  return flop / best * 1e-9;
}

/// The block of the rows kilnc's target picks: 24 accumulators on Intel
/// with AVX-512, else 16 (6 rows with AVX2's 16 registers).
double kilnBlock(int threads) {
#ifdef __AVX512F__
  return __builtin_cpu_is("intel") ? block<12>(threads) : block<8>(threads);
#else
  return block<6>(threads);
#endif
}

int callsFor(long s) { return std::max<long>(1, 2'000'000'000L / (2 * s * s * s)); }

/// `name` in the shared library `lib`, loaded at run time, as a `T`; exits
/// with a message when either is missing.
template <typename T> T symbol(const char *lib, const char *name) {
  void *handle = dlopen(lib, RTLD_NOW);
  if (!handle) {
    std::fprintf(stderr, "matmul_bench: %s\n", dlerror());
    std::exit(1);
  }
  void *sym = dlsym(handle, name);
  if (!sym) {
    std::fprintf(stderr, "matmul_bench: no %s in %s\n", name, lib);
    std::exit(1);
  }
  return reinterpret_cast<T>(sym);
}

double blas(long s, int threads) {
  using Sgemm = void (*)(int, int, int, int, int, int, float, const float *, int,
                         const float *, int, float, float *, int);
  auto sgemm = symbol<Sgemm>("libopenblas.so.0", "cblas_sgemm");
  symbol<void (*)(int)>("libopenblas.so.0", "openblas_set_num_threads")(threads);
  std::vector<float> x(s * s, 0.5f), w(s * s, 0.25f), y(s * s);
  enum { RowMajor = 101, NoTrans = 111, Trans = 112 };
  return bestRate(2.0 * s * s * s, 5, callsFor(s), [&] {
    sgemm(RowMajor, NoTrans, Trans, s, s, s, 1.0f, x.data(), s, w.data(), s, 0.0f,
          y.data(), s);
  });
}

/// oneDNN, Intel's library: where its JIT kernels stop is what the vendor
/// reaches on this core. Threads are OpenMP's (OMP_NUM_THREADS).
double dnnl(long s) {
  using Sgemm = int (*)(char, char, long, long, long, float, const float *, long,
                        const float *, long, float, float *, long);
  auto sgemm = symbol<Sgemm>("libdnnl.so.2", "dnnl_sgemm");
  std::vector<float> x(s * s, 0.5f), w(s * s, 0.25f), y(s * s);
  return bestRate(2.0 * s * s * s, 5, callsFor(s), [&] {
    if (sgemm('N', 'T', s, s, s, 1.0f, x.data(), s, w.data(), s, 0.0f, y.data(), s) != 0) {
      std::fprintf(stderr, "matmul_bench: dnnl_sgemm failed\n");
      std::exit(1);
    }
  });
}

double kilnRate(long s, int threads, bool newWeights) {
#ifdef KILN_BENCH_MODEL
  BenchModel model;
  model.init(1);
  kiln::ThreadPool pool(threads);
  model.useThreads(&pool);
  std::vector<float> x(s * s, 0.5f), y(s * s);
  return bestRate(2.0 * s * s * s, 5, callsFor(s), [&] {
    if (newWeights)
      model.paramsChanged();
    model.predict(x.data(), s, y.data());
  });
#else
  (void)s, (void)threads, (void)newWeights;
  std::fprintf(stderr, "matmul_bench: built without a model\n");
  std::exit(1);
#endif
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: matmul_bench peak T | block T | kiln S T | kilnw S T | blas S T | dnnl S T\n");
    return 2;
  }
  std::string mode = argv[1];
  if (mode == "peak")
    std::printf("%.1f\n", peak(std::atoi(argv[2])));
  else if (mode == "block")
    std::printf("%.1f\n", kilnBlock(std::atoi(argv[2])));
  else if (argc == 4 && (mode == "kiln" || mode == "kilnw"))
    std::printf("%.1f\n", kilnRate(std::atol(argv[2]), std::atoi(argv[3]), mode == "kilnw"));
  else if (argc == 4 && mode == "blas")
    std::printf("%.1f\n", blas(std::atol(argv[2]), std::atoi(argv[3])));
  else if (argc == 4 && mode == "dnnl")
    std::printf("%.1f\n", dnnl(std::atol(argv[2])));
  else
    return 2;
  return 0;
}
