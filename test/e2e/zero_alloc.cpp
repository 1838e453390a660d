//===- zero_alloc.cpp - A real compiled model allocates nothing per call --===//
//
// Driver of test/e2e/zero_alloc.sh: links the object `kilnc --emit=obj`
// wrote for examples/fashion_mlp (class FashionMlp in fashion_mlp.h) and the
// runtime library, and counts every allocation of each measured phase with
// test/support/alloc_counter.h. Counting starts at the first call of each
// kind (no warm-up): a lazy allocation on first use counts too.
//
#include "fashion_mlp.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "alloc_counter.h"

namespace {
int failures = 0;
void expect(bool ok, const char *what, long count) {
  std::printf("%s %s: %ld allocations\n", ok ? "ok  " : "FAIL", what, count);
  failures += !ok;
}
} // namespace

int main() {
  // The counter works: it sees allocations made on purpose.
  static int *volatile object;
  static void *volatile block;
  static std::string *volatile text;
  long n = allocationsOf([] { object = new int(1); });
  expect(n >= 1, "sanity: new int", n);
  delete object;
  n = allocationsOf([] { block = std::malloc(16); });
  expect(n >= 1, "sanity: malloc(16)", n);
  std::free(block);
  n = allocationsOf([] { block = std::aligned_alloc(64, 256); });
  expect(n >= 1, "sanity: aligned_alloc(64, 256)", n);
  std::free(block);
  n = allocationsOf([] { text = new std::string(100, 'x'); });
  expect(n >= 2, "sanity: new std::string(100 chars)", n);
  delete text;
  n = allocationsOf([] { FashionMlp other; });
  expect(n >= 1, "sanity: constructing a FashionMlp", n);

  FashionMlp model;
  model.init(1);
  const kiln::Manifest &m = model.getManifest();
  const int64_t batch = model.trainBatchSize();
  const int64_t in = m.inputSize(), out = m.outputSize();
  // A fixed batch in [0, 1) with labels 0..9: the loss on it must fall.
  std::vector<float> x(size_t(batch * in));
  std::vector<int32_t> y(static_cast<size_t>(batch));
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = float((i * 2654435761u) % 1000) / 1000.0f;
  for (int64_t i = 0; i < batch; ++i)
    y[size_t(i)] = int32_t(i % 10);
  std::vector<float> pred(size_t(batch * out) + size_t(70 * out));
  std::vector<float> x70(size_t(70 * in), 0.5f);
  const float lr = float(m.optimizer->lr);

  float first = 0, last = 0;
  n = allocationsOf([&] {
    for (int i = 0; i < 100; ++i) {
      float loss = model.trainBatch(x.data(), y.data(), lr, i % 2 ? pred.data() : nullptr);
      (i == 0 ? first : last) = loss;
    }
  });
  expect(n == 0, "100 trainBatch (train_step)", n);
  n = allocationsOf([&] {
    for (int i = 0; i < 100; ++i)
      model.forwardBatch(x.data(), pred.data());
  });
  expect(n == 0, "100 forwardBatch (forward)", n);
  n = allocationsOf([&] {
    for (int i = 0; i < 100; ++i)
      model.predict(x.data(), 1, pred.data());
  });
  expect(n == 0, "100 predict of one sample (forward_1)", n);
  n = allocationsOf([&] {
    for (int i = 0; i < 100; ++i) {
      model.evalBatch(x.data(), y.data(), pred.data());
      model.evalSample(x.data(), y.data(), pred.data());
    }
  });
  expect(n == 0, "100 evalBatch + evalSample (eval_step, eval_step_1)", n);
  n = allocationsOf([&] {
    for (int i = 0; i < 100; ++i)
      model.predict(x70.data(), 70, pred.data());
  });
  expect(n == 0, "100 predict of 70 samples (forward + 6 forward_1)", n);

  // The calls did their work: 100 optimizer steps that fit the batch.
  std::printf("loss on the fixed batch: %.4f at step 1, %.4f at step 100\n",
              first, last);
  if (model.getStep() != 100 || !(last < 0.5f * first)) {
    std::printf("FAIL: training did not progress (step %lld)\n",
                (long long)model.getStep());
    ++failures;
  }
  std::printf("%d failed\n", failures);
  return failures ? 1 : 0;
}
