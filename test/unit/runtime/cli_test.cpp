//===- cli_test.cpp - The executable's command line, end to end -----------===//
#include "kiln/model.h"
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
  for (const char *option : {"--resume FILE", "--init-from FILE",
                             "--checkpoint-every N", "eval_step (eval mode"})
    EXPECT_THAT(result.out, HasSubstr(option));
  result = runCli(test::classifierApi, {"predict", "--help"});
  EXPECT_THAT(result.out, HasSubstr("forward\nat batch 1"));
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
  expectUsage({"train", "--data", "d", "--lr", "-1"},
              "--lr must be in (0, 1e6] (a normal float), got -1");
  // inf as a float, beyond the model format's range, a denormal (issue 11,
  // item 2).
  for (const char *lr : {"1e39", "1e7", "1e-45"})
    expectUsage({"train", "--data", "d", "--lr", lr},
                std::string("--lr must be in (0, 1e6] (a normal float), got ") + lr);
  expectUsage({"train", "--data", "d", "--no-shuffle=1"},
              "--no-shuffle takes no value");
  expectUsage({"eval", "--data", "d"}, "missing required option --load");
  expectUsage({"info", "extra"}, "unexpected argument 'extra'");
  expectUsage({"train", "--data", "d", "--resume", "a", "--load", "b"},
              "--resume cannot be combined with --load");
  expectUsage({"train", "--data", "d", "--resume", "a", "--init-from", "b"},
              "--resume cannot be combined with --init-from");
  expectUsage({"train", "--data", "d", "--load", "a", "--init-from", "b"},
              "--load and --init-from exclude each other");
  expectUsage({"train", "--data", "d", "--checkpoint-every", "5"},
              "--checkpoint-every needs --save FILE");
  expectUsage(
      {"train", "--data", "d", "--checkpoint-every", "0", "--save", "s"},
      "--checkpoint-every expects an integer of at least 1, got '0'");
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
  broken.manifest = [] { return "{\"abi_version\": 2}"; };
  expectError(broken, {"info"}, "manifest: missing field 'name'");
}

TEST_F(CliTest, InfoDescribesRolesAndEntryPoints) {
  test::CliResult result = runCli(test::frozenApi, {"info"});
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("input: x f32 [3]\n"));
  EXPECT_THAT(result.out, HasSubstr("target: y f32 [1]\n"));
  EXPECT_THAT(result.out, HasSubstr("output: prediction f32 [1] (values)\n"));
  EXPECT_THAT(result.out, HasSubstr("eval_step (batch 3, workspace 0 bytes)"));
  EXPECT_THAT(result.out, HasSubstr("8 (frozen)"));
  EXPECT_THAT(result.out, HasSubstr("total parameters: 11 (8 frozen)\n"));
  EXPECT_THAT(result.out, HasSubstr("buffers: norm.running_mean [2], "
                                    "norm.running_var [2]\n"));
  EXPECT_THAT(result.out, HasSubstr("2 state tensors"));

  // A buffer's dtype shows when it is not f32.
  result = runCli(test::trackedApi, {"info"});
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("buffers: norm.running_mean [2], "
                                    "norm.running_var [2], "
                                    "norm.num_batches_tracked i64 []\n"));

  result = runCli(test::inferenceApi, {"info"});
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_THAT(result.out,
              HasSubstr("inference only: no loss, optimizer or train_step"));
  EXPECT_THAT(result.out, Not(HasSubstr("target:")));
}

