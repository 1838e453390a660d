//===- zero_alloc.cpp - A real compiled model allocates nothing per call --===//
//
// Driver of test/e2e/zero_alloc.sh: links the object `kilnc --emit=obj`
// wrote for examples/fashion_mlp (class FashionMlp in fashion_mlp.h) and the
// runtime library, and replaces malloc, calloc, realloc, the aligned
// allocators and every operator new with versions that count calls while a
// phase is measured, then forward to glibc. Being defined in the executable,
// they also catch the calls made by the generated code, the runtime and the
// shared C++ library. Counting starts at the first call of each kind (no
// warm-up): a lazy allocation on first use counts too.
//
#include "fashion_mlp.h"

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

extern "C" {
void *__libc_malloc(size_t size);
void *__libc_calloc(size_t count, size_t size);
void *__libc_realloc(void *pointer, size_t size);
void *__libc_memalign(size_t alignment, size_t size);
}

namespace {
bool counting = false;
long allocations = 0;
inline void count() {
  if (counting)
    ++allocations;
}
} // namespace

extern "C" {
void *malloc(size_t size) {
  count();
  return __libc_malloc(size);
}
void *calloc(size_t n, size_t size) {
  count();
  return __libc_calloc(n, size);
}
void *realloc(void *pointer, size_t size) {
  count();
  return __libc_realloc(pointer, size);
}
void *aligned_alloc(size_t alignment, size_t size) {
  count();
  return __libc_memalign(alignment, size);
}
void *memalign(size_t alignment, size_t size) {
  count();
  return __libc_memalign(alignment, size);
}
int posix_memalign(void **out, size_t alignment, size_t size) {
  count();
  *out = __libc_memalign(alignment, size);
  return *out ? 0 : ENOMEM;
}
void *valloc(size_t size) {
  count();
  return __libc_memalign(4096, size);
}
}

namespace {
void *newBlock(size_t size, size_t alignment = 0) {
  count();
  if (!size)
    size = 1;
  return alignment ? __libc_memalign(alignment, size) : __libc_malloc(size);
}
} // namespace

void *operator new(size_t size) {
  if (void *p = newBlock(size))
    return p;
  throw std::bad_alloc();
}
void *operator new[](size_t size) { return operator new(size); }
void *operator new(size_t size, const std::nothrow_t &) noexcept {
  return newBlock(size);
}
void *operator new[](size_t size, const std::nothrow_t &) noexcept {
  return newBlock(size);
}
void *operator new(size_t size, std::align_val_t align) {
  if (void *p = newBlock(size, size_t(align)))
    return p;
  throw std::bad_alloc();
}
void *operator new[](size_t size, std::align_val_t align) {
  return operator new(size, align);
}
void operator delete(void *p) noexcept { std::free(p); }
void operator delete[](void *p) noexcept { std::free(p); }
void operator delete(void *p, size_t) noexcept { std::free(p); }
void operator delete[](void *p, size_t) noexcept { std::free(p); }
void operator delete(void *p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void *p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void *p, size_t, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete[](void *p, size_t, std::align_val_t) noexcept {
  std::free(p);
}

namespace {
template <typename Action> long allocationsOf(Action action) {
  allocations = 0;
  counting = true;
  action();
  counting = false;
  return allocations;
}

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
