//===- safetensors_test.cpp - Safetensors round trip and corruptions ------===//
#include "kiln/safetensors.h"
#include "test_support.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>

namespace kiln {
namespace {

using test::errorOf;
using testing::HasSubstr;

/// A file with `header` as its JSON and `data` after it.
std::string rawFile(const std::string &header, const std::string &data) {
  uint64_t length = header.size();
  return std::string(reinterpret_cast<const char *>(&length), 8) + header +
         data;
}

std::string readError(const std::string &bytes) {
  test::TempDir dir;
  test::writeFile(dir.path("t.safetensors"), bytes);
  return errorOf([&] { readSafetensors(dir.path("t.safetensors")); });
}

TEST(Safetensors, RoundTripIsExact) {
  test::TempDir dir;
  std::vector<float> a = {1.5f, -0.0f, 3e-38f, 7, 8, 9};
  std::vector<float> b = {42};
  writeSafetensors(dir.path("t.safetensors"),
                   {{"a.weight", {2, 3}, a.data()}, {"scalar", {}, b.data()}},
                   {{"format", "kiln"}, {"step", "12"}});
  SafetensorsFile file = readSafetensors(dir.path("t.safetensors"));
  ASSERT_EQ(file.tensors.size(), 2u);
  EXPECT_EQ(file.tensors["a.weight"].shape, (Shape{2, 3}));
  EXPECT_EQ(test::bytesOf(file.tensors["a.weight"].data), test::bytesOf(a));
  EXPECT_EQ(file.tensors["scalar"].shape, Shape{});
  EXPECT_EQ(file.tensors["scalar"].data, b);
  EXPECT_EQ(file.metadata.at("step"), "12");
  // The data section starts 8-byte aligned.
  std::string bytes = test::readText(dir.path("t.safetensors"));
  uint64_t headerLength;
  std::memcpy(&headerLength, bytes.data(), 8);
  EXPECT_EQ(headerLength % 8, 0u);
}

TEST(Safetensors, RejectsCorruptFiles) {
  std::string four = test::bytesOf(std::vector<float>{1, 2, 3, 4});
  std::string good =
      R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}})";
  EXPECT_EQ(readError(rawFile(good, four)), "");

  EXPECT_THAT(readError(std::string("\x10\0\0", 3)),
              HasSubstr("truncated: 3 bytes"));
  std::string file = rawFile(good, four);
  EXPECT_THAT(readError(file.substr(0, 20)),
              HasSubstr("header length " + std::to_string(good.size()) +
                        " exceeds the file size (20 bytes)"));
  EXPECT_THAT(readError(rawFile(good, four.substr(0, 12))),
              HasSubstr("data_offsets [0, 16] out of range (the data "
                        "section has 12 bytes)"));
  EXPECT_THAT(readError(rawFile("{\"w\": [1,", four)),
              HasSubstr("bad JSON header"));
  EXPECT_THAT(readError(rawFile("[1, 2]", four)),
              HasSubstr("must be an object"));
  EXPECT_THAT(
      readError(rawFile(
          R"({"w":{"dtype":"F16","shape":[2,4],"data_offsets":[0,16]}})",
          four)),
      HasSubstr("tensor 'w' has dtype F16; only F32 and I64 are supported"));
  EXPECT_THAT(
      readError(rawFile(
          R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}})", four)),
      HasSubstr("shape [3] needs 12 bytes but data_offsets cover 16"));
  EXPECT_THAT(readError(rawFile(
                  R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},
                            "b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})",
                  four)),
              HasSubstr("the data of tensors 'a' and 'b' overlap"));
  EXPECT_THAT(
      readError(rawFile(
          R"({"w":{"dtype":"F32","shape":[-4],"data_offsets":[0,16]}})", four)),
      HasSubstr("bad shape"));
  // A tensor named twice is ambiguous; bytes of no tensor are not allowed by
  // the format (issue 11, item 13).
  EXPECT_THAT(readError(rawFile(
                  R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},
                      "w":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})",
                  four)),
              HasSubstr("the JSON header has the key 'w' twice"));
  EXPECT_THAT(readError(rawFile(
                  R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})", four)),
              HasSubstr("data bytes 0 to 8 belong to no tensor"));
  EXPECT_THAT(readError(rawFile(
                  R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", four)),
              HasSubstr("data bytes 8 to 16 belong to no tensor"));
  // Equal keys in different objects are fine.
  EXPECT_EQ(readError(rawFile(
                R"({"__metadata__":{"w":"1"},"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})",
                four)),
            "");
  EXPECT_THAT(readError(rawFile(R"({"w":{"dtype":"F32","shape":[4]}})", four)),
              HasSubstr("data_offsets must be [begin, end]"));
  EXPECT_THAT(readError(rawFile(R"({"__metadata__":{"step":12}})", "")),
              HasSubstr("__metadata__ value of 'step' must be a string"));
  EXPECT_THAT(
      readError(rawFile(
          R"({"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,16]}})",
          four)),
      HasSubstr("is too large"));
}

