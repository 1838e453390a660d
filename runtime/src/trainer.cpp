//===- trainer.cpp - The epoch loop around the generated train_step -------===//
#include "kiln/trainer.h"

#include "kiln/checkpoint.h"
#include "kiln/rng.h"
#include "kiln/safetensors.h"
#include "divergence.h"
#include "support.h"

#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <numeric>

namespace kiln {

TrainObserver::~TrainObserver() = default;
void TrainObserver::epochBegin(int64_t, int64_t, int64_t) {}
void TrainObserver::batchEnd(int64_t, double) {}
void TrainObserver::epochEnd(const EpochRecord &, int64_t) {}

namespace {

/// Below this many bytes of samples a batch is gathered on one thread (a
/// hand-off to the pool costs about a microsecond).
constexpr int64_t kParallelGatherBytes = 64 << 10;

/// Gathers shuffled samples into the contiguous batch buffers train_step
/// reads.
class BatchAssembler {
public:
  BatchAssembler(const Dataset &data, int64_t batchSize)
      : data(data), batchSize(batchSize),
        x(data.hasIds() ? 0 : batchSize * data.sampleSize),
        ids(data.hasIds() ? batchSize * data.sampleSize : 0),
        labels(data.hasLabels() ? batchSize * data.labelsPerSample : 0),
        targets(data.hasLabels() ? 0 : batchSize * data.targetSize) {}

  /// Gathers the samples `indices` names, their rows shared out to `pool`'s
  /// threads (when there is one and the batch is large enough to pay).
  void gather(const int64_t *indices, ThreadPool *pool) {
    const int64_t bytes = batchSize * data.sampleSize * 4;
    if (!pool || bytes < kParallelGatherBytes)
      return gatherRows(indices, 0, batchSize);
    struct Job {
      BatchAssembler *self;
      const int64_t *indices;
    } job{this, indices};
    pool->run(batchSize, [](void *arg, int64_t begin, int64_t end) {
      auto *j = static_cast<Job *>(arg);
      j->self->gatherRows(j->indices, begin, end);
    }, &job);
  }

  void gatherRows(const int64_t *indices, int64_t first, int64_t last) {
    for (int64_t row = first; row < last; ++row) {
      int64_t index = indices[row];
      if (data.hasIds())
        std::memcpy(&ids[row * data.sampleSize], data.sample(index),
                    data.sampleSize * sizeof(int32_t));
      else
        std::memcpy(&x[row * data.sampleSize], data.sample(index),
                    data.sampleSize * sizeof(float));
      if (data.hasLabels())
        std::copy_n(&data.labels[index * data.labelsPerSample], data.labelsPerSample,
                    &labels[row * data.labelsPerSample]);
      else
        std::memcpy(&targets[row * data.targetSize],
                    &data.targets[index * data.targetSize],
                    data.targetSize * sizeof(float));
    }
  }

  const void *getX() const {
    return data.hasIds() ? static_cast<const void *>(ids.data()) : x.data();
  }
  float *getMutableX() { return x.data(); } // f32 inputs (augmentation)
  const int32_t *getLabels() const { return labels.data(); }
  const float *getTargets() const { return targets.data(); }
  const void *getY() const {
    return data.hasLabels() ? static_cast<const void *>(labels.data())
                            : targets.data();
  }

private:
  const Dataset &data;
  int64_t batchSize;
  Floats x; // aligned: kernels load it in whole vectors
  std::vector<int32_t> ids;
  std::vector<int32_t> labels;
  Floats targets;
};

void shuffleIndices(std::vector<int64_t> &indices, uint64_t seed) {
  Rng rng(seed);
  for (size_t i = indices.size(); i > 1; --i)
    std::swap(indices[i - 1], indices[rng.below(i)]);
}

double rate(int64_t samples, double seconds) {
  return seconds > 0 ? double(samples) / seconds : 0;
}

/// Running train metrics of an epoch: `hits` of `count` (accuracy) or the
/// sum of absolute errors over `count` values (MAE).
struct Running {
  int64_t hits = 0, count = 0;
  double absSum = 0;

