//===- manifest_test.cpp - Manifest parsing and validation ----------------===//
#include "kiln/error.h"
#include "kiln/manifest.h"
#include "test_support.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <functional>

namespace kiln {
namespace {

using testing::HasSubstr;

/// The classifier's manifest with `edit` applied, parsed; returns the
/// error message ("" when it parses).
std::string errorAfter(const std::function<void(nlohmann::json &)> &edit) {
  nlohmann::json json = nlohmann::json::parse(test::classifierManifest());
  edit(json);
  try {
    parseManifest(json.dump());
  } catch (const Error &e) {
    return e.what();
  }
  return "";
}

TEST(Manifest, KeepsOptimizerFlagsForDisplay) {
  nlohmann::json json = nlohmann::json::parse(test::classifierManifest());
  json["optimizer"]["nesterov"] = true;
  Manifest manifest = parseManifest(json.dump());
  ASSERT_EQ(manifest.optimizer.settings.size(), 2u);
  EXPECT_EQ(manifest.optimizer.settings[0].second, "0.9");
  EXPECT_EQ(manifest.optimizer.settings[1].first, "nesterov");
  EXPECT_EQ(manifest.optimizer.settings[1].second, "true");
}

TEST(Manifest, ParsesAllFields) {
  Manifest manifest = parseManifest(test::classifierManifest());
  EXPECT_EQ(manifest.name, "fake_classifier");
  EXPECT_EQ(manifest.batchSize, 8);
  EXPECT_EQ(manifest.inputShape, Shape{4});
  EXPECT_EQ(manifest.outputShape, Shape{3});
  EXPECT_TRUE(manifest.isClassification());
  EXPECT_EQ(manifest.numClasses, 3);
  EXPECT_EQ(manifest.optimizer.type, "momentum");
  EXPECT_DOUBLE_EQ(manifest.optimizer.lr, 0.1);
  ASSERT_EQ(manifest.optimizer.settings.size(), 1u);
  EXPECT_EQ(manifest.optimizer.settings[0].first, "momentum");
  EXPECT_EQ(manifest.stateSlots, std::vector<std::string>{"momentum_buffer"});
  ASSERT_EQ(manifest.params.size(), 2u);
  EXPECT_EQ(manifest.params[0].name, "dense.weight");
  EXPECT_EQ(manifest.params[0].init, InitKind::GlorotUniform);
  EXPECT_EQ(manifest.params[0].fanOut, 3);
  EXPECT_EQ(manifest.numParamElements(), 15);
  ASSERT_EQ(manifest.layers.size(), 1u);
  EXPECT_EQ(manifest.layers[0].activation, "softmax");
  EXPECT_EQ(manifest.training.epochs, 3);
  EXPECT_TRUE(manifest.hasMetric("accuracy"));
}

TEST(Manifest, RejectsBadJson) {
  EXPECT_THROW(
      {
        try {
          parseManifest("{\"abi_version\": 1,");
        } catch (const Error &e) {
          EXPECT_THAT(e.what(), HasSubstr("manifest: invalid JSON"));
          throw;
        }
      },
      Error);
}

TEST(Manifest, NamesMissingFields) {
  EXPECT_THAT(errorAfter([](auto &j) { j.erase("batch_size"); }),
              HasSubstr("missing field 'batch_size'"));
  EXPECT_THAT(errorAfter([](auto &j) { j["params"][0].erase("fan_out"); }),
              HasSubstr("missing field 'params[0].fan_out'"));
  EXPECT_THAT(errorAfter([](auto &j) { j["training"].erase("epochs"); }),
              HasSubstr("missing field 'training.epochs'"));
  EXPECT_THAT(errorAfter([](auto &j) { j.erase("num_classes"); }),
              HasSubstr("missing field 'num_classes'"));
}

TEST(Manifest, RejectsAbiMismatch) {
  EXPECT_THAT(errorAfter([](auto &j) { j["abi_version"] = 2; }),
              HasSubstr("abi_version is 2 but this runtime speaks 1"));
}

TEST(Manifest, RejectsInvalidValues) {
  EXPECT_THAT(errorAfter([](auto &j) { j["batch_size"] = "8"; }),
              HasSubstr("'batch_size' must be an integer"));
  EXPECT_THAT(errorAfter([](auto &j) {
                j["input_shape"] = {4, 0};
              }),
              HasSubstr("'input_shape[1]' must be at least 1"));
  EXPECT_THAT(errorAfter([](auto &j) { j["loss"] = "hinge"; }),
              HasSubstr("unknown loss 'hinge'"));
  EXPECT_THAT(errorAfter([](auto &j) { j["output"] = "values"; }),
              HasSubstr("does not fit loss"));
  EXPECT_THAT(errorAfter([](auto &j) { j["num_classes"] = 4; }),
              HasSubstr("num_classes (4) differs"));
  EXPECT_THAT(errorAfter([](auto &j) { j["params"][0]["init"] = "normal"; }),
              HasSubstr("'params[0].init' is 'normal'"));
  EXPECT_THAT(
      errorAfter([](auto &j) { j["params"][1]["name"] = "dense.weight"; }),
      HasSubstr("duplicate name 'dense.weight'"));
  EXPECT_THAT(errorAfter([](auto &j) { j["training"]["batch_size"] = 16; }),
              HasSubstr("differs from the compiled batch_size (8)"));
  EXPECT_THAT(errorAfter([](auto &j) { j["optimizer"]["lr"] = -1; }),
              HasSubstr("'optimizer.lr' must be positive"));
  EXPECT_THAT(
      errorAfter([](auto &j) { j["params"] = nlohmann::json::array(); }),
      HasSubstr("'params' is empty"));
}

TEST(Manifest, ShapeHelpers) {
  EXPECT_EQ(shapeSize({}), 1);
  EXPECT_EQ(shapeSize({512, 784}), 401408);
  EXPECT_EQ(formatShape({512, 784}), "[512, 784]");
  EXPECT_THROW(shapeSize({int64_t(1) << 40, int64_t(1) << 40}), Error);
}

} // namespace
} // namespace kiln