TEST_F(CliTest, InferenceOnlyModelsPredictButDoNotTrain) {
  test::CliResult result =
      runCli(test::inferenceApi, {"train", "--data", dir.getPath()});
  EXPECT_EQ(result.status, 1);
  EXPECT_EQ(result.err, "error: model 'fake_inference' was compiled for "
                        "inference only (no train_step); recompile without "
                        "--inference to train it\n");
  result = runCli(test::inferenceApi,
                  {"eval", "--load", "x", "--data", dir.getPath()});
  EXPECT_EQ(result.status, 1);
  EXPECT_THAT(result.err, HasSubstr("(no eval_step); recompile without "
                                    "--inference to evaluate it"));

  std::vector<float> w(12, 0.0f), b = {0, 5, 0};
  writeSafetensors(
      dir.path("w.safetensors"),
      {{"dense.weight", {3, 4}, w.data()}, {"dense.bias", {3}, b.data()}}, {});
  test::writeFile(
      dir.path("x.npy"),
      test::npy("<f4", "(4,)", test::bytesOf(std::vector<float>(4))));
  test::fakeCalls = {};
  result = runCli(test::inferenceApi,
                  {"predict", "--load", dir.path("w.safetensors"), "--input",
                   dir.path("x.npy")});
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_THAT(result.out,
              HasSubstr("class 1 probabilities 0.0066 0.9867 0.0066\n"));
  // One sample runs forward at batch 1, not a padded batch.
  EXPECT_EQ(test::fakeCalls.forward1, 1);
  EXPECT_EQ(test::fakeCalls.forward, 0);
}

/// Every tensor of a checkpoint, as bytes.
std::map<std::string, std::string> fileTensors(const std::string &path) {
  std::map<std::string, std::string> tensors;
  for (const auto &[name, tensor] : readSafetensors(path).tensors)
    tensors[name] = test::bytesOf(tensor.data);
  return tensors;
}

/// Trains with `args` uninterrupted, then again with checkpoints every
/// `every` steps and a crash at step `crashAt`, then resumes with the same
/// command line: the final checkpoints hold the same bytes.
void expectCliResumeIsExact(const std::string &dataDir,
                            const test::TempDir &dir,
                            std::vector<std::string> args, int every,
                            int crashAt) {
  SCOPED_TRACE("crash at " + std::to_string(crashAt));
  std::vector<std::string> whole = args;
  whole.insert(whole.end(), {"--save", dir.path("whole.safetensors")});
  test::CliResult result = runCli(test::classifierApi, whole);
  ASSERT_EQ(result.status, 0) << result.err;

  args.insert(args.end(), {"--save", dir.path("run.safetensors"),
                           "--checkpoint-every", std::to_string(every)});
  test::fakeCrashAtStep = crashAt;
  result = runCli(test::classifierApi, args);
  test::fakeCrashAtStep = 0;
  ASSERT_EQ(result.status, 1);
  EXPECT_THAT(result.err,
              HasSubstr("fake crash at step " + std::to_string(crashAt)));
  EXPECT_EQ(readSafetensors(dir.path("run.safetensors")).metadata.at("step"),
            std::to_string((crashAt - 1) / every * every));

  args.insert(args.end(), {"--resume", dir.path("run.safetensors")});
  result = runCli(test::classifierApi, args);
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_THAT(result.out,
              HasSubstr("resumed " + dir.path("run.safetensors") + " (step "));
  EXPECT_EQ(fileTensors(dir.path("run.safetensors")),
            fileTensors(dir.path("whole.safetensors")));
  SafetensorsFile a = readSafetensors(dir.path("run.safetensors")),
                  b = readSafetensors(dir.path("whole.safetensors"));
  EXPECT_EQ(a.metadata, b.metadata);
  (void)dataDir;
}

TEST_F(CliTest, ResumeFinishesTheRunBitIdentically) {
  // 320 training samples after the split: 40 batches per epoch.
  std::vector<std::string> args = {
      "train",  "--data", dir.getPath(),        "--epochs", "3",
      "--seed", "5",      "--validation-split", "0.2"};
  expectCliResumeIsExact(dir.getPath(), dir, args, 7, 61);
  expectCliResumeIsExact(dir.getPath(), dir, args, 40, 45); // epoch boundary
  args = {"train", "--data", dir.getPath(), "--steps", "50", "--seed", "3"};
  expectCliResumeIsExact(dir.getPath(), dir, args, 10, 47);

  // Resuming a finished run trains nothing more.
  args.insert(args.end(), {"--resume", dir.path("run.safetensors")});
  test::CliResult result = runCli(test::classifierApi, args);
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("nothing left to train"));
  EXPECT_THAT(result.out, HasSubstr("test: loss"));
}

