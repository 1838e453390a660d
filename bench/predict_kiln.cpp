//===- predict_kiln.cpp - One-sample predict latency through kiln::Model --===//
//
// Linked with the object `kilnc --emit=obj` writes for the model (symbol
// `bench_model`). Times Model::predict of one sample (forward_1), inside the
// process: start-up and loading excluded, on THREADS threads (default 1).
// Prints "<median us> <best us>" over ROUNDS rounds of CALLS calls.
// Usage: predict_kiln [ROUNDS] [CALLS] [THREADS]
//
#include "bench_model.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char **argv) {
  int rounds = argc > 1 ? std::atoi(argv[1]) : 7;
  int calls = argc > 2 ? std::atoi(argv[2]) : 5000;
  BenchModel model;
  model.init(1);
  kiln::ThreadPool pool(argc > 3 ? std::atoi(argv[3]) : 1);
  model.useThreads(&pool);
  const kiln::Manifest &m = model.getManifest();
  std::vector<float> x(kiln::shapeSize(m.inputShape()), 0.5f);
  std::vector<float> out(kiln::shapeSize(m.outputShape()));
  for (int i = 0; i < calls; ++i) // warm caches and the branch predictor
    model.predict(x.data(), 1, out.data());
  std::vector<double> perCall;
  for (int r = 0; r < rounds; ++r) {
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < calls; ++i)
      model.predict(x.data(), 1, out.data());
    std::chrono::duration<double> d = std::chrono::steady_clock::now() - start;
    perCall.push_back(d.count() / calls * 1e6);
  }
  std::sort(perCall.begin(), perCall.end());
  std::printf("%.3f %.3f\n", perCall[perCall.size() / 2], perCall.front());
  return 0;
}
