//===- cli_test.cpp - The executable's command line, end to end -----------===//
#include "kiln/safetensors.h"
#include "test_support.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace kiln {
namespace {

using test::runCli;
using testing::HasSubstr;
using testing::Not;

/// A data directory with train.csv (400 rows) and test.csv (100 rows).
class CliTest : public testing::Test {
protected:
  void SetUp() override {
    test::writeFile(dir.path("train.csv"), test::classifierCsv(400, 1, true));
    test::writeFile(dir.path("test.csv"), test::classifierCsv(100, 2, true));
  }

  nlohmann::json readJson(const std::string &name) {
    return nlohmann::json::parse(test::readText(dir.path(name)));
  }

  test::TempDir dir;
};

TEST_F(CliTest, TrainWritesMetricsAndCheckpoint) {
  test::CliResult result =
      runCli(test::classifierApi,
             {"train", "--data", dir.getPath(), "--epochs", "3",
              "--validation-split", "0.2", "--save", dir.path("m.safetensors"),
              "--metrics-json", dir.path("m.json")});
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("training fake_classifier: 320 samples "
                                    "(80 more held out for validation)"));
  EXPECT_THAT(result.out, HasSubstr("epoch 1/3: loss "));
  EXPECT_THAT(result.out, HasSubstr(" accuracy "));
  EXPECT_THAT(result.out, HasSubstr(" val_loss "));
  EXPECT_THAT(result.out, HasSubstr("samples/s)\n"));
  EXPECT_THAT(result.out, HasSubstr("test: loss "));

  nlohmann::json json = readJson("m.json");
  EXPECT_GT(json["test"]["accuracy"].get<double>(), 0.9);
  ASSERT_EQ(json["history"].size(), 3u);
  EXPECT_LT(json["history"][2]["train_loss"].get<double>(),
            json["history"][0]["train_loss"].get<double>());
  for (const char *key : {"epoch", "train_loss", "train_accuracy", "val_loss",
                          "val_accuracy", "seconds", "samples_per_second"})
    EXPECT_TRUE(json["history"][0].contains(key)) << key;
  EXPECT_EQ(json["train"]["steps"], 3 * 40);

  // eval on the saved checkpoint reproduces the test metrics exactly.
  result = runCli(test::classifierApi,
                  {"eval", "--load", dir.path("m.safetensors"), "--data",
                   dir.getPath(), "--metrics-json", dir.path("e.json")});
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(readJson("e.json")["test"], json["test"]);
}

TEST_F(CliTest, StepsLimitsTrainingAndLoadResumes) {
  test::CliResult result =
      runCli(test::classifierApi,
             {"train", "--data", dir.getPath(), "--steps", "3", "--save",
              dir.path("a.safetensors"), "--metrics-json", dir.path("a.json")});
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(readJson("a.json")["train"]["steps"], 3);
  EXPECT_THAT(result.out, HasSubstr("epoch 1/1: "));
  EXPECT_THAT(result.out,
              HasSubstr("saved " + dir.path("a.safetensors") + " (step 3)"));

  result = runCli(test::classifierApi,
                  {"train", "--data", dir.getPath(), "--steps", "2",
                   "--no-shuffle", "--load", dir.path("a.safetensors"),
                   "--save", dir.path("b.safetensors")});
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("step 3, optimizer state restored"));
  EXPECT_EQ(readSafetensors(dir.path("b.safetensors")).metadata.at("step"),
            "5");
}

TEST_F(CliTest, PredictPrintsOneLinePerSample) {
  ASSERT_EQ(runCli(test::classifierApi, {"train", "--data", dir.getPath(),
                                         "--save", dir.path("m.safetensors")})
                .status,
            0);
  std::vector<float> x = {2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 2, 0};
  test::writeFile(dir.path("x.npy"),
                  test::npy("<f4", "(3, 4)", test::bytesOf(x)));
  test::CliResult result = runCli(
      test::classifierApi, {"predict", "--load", dir.path("m.safetensors"),
                            "--input", dir.path("x.npy")});
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_THAT(result.out,
              testing::MatchesRegex("(.*\n)?class 0 probabilities [0-9. ]+\n"
                                    "class 1 probabilities [0-9. ]+\n"
                                    "class 2 probabilities [0-9. ]+\n"));

  test::writeFile(dir.path("bad.npy"),
                  test::npy("<f4", "(3, 5)", std::string(60, '\0')));
  result = runCli(test::classifierApi,
                  {"predict", "--load", dir.path("m.safetensors"), "--input",
                   dir.path("bad.npy")});
  EXPECT_EQ(result.status, 1);
  EXPECT_THAT(result.err, HasSubstr("array shape [3, 5] does not fit"));
}