  /// Scores a batch's train-mode predictions as evaluate() scores them.
  void add(const Manifest &m, const BatchAssembler &batch, const float *pred,
           int64_t rows, bool labels) {
    const int64_t width = m.outputSize();
    if (labels) {
      // Rows of classes: one per label.
      const int64_t n = rows * m.labelsPerSample(), c = m.numClasses;
      for (int64_t r = 0; r < n; ++r)
        hits += argmax(pred + r * c, c) == batch.getLabels()[r];
      count += n;
      return;
    }
    for (int64_t r = 0; r < rows; ++r) {
      const float *p = pred + r * width;
      const float *t = batch.getTargets() + r * width;
      if (m.predictsSigmoid()) {
        for (int64_t j = 0; j < width; ++j)
          hits += (p[j] >= 0.5f) == (t[j] >= 0.5f);
        count += width;
      } else if (m.isClassification()) {
        hits += argmax(p, width) == argmax(t, width);
        ++count;
      } else {
        for (int64_t j = 0; j < width; ++j)
          absSum += std::fabs(double(p[j]) - double(t[j]));
        count += width;
      }
    }
  }
  Running &operator+=(const Running &o) {
    hits += o.hits, count += o.count, absSum += o.absSum;
    return *this;
  }
  /// The sums of every process of `group`.
  void sumOver(ProcessGroup *group) {
    if (!group)
      return;
    double sums[3] = {double(hits), double(count), absSum};
    group->sum(sums, 3);
    hits = int64_t(sums[0]), count = int64_t(sums[1]), absSum = sums[2];
  }
  double accuracy() const { return double(hits) / double(std::max<int64_t>(count, 1)); }
  double mae() const { return absSum / double(std::max<int64_t>(count, 1)); }
};

/// Σ l1 |w| + l2 w² of the regularized params, in double.
std::optional<double> regularizationTerm(const Model &model) {
  const Manifest &m = model.getManifest();
  std::optional<double> total;
  for (size_t i = 0; i < m.params.size(); ++i) {
    const ParamSpec &p = m.params[i];
    if (p.l1 == 0 && p.l2 == 0)
      continue;
    double sum = 0;
    for (float w : model.getParam(i))
      sum += p.l1 * std::fabs(double(w)) + p.l2 * double(w) * double(w);
    total = total.value_or(0) + sum;
  }
  return total;
}

/// Rank 0's values of `names` in `metrics`, on every rank: what the
/// schedule and early stopping decide must be the same everywhere, or one
/// rank would stop (or change its rate) while the others go on.
void shareRank0s(std::map<std::string, double> &metrics,
                 const std::vector<std::string> &names, ProcessGroup &group) {
  // Value and presence (a class report may lack its AUC) of each name.
  std::vector<double> values(2 * names.size());
  if (group.rank() == 0)
    for (size_t i = 0; i < names.size(); ++i)
      if (auto it = metrics.find(names[i]); it != metrics.end())
        values[2 * i] = it->second, values[2 * i + 1] = 1;
  group.broadcast(values.data(), int64_t(values.size() * sizeof(double)));
  for (size_t i = 0; i < names.size(); ++i)
    if (values[2 * i + 1] != 0)
      metrics[names[i]] = values[2 * i];
    else
      metrics.erase(names[i]);
}

/// The names reportedMetrics will give for every epoch of this run.
std::vector<std::string> expectedMetrics(const Manifest &manifest,
                                         bool validation, bool trainAccuracy,
                                         bool trainMae) {
  std::vector<std::string> names{"train_loss"};
  if (trainAccuracy)
    names.push_back("train_accuracy");
  if (trainMae)
    names.push_back("train_mae");
  if (!validation)
    return names;
  names.push_back("val_loss");
  if (manifest.isClassification() && manifest.takesLabels() &&
      manifest.labelsPerSample() > 1) {
    names.push_back("val_accuracy"); // per position: no class report
  } else if (manifest.isClassification()) {
    names.insert(names.end(), {"val_accuracy", "val_precision", "val_recall",
                               "val_f1", "val_auc"});
    for (int64_t k = 2; k <= 5 && k < manifest.outputSize() &&
                        !manifest.predictsSigmoid();
         ++k)
      names.push_back(fmt::format("val_top_{}_accuracy", k));
  } else
    names.insert(names.end(), {"val_mae", "val_rmse", "val_r2"});
  return names;
}

/// A monitor must name a metric every epoch reports.
void checkMonitor(const std::string &monitor, const char *what,
                  const std::vector<std::string> &names, bool validation) {
  if (std::find(names.begin(), names.end(), monitor) != names.end())
    return;
  fail("{} monitors '{}', which this run does not report (it reports {}){}",
       what, monitor, fmt::join(names, ", "),
       !validation && monitor.rfind("val_", 0) == 0
           ? "; validation metrics need --validation-split or --val-data"
           : "");
}

/// Early stopping: the plateau of the monitored metric and, for
/// restore_best, the best epoch's params and buffers (in memory, and in
/// bestPath so that a resumed run can put them back too).
class EarlyStopper {
public:
  EarlyStopper(const TrainOptions &options, Model &model)
      : spec(options.earlyStopping), model(model), bestPath(options.bestPath) {
    const auto &state = options.loopState;
    auto get = [&](const char *key) -> std::optional<std::string> {
      auto it = state.find(key);
      return it == state.end() ? std::nullopt
                               : std::optional<std::string>(it->second);
    };
    try {
      if (auto v = get("es_best"))
        plateau.best = std::stod(*v);
      if (auto v = get("es_best_epoch"))
        plateau.bestEpoch = std::stoll(*v);
      if (auto v = get("es_wait"))
        plateau.wait = std::stoll(*v);
    } catch (const std::exception &) {
      fail("checkpoint: the early-stopping state is not a number");
    }
    // A run that stopped early stays stopped while early stopping is on;
    // turned off, it trains on.
    stopped = spec && get("stopped") == std::optional<std::string>("true");
    if (spec && spec->restoreBest && plateau.best && !options.bestFrom.empty())
      loadBest(options.bestFrom);
  }

