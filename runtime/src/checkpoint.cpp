//===- checkpoint.cpp - Model state in safetensors files ------------------===//
#include "kiln/checkpoint.h"

#include "kiln/safetensors.h"
#include "support.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <cmath>
#include <cstring>

namespace kiln {
namespace {

bool isStateName(const std::string &name) {
  return name.rfind("optimizer.", 0) == 0;
}

/// A tensor of the model: its checkpoint name, shape, dtype and storage
/// (words, see Model).
struct Slot {
  std::string name;
  Shape shape;
  DType dtype;
  Floats *data;
};

/// Params (f32) then buffers (f32 or i64), in manifest order.
std::vector<Slot> namedTensors(Model &model) {
  const Manifest &manifest = model.getManifest();
  std::vector<Slot> slots;
  for (size_t i = 0; i < manifest.params.size(); ++i)
    slots.push_back({manifest.params[i].name, manifest.params[i].shape,
                     DType::F32, &model.getParam(i)});
  for (size_t i = 0; i < manifest.buffers.size(); ++i)
    slots.push_back({manifest.buffers[i].name, manifest.buffers[i].shape,
                     manifest.buffers[i].dtype, &model.getBuffer(i)});
  return slots;
}

/// Throws unless the file's tensor `name` has the model's dtype; with the
/// shape equal too, its words fit the model's storage exactly. Float
/// tensors must be finite: one NaN or inf would poison every step.
void checkDType(const Tensor &tensor, const std::string &path,
                const std::string &name, DType dtype) {
  if (tensor.dtype != dtype)
    fail("{}: tensor '{}' is {} but the model expects {}", path, name,
         safetensorsDTypeName(tensor.dtype), safetensorsDTypeName(dtype));
  if (dtype != DType::F32)
    return;
  for (size_t i = 0; i < tensor.data.size(); ++i)
    if (float v = tensor.data[i]; !std::isfinite(v))
      fail("{}: tensor '{}' element {} is {}; a model cannot start from a "
           "non-finite value", path, name, i, v);
}

/// The tensor `name` with exactly `shape` and `dtype`, or null when absent.
const Tensor *findTensor(const SafetensorsFile &file, const std::string &path,
                         const std::string &name, const Shape &shape,
                         DType dtype) {
  auto it = file.tensors.find(name);
  if (it == file.tensors.end())
    return nullptr;
  if (it->second.shape != shape)
    fail("{}: tensor '{}' has shape {} but the model expects {}", path, name,
         formatShape(it->second.shape), formatShape(shape));
  checkDType(it->second, path, name, dtype);
  return &it->second;
}

/// Copies the words, whatever they hold, into the model's storage; the
/// plan checked shape and dtype, so the sizes agree.
void copyInto(Floats &target, const Tensor &tensor) {
  if (!tensor.data.empty()) // an empty vector's data() may be null
    std::memcpy(target.data(), tensor.data.data(), tensor.data.size() * sizeof(float));
}

/// Counts that a run increments (step, epoch, batch) stay far from
/// overflowing.
constexpr int64_t kMaxCount = std::numeric_limits<int64_t>::max() / 2;

template <typename T>
T parseMeta(const SafetensorsFile &file, const std::string &path,
            const char *key, T min,
            T max = std::numeric_limits<T>::max()) {
  auto it = file.metadata.find(key);
  if (it == file.metadata.end())
    fail("{}: __metadata__ has no '{}'", path, key);
  const std::string &text = it->second;
  T value{};
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min ||
      value > max)
    fail("{}: metadata {} '{}' is not an integer in [{}, {}]", path, key, text,
         min, max);
  return value;
}

/// What a strict load will copy, decided before anything is copied.
struct StrictPlan {
  std::vector<std::pair<Floats *, const Tensor *>> copies;
  std::vector<const Tensor *> state; // per manifest.state; null = absent
  bool restored = false;             // all state and the step are there
};

StrictPlan planStrictLoad(Model &model, const SafetensorsFile &file,
                          const std::string &path) {
  const Manifest &manifest = model.getManifest();
  StrictPlan plan;
  std::vector<Slot> slots = namedTensors(model);
  for (const Slot &slot : slots) {
    const Tensor *tensor =
        findTensor(file, path, slot.name, slot.shape, slot.dtype);
    if (!tensor)
      fail("{}: missing tensor '{}' (shape {}) of model '{}'", path, slot.name,
           formatShape(slot.shape), manifest.name);
    plan.copies.emplace_back(slot.data, tensor);
  }
  for (const auto &[name, tensor] : file.tensors) {
    bool known =
        std::any_of(slots.begin(), slots.end(),
                    [&name = name](const Slot &s) { return s.name == name; });
    // State of another optimizer is not this model's concern; weights
    // without a parameter are a model mismatch.
    if (!known && !isStateName(name))
      fail("{}: unexpected tensor '{}' (model '{}' has no such parameter or "
           "buffer)",
           path, name, manifest.name);
  }
  std::string firstMissing;
  for (const StateSpec &state : manifest.state) {
    std::string name = state.checkpointName();
    plan.state.push_back(findTensor(file, path, name, state.shape, DType::F32));
    if (!plan.state.back() && firstMissing.empty())
      firstMissing = name;
  }
  size_t numFound = plan.state.size() -
                    std::count(plan.state.begin(), plan.state.end(), nullptr);
  if (numFound > 0 && !firstMissing.empty())
    fail("{}: has optimizer state for some parameters but not '{}'", path,
         firstMissing);
  bool hasStep = file.metadata.count("step") != 0;
  if (numFound > 0 && !hasStep)
    fail("{}: has optimizer state but no 'step' in __metadata__", path);
  plan.restored = firstMissing.empty() && hasStep;
  return plan;
}

/// Copies into the existing buffers: generated code holds their addresses.
void apply(Model &model, const StrictPlan &plan, int64_t step) {
  for (const auto &[target, tensor] : plan.copies)
    copyInto(*target, *tensor);
  for (size_t j = 0; j < plan.state.size(); ++j) {
    Floats &target = model.getState(j);
    if (plan.state[j])
      copyInto(target, *plan.state[j]);
    else
      std::fill(target.begin(), target.end(),
                model.getManifest().state[j].init);
  }
  model.setStep(step);
}

} // namespace

