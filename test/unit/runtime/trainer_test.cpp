//===- trainer_test.cpp - The training loop, metrics and prediction -------===//
#include "kiln/error.h"
#include "kiln/metrics.h"
#include "kiln/safetensors.h"
#include "kiln/trainer.h"
#include "test_support.h"

#include <gmock/gmock.h>
#include <limits>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>

namespace kiln {
namespace {

using test::errorOf;
using testing::HasSubstr;

Dataset classifierData(int numRows, uint64_t seed, const Model &model) {
  test::TempDir dir;
  test::writeFile(dir.path("d.csv"), test::classifierCsv(numRows, seed, false));
  return loadCsv(dir.path("d.csv"), model.getManifest());
}

/// Records what the observer sees.
class Recorder : public TrainObserver {
public:
  void epochBegin(int64_t, int64_t, int64_t numSamples) override {
    epochSamples.push_back(numSamples);
  }
  void batchEnd(int64_t, double) override { ++batches; }
  void epochEnd(const EpochRecord &, int64_t) override { ++epochs; }

  std::vector<int64_t> epochSamples;
  int batches = 0, epochs = 0;
};

TEST(Trainer, LossFallsAndAccuracyRises) {
  Model model(test::classifierApi);
  model.init(0);
  Dataset trainSet = classifierData(400, 1, model);
  Dataset testSet = classifierData(100, 2, model);
  TrainOptions options;
  options.epochs = 4;
  options.lr = 0.1f;
  options.trainAccuracy = true;
  Recorder recorder;
  TrainResult result = train(model, trainSet, &testSet, options, &recorder);
  ASSERT_EQ(result.history.size(), 4u);
  EXPECT_EQ(result.steps, 4 * 50);
  EXPECT_EQ(recorder.batches, 200);
  EXPECT_EQ(recorder.epochs, 4);
  EXPECT_GT(result.history[0].trainLoss, result.history[3].trainLoss);
  ASSERT_TRUE(result.history[3].validation.has_value());
  EXPECT_GT(*result.history[3].validation->accuracy, 0.95);
  EXPECT_GT(*result.history[3].trainAccuracy, 0.9);
  EXPECT_GT(result.samplesPerSecond, 0);
  Metrics metrics = evaluate(model, testSet);
  EXPECT_LT(metrics.loss, result.history[0].trainLoss);
}

TEST(Trainer, DropsThePartialBatchAndHonorsMaxSteps) {
  Model model(test::classifierApi);
  model.init(0);
  Dataset data = classifierData(20, 1, model); // 2 full batches of 8
  TrainOptions options;
  options.epochs = 5;
  options.lr = 0.1f;
  options.maxSteps = 7;
  Recorder recorder;
  TrainResult result = train(model, data, nullptr, options, &recorder);
  EXPECT_EQ(result.steps, 7);
  EXPECT_EQ(model.getStep(), 7);
  EXPECT_EQ(result.history.size(), 4u); // 2 + 2 + 2 + 1
  EXPECT_EQ(result.history.back().steps, 1);
  EXPECT_EQ(recorder.epochSamples[0], 16);
  EXPECT_FALSE(result.history[0].trainAccuracy.has_value());
}

TEST(Trainer, ShuffleIsReproducible) {
  auto run = [](uint64_t seed, bool shuffle) {
    Model model(test::classifierApi);
    model.init(0);
    Dataset data = classifierData(64, 1, model);
    TrainOptions options;
    options.epochs = 2;
    options.lr = 0.1f;
    options.seed = seed;
    options.shuffle = shuffle;
    train(model, data, nullptr, options);
    return model.getParam(0);
  };
  EXPECT_EQ(run(3, true), run(3, true));
  EXPECT_NE(run(3, true), run(4, true));
  EXPECT_NE(run(3, true), run(3, false));
  EXPECT_EQ(run(3, false), run(4, false));
}

// A non-finite loss stops training with the step named (issue 11, item 3).
TEST(Trainer, NonFiniteLossStopsTraining) {
  Model model(test::classifierApi);
  model.init(0);
  Dataset data = classifierData(100, 1, model);
  TrainOptions options;
  options.epochs = 3;
  options.lr = 1e30f;
  std::string error = errorOf([&] { train(model, data, nullptr, options); });
  EXPECT_THAT(error, HasSubstr("(step 3): the loss is inf"));
  // Huge but finite logits: softmax underflows to 0 and -log(0) is inf.
  EXPECT_THAT(error, HasSubstr("Replayed: at step 3 every layer's output is "
                               "finite but the loss is not"));

  // A weight already inf: the message names it.
  Model broken(test::classifierApi);
  broken.init(0);
  broken.getParam(0)[5] = std::numeric_limits<float>::infinity();
  options.lr = 0.1f;
  EXPECT_THAT(errorOf([&] { train(broken, data, nullptr, options); }),
              HasSubstr("model 'fake_classifier' is not finite before "
                        "training: dense.weight element 5 is inf"));
}

// Divergence is explained by replaying the steps since a copy of the
// model through check_step (issue 11).
TEST(Trainer, DivergenceNamesTheFirstNonFiniteValue) {
  TrainOptions options;
  options.epochs = 1;
  options.lr = 0.1f;
  options.shuffle = false;
  // A NaN in sample 20 (batch 3): the input check fires.
  {
    Model model(test::classifierApi);
    model.init(0);
    Dataset data = classifierData(64, 1, model);
    data.inputs[20 * 4 + 2] = std::nanf("");
    test::fakeCalls = {};
    std::string error = errorOf([&] { train(model, data, nullptr, options); });
    EXPECT_THAT(error, HasSubstr("epoch 1, batch 3 (step 3): the loss is nan"));
    EXPECT_THAT(error, HasSubstr("Replayed: at step 3 the input batch itself "
                                 "is not finite: 1 of 32 values are NaN or inf"));
    EXPECT_GE(test::fakeCalls.checkStep, 1);
  }
  // Weights so large that the logits overflow: the layer's output is named.
  {
    Model model(test::classifierApi);
    model.init(0);
    Dataset data = classifierData(64, 1, model);
    model.getParam(0)[0] = 3e38f;
    model.getParam(0)[1] = 3e38f;
    std::string error = errorOf([&] { train(model, data, nullptr, options); });
    EXPECT_THAT(error, HasSubstr("Replayed: at step 1 the first non-finite "
                                 "value is the output of layer 'dense'"));
  }
  // A model without check_step still stops, and says it cannot tell more.
  {
    Model model(test::regressorApi);
    model.init(0);
    Dataset data;
    data.source = "regression";
    data.numSamples = 16;
    data.sampleSize = 3;
    data.targetSize = 2;
    data.inputs.assign(16 * 3, 0.5f);
    data.targets.assign(16 * 2, 1.0f);
    data.inputs[5] = std::nanf("");
    std::string error = errorOf([&] { train(model, data, nullptr, options); });
    EXPECT_THAT(error, HasSubstr("this model has no check_step to say which "
                                 "layer; recompile it"));
  }
}

TEST(Trainer, TooFewSamplesForABatch) {
  Model model(test::classifierApi);
  Dataset data = classifierData(5, 1, model);
  TrainOptions options;
  options.lr = 0.1f;
  EXPECT_THAT(errorOf([&] { train(model, data, nullptr, options); }),
              HasSubstr("5 training samples are fewer than the compiled "
                        "batch size 8"));
}

TEST(Trainer, RejectsDataThatDoesNotFitTheModel) {
  Model model(test::classifierApi);
  Dataset data = classifierData(16, 1, model);
  data.sampleSize = 3; // as if loaded for another model
  TrainOptions options;
  options.lr = 0.1f;
  EXPECT_THAT(errorOf([&] { train(model, data, nullptr, options); }),
              HasSubstr("samples have 3 values but model 'fake_classifier' "
                        "expects input shape [4]"));
  EXPECT_THAT(errorOf([&] { evaluate(model, data); }),
              HasSubstr("samples have 3 values"));
}

TEST(Trainer, EvaluateRunsEvalStepAndWeightsItsLossBySamples) {
  Model model(test::classifierApi);
  model.init(1);
  Dataset data = classifierData(19, 3, model); // 2 batches of 8 + 3
  test::fakeCalls = {};
  Metrics metrics = evaluate(model, data);
  EXPECT_EQ(test::fakeCalls.evalStep, 2);
  EXPECT_EQ(test::fakeCalls.evalStep1, 3);
  EXPECT_EQ(test::fakeCalls.forward + test::fakeCalls.forward1, 0);
  // The fake's losses are the mean -log p of its probabilities, so the
  // sample-weighted combination equals the metric computed from them.
  std::vector<float> probs(19 * 3);
  model.predict(data.inputs.data(), 19, probs.data());
  Metrics expected =
      classificationMetrics(probs.data(), data.labels.data(), 19, 3);
  EXPECT_NEAR(metrics.loss, expected.loss, 1e-6);
  EXPECT_EQ(*metrics.accuracy, *expected.accuracy);
}

TEST(Trainer, RefusesAnInferenceOnlyModel) {
  Model model(test::inferenceApi);
  Model classifier(test::classifierApi);
  Dataset data = classifierData(16, 1, classifier);
  TrainOptions options;
  options.lr = 0.1f;
  const char *message = "model 'fake_inference' was compiled for inference "
                        "only (no train_step); recompile without "
                        "--inference to train it";
  EXPECT_EQ(errorOf([&] { train(model, data, nullptr, options); }), message);
  EXPECT_THAT(errorOf([&] { evaluate(model, data); }),
              HasSubstr("compiled for inference only (no eval_step)"));
}

TEST(Trainer, FrozenParamsStayBitIdenticalWhileTheRestTrains) {
  Model model(test::frozenApi);
  model.init(3);
  test::TempDir dir;
  test::writeFile(dir.path("f.csv"), test::frozenCsv(64, 4));
  Dataset data = loadCsv(dir.path("f.csv"), model.getManifest());
  std::map<std::string, std::string> before = test::tensorBytes(model);
  double lossBefore = evaluate(model, data).loss;
  TrainOptions options;
  options.epochs = 5;
  options.lr = 0.05f;
  train(model, data, nullptr, options);
  std::map<std::string, std::string> after = test::tensorBytes(model);
  EXPECT_EQ(after["base.weight"], before["base.weight"]);
  EXPECT_EQ(after["base.bias"], before["base.bias"]);
  for (const char *changed :
       {"head.weight", "head.bias", "norm.running_mean", "norm.running_var",
        "optimizer.head.weight.momentum_buffer"})
    EXPECT_NE(after[changed], before[changed]) << changed;
  EXPECT_LT(evaluate(model, data).loss, lossBefore);
}

/// Stops training with an exception after `steps` batches, like a kill.
class Killer : public TrainObserver {
public:
  explicit Killer(int64_t steps) : steps(steps) {}
  void batchEnd(int64_t, double) override {
    if (++done == steps)
      throw Error("killed");
  }

private:
  int64_t steps, done = 0;
};

/// A run interrupted after `killAt` steps (checkpoints every `every`),
/// resumed from its last checkpoint, ends bit-identical to an
/// uninterrupted run: params, buffers and optimizer state.
TrainResult expectResumeIsExact(const kiln_model_api &api, const Dataset &data,
                                const Dataset *validation, TrainOptions options,
                                int64_t every, int64_t killAt) {
  SCOPED_TRACE("every " + std::to_string(every) + ", killed at " +
               std::to_string(killAt));
  Model whole(api);
  whole.init(options.seed);
  TrainResult all = train(whole, data, validation, options);

  test::TempDir dir;
  Model first(api);
  first.init(options.seed);
  TrainOptions part = options;
  part.checkpointEvery = every;
  part.checkpointPath = dir.path("run.safetensors");
  Killer killer(killAt);
  EXPECT_EQ(errorOf([&] { train(first, data, validation, part, &killer); }),
            "killed");

  Model resumed(api);
  TrainPosition position = resumeCheckpoint(resumed, part.checkpointPath);
  resumed.setSeed(position.dataSeed);
  EXPECT_EQ(resumed.getStep(), killAt / every * every);
  EXPECT_EQ(position.dataSeed, options.seed);
  EXPECT_EQ(position.epochSamples, data.numSamples);
  part.startEpoch = position.epoch;
  part.startBatch = position.batch;
  part.loopState = position.loop;
  part.bestFrom = part.bestPath; // what the killed part wrote
  TrainResult rest = train(resumed, data, validation, part);
  EXPECT_EQ(resumed.getStep(), whole.getStep());
  EXPECT_EQ(test::tensorBytes(resumed), test::tensorBytes(whole));
  EXPECT_EQ(rest.steps, whole.getStep() - killAt / every * every);
  EXPECT_EQ(rest.stoppedEarly, all.stoppedEarly);
  EXPECT_EQ(rest.bestEpoch, all.bestEpoch);
  EXPECT_EQ(rest.restoredBest, all.restoredBest);
  EXPECT_EQ(rest.end.loop, all.end.loop) << "the schedule's and early "
                                             "stopping's state";
  // The rates of the epochs both ran agree.
  for (const EpochRecord &r : rest.history)
    for (const EpochRecord &w : all.history)
      if (r.epoch == w.epoch && r.steps == w.steps)
        EXPECT_EQ(r.lr, w.lr) << "epoch " << r.epoch;
  return all;
}

TEST(Trainer, ResumedRunsEndBitIdentical) {
  Model model(test::classifierApi);
  Dataset data = classifierData(100, 1, model); // 12 batches of 8
  Dataset validation = classifierData(20, 2, model);
  TrainOptions options;
  options.epochs = 3;
  options.lr = 0.1f;
  options.seed = 9;
  options.trainAccuracy = true;
  for (auto [every, killAt] : {std::pair<int64_t, int64_t>{5, 13},
                               {12, 14}, // from an epoch boundary
                               {7, 30},
                               {1, 2}})
    expectResumeIsExact(test::classifierApi, data, &validation, options, every,
                        killAt);
  options.maxSteps = 20; // counted from the start of the run
  expectResumeIsExact(test::classifierApi, data, nullptr, options, 4, 9);

  test::TempDir dir;
  test::writeFile(dir.path("f.csv"), test::frozenCsv(30, 4));
  Model frozen(test::frozenApi);
  Dataset frozenData = loadCsv(dir.path("f.csv"), frozen.getManifest());
  TrainOptions frozenOptions;
  frozenOptions.epochs = 4;
  frozenOptions.lr = 0.05f;
  frozenOptions.seed = 2;
  expectResumeIsExact(test::frozenApi, frozenData, nullptr, frozenOptions, 3,
                      17);
  // An i64 buffer (num_batches_tracked) survives the checkpoint exactly.
  expectResumeIsExact(test::trackedApi, frozenData, nullptr, frozenOptions, 3,
                      17);
}

// The loop's state (reduce_on_plateau's scale, early stopping's best and
// its weights) survives a checkpoint: resumed runs decide as whole ones.
TEST(Trainer, SchedulesAndEarlyStoppingResumeExactly) {
  Model model(test::classifierApi);
  Dataset data = classifierData(100, 1, model); // 12 batches of 8
  Dataset validation = classifierData(20, 2, model);
  TrainOptions options;
  options.epochs = 6;
  options.lr = 0.5f;
  options.seed = 3;
  options.schedule = parseSchedule(
      R"({"type": "reduce_on_plateau", "monitor": "val_accuracy", "patience": 0, "factor": 0.5})",
      "test");
  TrainResult plateau =
      expectResumeIsExact(test::classifierApi, data, &validation, options, 12, 40);
  EXPECT_LT(plateau.history.back().lr, 0.5) << "the rate was reduced";
  // On the training loss, killed mid-epoch: the resumed part must see the
  // whole epoch's loss, the part before the kill included.
  options.trainAccuracy = true;
  for (const char *monitor : {"train_loss", "train_accuracy"}) {
    options.schedule = parseSchedule(
        std::string(R"({"type": "reduce_on_plateau", "patience": 0, "factor": 0.5, "monitor": ")") +
            monitor + "\"}",
        "test");
    for (auto [every, killAt] : {std::pair<int64_t, int64_t>{5, 29}, {5, 67}})
      expectResumeIsExact(test::classifierApi, data, nullptr, options, every, killAt);
  }
  options.trainAccuracy = false;

  test::TempDir dir;
  options.schedule = parseSchedule(R"({"type": "cosine", "warmup_steps": 5})", "test");
  options.earlyStopping = parseEarlyStopping(
      R"({"monitor": "val_loss", "patience": 1, "min_delta": 0.05, "restore_best": true})",
      "test");
  options.bestPath = dir.path("best.safetensors");
  for (auto [every, killAt] : {std::pair<int64_t, int64_t>{12, 14}, {5, 19}}) {
    TrainResult stopped = expectResumeIsExact(test::classifierApi, data,
                                              &validation, options, every, killAt);
    EXPECT_TRUE(stopped.stoppedEarly);
    EXPECT_TRUE(stopped.restoredBest);
    EXPECT_LT(stopped.history.size(), 6u);
    EXPECT_EQ(stopped.bestEpoch + 1, int64_t(stopped.history.size()))
        << "one epoch of patience after the best";
  }
}

// Augmented batches draw from (seed, epoch, batch): a resumed run augments
// as the whole one did.
TEST(Trainer, AugmentedRunsResumeExactly) {
  Model model(test::classifierApi);
  Dataset data = classifierData(100, 1, model);
  TrainOptions options;
  options.epochs = 3;
  options.lr = 0.1f;
  options.seed = 4;
  options.augment = parseAugment(R"({"noise_std": 0.3})", "test");
  expectResumeIsExact(test::classifierApi, data, nullptr, options, 5, 17);
  // And the noise changes the training.
  Model plain(test::classifierApi), noisy(test::classifierApi);
  plain.init(4);
  noisy.init(4);
  TrainOptions without = options;
  without.augment = AugmentSpec();
  train(plain, data, nullptr, without);
  train(noisy, data, nullptr, options);
  EXPECT_NE(test::tensorBytes(plain), test::tensorBytes(noisy));
}

// Running train MAE of values outputs; the regularizers' term of the loss,
// reported from the params' l1/l2 at each epoch's end.
TEST(Trainer, RunningMaeAndTheRegularizationTerm) {
  test::TempDir dir;
  Model regressor(test::regressorApi);
  regressor.init(1);
  test::writeFile(dir.path("r.csv"), test::regressorCsv(40, 2));
  Dataset data = loadCsv(dir.path("r.csv"), regressor.getManifest());
  TrainOptions options;
  options.epochs = 2;
  options.lr = 0.05f;
  options.trainMae = true;
  TrainResult result = train(regressor, data, nullptr, options);
  ASSERT_TRUE(result.history[1].trainMae.has_value());
  EXPECT_GT(*result.history[1].trainMae, 0);
  EXPECT_EQ(reportedMetrics(result.history[1]).count("train_mae"), 1u);
  EXPECT_FALSE(result.history[1].regularization.has_value());

  static std::string text;
  nlohmann::json manifest = nlohmann::json::parse(test::classifierApi.manifest());
  manifest["params"][0]["l1"] = 0.25;
  manifest["params"][0]["l2"] = 0.5;
  text = manifest.dump();
  kiln_model_api api = test::classifierApi;
  api.manifest = [] { return text.c_str(); };
  Model model(api);
  model.init(3);
  Dataset classes = classifierData(40, 1, model);
  TrainOptions more;
  more.lr = 0.1f;
  TrainResult run = train(model, classes, nullptr, more);
  double want = 0;
  for (float w : model.getParam(0))
    want += 0.25 * std::fabs(double(w)) + 0.5 * double(w) * w;
  ASSERT_TRUE(run.history[0].regularization.has_value());
  EXPECT_DOUBLE_EQ(*run.history[0].regularization, want);
}

TEST(Schedule, Rates) {
  auto rates = [](const std::string &json, int64_t epochs, int64_t perEpoch) {
    LrSchedule s(parseSchedule(json, "test"), 1.0, epochs * perEpoch);
    std::vector<double> out;
    for (int64_t e = 1; e <= epochs; ++e)
      for (int64_t b = 0; b < perEpoch; ++b)
        out.push_back(s.lrAt(e, (e - 1) * perEpoch + b));
    return out;
  };
  EXPECT_EQ(rates(R"({"type": "step", "step_size": 2, "gamma": 0.5})", 5, 1),
            (std::vector<double>{1, 1, 0.5, 0.5, 0.25}));
  EXPECT_EQ(rates(R"({"type": "exponential", "gamma": 0.5})", 3, 2),
            (std::vector<double>{1, 1, 0.5, 0.5, 0.25, 0.25}));
  EXPECT_EQ(rates("none", 2, 1), (std::vector<double>{1, 1}));
  // Warmup 1/2, 2/2, then half a cosine over the remaining 4 steps.
  std::vector<double> cosine =
      rates(R"({"type": "cosine", "warmup_steps": 2, "min_lr": 0.1})", 3, 2);
  std::vector<double> expected{0.5, 1.0};
  for (int t = 0; t < 4; ++t)
    expected.push_back(0.1 + 0.9 * (1 + std::cos(M_PI * t / 4)) / 2);
  ASSERT_EQ(cosine.size(), expected.size());
  for (size_t i = 0; i < cosine.size(); ++i)
    EXPECT_DOUBLE_EQ(cosine[i], expected[i]) << i;

  // More than `patience` epochs without a lower val_loss halve the rate.
  LrSchedule plateau(parseSchedule(R"({"type": "reduce_on_plateau", "factor": 0.5, "patience": 1, "min_lr": 0.2})", "test"), 1.0, 10);
  std::vector<double> seen;
  for (double loss : {1.0, 0.9, 0.95, 0.95, 0.95, 0.95, 0.95, 0.8}) {
    plateau.epochEnd(loss, 0);
    seen.push_back(plateau.lrAt(1, 0));
  }
  EXPECT_EQ(seen, (std::vector<double>{1, 1, 1, 0.5, 0.5, 0.25, 0.25, 0.25 > 0.2 ? 0.25 : 0.2}));
  EXPECT_EQ(seen.back(), 0.25);
}

TEST(Schedule, BadSpecsNameTheKey) {
  EXPECT_THAT(errorOf([] { parseSchedule(R"({"type": "cosin"})", "--schedule"); }),
              HasSubstr("--schedule: 'type' must be one of constant, step, "
                        "exponential, cosine, reduce_on_plateau, got 'cosin'"));
  EXPECT_THAT(errorOf([] { parseSchedule(R"({"type": "step", "gama": 1})", "--schedule"); }),
              HasSubstr("--schedule: unknown key 'gama' (expected one of: type, "
                        "step_size, gamma)"));
  EXPECT_THAT(errorOf([] { parseSchedule(R"({"type": "step", "gamma": 2})", "x"); }),
              HasSubstr("x: 'gamma' must be a number in [0, 1], got 2"));
  EXPECT_THAT(errorOf([] { parseSchedule("cosine", "--schedule"); }),
              HasSubstr("expected a JSON object"));
  EXPECT_THAT(errorOf([] { parseEarlyStopping(R"({"patience": -1})", "e"); }),
              HasSubstr("e: 'patience' must be an integer of at least 0, got -1"));
  EXPECT_FALSE(parseEarlyStopping("none", "e").has_value());
}

TEST(Trainer, MonitorsMustBeReported) {
  Model model(test::classifierApi);
  model.init(0);
  Dataset data = classifierData(40, 1, model);
  TrainOptions options;
  options.earlyStopping = parseEarlyStopping(R"({"monitor": "val_loss"})", "t");
  EXPECT_THAT(errorOf([&] { train(model, data, nullptr, options); }),
              HasSubstr("early stopping monitors 'val_loss', which this run does "
                        "not report (it reports train_loss); validation metrics "
                        "need --validation-split or --val-data"));
  options.earlyStopping.reset();
  options.schedule = parseSchedule(
      R"({"type": "reduce_on_plateau", "monitor": "val_r2"})", "t");
  EXPECT_THAT(errorOf([&] { train(model, data, &data, options); }),
              HasSubstr("monitors 'val_r2', which this run does not report (it "
                        "reports train_loss, val_loss, val_accuracy, val_precision, "
                        "val_recall, val_f1, val_auc, val_top_2_accuracy)"));
}

TEST(Trainer, CheckpointPositions) {
  test::TempDir dir;
  Model model(test::classifierApi);
  model.init(0);
  Dataset data = classifierData(100, 1, model); // 12 batches of 8
  TrainOptions options;
  options.epochs = 2;
  options.lr = 0.1f;
  options.checkpointEvery = 12;
  options.checkpointPath = dir.path("c.safetensors");
  Killer killer(13);
  EXPECT_EQ(errorOf([&] { train(model, data, nullptr, options, &killer); }),
            "killed");
  SafetensorsFile file = readSafetensors(options.checkpointPath);
  EXPECT_EQ(file.metadata.at("step"), "12");
  // After the last batch of epoch 1: the next is epoch 2's first.
  EXPECT_EQ(file.metadata.at("epoch"), "2");
  EXPECT_EQ(file.metadata.at("batch"), "0");
  EXPECT_EQ(file.metadata.at("epoch_samples"), "100");

  options.checkpointEvery = 0;
  options.startEpoch = 3; // past the last epoch: nothing to do
  TrainResult result = train(model, data, nullptr, options);
  EXPECT_EQ(result.steps, 0);
  EXPECT_TRUE(result.history.empty());
  options.startEpoch = 1;
  options.startBatch = 12;
  EXPECT_THAT(errorOf([&] { train(model, data, nullptr, options); }),
              HasSubstr("cannot start at batch 12 of epoch 1: an epoch of 100 "
                        "samples has 12 batches"));
}

TEST(Metrics, Classification) {
  const float probs[] = {0.7f, 0.2f, 0.1f, 0.1f, 0.1f, 0.8f, 0.0f, 1.0f, 0.0f};
  const int32_t labels[] = {0, 1, 2};
  Metrics metrics = classificationMetrics(probs, labels, 3, 3);
  EXPECT_NEAR(metrics.loss,
              (-std::log(0.7) - std::log(0.1) - std::log(1e-12)) / 3, 1e-6);
  EXPECT_DOUBLE_EQ(*metrics.accuracy, 1.0 / 3);
  EXPECT_FALSE(metrics.mae.has_value());
  EXPECT_EQ(formatMetrics(metrics, "val_"),
            "val_loss 10.0968 val_accuracy 0.3333");
}

// Binary cross-entropy: each output on the target's side of 0.5; softmax
// losses with probability targets: the argmax of each row.
TEST(Metrics, ProbabilityTargets) {
  const float probs[] = {0.7f, 0.2f, 0.5f, 0.1f, 0.6f, 0.3f};
  const float targets[] = {1.0f, 0.0f, 0.4f, 0.0f, 0.9f, 0.6f};
  Metrics sigmoid = probabilityMetrics(probs, targets, 2, 3, true);
  EXPECT_DOUBLE_EQ(*sigmoid.accuracy, 4.0 / 6); // 0.5 vs 0.4 and 0.3 vs 0.6 miss
  Metrics rows = probabilityMetrics(probs, targets, 2, 3, false);
  EXPECT_DOUBLE_EQ(*rows.accuracy, 1.0); // argmax 0 and 1 both times
  EXPECT_FALSE(rows.mae.has_value());
}

TEST(Metrics, Regression) {
  const float predictions[] = {1, 2, 3, 5};
  const float targets[] = {1, 2, 2, 4};
  Metrics metrics = regressionMetrics(predictions, targets, 2, 2);
  EXPECT_DOUBLE_EQ(metrics.loss, 0.5);
  EXPECT_DOUBLE_EQ(*metrics.mae, 0.5);
  EXPECT_DOUBLE_EQ(*metrics.rmse, std::sqrt(0.5));
  // Per output: SS_tot = 0.5 and 2, SS_res = 1 and 1.
  EXPECT_DOUBLE_EQ(*metrics.r2, ((1 - 1 / 0.5) + (1 - 1 / 2.0)) / 2);
  EXPECT_FALSE(metrics.accuracy.has_value());
}

} // namespace
} // namespace kiln
