//===- fashion_mnist_test.cpp - Loading the real Fashion-MNIST IDX files --===//
#include "kiln/dataset.h"
#include "test_support.h"

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
  Manifest manifest =
      parseManifest(test::classifierManifestFor("[1, 28, 28]", 10, 64));
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