TEST(Safetensors, I64RoundTripsExactly) {
  test::TempDir dir;
  // 2^40 + 3 has no exact float: the words must travel as they are.
  std::vector<int64_t> counts = {0, 1, (int64_t(1) << 40) + 3, -5};
  std::vector<float> f = {0.25f};
  writeSafetensors(
      dir.path("t.safetensors"),
      {{"counts", {2, 2}, counts.data(), DType::I64}, {"f", {1}, f.data()}},
      {});
  SafetensorsFile file = readSafetensors(dir.path("t.safetensors"));
  const Tensor &tensor = file.tensors.at("counts");
  EXPECT_EQ(tensor.dtype, DType::I64);
  EXPECT_EQ(tensor.shape, (Shape{2, 2}));
  ASSERT_EQ(tensor.data.size(), 8u); // two words per element
  EXPECT_EQ(test::bytesOf(tensor.data), test::bytesOf(counts));
  EXPECT_EQ(test::getI64(tensor.data, 2), (int64_t(1) << 40) + 3);
  EXPECT_EQ(test::getI64(tensor.data, 3), -5);
  EXPECT_EQ(file.tensors.at("f").dtype, DType::F32);
  EXPECT_EQ(file.tensors.at("f").data, f);
  // PyTorch's spelling, so torch reads it back as int64.
  EXPECT_THAT(test::readText(dir.path("t.safetensors")),
              HasSubstr(R"("counts":{"dtype":"I64","shape":[2,2],)"
                        R"("data_offsets":[0,32]})"));
}

TEST(Safetensors, I64NeedsEightBytesPerElement) {
  std::string two = test::bytesOf(std::vector<int64_t>{7, -7});
  EXPECT_EQ(
      readError(rawFile(
          R"({"n":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}})", two)),
      "");
  EXPECT_THAT(
      readError(rawFile(
          R"({"n":{"dtype":"I64","shape":[2],"data_offsets":[0,8]}})", two)),
      HasSubstr("tensor 'n': I64 shape [2] needs 16 bytes but data_offsets "
                "cover 8"));
  // Four F32 values' worth of bytes labelled I64.
  EXPECT_THAT(
      readError(rawFile(
          R"({"n":{"dtype":"I64","shape":[4],"data_offsets":[0,16]}})", two)),
      HasSubstr("tensor 'n': I64 shape [4] needs 32 bytes but data_offsets "
                "cover 16"));
  EXPECT_THAT(
      readError(rawFile(
          R"({"n":{"dtype":"I32","shape":[4],"data_offsets":[0,16]}})", two)),
      HasSubstr("tensor 'n' has dtype I32; only F32 and I64 are supported"));
}

TEST(Safetensors, RejectsDuplicateNamesOnWrite) {
  test::TempDir dir;
  float value = 1;
  EXPECT_THAT(errorOf([&] {
                writeSafetensors(dir.path("t"),
                                 {{"x", {1}, &value}, {"x", {1}, &value}}, {});
              }),
              HasSubstr("duplicate or reserved tensor name 'x'"));
  EXPECT_FALSE(test::fileExists(dir.path("t")));
  EXPECT_THAT(
      errorOf([&] {
        writeSafetensors(dir.path("t"), {{"x", {1}, &value, DType::I32}}, {});
      }),
      HasSubstr("tensor 'x' has dtype I32; only F32 and I64 are "
                "supported"));
  EXPECT_FALSE(test::fileExists(dir.path("t")));
}

} // namespace
} // namespace kiln
