//===- trainer_test.cpp - The training loop, metrics and prediction -------===//
#include "kiln/metrics.h"
#include "kiln/trainer.h"
#include "test_support.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

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

TEST(Model, PredictPadsThePartialBatch) {
  Model model(test::classifierApi);
  model.init(1);
  Dataset data = classifierData(16, 3, model);
  std::vector<float> full(16 * 3), partial(11 * 3);
  model.predict(data.inputs.data(), 16, full.data());
  model.predict(data.inputs.data(), 11, partial.data());
  EXPECT_EQ(std::vector<float>(full.begin(), full.begin() + 33), partial);
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
