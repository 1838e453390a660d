//===- distributed_test.cpp - Process groups, without MPI -----------------===//
//
// A fake group stands in for MPI: one process plays one rank, and what the
// other ranks would contribute is given. The MPI group itself is exercised
// by e2e.distributed under mpirun.
//
#include "kiln/distributed.h"
#include "kiln/error.h"
#include "kiln/manifest.h"
#include "kiln/trainer.h"
#include "test_support.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <functional>

namespace kiln {
namespace {

using testing::HasSubstr;

/// Rank `rank` of `size`; gather() returns `gathered` (the hashes the
/// ranks would report); average() and broadcast() keep this rank's values,
/// as if every rank had the same.
class FakeGroup : public ProcessGroup {
public:
  FakeGroup(int rank, int size) : rank_(rank), size_(size) {}
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  void average(float *, int64_t count) override { averaged += count; }
  void sum(double *data, int64_t count) override {
    for (int64_t i = 0; i < count; ++i)
      data[i] *= size_; // every rank had the same
  }
  std::vector<uint64_t> gather(uint64_t value) override {
    if (gathered.empty())
      return std::vector<uint64_t>(size_, value);
    std::vector<uint64_t> all = gathered.front();
    gathered.erase(gathered.begin());
    return all;
  }
  void broadcast(void *data, int64_t bytes) override {
    broadcasts.push_back(bytes);
    if (rank0Metric && bytes == 2 * sizeof(double)) // one metric: rank 0's
      static_cast<double *>(data)[0] = rank0Metric(), static_cast<double *>(data)[1] = 1;
  }
  /// What rank 0 reports for the one metric a test's run shares.
  std::function<double()> rank0Metric;