  bool isStopped() const { return stopped; }
  int64_t bestEpoch() const { return plateau.bestEpoch; }

  /// After each epoch; returns whether the run stops here.
  bool epochEnd(const std::map<std::string, double> &metrics, int64_t epoch) {
    if (!spec)
      return false;
    double value = metrics.at(spec->monitor);
    bool improved = plateau.update(value, epoch, largerIsBetter(spec->monitor),
                                   spec->minDelta);
    if (improved && spec->restoreBest)
      keepBest();
    stopped = !improved && plateau.wait >= spec->patience;
    return stopped;
  }

  /// Puts the best epoch's params and buffers back (restore_best).
  bool restoreBest() {
    if (!spec || !spec->restoreBest || params.empty())
      return false;
    for (size_t i = 0; i < params.size(); ++i)
      model.getParam(i) = params[i];
    for (size_t i = 0; i < buffers.size(); ++i)
      model.getBuffer(i) = buffers[i];
    return true;
  }

  std::map<std::string, std::string> state() const {
    std::map<std::string, std::string> out;
    if (!spec)
      return out;
    out["es_wait"] = std::to_string(plateau.wait);
    out["es_best_epoch"] = std::to_string(plateau.bestEpoch);
    if (plateau.best)
      out["es_best"] = fmt::format("{:.17g}", *plateau.best);
    if (stopped)
      out["stopped"] = "true";
    return out;
  }

private:
  void keepBest() {
    const Manifest &manifest = model.getManifest();
    params.clear();
    buffers.clear();
    std::vector<TensorRef> refs;
    for (size_t i = 0; i < manifest.params.size(); ++i) {
      params.push_back(model.getParam(i));
      refs.push_back({manifest.params[i].name, manifest.params[i].shape,
                      params.back().data(), DType::F32});
    }
    for (size_t i = 0; i < manifest.buffers.size(); ++i) {
      buffers.push_back(model.getBuffer(i));
      refs.push_back({manifest.buffers[i].name, manifest.buffers[i].shape,
                      buffers.back().data(), manifest.buffers[i].dtype});
    }
    if (!bestPath.empty())
      writeSafetensors(bestPath, refs,
                       {{"format", "kiln"},
                        {"model", manifest.name},
                        {"best_epoch", std::to_string(plateau.bestEpoch)}});
  }

