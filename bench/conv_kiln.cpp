//===- conv_kiln.cpp - GFLOP/s of fashion_cnn's conv layers, vs FMA peak --===//
//
// Linked with the objects bench/conv.sh compiles with `kilnc --emit=obj`; for
// each layer P (l1, l2) five single-layer models:
//   P_fwd  the conv alone, "training": false       forward = F
//   P_w    the conv alone, trainable                train_step = F + W + loss
//   P_pw   [pre frozen, conv trainable]             train_step = F + W + loss
//   P_pi   [pre trainable, conv frozen]             train_step = F + I + loss
//   P_piw  [pre trainable, conv trainable]          train_step = F + I + W + loss
// ("pre" is a per-channel scale, a depthwise 1x1 conv, so that the conv's
// input gradient is needed). W = piw - pi, I = piw - pw. See bench/README.md.
//
// Times the generated entry points in-process: every entry of a layer runs a
// block of calls in turn, for --rounds rounds; the best block gives the time
// per call. The zmm FMA peak is measured before and after, in this process.
// Usage: conv_kiln [ROUNDS] [BLOCK_MS]
//
#include "l1_fwd.h"
#include "l1_pi.h"
#include "l1_piw.h"
#include "l1_pw.h"
#include "l1_w.h"
#include "l2_fwd.h"
#include "l2_pi.h"
#include "l2_piw.h"
#include "l2_pw.h"
#include "l2_w.h"

#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

using Clock = std::chrono::steady_clock;

static double seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// FMA peak of one core: 16 independent chains of zmm FMAs (enough to cover
// 2 pipes x 4 cycles of latency), 2 FLOP per lane. Best of 5 runs of ~0.1 s.
static double fmaPeakGflops() {
#ifndef __AVX512F__
#error "conv_kiln measures the zmm FMA peak: compile with -march=native on an AVX-512 machine"
#endif
  const long iters = 20000000;
  double best = 0;
  for (int rep = 0; rep < 5; ++rep) {
    __m512 acc[16];
    for (int j = 0; j < 16; ++j)
      acc[j] = _mm512_set1_ps(float(j) * 1e-3f);
    __m512 mul = _mm512_set1_ps(0.999999f), add = _mm512_set1_ps(1e-7f);
    asm volatile("" : "+v"(mul), "+v"(add));
    auto start = Clock::now();
    for (long i = 0; i < iters; ++i) {
#pragma GCC unroll 16
      for (int j = 0; j < 16; ++j)
        acc[j] = _mm512_fmadd_ps(acc[j], mul, add);
    }
    double t = seconds(start);
    __m512 sum = acc[0];
    for (int j = 1; j < 16; ++j)
      sum = _mm512_add_ps(sum, acc[j]);
    volatile float sink = _mm512_reduce_add_ps(sum);
    (void)sink;
    best = std::max(best, iters * 16.0 * 16 * 2 / t / 1e9);
  }
  return best;
}

namespace {

struct Entry {
  std::string pass;
  std::function<void()> call;
  std::vector<double> perCall; // seconds, one per round
  long calls = 1;
  double best() const { return *std::min_element(perCall.begin(), perCall.end()); }
  double median() const {
    std::vector<double> v = perCall;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  }
};

struct Layer {
  std::string name;
  kiln::Model fwd, w, pw, pi, piw;
};

} // namespace

