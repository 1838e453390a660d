//===- commands.cpp - The train, eval, predict and info subcommands -------===//
//
// Results go to stdout (epoch lines, test metrics, predictions); the
// progress bar and errors go to stderr, so `train > log` keeps a clean log.
//
#include "commands.h"

#include "kiln/checkpoint.h"
#include "kiln/file_io.h"
#include "kiln/model.h"
#include "kiln/npy.h"
#include "kiln/progress.h"
#include "support.h"

#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

namespace kiln {
namespace {

// ordered_json keeps "loss" before "accuracy", as people read them.
using Json = nlohmann::ordered_json;

Json toJson(const Metrics &metrics) {
  Json json = {{"loss", metrics.loss}};
  auto add = [&](const char *name, const std::optional<double> &value) {
    if (value)
      json[name] = *value;
  };
  add("accuracy", metrics.accuracy);
  add("mae", metrics.mae);
  add("rmse", metrics.rmse);
  add("r2", metrics.r2);
  return json;
}

Json toJson(const EpochRecord &record) {
  Json json = {{"epoch", record.epoch},
               {"steps", record.steps},
               {"train_loss", record.trainLoss}};
  if (record.trainAccuracy)
    json["train_accuracy"] = *record.trainAccuracy;
  if (record.validation) {
    Json validation = toJson(*record.validation);
    for (const auto &[name, value] : validation.items())
      json["val_" + name] = value;
  }
  json["seconds"] = record.seconds;
  json["samples_per_second"] = record.samplesPerSecond;
  return json;
}

void writeJson(const std::string &path, const Json &json) {
  writeFileAtomic(path, json.dump(2) + "\n");
}

void loadWeights(Model &model, const std::string &path) {
  bool restored = loadCheckpoint(model, path);
  fmt::print("loaded {} ({})\n", path,
             restored ? fmt::format("step {}, optimizer state restored",
                                    model.getStep())
                      : "weights only; optimizer state starts at zero");
}

void printTestLine(const Metrics &metrics, const Dataset &data) {
  fmt::print("test: {} ({} samples)\n", formatMetrics(metrics, ""),
             data.numSamples);
  std::fflush(stdout);
}

/// The training options: command line first, then the manifest's defaults.
TrainOptions readTrainOptions(const Options &options,
                              const Manifest &manifest) {
  TrainOptions settings;
  settings.epochs = options.has("epochs") ? options.getInt("epochs", 1)
                                          : manifest.training.epochs;
  settings.lr = float(options.has("lr") ? options.getDouble("lr")
                                        : manifest.optimizer.lr);
  if (!(settings.lr > 0))
    throw UsageError("--lr must be positive");
  settings.seed = options.has("seed") ? options.getUnsigned("seed")
                                      : manifest.training.seed;
  settings.maxSteps = options.has("steps") ? options.getInt("steps", 1) : 0;
  settings.shuffle = manifest.training.shuffle && !options.has("no-shuffle");
  settings.trainAccuracy =
      manifest.isClassification() && manifest.hasMetric("accuracy");
  return settings;
}

} // namespace

int runTrain(const kiln_model_api &api, const Options &options) {
  const std::string &dataPath = options.require("data");
  Model model(api);
  const Manifest &manifest = model.getManifest();
  TrainOptions settings = readTrainOptions(options, manifest);
  double split = options.has("validation-split")
                     ? options.getDouble("validation-split")
                     : manifest.training.validationSplit;
  if (!(split >= 0 && split < 1))
    throw UsageError("--validation-split must be in [0, 1)");
  if (options.has("batch-size") &&
      options.getInt("batch-size", 1) != manifest.batchSize)
    fail("model '{}' was compiled for batch size {}; the training step is "
         "specialized to it, so recompile with `kilnc --batch-size {}` to "
         "train with that batch size",
         manifest.name, manifest.batchSize, options.getInt("batch-size", 1));
  // Fail now rather than after hours of training.
  for (const char *output : {"save", "metrics-json"})
    if (options.has(output))
      checkWritableLocation(options.require(output));

  DataSplits data = loadData(dataPath, manifest);
  std::optional<Dataset> validation;
  if (int64_t count = int64_t(double(data.train.numSamples) * split))
    validation = splitTail(data.train, count);
  int64_t batchesPerEpoch = data.train.numSamples / manifest.batchSize;
  if (settings.maxSteps > 0 && !options.has("epochs") && batchesPerEpoch > 0)
    settings.epochs =
        (settings.maxSteps + batchesPerEpoch - 1) / batchesPerEpoch;

  if (options.has("load"))
    loadWeights(model, options.require("load"));
  else
    model.init(settings.seed);
  fmt::print("training {}: {} samples{}, batch {}, {} epoch{}, lr {}\n",
             manifest.name, data.train.numSamples,
             validation ? fmt::format(" ({} more held out for validation)",
                                      validation->numSamples)
                        : "",
             manifest.batchSize, settings.epochs,
             settings.epochs == 1 ? "" : "s", settings.lr);
  std::fflush(stdout);

  ProgressPrinter progress(stderr, stdout, ::isatty(STDERR_FILENO));
  TrainResult result =
      train(model, data.train, validation ? &*validation : nullptr, settings,
            &progress);
  if (options.has("save")) {
    saveCheckpoint(model, options.require("save"));
    fmt::print("saved {} (step {})\n", options.require("save"),
               model.getStep());
  }

  Json json = {{"test", nullptr}};
  if (data.test) {
    Metrics test = evaluate(model, *data.test);
    printTestLine(test, *data.test);
    json["test"] = toJson(test);
  } else {
    fmt::print("test: none ('{}' has no test split)\n", dataPath);
  }
  if (options.has("metrics-json")) {
    json["history"] = Json::array();
    for (const EpochRecord &record : result.history)
      json["history"].push_back(toJson(record));
    json["train"] = {{"steps", result.steps},
                     {"samples_per_second", result.samplesPerSecond}};
    writeJson(options.require("metrics-json"), json);
  }
  return 0;
}

int runEval(const kiln_model_api &api, const Options &options) {
  const std::string &checkpoint = options.require("load");
  const std::string &dataPath = options.require("data");
  Model model(api);
  if (options.has("metrics-json"))
    checkWritableLocation(options.require("metrics-json"));
  loadWeights(model, checkpoint);
  Dataset test = loadTestData(dataPath, model.getManifest());
  Metrics metrics = evaluate(model, test);
  printTestLine(metrics, test);
  if (options.has("metrics-json"))
    writeJson(options.require("metrics-json"), {{"test", toJson(metrics)}});
  return 0;
}

int runPredict(const kiln_model_api &api, const Options &options) {
  const std::string &checkpoint = options.require("load");
  const std::string &inputPath = options.require("input");
  Model model(api);
  const Manifest &manifest = model.getManifest();
  NpyArray input = readNpy(inputPath);
  // [n, ...] whose sample has inputSize() values, or one sample of any
  // shape with that many values (so [n, 28, 28] feeds an input of [784]).
  int64_t numSamples;
  if (input.shape.size() >= 2 &&
      shapeSize(Shape(input.shape.begin() + 1, input.shape.end())) ==
          manifest.inputSize())
    numSamples = input.shape[0];
  else if (shapeSize(input.shape) == manifest.inputSize())
    numSamples = 1;
  else
    fail("{}: array shape {} does not fit model '{}': expected [n, {}] or "
         "{}",
         inputPath, formatShape(input.shape), manifest.name,
         fmt::join(manifest.inputShape, ", "),
         formatShape(manifest.inputShape));
  loadCheckpoint(model, checkpoint);

  const int64_t width = manifest.outputSize();
  std::vector<float> outputs(numSamples * width);
  model.predict(input.data.data(), numSamples, outputs.data());
  for (int64_t i = 0; i < numSamples; ++i) {
    const float *row = &outputs[i * width];
    if (manifest.isClassification())
      fmt::print("class {} probabilities {:.4f}\n", argmax(row, width),
                 fmt::join(row, row + width, " "));
    else
      fmt::print("values {:.6g}\n", fmt::join(row, row + width, " "));
  }
  return 0;
}

int runInfo(const kiln_model_api &api, const Options &) {
  Model model(api);
  const Manifest &manifest = model.getManifest();
  fmt::print("model: {}\n", manifest.name);
  fmt::print("input shape: {}, output shape: {}\n",
             formatShape(manifest.inputShape),
             formatShape(manifest.outputShape));
  fmt::print("compiled batch size: {}\n", manifest.batchSize);

  std::vector<std::vector<std::string>> rows = {
      {"layer", "type", "output shape", "activation", "params"}};
  for (const LayerSpec &layer : manifest.layers)
    rows.push_back({layer.name, layer.type, formatShape(layer.outputShape),
                    layer.activation.empty() ? "-" : layer.activation,
                    std::to_string(layer.numParams)});
  std::vector<size_t> widths(rows[0].size(), 0);
  for (const auto &row : rows)
    for (size_t c = 0; c < row.size(); ++c)
      widths[c] = std::max(widths[c], row[c].size());
  for (const auto &row : rows) {
    std::string line = " ";
    for (size_t c = 0; c + 1 < row.size(); ++c)
      line += fmt::format(" {:<{}}", row[c], widths[c]);
    fmt::print("{} {:>{}}\n", line, row.back(), widths.back());
  }
  fmt::print("total parameters: {}\n", manifest.numParamElements());

  if (manifest.isClassification())
    fmt::print("loss: {} ({} classes)\n", lossName(manifest.loss),
               manifest.numClasses);
  else
    fmt::print("loss: {}\n", lossName(manifest.loss));
  std::string settings = fmt::format("lr {}", manifest.optimizer.lr);
  for (const auto &[name, value] : manifest.optimizer.settings)
    settings += fmt::format(", {} {}", name, value);
  fmt::print("optimizer: {} ({})\n", manifest.optimizer.type, settings);
  const TrainingDefaults &training = manifest.training;
  fmt::print("training defaults: {} epochs, metrics [{}], validation split "
             "{}, {}, seed {}\n",
             training.epochs, fmt::join(training.metrics, ", "),
             training.validationSplit,
             training.shuffle ? "shuffled" : "not shuffled", training.seed);
  return 0;
}

} // namespace kiln