void saveCheckpoint(const Model &model, const std::string &path,
                    const std::optional<TrainPosition> &position) {
  // A checkpoint never keeps a diverged model: the one on disk, from before,
  // stays (and loading refuses non-finite tensors anyway).
  if (std::string bad = model.firstNonFinite(); !bad.empty())
    fail("step {}: {}; training diverged, so {} was not written (a checkpoint "
         "already there is from before). {}",
         model.getStep(), bad, path, kDivergenceAdvice);
  const Manifest &manifest = model.getManifest();
  std::vector<TensorRef> tensors;
  for (size_t i = 0; i < manifest.params.size(); ++i)
    tensors.push_back({manifest.params[i].name, manifest.params[i].shape,
                       model.getParam(i).data(), DType::F32});
  // An i64 buffer is stored as I64, as PyTorch stores num_batches_tracked.
  for (size_t i = 0; i < manifest.buffers.size(); ++i)
    tensors.push_back({manifest.buffers[i].name, manifest.buffers[i].shape,
                       model.getBuffer(i).data(), manifest.buffers[i].dtype});
  for (size_t j = 0; j < manifest.state.size(); ++j)
    tensors.push_back({manifest.state[j].checkpointName(),
                       manifest.state[j].shape, model.getState(j).data(),
                       DType::F32});
  std::map<std::string, std::string> metadata = {
      {"format", "kiln"},
      {"model", manifest.name},
      {"step", std::to_string(model.getStep())}};
  for (const auto &[key, value] : model.dataScale)
    metadata["data." + key] = value;
  if (position) {
    metadata["epoch"] = std::to_string(position->epoch);
    metadata["batch"] = std::to_string(position->batch);
    metadata["data_seed"] = std::to_string(position->dataSeed);
    metadata["epoch_samples"] = std::to_string(position->epochSamples);
    for (const auto &[key, value] : position->loop)
      metadata["loop." + key] = value;
  }
  writeSafetensors(path, tensors, metadata);
}

