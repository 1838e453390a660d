//===- fashion_mnist_test.cpp - Loading the real Fashion-MNIST IDX files --===//
#include "kiln/dataset.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sys/stat.h>

namespace kiln {
namespace {

constexpr const char *fashionDir = "/usr/share/datasets/fashion-mnist";

TEST(FashionMnist, LoadsTrainAndTestSplits) {
  struct stat info;
  if (::stat(fashionDir, &info) != 0)
    GTEST_SKIP() << fashionDir << " is not installed";
  Manifest manifest = parseManifest(R"({"abi_version": 1, "name": "fashion",
    "batch_size": 64, "input_shape": [1, 28, 28], "output_shape": [10],
    "loss": "softmax_cross_entropy", "num_classes": 10,
    "optimizer": {"type": "sgd", "lr": 0.1}, "state_slots": [],
    "params": [{"name": "w", "shape": [1], "init": "zeros"}], "layers": [],
    "training": {"epochs": 1}})");
  DataSplits splits = loadData(fashionDir, manifest);
  EXPECT_EQ(splits.train.numSamples, 60000);
  EXPECT_EQ(splits.train.sampleSize, 784);
  EXPECT_EQ(splits.train.inputs.size(), 60000u * 784);
  ASSERT_TRUE(splits.test.has_value());
  EXPECT_EQ(splits.test->numSamples, 10000);
  auto [low, high] = std::minmax_element(splits.train.inputs.begin(),
                                         splits.train.inputs.end());
  EXPECT_EQ(*low, 0.0f);
  EXPECT_EQ(*high, 1.0f);
  // Fashion-MNIST is balanced: 6000 training images per class.
  EXPECT_EQ(
      std::count(splits.train.labels.begin(), splits.train.labels.end(), 9),
      6000);
}

} // namespace
} // namespace kiln