  std::vector<std::vector<uint64_t>> gathered;
  int64_t averaged = 0;
  std::vector<int64_t> broadcasts; // sizes, in order

private:
  int rank_, size_;
};

std::string groupErrorOf(const std::function<void()> &action) {
  try {
    action();
  } catch (const GroupError &e) {
    return e.what();
  }
  return "";
}

TEST(Distributed, SameModelAndSettingsPass) {
  FakeGroup group(0, 3);
  EXPECT_EQ(groupErrorOf([&] { checkSameEverywhere(group, 7, 9); }), "");
}

TEST(Distributed, ADifferentModelIsNamedByRank) {
  FakeGroup group(0, 3);
  group.gathered = {{7, 7, 8}, {9, 9, 9}};
  std::string error = groupErrorOf([&] { checkSameEverywhere(group, 7, 9); });
  EXPECT_THAT(error, HasSubstr("rank 2 of 3 runs a different model than rank 0"));
  EXPECT_THAT(error, HasSubstr("0000000000000007 on rank 0, 0000000000000008 on rank 2"));
}

TEST(Distributed, DifferentSettingsAreNamedByRank) {
  FakeGroup group(1, 3);
  group.gathered = {{7, 7, 7}, {9, 1, 2}};
  EXPECT_THAT(groupErrorOf([&] { checkSameEverywhere(group, 7, 1); }),
              HasSubstr("ranks 1, 2 of 3 were started with other settings than rank 0"));
}

TEST(Distributed, AllreduceAveragesAndCounts) {
  FakeGroup group(0, 2);
  float data[5] = {};
  group.allreduce(data, 5);
  group.allreduce(data, 5);
  EXPECT_EQ(group.averaged, 10);
  EXPECT_EQ(group.allreduceCalls, 2);
  EXPECT_GE(group.allreduceSeconds, 0);
}

TEST(Distributed, ModelWithoutAllreduceCannotJoin) {
  Model model(test::classifierApi);
  FakeGroup group(0, 2);
  EXPECT_THAT(test::errorOf([&] { model.joinGroup(&group); }),
              HasSubstr("was compiled without --mpi"));
  model.joinGroup(nullptr); // alone: always fine
}

TEST(Distributed, ManifestAllreduceIsTrainStepsAlone) {
  nlohmann::json manifest = nlohmann::json::parse(test::classifierManifest());
  for (auto &entry : manifest["entry_points"])
    if (entry["name"] == "train_step")
      entry["allreduce"] = true;
  Manifest parsed = parseManifest(manifest.dump());
  EXPECT_TRUE(parsed.findEntry(EntryPoint::TrainStep)->allreduce);
  EXPECT_FALSE(parsed.findEntry(EntryPoint::EvalStep)->allreduce);
  for (auto &entry : manifest["entry_points"])
    if (entry["name"] == "eval_step")
      entry["allreduce"] = true;
  EXPECT_THAT(test::errorOf([&] { parseManifest(manifest.dump()); }),
              HasSubstr("only train_step all-reduces"));
}

/// `csv` (rows for `model`) loaded as a Dataset.
Dataset fromCsv(const std::string &csv, const Model &model) {
  test::TempDir dir;
  test::writeFile(dir.path("d.csv"), csv);
  return loadCsv(dir.path("d.csv"), model.getManifest());
}

Dataset rows(const Dataset &data, const std::vector<int64_t> &which) {
  Dataset out = data;
  out.numSamples = int64_t(which.size());
  out.inputs.clear();
  out.labels.clear();
  for (int64_t i : which) {
    const float *x = &data.inputs[i * data.sampleSize];
    out.inputs.insert(out.inputs.end(), x, x + data.sampleSize);
    out.labels.push_back(data.labels[i]);
  }
  return out;
}

// Rank r of n trains on the r-th compiled batch of every global batch of n:
// with gradients averaged over identical ranks (the fake), its model is the
// one a single process gets from those batches alone.
TEST(Distributed, EachRankTakesItsPartOfEveryGlobalBatch) {
  Model probe(test::classifierApi);
  Dataset data = fromCsv(test::classifierCsv(100, 5, false), probe);
  const int64_t batch = probe.trainBatchSize(), ranks = 3, rank = 1;
  std::vector<int64_t> mine;
  for (int64_t j = 0; j < data.numSamples / (batch * ranks); ++j)
    for (int64_t i = 0; i < batch; ++i)
      mine.push_back((j * ranks + rank) * batch + i);
  Dataset part = rows(data, mine);

  TrainOptions options;
  options.lr = 0.1f;
  options.epochs = 2;
  options.shuffle = false;
  options.trainAccuracy = true;
  Model alone(test::classifierApi), inGroup(test::classifierApi);
  alone.init(4);
  inGroup.init(4);
  TrainResult expected = train(alone, part, nullptr, options);
  FakeGroup group{int(rank), int(ranks)};
  options.group = &group;
  TrainResult got = train(inGroup, data, nullptr, options);
  EXPECT_EQ(test::tensorBytes(inGroup), test::tensorBytes(alone));
  ASSERT_EQ(got.history.size(), 2u);
  EXPECT_EQ(got.steps, expected.steps);
  EXPECT_EQ(got.history[0].steps, int64_t(mine.size()) / batch);
  // Samples and accuracy count the global batch (the fake's sums: every
  // rank scored the same).
  EXPECT_EQ(got.history[0].samples, expected.history[0].samples * ranks);
  EXPECT_DOUBLE_EQ(*got.history[0].trainAccuracy, *expected.history[0].trainAccuracy);
}

// Every epoch ends with rank 0's buffers (batch norm's running statistics)
// sent to every rank, then rank 0's metrics (value and presence of each
// reported one: here train_loss), which the schedule and early stopping
// read: every rank must decide the same.
TEST(Distributed, EpochsEndWithRank0sBuffersAndMetrics) {
  Model model(test::frozenApi);
  model.init(2);
  Dataset data = fromCsv(test::frozenCsv(64, 4), model);
  FakeGroup group{1, 2};
  TrainOptions options;
  options.lr = 0.01f;
  options.epochs = 3;
  options.group = &group;
  train(model, data, nullptr, options);
  std::vector<int64_t> epoch;
  for (size_t i = 0; i < model.getNumBuffers(); ++i)
    epoch.push_back(int64_t(model.getBuffer(i).size() * sizeof(float)));
  ASSERT_FALSE(epoch.empty());
  epoch.push_back(2 * sizeof(double));
  std::vector<int64_t> expected;
  for (int e = 0; e < 3; ++e)
    expected.insert(expected.end(), epoch.begin(), epoch.end());
  EXPECT_EQ(group.broadcasts, expected);
}

// Early stopping on rank 1 follows rank 0's train_loss, which gets worse
// after the first epoch here, not its own, which improves.
TEST(Distributed, Rank0sMetricsDecideForAll) {
  Model model(test::classifierApi);
  model.init(3);
  Dataset data = fromCsv(test::classifierCsv(64, 5, false), model);
  FakeGroup group{1, 2};
  double reported = 0;
  group.rank0Metric = [&] { return reported += 1; };
  TrainOptions options;
  options.lr = 0.1f;
  options.epochs = 5;
  options.group = &group;
  options.earlyStopping = EarlyStoppingSpec{"train_loss", 0, 0, false};
  TrainResult result = train(model, data, nullptr, options);
  EXPECT_TRUE(result.stoppedEarly);
  EXPECT_EQ(result.history.size(), 2u);
  EXPECT_LT(result.history[1].trainLoss, result.history[0].trainLoss); // its own
}

TEST(Distributed, TooFewSamplesForOneGlobalBatch) {
  Model model(test::classifierApi);
  model.init(1);
  Dataset data = fromCsv(test::classifierCsv(20, 5, false), model);
  FakeGroup group(0, 3);
  TrainOptions options;
  options.lr = 0.1f;
  options.group = &group;
  EXPECT_THAT(test::errorOf([&] { train(model, data, nullptr, options); }),
              HasSubstr("20 training samples are fewer than one global batch (3 "
                        "processes x the compiled batch size 8)"));
}

} // namespace
} // namespace kiln
