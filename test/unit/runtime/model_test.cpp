//===- model_test.cpp - Model: api checks, state, entry point calls -------===//
#include "kiln/dataset.h"
#include "kiln/model.h"
#include "support.h"
#include "test_support.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <limits>

namespace kiln {
namespace {

using test::errorOf;
using testing::HasSubstr;

/// Inputs 0, 0.1, 0.2, ... for `n` samples of `width` values.
std::vector<float> ramp(int64_t n, int64_t width) {
  std::vector<float> x(n * width);
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = float(i % 7) * 0.1f - 0.3f;
  return x;
}

TEST(Model, ApiMustHaveExactlyTheManifestsEntryPoints) {
  kiln_model_api missing = test::classifierApi;
  missing.eval_step = nullptr;
  EXPECT_EQ(errorOf([&] { Model model(missing); }),
            "model 'fake_classifier': the manifest lists eval_step but "
            "kiln_model_api.eval_step is NULL");
  kiln_model_api extra = test::inferenceApi;
  extra.train_step = test::classifierApi.train_step;
  EXPECT_EQ(errorOf([&] { Model model(extra); }),
            "model 'fake_inference': kiln_model_api.train_step is set but the "
            "manifest does not list train_step");
  kiln_model_api noManifest = test::classifierApi;
  noManifest.manifest = nullptr;
  EXPECT_THAT(errorOf([&] { Model model(noManifest); }),
              HasSubstr("no manifest function"));
  kiln_model_api nullManifest = test::classifierApi;
  nullManifest.manifest = [] { return static_cast<const char *>(nullptr); };
  EXPECT_THAT(errorOf([&] { Model model(nullManifest); }),
              HasSubstr("manifest() returned null"));
}

std::string editedManifest;

/// The classifier with its manifest edited by `edit`.
kiln_model_api editedClassifier(void (*edit)(nlohmann::json &)) {
  nlohmann::json manifest = nlohmann::json::parse(test::classifierManifest());
  edit(manifest);
  editedManifest = manifest.dump();
  kiln_model_api api = test::classifierApi;
  api.manifest = [] { return editedManifest.c_str(); };
  return api;
}

TEST(Model, RefusesWhatTheRuntimeCannotFeed) {
  kiln_model_api api = editedClassifier([](nlohmann::json &manifest) {
    manifest["inputs"].push_back(manifest["inputs"][0]);
    manifest["inputs"][1]["name"] = "x2";
  });
  EXPECT_THAT(errorOf([&] { Model model(api); }),
              HasSubstr("model 'fake_classifier' has 2 inputs, 1 target and "
                        "1 output; this runtime supports 1 input, 1 target "
                        "and 1 output"));
  api = editedClassifier([](nlohmann::json &manifest) {
    manifest["outputs"][0]["dtype"] = "f64";
  });
  EXPECT_EQ(errorOf([&] { Model model(api); }),
            "model 'fake_classifier': outputs[0] is f64; the runtime reads f32 "
            "predictions");
  // The loaders produce f32 values or i32 token ids; an f64 input is for
  // the Model API only.
  api = editedClassifier(
      [](nlohmann::json &manifest) { manifest["inputs"][0]["dtype"] = "i32"; });
  Model ids(api);
  EXPECT_EQ(errorOf([&] { checkLoaderInput(ids.getManifest()); }), "");
  api = editedClassifier(
      [](nlohmann::json &manifest) { manifest["inputs"][0]["dtype"] = "f64"; });
  Model model(api);
  EXPECT_EQ(errorOf([&] { checkLoaderInput(model.getManifest()); }),
            "model 'fake_classifier' takes f64 input 'x'; the runtime's data "
            "loaders produce one f32 or i32 input, so feed this model through "
            "the kiln::Model API");
}

TEST(Model, InitFillsParamsBuffersAndZeroesState) {
  Model model(test::frozenApi);
  EXPECT_EQ(model.getNumParams(), 4u);
  EXPECT_EQ(model.getNumBuffers(), 2u);
  EXPECT_EQ(model.getNumState(), 2u);
  model.getState(1)[0] = 3;
  model.setStep(9);
  model.init(4);
  EXPECT_EQ(model.getBuffer(0), Floats(2, 0.0f));
  EXPECT_EQ(model.getBuffer(1), Floats(2, 1.0f));
  EXPECT_EQ(model.getState(1), Floats(1, 0.0f));
  EXPECT_EQ(model.getStep(), 0);
  EXPECT_EQ(model.getSeed(), 4u);
  EXPECT_NE(model.getParam(0), Floats(6, 0.0f));
  EXPECT_EQ(model.findTensor("norm.running_var"), &model.getBuffer(1));
  EXPECT_EQ(model.findTensor("head.bias"), &model.getParam(3));
  EXPECT_EQ(model.findTensor("optimizer.head.bias.momentum_buffer"), nullptr);
  // One stream per param name: the same name starts the same everywhere.
  Model classifier(test::classifierApi), inference(test::inferenceApi);
  classifier.init(4);
  inference.init(4);
  EXPECT_EQ(classifier.getParam(0), inference.getParam(0));
}

// Kernels load whole 64-byte vectors: a tensor that starts inside a cache
// line makes every load touch two (fashion_mlp's batch-1 forward on 2
// threads ran 1.6x slower with malloc's 16-byte alignment).
TEST(Model, TensorsStartOnCacheLines) {
  Model model(test::trackedApi);
  model.init(1);
  auto aligned = [](const Floats &t) {
    return reinterpret_cast<uintptr_t>(t.data()) % kCacheLine == 0;
  };
  for (size_t i = 0; i < model.getNumParams(); ++i)
    EXPECT_TRUE(aligned(model.getParam(i))) << "param " << i;
  for (size_t i = 0; i < model.getNumBuffers(); ++i)
    EXPECT_TRUE(aligned(model.getBuffer(i))) << "buffer " << i;
  for (size_t j = 0; j < model.getNumState(); ++j)
    EXPECT_TRUE(aligned(model.getState(j))) << "state " << j;
  Model::Snapshot snap;
  model.saveTo(snap);
  for (const Floats &t : snap.params)
    EXPECT_TRUE(aligned(t)) << "snapshot";
}

// Generated code runs with denormals flushed to zero (kiln/denormals.h);
// the caller's mode is back after the call.
TEST(Model, EntryPointsRunWithDenormalsFlushed) {
  static uint32_t seenHalf = 1; // bits: under DAZ a denormal equals 0
  kiln_model_api api = test::frozenApi;
  api.forward_1 = [](const kiln_bindings *, const kiln_call *) {
    volatile float smallest = 1.17549435e-38f;
    float half = smallest * 0.5f;
    std::memcpy(&seenHalf, &half, sizeof(seenHalf));
    return 0.0f;
  };
  Model model(api);
  model.init(1);
  std::vector<float> x(model.getManifest().inputSize()), out(model.getManifest().outputSize());
  model.predict(x.data(), 1, out.data());
  EXPECT_EQ(seenHalf, 0u);
  volatile float smallest = 1.17549435e-38f;
  EXPECT_NE(smallest * 0.5f, 0.0f);
}

// Adagrad's accumulator starts at initial_accumulator_value: the
// manifest's state "init".
TEST(Model, InitStartsStateAtItsInitValue) {
  static std::string text;
  nlohmann::json manifest = nlohmann::json::parse(test::frozenApi.manifest());
  manifest["state"][0]["init"] = 0.25;
  text = manifest.dump();
  kiln_model_api api = test::frozenApi;
  api.manifest = [] { return text.c_str(); };
  Model model(api);
  model.getState(0).assign(model.getState(0).size(), 7.0f);
  model.init(1);
  EXPECT_EQ(model.getState(0), Floats(model.getState(0).size(), 0.25f));
  EXPECT_EQ(model.getState(1), Floats(model.getState(1).size(), 0.0f));
}

TEST(Model, I64BufferHasTwoWordsPerElementAndInitZeroesIt) {
  Model model(test::trackedApi);
  ASSERT_EQ(model.getNumBuffers(), 3u);
  ASSERT_EQ(model.getManifest().buffers[2].dtype, DType::I64);
  Floats &tracked = model.getBuffer(2);
  ASSERT_EQ(tracked.size(), 2u); // one int64 in two words
  EXPECT_EQ(reinterpret_cast<uintptr_t>(tracked.data()) % alignof(int64_t), 0u);
  EXPECT_EQ(model.findTensor("norm.num_batches_tracked"), &tracked);
  test::setI64(tracked, -1); // every bit set
  model.init(4);
  EXPECT_EQ(test::bytesOf(tracked), std::string(8, '\0'));
  EXPECT_EQ(model.getBuffer(1), Floats(2, 1.0f));
  // train_step counts batches; the eval-mode entry points leave it alone.
  std::vector<float> x = ramp(4, 3), y = {1, 0, -1, 0.5f};
  model.trainBatch(x.data(), y.data(), 0.1f);
  model.trainBatch(x.data(), y.data(), 0.1f);
  model.evalBatch(x.data(), y.data());
  EXPECT_EQ(test::getI64(tracked), 2);
  test::setI64(tracked, (int64_t(1) << 33) + 7);
  model.init(4);
  EXPECT_EQ(test::getI64(tracked), 0);
}

TEST(Model, PredictRunsFullBatchesThenForward1) {
  Model model(test::classifierApi);
  model.init(1);
  std::vector<float> x = ramp(19, 4);
  std::vector<float> batched(19 * 3), single(19 * 3);
  test::fakeCalls = {};
  model.predict(x.data(), 19, batched.data());
  EXPECT_EQ(test::fakeCalls.forward, 2);
  EXPECT_EQ(test::fakeCalls.forward1, 3);
  for (int64_t i = 0; i < 19; ++i)
    model.forwardSample(&x[i * 4], &single[i * 3]);
  EXPECT_EQ(batched, single);

  test::fakeCalls = {};
  std::vector<float> one(3);
  model.predict(x.data(), 1, one.data());
  EXPECT_EQ(test::fakeCalls.forward1, 1);
  EXPECT_EQ(test::fakeCalls.forward, 0);
  EXPECT_EQ(std::vector<float>(single.begin(), single.begin() + 3), one);
  test::fakeCalls = {};
  model.predict(x.data(), 0, one.data());
  EXPECT_EQ(test::fakeCalls.forward + test::fakeCalls.forward1, 0);
}

TEST(Model, PrepareRunsOnceAfterEachChangeOfParams) {
  // The prepared fake computes what the classifier does, from its derived
  // tensor: a stale one shows as different predictions.
  Model model(test::preparedApi), reference(test::classifierApi);
  model.init(1);
  reference.init(1);
  std::vector<float> x = ramp(19, 4), out(19 * 3), want(19 * 3);
  std::vector<int32_t> y = {0, 1, 2, 0, 1, 2, 0, 1};
  auto same = [&] {
    model.predict(x.data(), 19, out.data());
    reference.predict(x.data(), 19, want.data());
    return out == want;
  };
  test::fakeCalls = {};
  EXPECT_TRUE(same());
  EXPECT_TRUE(same());
  EXPECT_FLOAT_EQ(model.evalBatch(x.data(), y.data()), reference.evalBatch(x.data(), y.data()));
  EXPECT_EQ(test::fakeCalls.prepare, 1);

  model.trainBatch(x.data(), y.data(), 0.5f);
  reference.trainBatch(x.data(), y.data(), 0.5f);
  model.checkBatch(x.data(), y.data()); // train mode: computes its own
  EXPECT_EQ(test::fakeCalls.prepare, 1);
  EXPECT_TRUE(same());
  EXPECT_EQ(test::fakeCalls.prepare, 2);

  Model::Snapshot before, referenceBefore;
  model.saveTo(before);
  reference.saveTo(referenceBefore);
  for (Model *m : {&model, &reference})
    m->getParam(0)[0] += 1;
  EXPECT_TRUE(same());
  EXPECT_EQ(test::fakeCalls.prepare, 3);
  model.restore(before);
  reference.restore(referenceBefore);
  EXPECT_TRUE(same());
  for (Model *m : {&model, &reference})
    (*m->findTensor("dense.weight"))[1] = 2;
  EXPECT_TRUE(same());
  EXPECT_EQ(test::fakeCalls.prepare, 5);

  // A write through a pointer kept from before needs paramsChanged.
  float *w = model.getParam(0).data(), *v = reference.getParam(0).data();
  EXPECT_TRUE(same());
  w[2] = v[2] = -3;
  model.paramsChanged();
  EXPECT_TRUE(same());
  EXPECT_EQ(test::fakeCalls.prepare, 7);
}

TEST(Model, PrepareAndDerivedTensorsComeTogether) {
  auto edited = [](auto edit) {
    nlohmann::ordered_json manifest =
        nlohmann::ordered_json::parse(test::preparedApi.manifest());
    edit(manifest);
    static std::string text;
    text = manifest.dump();
    kiln_model_api api = test::preparedApi;
    api.manifest = [] { return text.c_str(); };
    return errorOf([&] { Model model(api); });
  };
  EXPECT_THAT(edited([](auto &m) { m["derived"] = nlohmann::ordered_json::array(); }),
              HasSubstr("'entry_points' has prepare but 'derived' is empty"));
  EXPECT_THAT(edited([](auto &m) { m["entry_points"].erase(m["entry_points"].size() - 1); }),
              HasSubstr("'derived' lists 1 tensors but 'entry_points' has no prepare"));
  EXPECT_THAT(edited([](auto &m) { m["derived"][0]["dtype"] = "i32"; }),
              HasSubstr("derived tensor 'derived.0' must be f32 or i64"));
  EXPECT_THAT(edited([](auto &m) { m["abi_version"] = 2; }),
              HasSubstr("'entry_points' has prepare, which came with abi_version 3, but "
                        "abi_version is 2"));
}

TEST(Model, EachEntryPointUsesItsOwnBatch) {
  Model model(test::frozenApi);
  model.init(2);
  EXPECT_EQ(model.trainBatchSize(), 4);
  EXPECT_EQ(model.evalBatchSize(), 3);
  EXPECT_EQ(model.forwardBatchSize(), 5);
  std::vector<float> x = ramp(12, 3), out(12);
  test::fakeCalls = {};
  model.predict(x.data(), 12, out.data());
  EXPECT_EQ(test::fakeCalls.forward, 2);
  EXPECT_EQ(test::fakeCalls.forward1, 2);
}

TEST(Model, EvalModeChangesNothingTrainModeUpdatesBuffers) {
  Model model(test::frozenApi);
  model.init(2);
  // Enough for the largest batch of the fake's entry points (forward: 5;
  // found by ASan: 4 samples were read as 5).
  std::vector<float> x = ramp(5, 3), y = {1, 0, -1, 0.5f, 2}, out(5);
  std::map<std::string, std::string> before = test::tensorBytes(model);
  model.evalBatch(x.data(), y.data(), out.data());
  model.evalSample(x.data(), y.data());
  model.forwardBatch(x.data(), out.data());
  EXPECT_EQ(test::tensorBytes(model), before);
  EXPECT_EQ(model.getStep(), 0);
  model.trainBatch(x.data(), y.data(), 0.1f);
  EXPECT_EQ(model.getStep(), 1);
  EXPECT_NE(test::tensorBytes(model)["norm.running_mean"],
            before["norm.running_mean"]);
}

TEST(Model, InferenceOnlyPredictsButRefusesToTrain) {
  Model model(test::inferenceApi);
  model.init(0);
  std::vector<float> x = ramp(8, 4), out(8 * 3);
  std::vector<int32_t> y(8, 0);
  model.predict(x.data(), 8, out.data());
  EXPECT_NEAR(out[0] + out[1] + out[2], 1.0f, 1e-6);
  EXPECT_EQ(errorOf([&] { model.trainBatch(x.data(), y.data(), 0.1f); }),
            "model 'fake_inference' was compiled for inference only (no "
            "train_step); recompile without --inference to train it");
  EXPECT_EQ(errorOf([&] { model.evalBatch(x.data(), y.data()); }),
            "model 'fake_inference' was compiled for inference only (no "
            "eval_step); recompile without --inference to evaluate it");
  EXPECT_EQ(model.getStep(), 0);
}

TEST(Model, MovedModelsKeepWorking) {
  Model a(test::classifierApi), b(test::classifierApi);
  a.init(3);
  b.init(3);
  std::vector<float> x = ramp(8, 4);
  std::vector<int32_t> y = {0, 1, 2, 0, 1, 2, 0, 1};
  a.trainBatch(x.data(), y.data(), 0.1f);
  b.trainBatch(x.data(), y.data(), 0.1f);
  Model moved = std::move(b);
  a.trainBatch(x.data(), y.data(), 0.1f);
  moved.trainBatch(x.data(), y.data(), 0.1f);
  EXPECT_EQ(test::tensorBytes(moved), test::tensorBytes(a));
}

// The scan behind every "element N is nan" message checks chunks of 4096
// at once: the first non-finite value is found on either side of a chunk's
// edge, and the largest finite floats and subnormals pass.
TEST(Model, FirstNonFiniteIndexAcrossChunks) {
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(firstNonFiniteIndex(nullptr, 0), -1);
  for (size_t n : {1, 17, 4095, 4096, 4097, 8192, 12289}) {
    std::vector<float> t(n, 1.0f);
    t[0] = std::numeric_limits<float>::max();
    t[n - 1] = -std::numeric_limits<float>::denorm_min();
    EXPECT_EQ(firstNonFiniteIndex(t.data(), n), -1) << n;
    for (size_t at : {size_t(0), n / 2, n > 4096 ? size_t(4095) : n - 1,
                      n > 4096 ? size_t(4096) : n - 1, n > 8192 ? size_t(8191) : n - 1,
                      n > 8192 ? size_t(8192) : n - 1, n - 1}) {
      for (float bad : {inf, -inf, nan, std::copysign(nan, -1.0f)}) {
        std::vector<float> u = t;
        u[at] = bad;
        if (at + 1 < n)
          u[n - 1] = nan; // a later one is not reported
        EXPECT_EQ(firstNonFiniteIndex(u.data(), n), int64_t(at)) << n << " " << at;
      }
    }
  }
}

} // namespace
} // namespace kiln