TEST_F(CliTest, ResumeRefusesAnotherSeedOrOtherData) {
  ASSERT_EQ(runCli(test::classifierApi,
                   {"train", "--data", dir.getPath(), "--steps", "5", "--seed",
                    "4", "--save", dir.path("r.safetensors")})
                .status,
            0);
  test::CliResult result =
      runCli(test::classifierApi, {"train", "--data", dir.getPath(), "--seed",
                                   "5", "--resume", dir.path("r.safetensors")});
  EXPECT_EQ(result.status, 2);
  EXPECT_THAT(result.err, HasSubstr("--seed 5 differs from the data_seed 4"));
  result = runCli(test::classifierApi,
                  {"train", "--data", dir.getPath(), "--validation-split",
                   "0.5", "--resume", dir.path("r.safetensors")});
  EXPECT_EQ(result.status, 1);
  EXPECT_THAT(result.err, HasSubstr("was written by a run with 400 training "
                                    "samples per epoch, but this one has "
                                    "200"));
  result =
      runCli(test::classifierApi, {"train", "--data", dir.getPath(), "--resume",
                                   dir.path("r.safetensors"), "--steps", "5"});
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("resumed " + dir.path("r.safetensors") +
                                    " (step 5: epoch 1, 5 batches done)"));
}

TEST_F(CliTest, InitFromReportsWhatItLoaded) {
  test::writeFile(dir.path("f.csv"), test::frozenCsv(40, 1));
  Model source(test::frozenApi);
  source.init(8);
  std::vector<float> old(3, 0.5f);
  writeSafetensors(dir.path("t.safetensors"),
                   {{"base.weight", {2, 3}, source.getParam(0).data()},
                    {"base.bias", {2}, source.getParam(1).data()},
                    {"norm.running_mean", {2}, source.getBuffer(0).data()},
                    {"norm.running_var", {2}, source.getBuffer(1).data()},
                    {"old_head.weight", {1, 3}, old.data()}},
                   {});
  test::CliResult result =
      runCli(test::frozenApi, {"train", "--data", dir.path("f.csv"),
                               "--init-from", dir.path("t.safetensors"),
                               "--save", dir.path("out.safetensors")});
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_THAT(result.out,
              HasSubstr("initialized from " + dir.path("t.safetensors") +
                        ": 4 tensors loaded, 2 fresh\n"
                        "  loaded: base.weight, base.bias, norm.running_mean, "
                        "norm.running_var\n"
                        "  initialized fresh: head.weight, head.bias\n"
                        "  not in this model (ignored): old_head.weight\n"));
  // The frozen base trained on, unchanged.
  EXPECT_EQ(fileTensors(dir.path("out.safetensors"))["base.weight"],
            test::bytesOf(source.getParam(0)));

  writeSafetensors(dir.path("bad.safetensors"),
                   {{"head.weight", {1, 3}, old.data()}}, {});
  result =
      runCli(test::frozenApi, {"train", "--data", dir.path("f.csv"),
                               "--init-from", dir.path("bad.safetensors")});
  EXPECT_EQ(result.status, 1);
  EXPECT_THAT(result.err, HasSubstr("tensor 'head.weight' has shape [1, 3] "
                                    "but model 'fake_frozen' has "
                                    "'head.weight' with shape [1, 2]"));
}

TEST_F(CliTest, CheckpointEveryWritesDuringTraining) {
  // A crash at step 26 leaves the checkpoint of step 20 (every 10).
  test::fakeCrashAtStep = 26;
  test::CliResult result =
      runCli(test::classifierApi,
             {"train", "--data", dir.getPath(), "--epochs", "2", "--save",
              dir.path("c.safetensors"), "--checkpoint-every", "10"});
  test::fakeCrashAtStep = 0;
  EXPECT_EQ(result.status, 1);
  SafetensorsFile file = readSafetensors(dir.path("c.safetensors"));
  EXPECT_EQ(file.metadata.at("step"), "20");
  EXPECT_EQ(file.metadata.at("epoch"), "1");
  EXPECT_EQ(file.metadata.at("batch"), "20");
  EXPECT_EQ(file.metadata.at("data_seed"), "0");
  EXPECT_THAT(test::listDir(dir.getPath()),
              testing::ElementsAre("c.safetensors", "test.csv", "train.csv"));
}

} // namespace
} // namespace kiln
