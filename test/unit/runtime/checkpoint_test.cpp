//===- checkpoint_test.cpp - Model checkpoints ----------------------------===//
#include "kiln/checkpoint.h"
#include "kiln/safetensors.h"
#include "test_support.h"

#include <gmock/gmock.h>
#include <limits>
#include <gtest/gtest.h>

namespace kiln {
namespace {

using test::errorOf;
using testing::ElementsAre;
using testing::HasSubstr;

/// A model after a few steps, so weights, buffers and state are
/// non-trivial.
Model trained(const kiln_model_api &api = test::classifierApi) {
  Model model(api);
  model.init(5);
  std::vector<float> x(8 * 4);
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = float(i % 5) - 2;
  std::vector<int32_t> labels = {0, 1, 2, 0, 1, 2, 0, 1};
  std::vector<float> targets = {1, -1, 0.5f, 2};
  bool classifier = model.getManifest().isClassification();
  for (int i = 0; i < 3; ++i)
    model.trainBatch(x.data(),
                     classifier ? static_cast<const void *>(labels.data())
                                : targets.data(),
                     0.1f);
  return model;
}

void expectSameState(const Model &a, const Model &b) {
  EXPECT_EQ(a.getStep(), b.getStep());
  EXPECT_EQ(test::tensorBytes(a), test::tensorBytes(b));
}

std::vector<std::string> tensorNames(const SafetensorsFile &file) {
  std::vector<std::string> names;
  for (const auto &[name, tensor] : file.tensors)
    names.push_back(name);
  return names;
}

TEST(Checkpoint, RoundTripIsBitExact) {
  test::TempDir dir;
  Model model = trained();
  saveCheckpoint(model, dir.path("c.safetensors"));
  SafetensorsFile file = readSafetensors(dir.path("c.safetensors"));
  EXPECT_EQ(file.metadata.at("format"), "kiln");
  EXPECT_EQ(file.metadata.at("model"), "fake_classifier");
  EXPECT_EQ(file.metadata.at("step"), "3");
  EXPECT_EQ(file.metadata.count("epoch"), 0u); // no position given
  EXPECT_EQ(file.tensors.count("optimizer.dense.weight.momentum_buffer"), 1u);

  Model loaded(test::classifierApi);
  EXPECT_TRUE(loadCheckpoint(loaded, dir.path("c.safetensors")));
  expectSameState(model, loaded);
}

// A diverged model is never saved: the checkpoint already there stays
// (issue 11, numeric failures). The first non-finite tensor is named.
TEST(Checkpoint, ANonFiniteModelIsNotSaved) {
  test::TempDir dir;
  Model model = trained();
  std::string path = dir.path("c.safetensors");
  saveCheckpoint(model, path);
  Model good = trained();
  EXPECT_EQ(model.firstNonFinite(), "");
  model.getParam(0)[3] = std::numeric_limits<float>::infinity();
  EXPECT_EQ(model.firstNonFinite(), "dense.weight element 3 is inf");
  EXPECT_THAT(errorOf([&] { saveCheckpoint(model, path); }),
              HasSubstr("step 3: dense.weight element 3 is inf; training "
                        "diverged, so " + path + " was not written"));
  Model loaded(test::classifierApi);
  EXPECT_TRUE(loadCheckpoint(loaded, path));
  expectSameState(good, loaded);
  // Optimizer state counts too.
  model.getParam(0)[3] = 0;
  model.getState(0)[1] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(model.firstNonFinite(),
            "optimizer.dense.weight.momentum_buffer element 1 is nan");
}

TEST(Checkpoint, BuffersAndOnlyTrainableStateAreSaved) {
  test::TempDir dir;
  Model model = trained(test::frozenApi);
  saveCheckpoint(model, dir.path("f.safetensors"),
                 TrainPosition{2, 5, 42, 100});
  SafetensorsFile file = readSafetensors(dir.path("f.safetensors"));
  EXPECT_THAT(tensorNames(file),
              ElementsAre("base.bias", "base.weight", "head.bias",
                          "head.weight", "norm.running_mean",
                          "norm.running_var",
                          "optimizer.head.bias.momentum_buffer",
                          "optimizer.head.weight.momentum_buffer"));
  EXPECT_EQ(file.tensors.at("norm.running_var").shape, Shape{2});
  EXPECT_EQ(file.metadata.at("epoch"), "2");
  EXPECT_EQ(file.metadata.at("batch"), "5");
  EXPECT_EQ(file.metadata.at("data_seed"), "42");
  EXPECT_EQ(file.metadata.at("epoch_samples"), "100");

  Model loaded(test::frozenApi);
  TrainPosition position = resumeCheckpoint(loaded, dir.path("f.safetensors"));
  expectSameState(model, loaded);
  EXPECT_EQ(position.epoch, 2);
  EXPECT_EQ(position.batch, 5);
  EXPECT_EQ(position.dataSeed, 42u);
  EXPECT_EQ(position.epochSamples, 100);
}

TEST(Checkpoint, WeightsOnlyResetsTheOptimizer) {
  test::TempDir dir;
  Model model = trained();
  writeSafetensors(
      dir.path("w.safetensors"),
      {{"dense.weight", {3, 4}, model.getParam(0).data()},
       {"dense.bias", {3}, model.getParam(1).data()},
       {"optimizer.dense.weight.exp_avg", {3, 4}, model.getParam(0).data()}},
      {});
  Model loaded = trained();
  EXPECT_FALSE(loadCheckpoint(loaded, dir.path("w.safetensors")));
  EXPECT_EQ(loaded.getStep(), 0);
  EXPECT_EQ(loaded.getParam(0), model.getParam(0));
  for (size_t j = 0; j < loaded.getNumState(); ++j)
    for (float v : loaded.getState(j))
      EXPECT_EQ(v, 0.0f);
}

TEST(Checkpoint, MismatchesAreNamedAndLeaveTheModelAlone) {
  test::TempDir dir;
  Model model = trained();
  Floats w = model.getParam(0), b = model.getParam(1);
  auto loadError = [&](const std::vector<TensorRef> &tensors,
                       std::map<std::string, std::string> metadata = {}) {
    writeSafetensors(dir.path("x.safetensors"), tensors, metadata);
    Model target = trained();
    std::string message =
        errorOf([&] { loadCheckpoint(target, dir.path("x.safetensors")); });
    expectSameState(target, trained());
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
              HasSubstr("unexpected tensor 'extra.bias' (model "
                        "'fake_classifier' has no such parameter or buffer)"));
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
      HasSubstr("metadata step 'three' is not an integer in [0, "));
  // A NaN or inf weight would poison every step (issue 11, item 3).
  Floats bad = b;
  bad[2] = std::numeric_limits<float>::infinity();
  EXPECT_THAT(loadError({{"dense.weight", {3, 4}, w.data()}, {"dense.bias", {3}, bad.data()}}),
              HasSubstr("tensor 'dense.bias' element 2 is inf; a model cannot start from a "
                        "non-finite value"));
  bad[2] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_THAT(loadError({{"dense.weight", {3, 4}, w.data()}, {"dense.bias", {3}, bad.data()}}),
              HasSubstr("tensor 'dense.bias' element 2 is nan"));
  // Near INT64_MAX the next step would overflow (issue 11, item 7).
  EXPECT_THAT(
      loadError({{"dense.weight", {3, 4}, w.data()},
                 {"dense.bias", {3}, b.data()},
                 {"optimizer.dense.weight.momentum_buffer", {3, 4}, w.data()},
                 {"optimizer.dense.bias.momentum_buffer", {3}, b.data()}},
                {{"step", "9223372036854775807"}}),
      HasSubstr("metadata step '9223372036854775807' is not an integer in [0, "
                "4611686018427387903]"));
}

TEST(Checkpoint, StrictLoadNeedsEveryBuffer) {
  test::TempDir dir;
  Model model = trained(test::frozenApi);
  std::vector<TensorRef> tensors;
  for (size_t i = 0; i < model.getNumParams(); ++i)
    tensors.push_back({model.getManifest().params[i].name,
                       model.getManifest().params[i].shape,
                       model.getParam(i).data()});
  tensors.push_back({"norm.running_mean", {2}, model.getBuffer(0).data()});
  writeSafetensors(dir.path("b.safetensors"), tensors, {});
  Model target(test::frozenApi);
  EXPECT_THAT(
      errorOf([&] { loadCheckpoint(target, dir.path("b.safetensors")); }),
      HasSubstr("missing tensor 'norm.running_var' (shape [2]) of "
                "model 'fake_frozen'"));
}

TEST(Checkpoint, ResumeNeedsStateStepAndPosition) {
  test::TempDir dir;
  Model model = trained();
  saveCheckpoint(model, dir.path("nopos.safetensors"));
  Model target(test::classifierApi);
  EXPECT_THAT(
      errorOf([&] { resumeCheckpoint(target, dir.path("nopos.safetensors")); }),
      HasSubstr("__metadata__ has no 'epoch'; --resume needs a checkpoint "
                "written by `train --save`"));
  writeSafetensors(
      dir.path("w.safetensors"),
      {{"dense.weight", {3, 4}, model.getParam(0).data()},
       {"dense.bias", {3}, model.getParam(1).data()}},
      {{"step", "3"}, {"epoch", "1"}, {"batch", "0"}, {"data_seed", "0"}});
  EXPECT_THAT(
      errorOf([&] { resumeCheckpoint(target, dir.path("w.safetensors")); }),
      HasSubstr("has no optimizer state or step; --resume needs"));
  expectSameState(target, Model(test::classifierApi));
}

TEST(Checkpoint, I64BufferRoundTripsExactly) {
  test::TempDir dir;
  std::string path = dir.path("t.safetensors");
  Model model = trained(test::trackedApi);
  EXPECT_EQ(test::getI64(model.getBuffer(2)), 3); // one per train_step
  const int64_t big = (int64_t(1) << 33) + 7;     // no exact float
  test::setI64(model.getBuffer(2), big);
  saveCheckpoint(model, path, TrainPosition{1, 3, 0, 12});
  SafetensorsFile file = readSafetensors(path);
  const Tensor &tracked = file.tensors.at("norm.num_batches_tracked");
  EXPECT_EQ(tracked.dtype, DType::I64);
  EXPECT_EQ(tracked.shape, Shape{});
  EXPECT_EQ(test::getI64(tracked.data), big);
  EXPECT_EQ(file.tensors.at("norm.running_mean").dtype, DType::F32);
  EXPECT_EQ(file.tensors.at("optimizer.head.bias.momentum_buffer").dtype,
            DType::F32);

  Model loaded(test::trackedApi);
  EXPECT_TRUE(loadCheckpoint(loaded, path));
  EXPECT_EQ(test::getI64(loaded.getBuffer(2)), big);
  expectSameState(model, loaded);
  Model resumed(test::trackedApi);
  resumeCheckpoint(resumed, path);
  expectSameState(model, resumed);
  Model transferred(test::trackedApi);
  transferred.init(1);
  TransferReport report = loadForTransfer(transferred, path);
  EXPECT_EQ(report.loaded.size(), 7u);
  EXPECT_EQ(test::getI64(transferred.getBuffer(2)), big);
}

TEST(Checkpoint, I64BufferMustBeI64InTheFile) {
  test::TempDir dir;
  std::string path = dir.path("t.safetensors");
  Model model = trained(test::trackedApi);
  const Manifest &manifest = model.getManifest();
  // Everything as saved, except the counter written as F32.
  std::vector<TensorRef> tensors;
  for (size_t i = 0; i < model.getNumParams(); ++i)
    tensors.push_back({manifest.params[i].name, manifest.params[i].shape,
                       model.getParam(i).data()});
  for (size_t i = 0; i < 2; ++i)
    tensors.push_back({manifest.buffers[i].name, manifest.buffers[i].shape,
                       model.getBuffer(i).data()});
  float asFloat = 3;
  tensors.push_back({"norm.num_batches_tracked", {}, &asFloat});
  writeSafetensors(path, tensors, {});
  std::string expected = path + ": tensor 'norm.num_batches_tracked' is F32 "
                                "but the model expects I64";
  Model target = trained(test::trackedApi);
  EXPECT_EQ(errorOf([&] { loadCheckpoint(target, path); }), expected);
  EXPECT_EQ(errorOf([&] { resumeCheckpoint(target, path); }), expected);
  EXPECT_EQ(errorOf([&] { loadForTransfer(target, path); }), expected);
  expectSameState(target, trained(test::trackedApi));

  // And the other way: an f32 param stored as I64.
  std::vector<int64_t> bias = {1};
  tensors[3] = {"head.bias", {1}, bias.data(), DType::I64};
  tensors.back() = {"norm.num_batches_tracked", {}, bias.data(), DType::I64};
  writeSafetensors(path, tensors, {});
  EXPECT_EQ(errorOf([&] { loadCheckpoint(target, path); }),
            path + ": tensor 'head.bias' is I64 but the model expects F32");
  expectSameState(target, trained(test::trackedApi));
}

/// What a model with another head saved: the frozen fake's base and norm,
/// an old head under other names, and its optimizer state.
void writeTransferSource(const std::string &path, const Model &source,
                         const Shape &baseShape = {2, 3}) {
  std::vector<float> old(3, 0.5f);
  writeSafetensors(path,
                   {{"base.weight", baseShape, source.getParam(0).data()},
                    {"base.bias", {2}, source.getParam(1).data()},
                    {"norm.running_mean", {2}, source.getBuffer(0).data()},
                    {"norm.running_var", {2}, source.getBuffer(1).data()},
                    {"old_head.weight", {1, 3}, old.data()},
                    {"optimizer.old_head.weight.exp_avg", {1, 3}, old.data()}},
                   {{"step", "3"}});
}

TEST(Checkpoint, TransferLoadsMatchingTensorsAndReportsTheRest) {
  test::TempDir dir;
  Model source = trained(test::frozenApi);
  writeTransferSource(dir.path("t.safetensors"), source);
  Model model(test::frozenApi);
  model.init(11);
  Model fresh(test::frozenApi);
  fresh.init(11);
  model.getState(0)[0] = 1; // must be reset
  model.setStep(7);
  TransferReport report = loadForTransfer(model, dir.path("t.safetensors"));
  EXPECT_THAT(report.loaded,
              ElementsAre("base.weight", "base.bias", "norm.running_mean",
                          "norm.running_var"));
  EXPECT_THAT(report.fresh, ElementsAre("head.weight", "head.bias"));
  EXPECT_THAT(report.ignored, ElementsAre("old_head.weight"));
  std::map<std::string, std::string> got = test::tensorBytes(model),
                                     src = test::tensorBytes(source),
                                     init = test::tensorBytes(fresh);
  for (const char *name :
       {"base.weight", "base.bias", "norm.running_mean", "norm.running_var"})
    EXPECT_EQ(got[name], src[name]) << name;
  for (const char *name :
       {"head.weight", "head.bias", "optimizer.head.weight.momentum_buffer"})
    EXPECT_EQ(got[name], init[name]) << name;
  EXPECT_EQ(model.getStep(), 0);
}

TEST(Checkpoint, TransferRefusesAShapeMismatchAndUnrelatedFiles) {
  test::TempDir dir;
  Model source = trained(test::frozenApi);
  writeTransferSource(dir.path("t.safetensors"), source, {3, 2});
  Model model(test::frozenApi);
  model.init(11);
  Model untouched(test::frozenApi);
  untouched.init(11);
  EXPECT_EQ(
      errorOf([&] { loadForTransfer(model, dir.path("t.safetensors")); }),
      dir.path("t.safetensors") +
          ": tensor 'base.weight' has shape [3, 2] but model 'fake_frozen' "
          "has 'base.weight' with shape [2, 3]; --init-from only loads "
          "tensors whose name and shape both match (rename the layer to "
          "initialize it fresh)");
  expectSameState(model, untouched);

  saveCheckpoint(trained(), dir.path("c.safetensors"));
  EXPECT_THAT(
      errorOf([&] { loadForTransfer(model, dir.path("c.safetensors")); }),
      HasSubstr("no tensor matches a parameter or buffer of model "
                "'fake_frozen' by name"));
}

} // namespace
} // namespace kiln
