// Predicts with a dense layer compiled by kilnc (y = x Wᵀ, no bias) and
// compares every output with fma sums over k in order, as the packed
// product's register blocks add them: equal to the bit at 1, 2 and 3
// threads, and again after the weights change (the packed copy of W that
// prepare keeps is made again). Usage: packed_products M K N.
#include "packed_model.h"
#include "kiln/threads.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char **argv) {
  if (argc != 4)
    return 2;
  long m = std::atol(argv[1]), k = std::atol(argv[2]), n = std::atol(argv[3]);
  PackedModel model;
  model.init(7);
  std::vector<float> x(m * k), want(m * n);
  for (long i = 0; i < m * k; ++i)
    x[i] = static_cast<float>(std::sin(0.37 * static_cast<double>(i)));
  auto sums = [&] {
    const auto &w = static_cast<const PackedModel &>(model).getParam(0); // [n, k]
    for (long i = 0; i < m; ++i)
      for (long j = 0; j < n; ++j) {
        float acc = 0;
        for (long q = 0; q < k; ++q)
          acc = std::fma(x[i * k + q], w[j * k + q], acc);
        want[i * n + j] = acc;
      }
  };
  int failed = 0;
  auto check = [&](int threads, const char *when) {
    kiln::ThreadPool pool(threads);
    model.useThreads(&pool);
    std::vector<float> y(m * n, NAN);
    model.predict(x.data(), m, y.data());
    model.useThreads(nullptr);
    long bad = 0;
    double worst = 0;
    for (long i = 0; i < m * n; ++i)
      if (!(y[i] == want[i])) {
        ++bad;
        worst = std::max(worst, std::fabs(double(y[i]) - want[i]));
      }
    std::printf("%ld x %ld x %ld, %d thread(s)%s: %ld of %ld outputs differ (max %g)\n", m, k, n,
                threads, when, bad, m * n, worst);
    failed |= bad != 0;
  };
  sums();
  for (int threads : {1, 2, 3})
    check(threads, "");
  auto &w = model.getParam(0);
  for (size_t i = 0; i < w.size(); ++i)
    w[i] = -0.5f * w[i] + 0.01f * float(i % 13);
  sums();
  check(2, ", new weights");
  return failed;
}
