//===- idx_test.cpp - IDX parsing, raw and gzip, and data directories -----===//
#include "kiln/dataset.h"
#include "kiln/manifest.h"
#include "test_support.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kiln {
namespace {

using test::errorOf;
using testing::ElementsAre;
using testing::HasSubstr;

/// An IDX header: 00 00 08 <rank> and big-endian dimensions.
std::string idxHeader(std::vector<uint32_t> dims) {
  std::string header = {0, 0, 8, char(dims.size())};
  for (uint32_t dim : dims)
    for (int shift = 24; shift >= 0; shift -= 8)
      header += char(dim >> shift);
  return header;
}

/// Three 2x2 images with pixel values 0..11 and labels 2, 0, 1.
std::string images() {
  return idxHeader({3, 2, 2}) +
         std::string("\0\1\2\3\4\5\6\7\10\11\12\377", 12);
}
std::string labels() { return idxHeader({3}) + std::string("\2\0\1", 3); }

Manifest manifestFor(int inputs, int classes) {
  return parseManifest(test::classifierManifestFor(
      "[" + std::to_string(inputs) + "]", classes, 2));
}

TEST(Idx, ParsesRawAndGzipFiles) {
  test::TempDir dir;
  test::writeFile(dir.path("images"), images());
  test::writeFile(dir.path("labels.gz"), test::gzip(labels()));
  Dataset data = loadIdx(dir.path("images"), dir.path("labels.gz"));
  EXPECT_EQ(data.numSamples, 3);
  EXPECT_EQ(data.sampleSize, 4);
  EXPECT_TRUE(data.hasLabels());
  EXPECT_THAT(data.labels, ElementsAre(2, 0, 1));
  ASSERT_EQ(data.inputs.size(), 12u);
  EXPECT_FLOAT_EQ(data.inputs[1], 1.0f / 255.0f);
  EXPECT_EQ(data.inputs[11], 1.0f);
}

TEST(Idx, RejectsBadFiles) {
  test::TempDir dir;
  test::writeFile(dir.path("labels"), labels());
  auto loadImages = [&](const std::string &bytes) {
    test::writeFile(dir.path("images"), bytes);
    return errorOf([&] { loadIdx(dir.path("images"), dir.path("labels")); });
  };
  EXPECT_THAT(loadImages("PK\3\4 not idx"), HasSubstr("not an IDX file"));
  EXPECT_THAT(loadImages(std::string("\0\0\x0d\1", 4)),
              HasSubstr("unsupported IDX element type 0x0d"));
  EXPECT_THAT(loadImages(images().substr(0, images().size() - 1)),
              HasSubstr("truncated: the header promises 12 bytes of data, the "
                        "file has 11"));
  EXPECT_THAT(loadImages(images().substr(0, 9)),
              HasSubstr("truncated IDX header"));
  EXPECT_THAT(loadImages(images() + "x"), HasSubstr("1 unexpected bytes"));
  std::string packed = test::gzip(images());
  EXPECT_THAT(loadImages(packed.substr(0, packed.size() - 6)),
              HasSubstr("truncated gzip data"));
  // Gzip: the header bounds the inflation (issue 11, item 5): more data
  // than it promises stops one byte past it; less is truncated.
  EXPECT_THAT(loadImages(test::gzip(images() + std::string(1 << 20, '\0'))),
              HasSubstr("unexpected bytes after the 12 bytes of data its header promises"));
  EXPECT_THAT(loadImages(test::gzip(idxHeader({60000, 28, 28}) + std::string(10, '\0'))),
              HasSubstr("truncated: the header promises 47040000 bytes of data, the file has 10"));
  EXPECT_THAT(loadImages(test::gzip(images()).substr(0, 10)),
              HasSubstr("truncated gzip data"));
  EXPECT_THAT(loadImages(idxHeader({4, 2, 2}) + std::string(16, '\0')),
              HasSubstr("has 4 samples but"));
}

TEST(Idx, DataDirectoryIsCheckedAgainstTheManifest) {
  test::TempDir dir;
  test::writeFile(dir.path("train-images-idx3-ubyte.gz"), test::gzip(images()));
  test::writeFile(dir.path("train-labels-idx1-ubyte"), labels());
  test::writeFile(dir.path("t10k-images-idx3-ubyte"), images());
  test::writeFile(dir.path("t10k-labels-idx1-ubyte.gz"), test::gzip(labels()));
  DataSplits splits = loadData(dir.getPath(), manifestFor(4, 3));
  EXPECT_EQ(splits.train.numSamples, 3);
  ASSERT_TRUE(splits.test.has_value());
  EXPECT_EQ(splits.test->numSamples, 3);
  EXPECT_EQ(loadTestData(dir.getPath(), manifestFor(4, 3)).numSamples, 3);

  EXPECT_THAT(errorOf([&] { loadData(dir.getPath(), manifestFor(5, 3)); }),
              HasSubstr("samples have 4 values but model 'm' expects input "
                        "shape [5] (5 values)"));
  EXPECT_THAT(errorOf([&] { loadData(dir.getPath(), manifestFor(4, 2)); }),
              HasSubstr("label 2 at index 0 is out of range [0, 2)"));
}

TEST(Idx, MissingFilesAreNamed) {
  test::TempDir dir;
  EXPECT_THAT(errorOf([&] { loadData(dir.getPath(), manifestFor(4, 3)); }),
              HasSubstr("has neither train.csv nor train-images-idx3-ubyte"));
  test::writeFile(dir.path("train-images-idx3-ubyte"), images());
  EXPECT_THAT(errorOf([&] { loadData(dir.getPath(), manifestFor(4, 3)); }),
              HasSubstr("train-labels-idx1-ubyte[.gz]' does not"));
  EXPECT_THAT(errorOf([&] { loadTestData(dir.getPath(), manifestFor(4, 3)); }),
              HasSubstr("has no test split"));
  EXPECT_THAT(errorOf([&] { loadData(dir.path("nope"), manifestFor(4, 3)); }),
              HasSubstr("does not exist"));
}

TEST(Idx, SplitTailTakesTheLastSamples) {
  test::TempDir dir;
  test::writeFile(dir.path("images"), images());
  test::writeFile(dir.path("labels"), labels());
  Dataset data = loadIdx(dir.path("images"), dir.path("labels"));
  Dataset tail = splitTail(data, 1);
  EXPECT_EQ(data.numSamples, 2);
  EXPECT_EQ(data.inputs.size(), 8u);
  EXPECT_THAT(data.labels, ElementsAre(2, 0));
  EXPECT_EQ(tail.numSamples, 1);
  EXPECT_THAT(tail.labels, ElementsAre(1));
  EXPECT_EQ(tail.inputs[3], 1.0f);
}

} // namespace
} // namespace kiln