bool loadCheckpoint(Model &model, const std::string &path) {
  SafetensorsFile file = readSafetensors(path);
  StrictPlan plan = planStrictLoad(model, file, path);
  int64_t step =
      plan.restored ? parseMeta<int64_t>(file, path, "step", 0, kMaxCount) : 0;
  apply(model, plan, step);
  model.dataScale.clear();
  for (const auto &[key, value] : file.metadata)
    if (key.rfind("data.", 0) == 0)
      model.dataScale[key.substr(5)] = value;
  return plan.restored;
}

TrainPosition resumeCheckpoint(Model &model, const std::string &path) {
  SafetensorsFile file = readSafetensors(path);
  StrictPlan plan = planStrictLoad(model, file, path);
  if (!plan.restored)
    fail("{}: has no optimizer state or step; --resume needs a checkpoint "
         "written by `train --save` (use --load or --init-from for weights)",
         path);
  for (const char *key : {"epoch", "batch", "data_seed"})
    if (!file.metadata.count(key))
      fail("{}: __metadata__ has no '{}'; --resume needs a checkpoint "
           "written by `train --save` (use --load to start from its weights)",
           path, key);
  TrainPosition position;
  position.epoch = parseMeta<int64_t>(file, path, "epoch", 1, kMaxCount);
  position.batch = parseMeta<int64_t>(file, path, "batch", 0, kMaxCount);
  position.dataSeed = parseMeta<uint64_t>(file, path, "data_seed", 0);
  if (file.metadata.count("epoch_samples"))
    position.epochSamples = parseMeta<int64_t>(file, path, "epoch_samples", 0);
  for (const auto &[key, value] : file.metadata)
    if (key.rfind("loop.", 0) == 0)
      position.loop[key.substr(5)] = value;
  apply(model, plan, parseMeta<int64_t>(file, path, "step", 0, kMaxCount));
  return position;
}

TransferReport loadForTransfer(Model &model, const std::string &path) {
  const Manifest &manifest = model.getManifest();
  SafetensorsFile file = readSafetensors(path);
  TransferReport report;
  std::vector<std::pair<Floats *, const Tensor *>> copies;
  std::vector<Slot> slots = namedTensors(model);
  for (const Slot &slot : slots) {
    auto it = file.tensors.find(slot.name);
    if (it == file.tensors.end()) {
      report.fresh.push_back(slot.name);
      continue;
    }
    if (it->second.shape != slot.shape)
      fail("{}: tensor '{}' has shape {} but model '{}' has '{}' with shape "
           "{}; --init-from only loads tensors whose name and shape both "
           "match (rename the layer to initialize it fresh)",
           path, slot.name, formatShape(it->second.shape), manifest.name,
           slot.name, formatShape(slot.shape));
    checkDType(it->second, path, slot.name, slot.dtype);
    copies.emplace_back(slot.data, &it->second);
    report.loaded.push_back(slot.name);
  }
  for (const auto &[name, tensor] : file.tensors) {
    bool known =
        std::any_of(slots.begin(), slots.end(),
                    [&name = name](const Slot &s) { return s.name == name; });
    if (!known && !isStateName(name))
      report.ignored.push_back(name);
  }
  if (report.loaded.empty())
    fail("{}: no tensor matches a parameter or buffer of model '{}' by name; "
         "is it a checkpoint of another model?",
         path, manifest.name);
  for (const auto &[target, tensor] : copies)
    copyInto(*target, *tensor);
  for (size_t j = 0; j < model.getNumState(); ++j)
    std::fill(model.getState(j).begin(), model.getState(j).end(), 0.0f);
  model.setStep(0);
  return report;
}

} // namespace kiln