  void loadBest(const std::string &from) {
    const Manifest &manifest = model.getManifest();
    SafetensorsFile file = readSafetensors(from);
    auto take = [&](const std::string &name, const Shape &shape, DType dtype) {
      auto it = file.tensors.find(name);
      if (it == file.tensors.end() || it->second.shape != shape ||
          it->second.dtype != dtype)
        fail("{}: has no {} {} '{}' of this model; early stopping's "
             "restore_best cannot resume without the best epoch's weights",
             from, dtypeName(dtype), formatShape(shape), name);
      const std::vector<float> &data = it->second.data;
      return Floats(data.begin(), data.end());
    };
    for (const ParamSpec &p : manifest.params)
      params.push_back(take(p.name, p.shape, DType::F32));
    for (const BufferSpec &b : manifest.buffers)
      buffers.push_back(take(b.name, b.shape, b.dtype));
  }

  std::optional<EarlyStoppingSpec> spec;
  Model &model;
  std::string bestPath;
  Plateau plateau;
  bool stopped = false;
  std::vector<Floats> params, buffers;
};

} // namespace

std::map<std::string, double> reportedMetrics(const EpochRecord &record) {
  std::map<std::string, double> out{{"train_loss", record.trainLoss}};
  if (record.trainAccuracy)
    out["train_accuracy"] = *record.trainAccuracy;
  if (record.trainMae)
    out["train_mae"] = *record.trainMae;
  if (const std::optional<Metrics> &v = record.validation) {
    out["val_loss"] = v->loss;
    auto add = [&](const char *name, const std::optional<double> &value) {
      if (value)
        out[name] = *value;
    };
    add("val_accuracy", v->accuracy);
    add("val_mae", v->mae);
    add("val_rmse", v->rmse);
    add("val_r2", v->r2);
    if (const std::optional<ClassReport> &c = v->classes) {
      out["val_precision"] = c->macroPrecision;
      out["val_recall"] = c->macroRecall;
      out["val_f1"] = c->macroF1;
      add("val_auc", c->auc);
      for (const auto &[k, value] : c->topK)
        out[fmt::format("val_top_{}_accuracy", k)] = value;
    }
  }
  return out;
}

TrainResult train(Model &model, const Dataset &data, const Dataset *validation,
                  const TrainOptions &options, TrainObserver *observer) {
  TrainObserver silent;
  if (!observer)
    observer = &silent;
  const Manifest &manifest = model.getManifest();
  model.requireEntry(EntryPoint::TrainStep);
  // Generated code trusts every size; a mismatched Dataset would make it
  // read out of bounds.
  checkDataset(data, manifest);
  if (validation)
    checkDataset(*validation, manifest);
  const bool trackAccuracy = options.trainAccuracy && manifest.isClassification();
  const bool trackMae = options.trainMae && !manifest.isClassification();
  const bool track = trackAccuracy || trackMae;
  const int64_t batchSize = model.trainBatchSize();
  ProcessGroup *group = options.group;
  const int64_t ranks = group ? group->size() : 1;
  const int64_t rank = group ? group->rank() : 0;
  const bool writes = rank == 0; // checkpoints
  const int64_t numBatches = data.numSamples / (batchSize * ranks);
  if (numBatches == 0)
    fail("{}: {} training samples are fewer than {}", data.source,
         data.numSamples,
         group ? fmt::format("one global batch ({} processes x the compiled "
                             "batch size {})",
                             ranks, batchSize)
               : fmt::format("the compiled batch size {}", batchSize));
  // A resumed position counts global batches: they must be as large.
  if (auto it = options.loopState.find("global_batch");
      it != options.loopState.end() && it->second != std::to_string(batchSize * ranks)) {
    std::string why = fmt::format(
        "the checkpoint resumed from was written by a run whose global batch "
        "was {} samples, and this run's is {} ({} process{} x the compiled "
        "batch size {}): resume with as many processes, or with one process "
        "compiled for that batch size",
        it->second, batchSize * ranks, ranks, ranks == 1 ? "" : "es", batchSize);
    if (group)
      throw GroupError(why); // every rank read the same checkpoint
    fail("{}", why);
  }
  if (options.startEpoch < 1 || options.startBatch < 0 ||
      options.startBatch >= numBatches)
    fail("cannot start at batch {} of epoch {}: an epoch of {} samples has "
         "{} batches",
         options.startBatch, options.startEpoch, data.numSamples, numBatches);

  const bool hasValidation = validation && validation->numSamples > 0;
  const std::vector<std::string> reported =
      expectedMetrics(manifest, hasValidation, trackAccuracy, trackMae);
  if (options.schedule.type == "reduce_on_plateau")
    checkMonitor(options.schedule.monitor, "the reduce_on_plateau schedule",
                 reported, hasValidation);
  if (options.earlyStopping)
    checkMonitor(options.earlyStopping->monitor, "early stopping", reported,
                 hasValidation);
  // The schedule's horizon: the whole run, as --steps or --epochs set it.
  int64_t totalSteps = options.epochs * numBatches;
  if (options.maxSteps > 0)
    totalSteps = std::min(totalSteps, options.maxSteps);
  LrSchedule schedule(options.schedule, options.lr, totalSteps);
  schedule.restore(options.loopState);
  EarlyStopper stopper(options, model);

  checkAugment(options.augment, manifest.inputShape());
  if (options.augment.any() && data.hasIds())
    fail("--augment transforms images; model '{}' takes token ids",
         manifest.name);
  std::vector<float> augmentScratch;

  // Divergence is found by replaying from a finite copy: training starts
  // from one.
  if (std::string bad = model.firstNonFinite(); !bad.empty())
    fail("model '{}' is not finite before training: {}", manifest.name, bad);
  BatchAssembler batch(data, batchSize);
  // A replay would run train_step, and its allreduce, on one process only.
  DivergenceWatch watch(model, /*replays=*/!group);
  std::vector<int64_t> order(data.numSamples);
  std::vector<float> probs(track ? batchSize * manifest.outputSize() : 0);
  // Steps of the run so far, resumed parts included: every epoch before
  // the current one ran all its batches.
  int64_t runSteps = (options.startEpoch - 1) * numBatches + options.startBatch;
  TrainResult result;
  // A run whose last step is done is complete, whatever arrives after it.
  auto limitReached = [&] {
    if (options.maxSteps > 0 && runSteps >= options.maxSteps)
      return true;
    if (options.interrupted && !result.interrupted)
      result.interrupted = options.interrupted();
    return result.interrupted;
  };
  auto checkpointDue = [&] {
    return options.checkpointEvery > 0 &&
           runSteps % options.checkpointEvery == 0;
  };
  result.end = {options.startEpoch, options.startBatch, options.seed,
                data.numSamples, options.loopState};
  result.stoppedEarly = stopper.isStopped();
  // The epoch in progress so far, the part before a mid-epoch resume
  // included, so that its train_* monitors see the whole epoch.
  double epochLoss = 0;
  int64_t epochSteps = 0;
  Running epochScore;
  if (options.startBatch > 0) {
    const auto &s = options.loopState;
    try {
      if (s.count("epoch_steps")) {
        epochSteps = std::stoll(s.at("epoch_steps"));
        epochLoss = std::stod(s.at("epoch_loss_sum"));
        epochScore.hits = std::stoll(s.at("epoch_hits"));
        epochScore.count = std::stoll(s.at("epoch_count"));
        epochScore.absSum = std::stod(s.at("epoch_abs_sum"));
      }
    } catch (const std::exception &) {
      fail("checkpoint: the epoch's running sums are missing or not numbers");
    }
  }
  auto loopState = [&] {
    std::map<std::string, std::string> state = schedule.state();
    state.merge(stopper.state());
    state["global_batch"] = std::to_string(batchSize * ranks);
    if (result.end.batch > 0) {
      state["epoch_loss_sum"] = fmt::format("{:.17g}", epochLoss);
      state["epoch_steps"] = std::to_string(epochSteps);
      state["epoch_hits"] = std::to_string(epochScore.hits);
      state["epoch_count"] = std::to_string(epochScore.count);
      state["epoch_abs_sum"] = fmt::format("{:.17g}", epochScore.absSum);
    }
    return state;
  };
  double trainSeconds = 0;
  int64_t trainSamples = 0;
  for (int64_t epoch = options.startEpoch;
       epoch <= options.epochs && !result.stoppedEarly && !limitReached();
       ++epoch) {
    const int64_t first = epoch == options.startEpoch ? options.startBatch : 0;
    observer->epochBegin(epoch, options.epochs,
                         (numBatches - first) * batchSize * ranks);
    std::iota(order.begin(), order.end(), 0);
    if (options.shuffle)
      shuffleIndices(order, deriveSeed(options.seed, "shuffle", epoch));
    EpochRecord record;
    record.epoch = epoch;
    double lossSum = 0;
    Running score; // this call's part of the epoch
    // This rank's scores not yet summed over the group: summed when read
    // (a checkpoint, the epoch's end), not every step, so that a step has
    // one all-reduce, train_step's own.
    Running pending;
    auto sumPending = [&] {
      pending.sumOver(group);
      score += pending;
      epochScore += pending;
      pending = Running();
    };
    if (epoch != options.startEpoch || first == 0)
      epochLoss = 0, epochSteps = 0, epochScore = Running();
    auto start = std::chrono::steady_clock::now();
    // Batch j of this epoch into `batch`; returns its learning rate. The
    // same batch every time: a diverged step is replayed with it.
    const int64_t stepsBefore = runSteps - first;
    const DivergenceWatch::Loader load = [&](int64_t j, const void **x,
                                             const void **y) {
      // This process's part of global batch j.
      const int64_t part = j * ranks + rank;
      batch.gather(&order[part * batchSize], model.getThreads());
      if (options.augment.any())
        augmentBatch(options.augment, manifest.inputShape(),
                     batch.getMutableX(), batchSize,
                     deriveSeed(deriveSeed(options.seed, "augment", uint64_t(epoch)),
                                "batch", uint64_t(part)),
                     augmentScratch);
      *x = batch.getX();
      *y = batch.getY();
      return schedule.lrAt(epoch, stepsBefore + j); // reported as a double
    };
    watch.epochBegin();
    int64_t b = first;
    for (; b < numBatches && !limitReached(); ++b) {
      int64_t stepsDone = model.getStep(); // before any replay changes it
      if (std::string why = watch.beforeBatch(b, load); !why.empty())
        fail("epoch {}, batch {} (step {}): a parameter became NaN or inf "
             "while the loss stayed finite; training stopped (the last "
             "checkpoint written is from before this). {}. {}",
             epoch, b + 1, stepsDone, why, kDivergenceAdvice);
      const void *x, *y;
      record.lr = load(b, &x, &y);
      double loss = model.trainBatch(x, y, float(record.lr),
                                     track ? probs.data() : nullptr);
      // A non-finite loss poisons every update after it: stop here, before
      // any checkpoint could keep the damage.
      if (!std::isfinite(loss)) {
        int64_t step = model.getStep();
        std::string bad = model.firstNonFinite();
        std::string why = watch.explain(b, load);
        std::string message = fmt::format(
            "epoch {}, batch {} (step {}): the loss is {}; training stopped "
            "(the last checkpoint written is from before this step). {}. {}{}",
            epoch, b + 1, step, loss,
            !why.empty()  ? "Replayed: " + why
            : bad.empty() ? "Every parameter was still finite after it: the "
                            "batch itself gives a non-finite loss"
                          : "After it, " + bad,
            kDivergenceAdvice,
            group ? ". A distributed run is not replayed: resume its last "
                    "checkpoint on one process to find the layer"
                  : "");
        // train_step's loss is the global batch's: every rank stops here.
        if (group)
          throw GroupError(message);
        fail("{}", message);
      }
      if (options.stepDone)
        options.stepDone(model.getStep(), loss);
      lossSum += loss;
      epochLoss += loss;
      ++epochSteps;
      if (track)
        pending.add(manifest, batch, probs.data(), batchSize, data.hasLabels());
      ++runSteps;
      ++record.steps;
      ++result.steps;
      record.samples += batchSize * ranks;
      result.end.epoch = epoch;
      result.end.batch = b + 1;
      // At an epoch's end the checkpoint waits for its validation (below).
      if (checkpointDue() && b + 1 < numBatches) {
        sumPending(); // on every rank: the checkpoint keeps the epoch's sums
        if (writes) {
          result.end.loop = loopState();
          saveCheckpoint(model, options.checkpointPath, result.end);
        }
      }
      observer->batchEnd(record.samples, lossSum / double(record.steps));
    }
    sumPending();
    // A parameter can turn non-finite while the loss still is finite (an
    // inf weight behind a relu that is off for the whole batch): checked
    // once an epoch (before validation and the schedule, which a replay
    // must not see changed), and before every checkpoint.
    if (std::string bad = model.firstNonFinite(); !bad.empty()) {
      int64_t step = model.getStep();
      std::string why = watch.explain(b - 1, load);
      fail("epoch {} (step {}): {}; training stopped (the last checkpoint "
           "written is from before this). {}{}",
           epoch, step, bad, why.empty() ? "" : "Replayed: " + why + ". ",
           kDivergenceAdvice);
    }
    // Buffers (batch norm's running statistics) follow each rank's own part
    // of the batches; rank 0's become everyone's at each epoch's end, so
    // that the ranks hold the same model, as after a resume.
    if (group)
      for (size_t i = 0; i < model.getNumBuffers(); ++i)
        group->broadcast(model.getBuffer(i).data(),
                         int64_t(model.getBuffer(i).size() * sizeof(float)));
    if (b == numBatches)
      result.end = {epoch + 1, 0, options.seed, data.numSamples, {}};
    result.end.loop = loopState();
    record.seconds = secondsSince(start);
    record.samplesPerSecond = rate(record.samples, record.seconds);
    record.trainLoss = lossSum / double(record.steps);
    if (trackAccuracy)
      record.trainAccuracy = score.accuracy();
    if (trackMae)
      record.trainMae = score.mae() * data.std; // a series' own units
    record.regularization = regularizationTerm(model);
    // An interrupted epoch is not validated (the user is waiting); a whole
    // one is, so that its end is the same as in an uninterrupted run. In a
    // group rank 0 validates and decides for all (below).
    if (hasValidation && !(result.interrupted && b < numBatches) && writes)
      record.validation = evaluate(model, *validation);
    // The schedule and early stopping look at whole epochs only.
    if (b == numBatches) {
      std::map<std::string, double> metrics = reportedMetrics(record);
      metrics["train_loss"] = epochLoss / double(epochSteps);
      if (trackAccuracy)
        metrics["train_accuracy"] = epochScore.accuracy();
      if (trackMae)
        metrics["train_mae"] = epochScore.mae() * data.std;
      if (group)
        shareRank0s(metrics, reported, *group);
      if (schedule.getSpec().type == "reduce_on_plateau")
        schedule.epochEnd(metrics.at(schedule.getSpec().monitor), epoch);
      result.stoppedEarly = stopper.epochEnd(metrics, epoch);
      result.end.loop = loopState();
    }
    trainSeconds += record.seconds;
    trainSamples += record.samples;
    result.history.push_back(record);
    observer->epochEnd(record, options.epochs);
    if ((checkpointDue() || result.stoppedEarly) && b == numBatches &&
        !options.checkpointPath.empty() && writes)
      saveCheckpoint(model, options.checkpointPath, result.end);
  }
  result.bestEpoch = stopper.bestEpoch();
  // Restored once the run is over (stopped early, or its last epoch done).
  if (result.stoppedEarly || result.end.epoch > options.epochs)
    result.restoredBest = stopper.restoreBest();
  result.samplesPerSecond = rate(trainSamples, trainSeconds);
  result.seconds = trainSeconds;
  return result;
}

} // namespace kiln
