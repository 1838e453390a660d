//===- checkpoint_test.cpp - Model checkpoints ----------------------------===//
#include "kiln/checkpoint.h"
#include "kiln/safetensors.h"
#include "test_support.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kiln {
namespace {

using test::errorOf;
using testing::HasSubstr;

/// A classifier after a few steps, so weights and momentum are non-trivial.
Model trainedClassifier() {
  Model model(test::classifierApi);
  model.init(5);
  std::vector<float> x(8 * 4);
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = float(i % 5) - 2;
  std::vector<int32_t> y = {0, 1, 2, 0, 1, 2, 0, 1};
  for (int i = 0; i < 3; ++i)
    model.trainBatch(x.data(), y.data(), 0.1f);
  return model;
}

void expectSameState(const Model &a, const Model &b) {
  EXPECT_EQ(a.getStep(), b.getStep());
  for (size_t i = 0; i < a.getNumParams(); ++i) {
    EXPECT_EQ(test::bytesOf(a.getParam(i)), test::bytesOf(b.getParam(i)));
    EXPECT_EQ(test::bytesOf(a.getState(i, 0)), test::bytesOf(b.getState(i, 0)));
  }
}

TEST(Checkpoint, RoundTripIsBitExact) {
  test::TempDir dir;
  Model model = trainedClassifier();
  saveCheckpoint(model, dir.path("c.safetensors"));
  SafetensorsFile file = readSafetensors(dir.path("c.safetensors"));
  EXPECT_EQ(file.metadata.at("format"), "kiln");
  EXPECT_EQ(file.metadata.at("step"), "3");
  EXPECT_EQ(file.tensors.count("optimizer.dense.weight.momentum_buffer"), 1u);

  Model loaded(test::classifierApi);
  EXPECT_TRUE(loadCheckpoint(loaded, dir.path("c.safetensors")));
  expectSameState(model, loaded);
}

TEST(Checkpoint, WeightsOnlyResetsTheOptimizer) {
  test::TempDir dir;
  Model model = trainedClassifier();
  writeSafetensors(
      dir.path("w.safetensors"),
      {{"dense.weight", {3, 4}, model.getParam(0).data()},
       {"dense.bias", {3}, model.getParam(1).data()},
       {"optimizer.dense.weight.exp_avg", {3, 4}, model.getParam(0).data()}},
      {});
  Model loaded = trainedClassifier();
  EXPECT_FALSE(loadCheckpoint(loaded, dir.path("w.safetensors")));
  EXPECT_EQ(loaded.getStep(), 0);
  EXPECT_EQ(loaded.getParam(0), model.getParam(0));
  for (float v : loaded.getState(0, 0))
    EXPECT_EQ(v, 0.0f);
}

TEST(Checkpoint, MismatchesAreNamedAndLeaveTheModelAlone) {
  test::TempDir dir;
  Model model = trainedClassifier();
  std::vector<float> w = model.getParam(0), b = model.getParam(1);
  auto loadError = [&](const std::vector<TensorRef> &tensors,
                       std::map<std::string, std::string> metadata = {}) {
    writeSafetensors(dir.path("x.safetensors"), tensors, metadata);
    Model target = trainedClassifier();
    std::string message =
        errorOf([&] { loadCheckpoint(target, dir.path("x.safetensors")); });
    expectSameState(target, trainedClassifier());
    return message;
  };
  EXPECT_THAT(loadError({{"dense.weight", {3, 4}, w.data()}}),
              HasSubstr("missing tensor 'dense.bias' (shape [3])"));
  EXPECT_THAT(loadError({{"dense.weight", {4, 3}, w.data()},
                         {"dense.bias", {3}, b.data()}}),
              HasSubstr("tensor 'dense.weight' has shape [4, 3] but the model "
                        "expects [3, 4]"));
  EXPECT_THAT(loadError({{"dense.weight", {3, 4}, w.data()},
                         {"dense.bias", {3}, b.data()},
                         {"extra.bias", {3}, b.data()}}),
              HasSubstr("unexpected tensor 'extra.bias'"));
  EXPECT_THAT(
      loadError({{"dense.weight", {3, 4}, w.data()},
                 {"dense.bias", {3}, b.data()},
                 {"optimizer.dense.bias.momentum_buffer", {3}, b.data()}},
                {{"step", "3"}}),
      HasSubstr("optimizer state for some parameters but not "
                "'optimizer.dense.weight.momentum_buffer'"));
  EXPECT_THAT(
      loadError({{"dense.weight", {3, 4}, w.data()},
                 {"dense.bias", {3}, b.data()},
                 {"optimizer.dense.weight.momentum_buffer", {3, 4}, w.data()},
                 {"optimizer.dense.bias.momentum_buffer", {3}, b.data()}},
                {{"step", "three"}}),
      HasSubstr("metadata step 'three' is not"));
}

} // namespace
} // namespace kiln
