//===- npy_test.cpp - NPY reader ------------------------------------------===//
#include "kiln/npy.h"
#include "test_support.h"

#include <cmath>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kiln {
namespace {

using test::errorOf;
using testing::ElementsAre;
using testing::HasSubstr;

std::string npyError(const std::string &bytes) {
  test::TempDir dir;
  test::writeFile(dir.path("x.npy"), bytes);
  return errorOf([&] { readNpy(dir.path("x.npy")); });
}

TEST(Npy, ReadsFloat32AndUint8) {
  test::TempDir dir;
  std::vector<float> values = {1.5f, -2, 3, 4, 5, 6};
  test::writeFile(dir.path("f.npy"),
                  test::npy("<f4", "(2, 3)", test::bytesOf(values)));
  NpyArray floats = readNpy(dir.path("f.npy"));
  EXPECT_THAT(floats.shape, ElementsAre(2, 3));
  EXPECT_EQ(floats.data, values);

  test::writeFile(dir.path("u.npy"),
                  test::npy("|u1", "(3,)", std::string("\0\x33\xff", 3)));
  NpyArray bytes = readNpy(dir.path("u.npy"));
  EXPECT_THAT(bytes.shape, ElementsAre(3));
  EXPECT_THAT(bytes.data, ElementsAre(0.0f, 0.2f, 1.0f));
}

TEST(Npy, ReadsEmptyArrays) {
  // Found by fuzz_npy: no data bytes made memcpy take a null pointer.
  test::TempDir dir;
  test::writeFile(dir.path("e.npy"), test::npy("<f4", "(0, 3)", ""));
  NpyArray array = readNpy(dir.path("e.npy"));
  EXPECT_THAT(array.shape, ElementsAre(0, 3));
  EXPECT_TRUE(array.data.empty());
}

TEST(Npy, ReadsVersion2Headers) {
  test::TempDir dir;
  std::string v1 = test::npy("<f4", "()", test::bytesOf(std::vector<float>{7}));
  // Version 2.0: same header text, 4-byte length.
  std::string v2 = "\x93NUMPY\x02";
  v2 += '\0';
  uint32_t length = uint8_t(v1[8]) | uint8_t(v1[9]) << 8;
  v2 += std::string(reinterpret_cast<const char *>(&length), 4);
  v2 += v1.substr(10);
  test::writeFile(dir.path("v2.npy"), v2);
  NpyArray array = readNpy(dir.path("v2.npy"));
  EXPECT_TRUE(array.shape.empty());
  EXPECT_THAT(array.data, ElementsAre(7.0f));
}

TEST(Npy, RejectsBadFiles) {
  std::string four = test::bytesOf(std::vector<float>{1, 2, 3, 4});
  // As CSV does (issue 11, item 3).
  EXPECT_THAT(npyError(test::npy("<f4", "(4,)", test::bytesOf(std::vector<float>{1, 2, -INFINITY, 4}))),
              HasSubstr("element 2 is -inf; inputs must be finite numbers"));
  EXPECT_THAT(npyError(test::npy("<f4", "(2,)", test::bytesOf(std::vector<float>{NAN, 2}))),
              HasSubstr("element 0 is nan"));
  // A dimension past int64 (issue 11, item 13).
  EXPECT_THAT(npyError(test::npy("<f4", "(9223372036854775808,)", four)),
              HasSubstr("NPY shape dimension overflows"));
  EXPECT_THAT(npyError("not numpy at all"), HasSubstr("not an NPY file"));
  EXPECT_THAT(npyError(test::npy("<f8", "(2,)", four + four)),
              HasSubstr("unsupported dtype '<f8'"));
  EXPECT_THAT(npyError(test::npy(">f4", "(4,)", four)),
              HasSubstr("unsupported dtype '>f4'"));
  std::string fortran = test::npy("<f4", "(2, 2)", four);
  fortran.replace(fortran.find("False"), 5, "True ");
  EXPECT_THAT(npyError(fortran), HasSubstr("Fortran-order"));
  EXPECT_THAT(
      npyError(test::npy("<f4", "(2, 3)", four)),
      HasSubstr("shape [2, 3] needs 24 bytes of data, the file has 16"));
  std::string longHeader = test::npy("<f4", "(4,)", four);
  longHeader[9] = '\x7f';
  EXPECT_THAT(npyError(longHeader), HasSubstr("exceeds the file size"));
  EXPECT_THAT(npyError(test::npy("<f4", "(a,)", four)),
              HasSubstr("bad NPY shape"));
}

} // namespace
} // namespace kiln
