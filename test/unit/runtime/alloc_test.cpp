//===- alloc_test.cpp - Training and inference calls allocate nothing -----===//
//
// A binary of its own: it replaces malloc, calloc, realloc, the aligned
// allocators and operator new with versions that count calls while
// `counting` is set, then forward to glibc.
//
#include "kiln/model.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <new>
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

void count() {
  if (counting)
    ++allocations;
}
} // namespace

extern "C" {
void *malloc(size_t size) {
  count();
  return __libc_malloc(size);
}
void *calloc(size_t count_, size_t size) {
  count();
  return __libc_calloc(count_, size);
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
}

// operator new normally calls malloc; counting here too keeps the test
// honest if the C++ library allocates some other way.
void *operator new(size_t size) {
  count();
  if (void *p = __libc_malloc(size ? size : 1))
    return p;
  throw std::bad_alloc();
}
void *operator new[](size_t size) { return operator new(size); }
void operator delete(void *p) noexcept { std::free(p); }
void operator delete[](void *p) noexcept { std::free(p); }
void operator delete(void *p, size_t) noexcept { std::free(p); }
void operator delete[](void *p, size_t) noexcept { std::free(p); }

namespace kiln {
namespace {

/// Allocations made by `action`.
template <typename Action> long allocationsOf(Action action) {
  allocations = 0;
  counting = true;
  action();
  counting = false;
  return allocations;
}

TEST(Allocations, TheCounterSeesAllocations) {
  // Through volatile pointers: the compiler may elide unused allocations.
  static int *volatile object;
  static void *volatile block;
  EXPECT_GE(allocationsOf([] { object = new int(1); }), 1);
  delete object;
  EXPECT_GE(allocationsOf([] { block = std::malloc(16); }), 1);
  std::free(block);
  EXPECT_GE(allocationsOf([] { std::vector<float> v(100); }), 1);
  EXPECT_GE(allocationsOf([] { Model model(test::classifierApi); }), 1);
}

TEST(Allocations, TrainAndForwardAllocateNothing) {
  for (const kiln_model_api *api : {&test::classifierApi, &test::frozenApi}) {
    Model model(*api);
    model.init(1);
    const Manifest &manifest = model.getManifest();
    SCOPED_TRACE(manifest.name);
    int64_t batch = 8; // the largest batch of either fake
    std::vector<float> x(batch * manifest.inputSize(), 0.25f);
    std::vector<float> targets(batch * manifest.outputSize(), 0.5f);
    std::vector<int32_t> labels(batch, 1);
    const void *y = manifest.isClassification()
                        ? static_cast<const void *>(labels.data())
                        : targets.data();
    std::vector<float> out(batch * manifest.outputSize());
    long count = allocationsOf([&] {
      for (int i = 0; i < 100; ++i) {
        model.trainBatch(x.data(), y, 0.01f);
        model.trainBatch(x.data(), y, 0.01f, out.data());
        model.evalBatch(x.data(), y, out.data());
        model.evalSample(x.data(), y);
        model.forwardBatch(x.data(), out.data());
        model.forwardSample(x.data(), out.data());
        model.predict(x.data(), 3, out.data());
      }
    });
    EXPECT_EQ(count, 0);
    EXPECT_EQ(model.getStep(), 200);
  }
}

} // namespace
} // namespace kiln
