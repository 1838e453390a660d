//===- commands.cpp - The train, eval, predict and info subcommands -------===//
//
// Results go to stdout (epoch lines, test metrics, predictions); the
// progress bar and errors go to stderr, so `train > log` keeps a clean log.
//
#include "commands.h"

#include "kiln/checkpoint.h"
#include "kiln/file_io.h"
#include "kiln/interrupt.h"
#include "kiln/model.h"
#include "kiln/npy.h"
#include "kiln/progress.h"
#include "kiln/report.h"
#include "kiln/rng.h"
#include "support.h"

#include <fmt/ranges.h>
#include <map>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <cmath>

#include <sys/stat.h>
#include <unistd.h>

namespace kiln {
namespace {

// ordered_json keeps "loss" before "accuracy", as people read them.
using Json = nlohmann::ordered_json;

/// Scalars always; with `full`, the per-class scores and the confusion
/// matrix too (test metrics, not every epoch's history).
Json toJson(const Metrics &metrics, bool full = true) {
  Json json = {{"loss", metrics.loss}};
  auto add = [&](const char *name, const std::optional<double> &value) {
    if (value)
      json[name] = *value;
  };
  add("accuracy", metrics.accuracy);
  add("mae", metrics.mae);
  add("rmse", metrics.rmse);
  add("r2", metrics.r2);
  if (const std::optional<ClassReport> &c = metrics.classes) {
    for (const auto &[k, value] : c->topK)
      json[fmt::format("top_{}_accuracy", k)] = value;
    json["precision"] = c->macroPrecision;
    json["recall"] = c->macroRecall;
    json["f1"] = c->macroF1;
    add("auc", c->auc);
    if (full) {
      json["per_class"] = {{"precision", c->precision},
                           {"recall", c->recall},
                           {"f1", c->f1}};
      json["confusion_matrix"] = c->confusion;
    }
  }
  return json;
}

Json toJson(const EpochRecord &record) {
  Json json = {{"epoch", record.epoch},
               {"steps", record.steps},
               {"lr", record.lr},
               {"train_loss", record.trainLoss}};
  if (record.trainAccuracy)
    json["train_accuracy"] = *record.trainAccuracy;
  if (record.trainMae)
    json["train_mae"] = *record.trainMae;
  if (record.regularization)
    json["regularization"] = *record.regularization;
  if (record.validation) {
    Json validation = toJson(*record.validation, false);
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

void printNames(const char *label, const std::vector<std::string> &names) {
  if (!names.empty())
    fmt::print("  {}: {}\n", label, fmt::join(names, ", "));
}

void initFrom(Model &model, const std::string &path) {
  TransferReport report = loadForTransfer(model, path);
  fmt::print("initialized from {}: {} tensor{} loaded, {} fresh\n", path,
             report.loaded.size(), report.loaded.size() == 1 ? "" : "s",
             report.fresh.size());
  printNames("loaded", report.loaded);
  printNames("initialized fresh", report.fresh);
  printNames("not in this model (ignored)", report.ignored);
}

void printTestLine(const Metrics &metrics, const Dataset &data,
                   const Manifest &manifest) {
  const std::vector<std::string> &wanted = manifest.training.metrics;
  fmt::print("test: {} ({} samples)\n", formatMetrics(metrics, "", wanted),
             data.numSamples);
  bool confusion = std::find(wanted.begin(), wanted.end(),
                             "confusion_matrix") != wanted.end();
  if (confusion && metrics.classes) {
    fmt::print("confusion matrix (rows: true class, columns: predicted):\n");
    for (const std::vector<int64_t> &row : metrics.classes->confusion)
      fmt::print("  {}\n", fmt::join(row, " "));
  }
  std::fflush(stdout);
}

bool fileExists(const std::string &path) {
  struct stat info;
  return ::stat(path.c_str(), &info) == 0;
}

/// "1.07 M", "2.3 G": three significant digits.
std::string formatCount(int64_t n) {
  const char *units[] = {"", " k", " M", " G", " T"};
  double v = double(n);
  int u = 0;
  while (v >= 1000 && u < 4) {
    v /= 1000;
    ++u;
  }
  return u == 0 ? std::to_string(n) : fmt::format("{:.3g}{}", v, units[u]);
}

/// "run.safetensors" -> "run.best.safetensors"; other names get ".best".
std::string bestWeightsPath(const std::string &save) {
  const std::string suffix = ".safetensors";
  if (save.size() > suffix.size() &&
      save.compare(save.size() - suffix.size(), suffix.size(), suffix) == 0)
    return save.substr(0, save.size() - suffix.size()) + ".best" + suffix;
  return save + ".best";
}

/// The training options: command line first, then the manifest's defaults.
TrainOptions readTrainOptions(const Options &options,
                              const Manifest &manifest) {
  TrainOptions settings;
  settings.epochs = options.has("epochs") ? options.getInt("epochs", 1)
                                          : manifest.training.epochs;
  settings.lr = float(options.has("lr") ? options.getDouble("lr")
                                        : manifest.optimizer->lr);
  // The model format's range, as a normal float (1e39 would be inf, 1e-45
  // a denormal).
  if (!(settings.lr > 0 && settings.lr <= 1e6 && std::isnormal(settings.lr)))
    throw UsageError(fmt::format("--lr must be in (0, 1e6] (a normal float), got {}",
                                 options.has("lr") ? options.require("lr")
                                                   : fmt::format("{}", settings.lr)));
  settings.seed = options.has("seed") ? options.getUnsigned("seed")
                                      : manifest.training.seed;
  settings.maxSteps = options.has("steps") ? options.getInt("steps", 1) : 0;
  settings.shuffle = manifest.training.shuffle && !options.has("no-shuffle");
  settings.trainAccuracy =
      manifest.isClassification() && manifest.hasMetric("accuracy");
  settings.trainMae = !manifest.isClassification() && manifest.hasMetric("mae");
  if (options.has("checkpoint-every")) {
    settings.checkpointEvery = options.getInt("checkpoint-every", 1);
    settings.checkpointPath = options.require("save");
  }
  settings.schedule =
      options.has("schedule")
          ? parseSchedule(options.require("schedule"), "--schedule")
          : parseSchedule(manifest.training.schedule,
                          "manifest: 'training.schedule'");
  settings.earlyStopping =
      options.has("early-stopping")
          ? parseEarlyStopping(options.require("early-stopping"),
                               "--early-stopping")
          : parseEarlyStopping(manifest.training.earlyStopping,
                               "manifest: 'training.early_stopping'");
  if (settings.schedule.minLr >= settings.lr)
    throw UsageError(fmt::format(
        "the schedule's min_lr {} is not below the learning rate {}",
        settings.schedule.minLr, settings.lr));
  settings.augment =
      options.has("augment")
          ? parseAugment(options.require("augment"), "--augment")
          : parseAugment(manifest.training.augment,
                         "manifest: 'training.augment'");
  checkAugment(settings.augment, manifest.inputShape());
  // restore_best keeps the best epoch's weights beside the checkpoint, so
  // that a resumed run can still put them back.
  if (settings.earlyStopping && settings.earlyStopping->restoreBest &&
      options.has("save"))
    settings.bestPath = bestWeightsPath(options.require("save"));
  return settings;
}

/// Flags that contradict each other, before anything is loaded.
void checkTrainFlags(const Options &options) {
  for (const char *other : {"load", "init-from"})
    if (options.has("resume") && options.has(other))
      throw UsageError(fmt::format(
          "--resume cannot be combined with --{}: it restores the model, the "
          "optimizer and the position in the data from its checkpoint",
          other));
  if (options.has("load") && options.has("init-from"))
    throw UsageError("--load and --init-from exclude each other (--load "
                     "restores a checkpoint of this model, --init-from "
                     "loads the tensors that match)");
  if (options.has("checkpoint-every") && !options.has("save"))
    throw UsageError("--checkpoint-every needs --save FILE (where to write "
                     "the checkpoints)");
}

/// Restores a run from `path`: everything, and where its data order stood.
void resume(Model &model, const std::string &path, const Options &options,
            const Dataset &train, TrainOptions &settings) {
  TrainPosition position = resumeCheckpoint(model, path);
  if (options.has("seed") && settings.seed != position.dataSeed)
    throw UsageError(fmt::format(
        "--seed {} differs from the data_seed {} of {}; the resumed run "
        "must keep its data order, so leave --seed out",
        settings.seed, position.dataSeed, path));
  if (position.epochSamples > 0 && position.epochSamples != train.numSamples)
    fail("{}: was written by a run with {} training samples per epoch, but "
         "this one has {}; resume with the same --data and "
         "--validation-split",
         path, position.epochSamples, train.numSamples);
  settings.seed = position.dataSeed;
  settings.startEpoch = position.epoch;
  settings.startBatch = position.batch;
  settings.loopState = position.loop;
  // The best weights so far sit beside the checkpoint resumed from.
  bool restoring = settings.earlyStopping && settings.earlyStopping->restoreBest &&
                   position.loop.count("es_best");
  if (restoring) {
    settings.bestFrom = bestWeightsPath(path);
    if (!fileExists(settings.bestFrom))
      fail("{}: is missing; early stopping's restore_best needs the best epoch's "
           "weights that the run wrote beside {}",
           settings.bestFrom, path);
  }
  fmt::print("resumed {} (step {}: epoch {}, {} batch{} done)\n", path,
             model.getStep(), position.epoch, position.batch,
             position.batch == 1 ? "" : "es");
}

} // namespace

/// The threads --threads (or KILN_NUM_THREADS) asks for; null for one.
static std::unique_ptr<ThreadPool> threadsFor(const Options &options) {
  int64_t threads = ThreadPool::defaultThreads();
  if (options.has("threads")) {
    threads = options.getInt("threads", 1);
    if (threads > ThreadPool::kMaxThreads)
      throw UsageError(fmt::format("--threads must be at most {}", ThreadPool::kMaxThreads));
  }
  return threads > 1 ? std::make_unique<ThreadPool>(int(threads)) : nullptr;
}

/// The number of processes of the MPI job this process belongs to, from
/// the environment Open MPI and MPICH give them; 0 outside one.
static int64_t mpiJobSize() {
  for (const char *var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"})
    if (const char *value = std::getenv(var))
      return std::atoll(value);
  return 0;
}

/// After SIGINT or SIGTERM: keeps the run's progress if --save was given and
/// says how to continue. Exits as a shell expects of a signal (128 + it).
static int interruptedTrain(Model &model, const Options &options, const TrainResult &result) {
  int signal = interruptSignal();
  std::string where = fmt::format("step {} (epoch {}, {} batch{} of it done)", model.getStep(),
                                  result.end.epoch, result.end.batch,
                                  result.end.batch == 1 ? "" : "es");
  if (options.has("save")) {
    const std::string &path = options.require("save");
    saveCheckpoint(model, path, result.end);
    fmt::print(stderr,
               "interrupted at {}: saved {}; to continue, run the same command with "
               "--resume {} (without --load and --init-from)\n",
               where, path, path);
  } else {
    fmt::print(stderr,
               "interrupted at {}: nothing saved (no --save); give --save FILE to keep "
               "a run's progress when it is interrupted\n",
               where);
  }
  return 128 + signal;
}

int runTrain(const kiln_model_api &api, const Options &options,
             const Launch &launch) {
  ProcessGroup *group = launch.group;
  // Rank 0 prints, writes files and evaluates the test split; every rank
  // trains.
  const bool lead = !group || group->rank() == 0;
  const uint64_t modelHash = fnv1a(api.manifest());
  if (group)
    checkSameEverywhere(*group, modelHash, launch.argsHash);
  else if (int64_t n = mpiJobSize(); n > 1)
    fail("this executable was built without --mpi, but it is one of {} "
         "processes of an MPI job: each would train alone on all the data "
         "and write the same files. Recompile the model with `kilnc --mpi`, "
         "or run it without mpirun",
         n);
  const std::string &dataPath = options.require("data");
  checkTrainFlags(options);
  std::unique_ptr<ThreadPool> pool = threadsFor(options); // outlives the model
  Model model(api);
  model.useThreads(pool.get());
  const Manifest &manifest = model.getManifest();
  model.requireEntry(EntryPoint::TrainStep);
  if (group) {
    try {
      model.joinGroup(group);
    } catch (const Error &e) {
      throw GroupError(e.what()); // the same model everywhere
    }
  }
  TrainOptions settings = readTrainOptions(options, manifest);
  settings.group = group;
  if (!lead)
    settings.bestPath.clear(); // rank 0 keeps the best weights' file
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
  std::map<std::string, std::string> written; // path -> option
  for (const char *output : {"save", "metrics-json", "report", "loss-log"})
    if (options.has(output)) {
      const std::string &path = options.require(output);
      if (lead)
        checkWritableLocation(path);
      auto [it, isNew] = written.emplace(path, output);
      if (!isNew)
        throw UsageError(fmt::format("--{} and --{} both write '{}'", it->second, output, path));
    }

  // --val-data replaces the model file's validation split.
  if (options.has("val-data") && options.has("validation-split") && split > 0)
    throw UsageError("--val-data and --validation-split exclude each other");
  bool text = options.has("text");
  if (text && options.has("series"))
    throw UsageError("--text and --series exclude each other");
  DataSplits data = text ? loadText(dataPath, manifest)
                    : options.has("series")
                        ? loadSeries(dataPath, options.require("series"), manifest)
                        : loadData(dataPath, manifest);
  if (options.has("val-data") && options.has("series"))
    throw UsageError("--val-data does not take a series; use --validation-split "
                     "(the latest training windows)");
  std::optional<Dataset> validation;
  if (options.has("val-data"))
    validation = (text ? loadText(options.require("val-data"), manifest)
                       : loadData(options.require("val-data"), manifest))
                     .train;
  else if (int64_t count = int64_t(double(data.train.numSamples) * split);
           count > 0)
    validation = splitTail(data.train, count);
  const int64_t ranks = group ? group->size() : 1;
  if (group) {
    // Every rank must see the same epochs, or one would wait forever for
    // the others' gradients.
    std::string sizes = fmt::format("{} {}", data.train.numSamples,
                                    validation ? validation->numSamples : 0);
    checkSameEverywhere(*group, modelHash, fnv1a(sizes, launch.argsHash));
  }
  int64_t batchesPerEpoch = data.train.numSamples / (manifest.batchSize * ranks);
  if (settings.maxSteps > 0 && !options.has("epochs") && batchesPerEpoch > 0)
    settings.epochs =
        (settings.maxSteps + batchesPerEpoch - 1) / batchesPerEpoch;

  if (options.has("resume")) {
    resume(model, options.require("resume"), options, data.train, settings);
  } else if (options.has("load")) {
    loadWeights(model, options.require("load"));
  } else {
    model.init(settings.seed);
    if (options.has("init-from"))
      initFrom(model, options.require("init-from"));
  }
  // train_step's randomness (dropout): each rank draws its own masks.
  model.setSeed(group && group->rank() > 0
                    ? deriveSeed(settings.seed, "rank", uint64_t(group->rank()))
                    : settings.seed);
  // Kept with the weights (after any --load, whose scale this data replaces):
  // predict takes and gives the series' units.
  model.dataScale.clear();
  if (data.train.standardized) {
    model.dataScale["series_mean"] = fmt::format("{:.17g}", data.train.mean);
    model.dataScale["series_std"] = fmt::format("{:.17g}", data.train.std);
  }
  if (!data.classNames.empty())
    model.dataScale["class_names"] = nlohmann::json(data.classNames).dump();
  fmt::print("training {}: {} samples{}, batch {}, {} epoch{}, lr {}\n",
             manifest.name, data.train.numSamples,
             !validation ? ""
             : options.has("val-data")
                 ? fmt::format(" ({} validation samples from {})",
                               validation->numSamples,
                               options.require("val-data"))
                 : fmt::format(" ({} more held out for validation)",
                               validation->numSamples),
             group ? fmt::format("{} per process x {} processes (global batch {})",
                                 manifest.batchSize, ranks,
                                 manifest.batchSize * ranks)
                   : std::to_string(manifest.batchSize),
             settings.epochs, settings.epochs == 1 ? "" : "s", settings.lr);
  std::fflush(stdout);

  ProgressPrinter progress(stderr, stdout, ::isatty(STDERR_FILENO));
  progress.setExtraMetrics(manifest.training.metrics);
  // From here until the weights are saved, SIGINT and SIGTERM stop the run
  // cleanly; afterwards they act as usual. Not in a group: the ranks would
  // stop at different steps; mpirun ends them all instead.
  std::optional<InterruptGuard> guard;
  if (!group) {
    guard.emplace();
    settings.interrupted = [] { return interruptSignal() != 0; };
  }
  // --loss-log: one line per step, flushed by the C library as it fills;
  // a run that stops early leaves the steps it made.
  std::unique_ptr<FILE, int (*)(FILE *)> lossLog(nullptr, &std::fclose);
  if (lead && options.has("loss-log")) {
    const std::string &path = options.require("loss-log");
    lossLog.reset(std::fopen(path.c_str(), "w"));
    if (!lossLog)
      fail("cannot write --loss-log {}: {}", path, std::strerror(errno));
    settings.stepDone = [log = lossLog.get()](int64_t step, double loss) {
      std::fprintf(log, "%lld %.9g\n", static_cast<long long>(step), loss);
    };
  }
  TrainResult result = train(model, data.train, validation ? &*validation : nullptr,
                             settings, lead ? &progress : nullptr);
  if (lossLog) {
    bool ok = std::fflush(lossLog.get()) == 0 && !std::ferror(lossLog.get());
    if (std::fclose(lossLog.release()) != 0 || !ok)
      fail("cannot write --loss-log {}: {}", options.require("loss-log"), std::strerror(errno));
  }
  if (!lead)
    return 0;
  if (group && group->allreduceCalls > 0)
    fmt::print("data parallel: {} processes, all-reduce {:.3f} ms per step "
               "({:.1f}% of the training time)\n",
               ranks, 1e3 * group->allreduceSeconds / double(group->allreduceCalls),
               100 * group->allreduceSeconds / std::max(1e-9, result.seconds));
  if (result.interrupted)
    return interruptedTrain(model, options, result);
  if (result.steps == 0 && options.has("resume"))
    fmt::print("nothing left to train: the run was complete\n");
  if (result.stoppedEarly && settings.earlyStopping)
    fmt::print("early stopping: no improvement of {} since epoch {}{}\n",
               settings.earlyStopping->monitor, result.bestEpoch,
               result.restoredBest ? "; restored its weights" : "");
  else if (result.restoredBest && settings.earlyStopping)
    fmt::print("restored the weights of epoch {}, the best by {}\n",
               result.bestEpoch, settings.earlyStopping->monitor);
  if (options.has("save")) {
    saveCheckpoint(model, options.require("save"), result.end);
    fmt::print("saved {} (step {})\n", options.require("save"),
               model.getStep());
  }
  if (int signal = interruptSignal()) {
    fmt::print(stderr, "interrupted after the run's last step{}; the test evaluation, metrics "
                       "and report are skipped\n",
               options.has("save") ? ", which is saved" : "");
    return 128 + signal;
  }
  guard.reset();

  Json json = {{"test", nullptr}};
  std::optional<Metrics> test;
  if (data.test) {
    test = evaluate(model, *data.test);
    printTestLine(*test, *data.test, manifest);
    json["test"] = toJson(*test);
  } else {
    fmt::print("test: none ('{}' has no test split)\n", dataPath);
  }
  if (options.has("metrics-json")) {
    json["history"] = Json::array();
    for (const EpochRecord &record : result.history)
      json["history"].push_back(toJson(record));
    json["train"] = {{"steps", result.steps},
                     {"samples_per_second", result.samplesPerSecond},
                     {"processes", ranks}};
    if (group && group->allreduceCalls > 0)
      json["train"]["allreduce_seconds_per_step"] =
          group->allreduceSeconds / double(group->allreduceCalls);
    writeJson(options.require("metrics-json"), json);
  }
  if (options.has("report")) {
    ReportData report{&manifest, result.history, test, {}, ""};
    auto set = [&](const std::string &key, const std::string &value) {
      report.settings.push_back({key, value});
    };
    set("data", dataPath);
    set("training samples", std::to_string(data.train.numSamples));
    if (validation)
      set("validation samples", std::to_string(validation->numSamples));
    set("batch size", std::to_string(manifest.batchSize));
    if (group)
      set("processes", fmt::format("{} (global batch {})", ranks,
                                   manifest.batchSize * ranks));
    set("epochs", std::to_string(settings.epochs));
    set("optimizer", manifest.optimizer->type);
    for (const auto &[key, value] : manifest.optimizer->settings)
      set("optimizer " + key, value);
    set("learning rate", fmt::format("{}", settings.lr));
    set("schedule", options.has("schedule") ? options.require("schedule")
                                            : manifest.training.schedule);
    set("early stopping", options.has("early-stopping")
                              ? options.require("early-stopping")
                              : manifest.training.earlyStopping);
    set("augmentation", options.has("augment") ? options.require("augment")
                                               : manifest.training.augment);
    set("seed", std::to_string(settings.seed));
    set("shuffle", settings.shuffle ? "yes" : "no");
    if (options.has("resume"))
      set("resumed from", options.require("resume"));
    if (result.stoppedEarly && settings.earlyStopping)
      report.outcome = fmt::format(
          "Stopped early: {} did not improve after epoch {}.",
          settings.earlyStopping->monitor, result.bestEpoch);
    if (result.restoredBest)
      report.outcome += fmt::format(" The weights of epoch {} were restored.",
                                    result.bestEpoch);
    writeReport(options.require("report"), report);
    fmt::print("wrote the report {}\n", options.require("report"));
  }
  return 0;
}

/// The series scale {mean, std} a checkpoint keeps, if any.
static std::optional<std::pair<double, double>> seriesScale(const Model &model) {
  auto m = model.dataScale.find("series_mean"), s = model.dataScale.find("series_std");
  if (m == model.dataScale.end() || s == model.dataScale.end())
    return std::nullopt;
  return std::pair{std::strtod(m->second.c_str(), nullptr),
                   std::strtod(s->second.c_str(), nullptr)};
}

/// The text classes' names a checkpoint keeps (none for other data).
static std::vector<std::string> classNames(const Model &model, const std::string &checkpoint) {
  auto it = model.dataScale.find("class_names");
  if (it == model.dataScale.end())
    return {};
  nlohmann::json names = nlohmann::json::parse(it->second, nullptr, /*allow_exceptions=*/false);
  bool ok = names.is_array() && int64_t(names.size()) == model.getManifest().numClasses;
  for (const nlohmann::json &n : ok ? names : nlohmann::json::array())
    ok = ok && n.is_string();
  if (!ok)
    fail("{}: metadata data.class_names is not a JSON array of {} strings", checkpoint,
         model.getManifest().numClasses);
  return names.get<std::vector<std::string>>();
}

int runEval(const kiln_model_api &api, const Options &options, const Launch &) {
  if (options.has("text") && options.has("series"))
    throw UsageError("--text and --series exclude each other");
  const std::string &checkpoint = options.require("load");
  const std::string &dataPath = options.require("data");
  std::unique_ptr<ThreadPool> pool = threadsFor(options); // outlives the model
  Model model(api);
  model.useThreads(pool.get());
  model.requireEntry(EntryPoint::EvalStep);
  if (options.has("metrics-json"))
    checkWritableLocation(options.require("metrics-json"));
  loadWeights(model, checkpoint);
  Dataset test = options.has("text")
                     ? std::move(*loadText(dataPath, model.getManifest()).test)
                 : options.has("series")
                     ? std::move(*loadSeries(dataPath, options.require("series"),
                                             model.getManifest(), seriesScale(model))
                                      .test)
                     : loadTestData(dataPath, model.getManifest());
  Metrics metrics = evaluate(model, test);
  printTestLine(metrics, test, model.getManifest());
  if (options.has("metrics-json"))
    writeJson(options.require("metrics-json"), {{"test", toJson(metrics)}});
  return 0;
}

int runPredict(const kiln_model_api &api, const Options &options, const Launch &) {
  const std::string &checkpoint = options.require("load");
  const std::string &inputPath = options.require("input");
  std::unique_ptr<ThreadPool> pool = threadsFor(options); // outlives the model
  Model model(api);
  model.useThreads(pool.get());
  const Manifest &manifest = model.getManifest();
  checkLoaderInput(manifest);
  if (options.has("output"))
    checkWritableLocation(options.require("output"));
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
         fmt::join(manifest.inputShape(), ", "),
         formatShape(manifest.inputShape()));
  bool ids = manifest.inputs[0].dtype == DType::I32;
  if (ids != input.isInteger())
    fail("{}: model '{}' takes {}, got a {} array", inputPath, manifest.name,
         ids ? "int32 token ids" : "float values",
         input.isInteger() ? "integer" : "float32 or uint8");
  if (ids)
    checkIds(input.ids.data(), numSamples, manifest.inputSize(), manifest,
             inputPath);
  loadCheckpoint(model, checkpoint);

  const int64_t width = manifest.outputSize();
  std::vector<float> outputs(numSamples * width);
  // A model trained on a standardized series takes and gives its units.
  std::optional<std::pair<double, double>> scale = seriesScale(model);
  if (scale && !ids)
    for (float &v : input.data)
      v = float((double(v) - scale->first) / scale->second);
  model.predict(ids ? static_cast<const void *>(input.ids.data())
                    : input.data.data(),
                numSamples, outputs.data());
  if (scale)
    for (float &v : outputs)
      v = float(double(v) * scale->second + scale->first);
  if (options.has("output")) {
    Shape shape{numSamples};
    shape.insert(shape.end(), manifest.outputShape().begin(),
                 manifest.outputShape().end());
    writeNpy(options.require("output"), shape, outputs);
    fmt::print("wrote {} predictions {} to {}\n", numSamples,
               formatShape(shape), options.require("output"));
    return 0;
  }
  std::vector<std::string> names = classNames(model, checkpoint);
  for (int64_t i = 0; i < numSamples; ++i) {
    const float *row = &outputs[i * width];
    if (manifest.predictsSigmoid())
      fmt::print("probabilities {:.4f}\n", fmt::join(row, row + width, " "));
    else if (manifest.isClassification() && manifest.labelsPerSample() > 1) {
      // One class per position (the probabilities: --output).
      std::vector<int64_t> classes;
      for (int64_t r = 0; r < manifest.labelsPerSample(); ++r)
        classes.push_back(argmax(row + r * manifest.numClasses, manifest.numClasses));
      fmt::print("classes {}\n", fmt::join(classes, " "));
    } else if (manifest.isClassification()) {
      int64_t c = argmax(row, width);
      fmt::print("class {}{} probabilities {:.4f}\n", c,
                 size_t(c) < names.size() ? " (" + names[c] + ")" : "",
                 fmt::join(row, row + width, " "));
    }
    else
      fmt::print("values {:.6g}\n", fmt::join(row, row + width, " "));
  }
  return 0;
}

int runInfo(const kiln_model_api &api, const Options &, const Launch &) {
  // The manifest alone: a Model would allocate (and initialize) every
  // parameter and optimizer slot just to print their sizes.
  const Manifest manifest = Model::readManifest(api);
  fmt::print("model: {}\n", manifest.name);
  auto describe = [](const TensorSpec &tensor) {
    return fmt::format("{} {} {}", tensor.name, dtypeName(tensor.dtype),
                       formatShape(tensor.shape));
  };
  for (const TensorSpec &input : manifest.inputs)
    fmt::print("input: {}\n", describe(input));
  for (const TensorSpec &target : manifest.targets)
    fmt::print("target: {}\n", describe(target));
  for (const TensorSpec &output : manifest.outputs)
    fmt::print("output: {} ({})\n", describe(output),
               output.kind == OutputKind::Probabilities ? "probabilities"
                                                        : "values");
  fmt::print("compiled batch size: {}\n", manifest.batchSize);
  std::vector<std::string> entries;
  for (const EntryPointSpec &entry : manifest.entryPoints)
    entries.push_back(fmt::format("{} (batch {}, workspace {} bytes)",
                                  entryName(entry.entry), entry.batch,
                                  entry.workspaceBytes));
  fmt::print("entry points: {}\n", fmt::join(entries, ", "));

  std::vector<std::vector<std::string>> rows = {
      {"layer", "type", "output shape", "activation", "FLOPs", "params"}};
  for (const LayerSpec &layer : manifest.layers)
    rows.push_back({layer.name, layer.type, formatShape(layer.outputShape),
                    layer.activation.empty() ? "-" : layer.activation,
                    formatCount(layer.flops),
                    std::to_string(layer.numParams) +
                        (layer.trainable ? "" : " (frozen)")});
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
  int64_t total = manifest.numParamElements();
  int64_t frozen = total - manifest.numTrainableElements();
  fmt::print("total parameters: {}{}\n", total,
             frozen && !manifest.inferenceOnly()
                 ? fmt::format(" ({} frozen)", frozen)
                 : "");
  Manifest::Memory memory = manifest.memory();
  fmt::print("forward FLOPs per sample: {}\n", formatCount(manifest.flopsPerSample()));
  fmt::print("memory: params {}, buffers {}, optimizer state {}, {}workspace {}\n",
             formatBytes(memory.params), formatBytes(memory.buffers),
             formatBytes(memory.state),
             memory.derived ? "prepared for inference " + formatBytes(memory.derived) + ", " : "",
             formatBytes(memory.workspace));
  if (!manifest.buffers.empty()) {
    std::vector<std::string> buffers;
    // The dtype only when it is not the usual f32: "bn.num_batches_tracked
    // i64 []".
    for (const BufferSpec &buffer : manifest.buffers) {
      std::string dtype = buffer.dtype == DType::F32
                              ? ""
                              : fmt::format("{} ", dtypeName(buffer.dtype));
      buffers.push_back(buffer.name + " " + dtype + formatShape(buffer.shape));
    }
    fmt::print("buffers: {}\n", fmt::join(buffers, ", "));
  }

  if (manifest.inferenceOnly()) {
    fmt::print("inference only: no loss, optimizer or train_step\n");
    return 0;
  }
  std::vector<std::string> lossSettings;
  for (const auto &[key, value] : manifest.training.lossSettings)
    lossSettings.push_back(key + " " + value);
  std::string lossNote = lossSettings.empty()
                             ? ""
                             : fmt::format(", {}", fmt::join(lossSettings, ", "));
  if (manifest.takesLabels())
    fmt::print("loss: {} ({} classes{})\n", lossName(*manifest.loss),
               manifest.numClasses, lossNote);
  else if (!lossSettings.empty())
    fmt::print("loss: {} ({})\n", lossName(*manifest.loss),
               fmt::join(lossSettings, ", "));
  else
    fmt::print("loss: {}\n", lossName(*manifest.loss));
  const OptimizerSpec &optimizer = *manifest.optimizer;
  std::string settings = fmt::format("lr {}", optimizer.lr);
  for (const auto &[name, value] : optimizer.settings)
    settings += fmt::format(", {} {}", name, value);
  fmt::print("optimizer: {} ({}), {} state tensors\n", optimizer.type, settings,
             manifest.state.size());
  const TrainingDefaults &training = manifest.training;
  fmt::print("training defaults: {} epoch{}, metrics [{}], validation split "
             "{}, {}, seed {}\n",
             training.epochs, training.epochs == 1 ? "" : "s",
             fmt::join(training.metrics, ", "),
             training.validationSplit,
             training.shuffle ? "shuffled" : "not shuffled", training.seed);
  if (training.schedule != "none")
    fmt::print("learning-rate schedule: {}\n", training.schedule);
  if (training.earlyStopping != "none")
    fmt::print("early stopping: {}\n", training.earlyStopping);
  if (training.augment != "none")
    fmt::print("augmentation: {}\n", training.augment);
  return 0;
}

} // namespace kiln