TEST_F(CliTest, RegressionReportsRegressionMetrics) {
  test::writeFile(dir.path("r.csv"), test::regressorCsv(200, 3));
  test::CliResult result =
      runCli(test::regressorApi,
             {"train", "--data", dir.path("r.csv"), "--validation-split",
              "0.25", "--metrics-json", dir.path("r.json")});
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("val_mae"));
  EXPECT_THAT(result.out, HasSubstr("test: none"));
  nlohmann::json json = readJson("r.json");
  EXPECT_TRUE(json["test"].is_null());
  EXPECT_GT(json["history"].back()["val_r2"].get<double>(), 0.9);

  result = runCli(test::regressorApi, {"train", "--data", dir.path("r.csv"),
                                       "--save", dir.path("r.safetensors")});
  ASSERT_EQ(result.status, 0) << result.err;
  result =
      runCli(test::regressorApi, {"eval", "--load", dir.path("r.safetensors"),
                                  "--data", dir.path("r.csv")});
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_THAT(result.out, testing::ContainsRegex("test: loss [0-9.]+ mae "
                                                 "[0-9.]+ rmse [0-9.]+ r2 "));
}

TEST_F(CliTest, InfoAndHelp) {
  test::CliResult result = runCli(test::classifierApi, {"info"});
  ASSERT_EQ(result.status, 0);
  EXPECT_THAT(result.out, HasSubstr("model: fake_classifier"));
  EXPECT_THAT(result.out, HasSubstr("total parameters: 15"));
  EXPECT_THAT(result.out, HasSubstr("compiled batch size: 8"));
  EXPECT_THAT(result.out,
              HasSubstr("optimizer: momentum (lr 0.1, momentum 0.9)"));

  result = runCli(test::classifierApi, {"--help"});
  EXPECT_EQ(result.status, 0);
  EXPECT_THAT(result.out, HasSubstr("usage: model <command>"));
  result = runCli(test::classifierApi, {"train", "--help"});
  EXPECT_EQ(result.status, 0);
  EXPECT_THAT(result.out, HasSubstr("--validation-split F"));
}

TEST_F(CliTest, UsageErrorsExitWithTwo) {
  auto expectUsage = [](const std::vector<std::string> &args,
                        const std::string &message) {
    test::CliResult result = runCli(test::classifierApi, args);
    EXPECT_EQ(result.status, 2) << message;
    EXPECT_THAT(result.err, HasSubstr("error: " + message));
    EXPECT_THAT(result.err, HasSubstr("usage: model"));
  };
  expectUsage({}, "missing command");
  expectUsage({"fit"}, "unknown command 'fit'");
  expectUsage({"train", "--data", "d", "--epoch", "3"},
              "unknown option '--epoch'");
  expectUsage({"train"}, "missing required option --data");
  expectUsage({"train", "--data"}, "--data needs a value (DIR)");
  expectUsage({"train", "--data", "d", "--epochs", "two"},
              "--epochs expects an integer of at least 1, got 'two'");
  expectUsage({"train", "--data", "d", "--lr", "-1"}, "--lr must be positive");
  expectUsage({"train", "--data", "d", "--no-shuffle=1"},
              "--no-shuffle takes no value");
  expectUsage({"eval", "--data", "d"}, "missing required option --load");
  expectUsage({"info", "extra"}, "unexpected argument 'extra'");
}

TEST_F(CliTest, RuntimeErrorsExitWithOne) {
  auto expectError = [](const kiln_model_api &api,
                        const std::vector<std::string> &args,
                        const std::string &message) {
    test::CliResult result = runCli(api, args);
    EXPECT_EQ(result.status, 1) << message;
    EXPECT_THAT(result.err, testing::StartsWith("error: "));
    EXPECT_THAT(result.err, HasSubstr(message));
    EXPECT_THAT(result.err, Not(HasSubstr("usage:")));
  };
  expectError(test::classifierApi,
              {"train", "--data", dir.getPath(), "--batch-size", "32"},
              "model 'fake_classifier' was compiled for batch size 8");
  expectError(test::classifierApi, {"train", "--data", dir.path("none")},
              "data: '" + dir.path("none") + "' does not exist");
  expectError(test::classifierApi,
              {"train", "--data", dir.getPath(), "--save",
               dir.path("missing/m.safetensors")},
              "directory '" + dir.path("missing") + "' does not exist");
  expectError(
      test::classifierApi,
      {"eval", "--load", dir.path("none.safetensors"), "--data", dir.getPath()},
      "cannot open '" + dir.path("none.safetensors") + "'");
  test::writeFile(dir.path("r.csv"), test::regressorCsv(10, 3));
  expectError(test::classifierApi, {"train", "--data", dir.path("r.csv")},
              "r.csv line 1, column 5: label");

  kiln_model_api broken = test::classifierApi;
  broken.manifest = [] { return "{\"abi_version\": 1}"; };
  expectError(broken, {"info"}, "manifest: missing field 'name'");
}

} // namespace
} // namespace kiln
