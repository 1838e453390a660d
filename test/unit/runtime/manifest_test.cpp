//===- manifest_test.cpp - Manifest v2 parsing and validation -------------===//
#include "kiln/error.h"
#include "kiln/manifest.h"
#include "test_support.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <functional>

namespace kiln {
namespace {

using nlohmann::json;
using testing::HasSubstr;

/// `api`'s manifest with `edit` applied, parsed; returns the error message
/// ("" when it parses).
std::string errorAfter(const std::function<void(json &)> &edit,
                       const kiln_model_api &api = test::classifierApi) {
  json manifest = json::parse(api.manifest());
  edit(manifest);
  return test::errorOf([&] { parseManifest(manifest.dump()); });
}

std::string frozenErrorAfter(const std::function<void(json &)> &edit) {
  return errorAfter(edit, test::frozenApi);
}

std::string inferenceErrorAfter(const std::function<void(json &)> &edit) {
  return errorAfter(edit, test::inferenceApi);
}

TEST(Manifest, ParsesAllFields) {
  Manifest manifest = parseManifest(test::classifierManifest());
  EXPECT_EQ(manifest.abiVersion, 2);
  EXPECT_EQ(manifest.name, "fake_classifier");
  EXPECT_EQ(manifest.batchSize, 8);
  EXPECT_FALSE(manifest.inferenceOnly());
  ASSERT_EQ(manifest.params.size(), 2u);
  EXPECT_EQ(manifest.params[0].name, "dense.weight");
  EXPECT_TRUE(manifest.params[0].trainable);
  EXPECT_EQ(manifest.params[0].init, InitKind::GlorotUniform);
  EXPECT_EQ(manifest.params[0].fanOut, 3);
  EXPECT_EQ(manifest.numParamElements(), 15);
  EXPECT_TRUE(manifest.buffers.empty());
  ASSERT_EQ(manifest.state.size(), 2u);
  EXPECT_EQ(manifest.state[1].param, "dense.bias");
  EXPECT_EQ(manifest.state[1].paramIndex, 1u);
  EXPECT_EQ(manifest.state[1].shape, Shape{3});
  EXPECT_EQ(manifest.state[1].checkpointName(),
            "optimizer.dense.bias.momentum_buffer");
  EXPECT_EQ(manifest.findState("dense.bias", "momentum_buffer"), 1);
  EXPECT_EQ(manifest.findState("dense.bias", "exp_avg"), -1);
  ASSERT_EQ(manifest.inputs.size(), 1u);
  EXPECT_EQ(manifest.inputShape(), Shape{4});
  EXPECT_EQ(manifest.inputs[0].dtype, DType::F32);
  ASSERT_EQ(manifest.targets.size(), 1u);
  EXPECT_EQ(manifest.targets[0].dtype, DType::I32);
  EXPECT_EQ(manifest.outputShape(), Shape{3});
  EXPECT_TRUE(manifest.isClassification());
  EXPECT_EQ(manifest.numClasses, 3);
  ASSERT_EQ(manifest.entryPoints.size(), 6u);
  EXPECT_EQ(manifest.batchOf(EntryPoint::EvalStep1), 1);
  const EntryPointSpec *check = manifest.findEntry(EntryPoint::CheckStep);
  ASSERT_NE(check, nullptr);
  ASSERT_EQ(check->checks.size(), 4u);
  EXPECT_EQ(check->checks[1].layer, "dense");
  EXPECT_EQ(check->checks[1].value, "output");
  EXPECT_EQ(check->checks[1].size, 24);
  EXPECT_EQ(manifest.findEntry(EntryPoint::TrainStep)->workspaceBytes, 60);
  EXPECT_TRUE(manifest.findEntry(EntryPoint::TrainStep)->trainMode);
  EXPECT_FALSE(manifest.findEntry(EntryPoint::Forward)->trainMode);
  EXPECT_EQ(manifest.workspaceBytes(), 60);
  EXPECT_EQ(manifest.loss, LossKind::SoftmaxCrossEntropy);
  ASSERT_TRUE(manifest.optimizer.has_value());
  EXPECT_EQ(manifest.optimizer->type, "momentum");
  EXPECT_DOUBLE_EQ(manifest.optimizer->lr, 0.1);
  ASSERT_EQ(manifest.layers.size(), 1u);
  EXPECT_EQ(manifest.layers[0].activation, "softmax");
  EXPECT_EQ(manifest.training.epochs, 3);
  EXPECT_TRUE(manifest.hasMetric("accuracy"));
}

TEST(Manifest, FrozenParamsAndBuffers) {
  Manifest manifest = parseManifest(test::frozenApi.manifest());
  EXPECT_FALSE(manifest.params[0].trainable);
  EXPECT_EQ(manifest.numTrainableElements(), 3);
  ASSERT_EQ(manifest.buffers.size(), 2u);
  EXPECT_EQ(manifest.buffers[1].name, "norm.running_var");
  EXPECT_EQ(manifest.buffers[1].init, InitKind::Ones);
  EXPECT_EQ(manifest.findBuffer("norm.running_mean"), 0);
  EXPECT_EQ(manifest.findParam("head.bias"), 3);
  EXPECT_EQ(manifest.state[0].paramIndex, 2u);
  EXPECT_FALSE(manifest.isClassification());
  // Each entry point keeps its own batch.
  EXPECT_EQ(manifest.batchOf(EntryPoint::EvalStep), 3);
  EXPECT_EQ(manifest.batchOf(EntryPoint::Forward), 5);
  EXPECT_FALSE(manifest.layers[0].trainable);
}

TEST(Manifest, InferenceOnly) {
  Manifest manifest = parseManifest(test::inferenceApi.manifest());
  EXPECT_TRUE(manifest.inferenceOnly());
  EXPECT_FALSE(manifest.loss.has_value());
  EXPECT_FALSE(manifest.optimizer.has_value());
  EXPECT_TRUE(manifest.isClassification()); // from outputs[0].kind
  EXPECT_EQ(manifest.numClasses, 3);
  EXPECT_EQ(manifest.findEntry(EntryPoint::TrainStep), nullptr);
  EXPECT_THAT(test::errorOf([&] { manifest.batchOf(EntryPoint::EvalStep); }),
              HasSubstr("model 'fake_inference' has no eval_step entry point"));
}

TEST(Manifest, KeepsOptimizerFlagsForDisplay) {
  json manifest = json::parse(test::classifierManifest());
  manifest["optimizer"]["nesterov"] = true;
  Manifest parsed = parseManifest(manifest.dump());
  ASSERT_EQ(parsed.optimizer->settings.size(), 2u);
  EXPECT_EQ(parsed.optimizer->settings[0].second, "0.9");
  EXPECT_EQ(parsed.optimizer->settings[1].first, "nesterov");
  EXPECT_EQ(parsed.optimizer->settings[1].second, "true");
}

TEST(Manifest, IgnoresUnknownKeysAndAcceptsOtherInputDtypes) {
  EXPECT_EQ(errorAfter([](json &j) {
              j["future_key"] = {1, 2};
              j["params"][0]["future"] = "x";
              j["inputs"][0]["dtype"] = "i32"; // token ids
            }),
            "");
}

TEST(Manifest, RejectsBadJsonAndOtherAbiVersions) {
  EXPECT_THAT(test::errorOf([] { parseManifest("{\"abi_version\": 2,"); }),
              HasSubstr("manifest: invalid JSON"));
  EXPECT_THAT(errorAfter([](json &j) { j["abi_version"] = 1; }),
              HasSubstr("manifest: abi_version is 1 but this runtime speaks "
                        "2 to 3; build the model and the runtime from the same "
                        "Kiln version"));
  EXPECT_THAT(errorAfter([](json &j) { j["abi_version"] = 4; }),
              HasSubstr("manifest: abi_version is 4 but this runtime speaks 2 to 3"));
  EXPECT_THAT(errorAfter([](json &j) { j.erase("abi_version"); }),
              HasSubstr("missing field 'abi_version'"));
}

TEST(Manifest, NamesMissingFields) {
  auto missing = [](const std::function<void(json &)> &edit) {
    return errorAfter(edit);
  };
  EXPECT_THAT(missing([](json &j) { j.erase("batch_size"); }),
              HasSubstr("manifest: missing field 'batch_size'"));
  EXPECT_THAT(missing([](json &j) { j["params"][0].erase("fan_out"); }),
              HasSubstr("missing field 'params[0].fan_out'"));
  EXPECT_THAT(missing([](json &j) { j["params"][1].erase("trainable"); }),
              HasSubstr("missing field 'params[1].trainable'"));
  EXPECT_THAT(missing([](json &j) { j["params"][0].erase("dtype"); }),
              HasSubstr("missing field 'params[0].dtype'"));
  EXPECT_THAT(missing([](json &j) { j["state"][1].erase("slot"); }),
              HasSubstr("missing field 'state[1].slot'"));
  EXPECT_THAT(missing([](json &j) { j.erase("inputs"); }),
              HasSubstr("missing field 'inputs'"));
  EXPECT_THAT(missing([](json &j) { j["outputs"][0].erase("kind"); }),
              HasSubstr("missing field 'outputs[0].kind'"));
  EXPECT_THAT(
      missing([](json &j) { j["entry_points"][3].erase("workspace_bytes"); }),
      HasSubstr("missing field 'entry_points[3].workspace_bytes'"));
  EXPECT_THAT(missing([](json &j) { j.erase("training"); }),
              HasSubstr("missing field 'training'"));
  EXPECT_THAT(missing([](json &j) { j["training"].erase("epochs"); }),
              HasSubstr("missing field 'training.epochs'"));
  EXPECT_THAT(missing([](json &j) { j.erase("num_classes"); }),
              HasSubstr("missing field 'num_classes'"));
  EXPECT_THAT(missing([](json &j) { j.erase("optimizer"); }),
              HasSubstr("missing field 'optimizer'"));
  EXPECT_THAT(missing([](json &j) { j.erase("loss"); }),
              HasSubstr("missing field 'loss'"));
}

TEST(Manifest, RejectsInvalidValues) {
  EXPECT_THAT(errorAfter([](json &j) { j["batch_size"] = "8"; }),
              HasSubstr("'batch_size' must be an integer"));
  EXPECT_THAT(errorAfter([](json &j) {
                j["inputs"][0]["shape"] = {4, 0};
              }),
              HasSubstr("'inputs[0].shape[1]' must be at least 1"));
  EXPECT_THAT(errorAfter([](json &j) { j["loss"] = "hinge"; }),
              HasSubstr("unknown loss 'hinge'"));
  EXPECT_THAT(errorAfter([](json &j) { j["num_classes"] = 4; }),
              HasSubstr("num_classes (4) differs from the last dim of "
                        "outputs[0].shape [3]"));
  EXPECT_THAT(errorAfter([](json &j) { j["params"][0]["init"] = "lecun"; }),
              HasSubstr("'params[0].init' is 'lecun'"));
  EXPECT_THAT(errorAfter([](json &j) { j["params"][0]["trainable"] = 1; }),
              HasSubstr("'params[0].trainable' must be true or false"));
  EXPECT_THAT(errorAfter([](json &j) { j["inputs"][0]["dtype"] = "f16"; }),
              HasSubstr("'inputs[0].dtype' is 'f16'; expected f32, f64, i32 "
                        "or i64"));
  EXPECT_THAT(errorAfter([](json &j) { j["params"][1]["dtype"] = "f64"; }),
              HasSubstr("'params[1].dtype' is 'f64'; parameters and "
                        "optimizer state must be f32"));
  EXPECT_THAT(errorAfter([](json &j) { j["outputs"][0]["kind"] = "logits"; }),
              HasSubstr("'outputs[0].kind' is 'logits'; expected "
                        "probabilities or values"));
  EXPECT_THAT(errorAfter([](json &j) { j["training"]["batch_size"] = 16; }),
              HasSubstr("differs from the compiled batch_size (8)"));
  EXPECT_THAT(errorAfter([](json &j) { j["optimizer"]["lr"] = -1; }),
              HasSubstr("'optimizer.lr' must be positive"));
  EXPECT_THAT(errorAfter([](json &j) { j["inputs"] = json::array(); }),
              HasSubstr("manifest: 'inputs' is empty"));
}

TEST(Manifest, NamesAreUniqueAcrossParamsAndBuffers) {
  EXPECT_THAT(
      errorAfter([](json &j) { j["params"][1]["name"] = "dense.weight"; }),
      HasSubstr("duplicate name 'dense.weight' in 'params and buffers'"));
  EXPECT_THAT(frozenErrorAfter(
                  [](json &j) { j["buffers"][0]["name"] = "base.weight"; }),
              HasSubstr("duplicate name 'base.weight'"));
  EXPECT_THAT(frozenErrorAfter(
                  [](json &j) { j["buffers"][0]["name"] = "optimizer.x"; }),
              HasSubstr("name 'optimizer.x' starts with 'optimizer.'"));
  EXPECT_THAT(
      frozenErrorAfter([](json &j) { j["buffers"][1]["init"] = "he_uniform"; }),
      HasSubstr("'buffers[1].init' is 'he_uniform'; a buffer starts "
                "as zeros or ones"));
}

TEST(Manifest, BuffersAreF32OrI64) {
  Manifest manifest = parseManifest(test::trackedApi.manifest());
  ASSERT_EQ(manifest.buffers.size(), 3u);
  EXPECT_EQ(manifest.buffers[0].dtype, DType::F32);
  const BufferSpec &tracked = manifest.buffers[2];
  EXPECT_EQ(tracked.name, "norm.num_batches_tracked");
  EXPECT_EQ(tracked.shape, Shape{});
  EXPECT_EQ(tracked.dtype, DType::I64);
  EXPECT_EQ(tracked.init, InitKind::Zeros);
  // Older manifests may omit a buffer's dtype: f32.
  json old = json::parse(test::frozenApi.manifest());
  old["buffers"][1].erase("dtype");
  EXPECT_EQ(parseManifest(old.dump()).buffers[1].dtype, DType::F32);

  EXPECT_THAT(errorAfter([](json &j) { j["buffers"][2]["init"] = "ones"; },
                         test::trackedApi),
              HasSubstr("'buffers[2].init' is 'ones'; i64 buffer "
                        "'norm.num_batches_tracked' must start as zeros"));
  EXPECT_THAT(
      frozenErrorAfter([](json &j) { j["buffers"][0]["dtype"] = "i32"; }),
      HasSubstr("'buffers[0].dtype' is 'i32'; buffer 'norm.running_mean' "
                "must be f32 or i64"));
  EXPECT_THAT(
      frozenErrorAfter([](json &j) { j["buffers"][0]["dtype"] = "int64"; }),
      HasSubstr("'buffers[0].dtype' is 'int64'; expected f32, f64, i32 or "
                "i64"));
  EXPECT_THAT(errorAfter([](json &j) { j["params"][0]["dtype"] = "i64"; }),
              HasSubstr("'params[0].dtype' is 'i64'; parameters and "
                        "optimizer state must be f32"));
}

TEST(Manifest, StateBelongsToTrainableParamsOfTheSameShape) {
  EXPECT_THAT(errorAfter([](json &j) { j["state"][0]["param"] = "dense.w"; }),
              HasSubstr("'state[0].param' is 'dense.w', which is not in "
                        "'params'"));
  EXPECT_THAT(frozenErrorAfter([](json &j) {
                j["state"][0] = {{"param", "base.bias"},
                                 {"slot", "momentum_buffer"},
                                 {"shape", {2}},
                                 {"dtype", "f32"}};
              }),
              HasSubstr("'state[0]' is optimizer state of 'base.bias', which "
                        "is not trainable"));
  EXPECT_THAT(errorAfter([](json &j) { j["state"][1]["shape"] = {4}; }),
              HasSubstr("'state[1].shape' is [4] but param 'dense.bias' has "
                        "shape [3]"));
  EXPECT_THAT(errorAfter([](json &j) { j["state"][1] = j["state"][0]; }),
              HasSubstr("'state[1]' repeats slot 'momentum_buffer' of "
                        "'dense.weight'"));
  EXPECT_THAT(
      errorAfter([](json &j) { std::swap(j["state"][0], j["state"][1]); }),
      HasSubstr("'state[1]' (of 'dense.weight') comes after state of "
                "'dense.bias'; state must be param-major"));
}

TEST(Manifest, CheckStepListsItsChecks) {
  // entry_points[5] of the classifier is check_step.
  EXPECT_THAT(errorAfter([](json &j) { j["entry_points"][5]["mode"] = "eval"; }),
              HasSubstr("'entry_points[5].mode' of check_step is 'eval'; "
                        "expected 'train'"));
  EXPECT_THAT(errorAfter([](json &j) { j["entry_points"][5]["batch"] = 4; }),
              HasSubstr("check_step's batch (4) differs from train_step's (8)"));
  EXPECT_THAT(errorAfter([](json &j) { j["entry_points"][5].erase("checks"); }),
              HasSubstr("missing field 'entry_points[5].checks'"));
  EXPECT_THAT(errorAfter([](json &j) {
                j["entry_points"][5]["checks"] = json::array();
              }),
              HasSubstr("'entry_points[5].checks' is empty"));
  EXPECT_THAT(errorAfter([](json &j) {
                j["entry_points"][5]["checks"][1]["value"] = "weights";
              }),
              HasSubstr("'entry_points[5].checks[1].value' is 'weights'; "
                        "expected value, output or gradient"));
  EXPECT_THAT(errorAfter([](json &j) {
                j["entry_points"][5]["checks"][0]["size"] = -1;
              }),
              HasSubstr("'entry_points[5].checks[0].size' must be at least 0"));
  EXPECT_THAT(inferenceErrorAfter([](json &j) {
                j["entry_points"].push_back(
                    {{"name", "check_step"}, {"mode", "train"}, {"batch", 8},
                     {"workspace_bytes", 0},
                     {"checks", json::array({{{"layer", "loss"},
                                              {"value", "value"},
                                              {"size", 1}}})}});
              }),
              HasSubstr("'entry_points' has check_step but no train_step"));
  // Optional: a model compiled before check_step existed still loads.
  Manifest m = parseManifest([] {
    json j = json::parse(test::classifierApi.manifest());
    j["entry_points"].erase(5);
    return j.dump();
  }());
  EXPECT_EQ(m.findEntry(EntryPoint::CheckStep), nullptr);
}

TEST(Manifest, EntryPointsAreTheKnownFiveOnce) {
  EXPECT_THAT(
      errorAfter([](json &j) { j["entry_points"][1]["name"] = "eval"; }),
      HasSubstr("'entry_points[1].name' is 'eval'; expected "
                "train_step, eval_step, eval_step_1, forward, forward_1, "
                "check_step or prepare"));
  EXPECT_THAT(
      errorAfter([](json &j) { j["entry_points"][4] = j["entry_points"][3]; }),
      HasSubstr("'entry_points[4]': forward is listed twice"));
  EXPECT_THAT(
      errorAfter([](json &j) { j["entry_points"][3]["mode"] = "train"; }),
      HasSubstr("'entry_points[3].mode' of forward is 'train'; "
                "expected 'eval'"));
  EXPECT_THAT(errorAfter([](json &j) { j["entry_points"][4]["batch"] = 8; }),
              HasSubstr("'entry_points[4].batch' of forward_1 is 8; "
                        "expected 1"));
  EXPECT_THAT(errorAfter([](json &j) { j["entry_points"].erase(4); }),
              HasSubstr("'entry_points' has no forward_1; every model needs "
                        "forward and forward_1"));
  EXPECT_THAT(errorAfter([](json &j) { j["entry_points"].erase(2); }),
              HasSubstr("'entry_points' has train_step but no eval_step_1"));
  EXPECT_THAT(errorAfter([](json &j) {
                j["entry_points"][0]["batch"] = 16;
                j["entry_points"][5]["batch"] = 16;
              }),
              HasSubstr("'batch_size' (8) differs from the batch of "
                        "train_step (16)"));
  EXPECT_THAT(inferenceErrorAfter([](json &j) {
                j["entry_points"].push_back({{"name", "eval_step"},
                                             {"mode", "eval"},
                                             {"batch", 8},
                                             {"workspace_bytes", 0}});
              }),
              HasSubstr("'entry_points' has eval_step but no train_step; an "
                        "inference-only model has only forward and "
                        "forward_1"));
}

TEST(Manifest, LossesAndStateInit) {
  for (const char *loss : {"mae", "huber"})
    EXPECT_EQ(errorAfter([&](json &j) { j["loss"] = loss; }, test::regressorApi), "");
  for (const char *loss : {"binary_cross_entropy", "kl_divergence"})
    EXPECT_THAT(errorAfter([&](json &j) { j["loss"] = loss; }, test::regressorApi),
                HasSubstr("predicts 'probabilities'"));
  EXPECT_EQ(errorAfter([](json &j) {
              j["loss"] = "binary_cross_entropy";
              j["outputs"][0]["kind"] = "probabilities";
            }, test::regressorApi),
            "");
  EXPECT_THAT(errorAfter([](json &j) { j["loss"] = "hinge"; }),
              HasSubstr("unknown loss 'hinge' (expected one of: "
                        "softmax_cross_entropy, mse, mae, huber, "
                        "binary_cross_entropy, kl_divergence)"));
  json manifest = json::parse(test::classifierManifest());
  manifest["state"][1]["init"] = 0.5;
  Manifest parsed = parseManifest(manifest.dump());
  EXPECT_EQ(parsed.state[0].init, 0.0f);
  EXPECT_EQ(parsed.state[1].init, 0.5f);
  EXPECT_THAT(errorAfter([](json &j) { j["state"][0]["init"] = "x"; }),
              HasSubstr("must be a number"));
}

TEST(Manifest, TargetsLossAndOutputsAgree) {
  EXPECT_THAT(errorAfter([](json &j) { j["loss"] = "mse"; }),
              HasSubstr("'loss' is 'mse' but targets[0] is i32 (class "
                        "indices), which only softmax_cross_entropy takes"));
  EXPECT_THAT(errorAfter([](json &j) { j["targets"][0]["dtype"] = "i64"; }),
              HasSubstr("'targets[0]' is i64 []; expected i32 [] (class "
                        "indices, one per row of outputs[0]) or f32 with the "
                        "shape of outputs[0] [3]"));
  EXPECT_THAT(errorAfter([](json &j) { j["outputs"][0]["kind"] = "values"; }),
              HasSubstr("'outputs[0].kind' is 'values' but loss "
                        "'softmax_cross_entropy' predicts 'probabilities'"));
  EXPECT_THAT(errorAfter([](json &j) { j["targets"] = json::array(); }),
              HasSubstr("'targets' is empty; a model with train_step needs "
                        "one"));
  EXPECT_THAT(errorAfter([](json &j) { j["loss"] = "softmax_cross_entropy"; },
                         test::regressorApi),
              HasSubstr("'outputs[0].kind' is 'values' but loss "
                        "'softmax_cross_entropy' predicts 'probabilities'"));
  EXPECT_THAT(errorAfter([](json &j) { j["targets"][0]["shape"] = {3}; },
                         test::regressorApi),
              HasSubstr("'targets[0]' is f32 [3]"));
}

TEST(Manifest, InferenceOnlyHasNoTrainingSections) {
  EXPECT_THAT(inferenceErrorAfter([](json &j) { j["loss"] = "mse"; }),
              HasSubstr("'loss' is given but 'entry_points' has no "
                        "train_step"));
  EXPECT_THAT(inferenceErrorAfter([](json &j) {
                j["state"] = json::parse(test::classifierManifest())["state"];
              }),
              HasSubstr("'state' is not empty but 'entry_points' has no "
                        "train_step"));
  EXPECT_THAT(inferenceErrorAfter([](json &j) { j["num_classes"] = 5; }),
              HasSubstr("num_classes (5) differs"));
  EXPECT_EQ(inferenceErrorAfter([](json &j) {
              j.erase("targets");
              j.erase("state");
              j.erase("buffers");
              j["params"] = json::array(); // e.g. a parameter-free ONNX graph
            }),
            "");
}

TEST(Manifest, ShapeHelpers) {
  EXPECT_EQ(shapeSize({}), 1);
  EXPECT_EQ(shapeSize({512, 784}), 401408);
  EXPECT_EQ(formatShape({512, 784}), "[512, 784]");
  EXPECT_THROW(shapeSize({int64_t(1) << 40, int64_t(1) << 40}), Error);
  EXPECT_EQ(dtypeBytes(DType::I64), 8);
  EXPECT_STREQ(entryName(EntryPoint::EvalStep1), "eval_step_1");
}

} // namespace
} // namespace kiln
