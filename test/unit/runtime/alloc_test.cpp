//===- alloc_test.cpp - Training and inference calls allocate nothing -----===//
//
// A binary of its own: test/support/alloc_counter.h replaces the allocators
// with counting ones.
//
#include "kiln/model.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <vector>

#include "alloc_counter.h"

namespace kiln {
namespace {

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
  for (const kiln_model_api *api :
       {&test::classifierApi, &test::frozenApi, &test::preparedApi}) {
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