int main(int argc, char **argv) {
  int rounds = argc > 1 ? std::atoi(argv[1]) : 15;
  double blockSeconds = (argc > 2 ? std::atof(argv[2]) : 100) / 1e3;
  const float lr = 1e-4f; // SGD; small, so that repeated steps stay tame

  double peakBefore = fmaPeakGflops();
  std::vector<Layer> layers;
  layers.push_back({"conv1", kiln::Model(*l1_fwd_abi()), kiln::Model(*l1_w_abi()),
                    kiln::Model(*l1_pw_abi()), kiln::Model(*l1_pi_abi()),
                    kiln::Model(*l1_piw_abi())});
  layers.push_back({"conv2", kiln::Model(*l2_fwd_abi()), kiln::Model(*l2_w_abi()),
                    kiln::Model(*l2_pw_abi()), kiln::Model(*l2_pi_abi()),
                    kiln::Model(*l2_piw_abi())});

  struct Row {
    std::string layer, pass;
    double ms, msMedian, flops;
  };
  std::vector<Row> rows;
  for (Layer &l : layers) {
    for (kiln::Model *m : {&l.fwd, &l.w, &l.pw, &l.pi, &l.piw})
      m->init(1);
    const kiln::Manifest &mf = l.fwd.getManifest();
    const kiln::Shape &in = mf.inputShape(), &out = mf.outputShape();
    const kiln::Shape &wt = mf.params[0].shape; // [F, C, KH, KW]
    int64_t batch = l.fwd.forwardBatchSize();
    if (l.w.trainBatchSize() != batch || l.piw.trainBatchSize() != batch)
      std::abort();
    double flops = 2.0 * batch * kiln::shapeSize(out) * wt[1] * wt[2] * wt[3];
    std::printf("%s: conv %lld->%lld %lldx%lld on %lldx%lld, batch %lld: %.1f MFLOP per pass\n",
                l.name.c_str(), (long long)in[0], (long long)out[0], (long long)wt[2],
                (long long)wt[3], (long long)in[1], (long long)in[2], (long long)batch,
                flops / 1e6);

    std::vector<float> x(batch * kiln::shapeSize(in));
    uint32_t s = 12345;
    for (float &v : x) { // uniform in [-1, 1)
      s = s * 1664525u + 1013904223u;
      v = float(s >> 8) / float(1 << 23) - 1.0f;
    }
    std::vector<float> y(batch * kiln::shapeSize(out), 0.0f);
    std::vector<float> o(y.size());
    auto train = [&](kiln::Model &m) {
      return [&m, &x, &y, &o, lr] { m.trainBatch(x.data(), y.data(), lr, o.data()); };
    };
    std::vector<Entry> e;
    e.push_back({"forward", [&] { l.fwd.forwardBatch(x.data(), o.data()); }});
    e.push_back({"w.forward", [&] { l.w.forwardBatch(x.data(), o.data()); }});
    e.push_back({"w.train", train(l.w)});
    e.push_back({"pw.train", train(l.pw)});
    e.push_back({"pi.train", train(l.pi)});
    e.push_back({"piw.train", train(l.piw)});

    for (Entry &en : e) { // warm up, then size the block to ~blockSeconds
      auto start = Clock::now();
      int n = 0;
      while (n < 3 || seconds(start) < 0.2 * blockSeconds) {
        en.call();
        ++n;
      }
      en.calls = std::max(1L, long(blockSeconds / (seconds(start) / n)));
    }
    for (int r = 0; r < rounds; ++r)
      for (Entry &en : e) {
        auto start = Clock::now();
        for (long i = 0; i < en.calls; ++i)
          en.call();
        en.perCall.push_back(seconds(start) / en.calls);
      }

    std::printf("  entries, ms per call, best / median:");
    for (const Entry &en : e)
      std::printf(" %s %.3f/%.3f", en.pass.c_str(), en.best() * 1e3, en.median() * 1e3);
    std::printf("\n");

    auto add = [&](const char *pass, double t, double tm, double f) {
      rows.push_back({l.name, pass, t * 1e3, tm * 1e3, f});
    };
    const Entry &fwd = e[0], &wf = e[1], &w = e[2], &pw = e[3], &pi = e[4], &piw = e[5];
    add("forward", fwd.best(), fwd.median(), flops);
    add("weight grad (piw - pi)", piw.best() - pi.best(), piw.median() - pi.median(), flops);
    add("input grad (piw - pw)", piw.best() - pw.best(), piw.median() - pw.median(), flops);
    add("weight grad+loss (w - w.fwd)", w.best() - wf.best(), w.median() - wf.median(), flops);
    add("train_step, first layer (w)", w.best(), w.median(), 2 * flops);
    add("train_step, + input grad (piw)", piw.best(), piw.median(), 3 * flops);
  }
  double peakAfter = fmaPeakGflops();
  double peak = std::max(peakBefore, peakAfter);

  std::printf("\nFMA peak, one core, zmm: %.1f GFLOP/s (before %.1f, after %.1f; "
              "= %.2f GHz x 64 FLOP/cycle)\n",
              peak, peakBefore, peakAfter, peak / 64);
  if (std::min(peakBefore, peakAfter) < 0.9 * peak)
    std::printf("warning: the two peak measurements differ by more than 10%%: the core was busy "
                "or changed clock; rerun when the machine is quiet\n");
  std::printf("%d rounds; ms per call from the best round (median in brackets); "
              "GFLOP/s and %% of peak from the best\n\n",
              rounds);
  std::printf("%-6s %-30s %9s %10s %8s %7s\n", "layer", "pass", "ms", "(median)", "GFLOP/s",
              "% peak");
  for (const Row &r : rows) {
    double g = r.flops / (r.ms / 1e3) / 1e9;
    std::printf("%-6s %-30s %9.3f %10.3f", r.layer.c_str(), r.pass.c_str(), r.ms, r.msMedian);
    if (r.ms > 0) // a difference can come out negative: see bench/README.md
      std::printf(" %8.1f %6.1f%%\n", g, 100 * g / peak);
    else
      std::printf(" %8s %7s\n", "n/a", "n/a");
  }
  return 0;
}
