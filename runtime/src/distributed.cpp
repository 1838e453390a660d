//===- distributed.cpp - What every process group shares ------------------===//
#include "kiln/distributed.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <chrono>

namespace kiln {

ProcessGroup::~ProcessGroup() = default;

void ProcessGroup::allreduce(float *data, int64_t count) {
  auto start = std::chrono::steady_clock::now();
  average(data, count);
  allreduceSeconds +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ++allreduceCalls;
}

uint64_t fnv1a(const std::string &text, uint64_t hash) {
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

void checkSameEverywhere(ProcessGroup &group, uint64_t model, uint64_t settings) {
  std::vector<uint64_t> models = group.gather(model);
  std::vector<uint64_t> all = group.gather(settings);
  std::vector<int> otherModel, otherSettings;
  for (int r = 1; r < group.size(); ++r) {
    if (models[r] != models[0])
      otherModel.push_back(r);
    else if (all[r] != all[0])
      otherSettings.push_back(r);
  }
  if (!otherModel.empty())
    throw GroupError(fmt::format(
        "rank{} {} of {} run{} a different model than rank 0 (manifest hash "
        "{:016x} on rank 0, {:016x} on rank {}): start every rank with the "
        "same executable",
        otherModel.size() > 1 ? "s" : "", fmt::join(otherModel, ", "),
        group.size(), otherModel.size() > 1 ? "" : "s", models[0],
        models[otherModel[0]], otherModel[0]));
  if (!otherSettings.empty())
    throw GroupError(fmt::format(
        "rank{} {} of {} {} started with other settings than rank 0: the "
        "command-line arguments, or the number of training or validation "
        "samples, differ. Every rank must get the same arguments and read "
        "the same data",
        otherSettings.size() > 1 ? "s" : "", fmt::join(otherSettings, ", "),
        group.size(), otherSettings.size() > 1 ? "were" : "was"));
}

} // namespace kiln
