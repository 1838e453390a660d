//===- checkpoint.cpp - Model weights and optimizer state in safetensors --===//
#include "kiln/checkpoint.h"

#include "kiln/safetensors.h"
#include "support.h"

#include <algorithm>
#include <charconv>

namespace kiln {
namespace {

std::string stateName(const std::string &param, const std::string &slot) {
  return "optimizer." + param + "." + slot;
}

bool isStateName(const std::string &name) {
  return name.rfind("optimizer.", 0) == 0;
}

/// The tensor `name` with exactly `shape`, or null when absent.
const Tensor *findTensor(const SafetensorsFile &file, const std::string &path,
                         const std::string &name, const Shape &shape) {
  auto it = file.tensors.find(name);
  if (it == file.tensors.end())
    return nullptr;
  if (it->second.shape != shape)
    fail("{}: tensor '{}' has shape {} but the model expects {}", path, name,
         formatShape(it->second.shape), formatShape(shape));
  return &it->second;
}

int64_t parseStep(const SafetensorsFile &file, const std::string &path) {
  const std::string &text = file.metadata.at("step");
  int64_t step = -1;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), step);
  if (ec != std::errc() || end != text.data() + text.size() || step < 0)
    fail("{}: metadata step '{}' is not a non-negative integer", path, text);
  return step;
}

} // namespace

void saveCheckpoint(const Model &model, const std::string &path) {
  const Manifest &manifest = model.getManifest();
  std::vector<TensorRef> tensors;
  for (size_t i = 0; i < manifest.params.size(); ++i)
    tensors.push_back({manifest.params[i].name, manifest.params[i].shape,
                       model.getParam(i).data()});
  for (size_t i = 0; i < manifest.params.size(); ++i)
    for (size_t slot = 0; slot < manifest.stateSlots.size(); ++slot)
      tensors.push_back(
          {stateName(manifest.params[i].name, manifest.stateSlots[slot]),
           manifest.params[i].shape, model.getState(i, slot).data()});
  writeSafetensors(path, tensors,
                   {{"format", "kiln"},
                    {"model", manifest.name},
                    {"step", std::to_string(model.getStep())}});
}

bool loadCheckpoint(Model &model, const std::string &path) {
  const Manifest &manifest = model.getManifest();
  SafetensorsFile file = readSafetensors(path);

  // Validate everything before touching the model, so a failed load leaves
  // it as it was.
  std::vector<const Tensor *> weights;
  for (const ParamSpec &param : manifest.params) {
    const Tensor *tensor = findTensor(file, path, param.name, param.shape);
    if (!tensor)
      fail("{}: missing tensor '{}' (shape {}) of model '{}'", path, param.name,
           formatShape(param.shape), manifest.name);
    weights.push_back(tensor);
  }
  for (const auto &[name, tensor] : file.tensors) {
    bool known = false;
    for (const ParamSpec &param : manifest.params)
      known |= param.name == name;
    // State of another optimizer is not this model's concern; weights
    // without a parameter are a model mismatch.
    if (!known && !isStateName(name))
      fail("{}: unexpected tensor '{}' (model '{}' has no such parameter)",
           path, name, manifest.name);
  }

  std::vector<const Tensor *> states;
  std::string firstMissing;
  for (const ParamSpec &param : manifest.params)
    for (const std::string &slot : manifest.stateSlots) {
      std::string name = stateName(param.name, slot);
      states.push_back(findTensor(file, path, name, param.shape));
      if (!states.back() && firstMissing.empty())
        firstMissing = name;
    }
  size_t numFound =
      states.size() - std::count(states.begin(), states.end(), nullptr);
  if (numFound > 0 && !firstMissing.empty())
    fail("{}: has optimizer state for some parameters but not '{}'", path,
         firstMissing);
  bool hasStep = file.metadata.count("step") != 0;
  if (numFound > 0 && !hasStep)
    fail("{}: has optimizer state but no 'step' in __metadata__", path);
  bool restored = firstMissing.empty() && hasStep;
  int64_t step = restored ? parseStep(file, path) : 0;

  // Copy into the existing buffers: generated code holds their addresses.
  for (size_t i = 0; i < weights.size(); ++i)
    std::copy(weights[i]->data.begin(), weights[i]->data.end(),
              model.getParam(i).begin());
  for (size_t i = 0; i < manifest.params.size(); ++i)
    for (size_t slot = 0; slot < manifest.stateSlots.size(); ++slot) {
      std::vector<float> &buffer = model.getState(i, slot);
      const Tensor *tensor = states[i * manifest.stateSlots.size() + slot];
      if (tensor)
        std::copy(tensor->data.begin(), tensor->data.end(), buffer.begin());
      else
        std::fill(buffer.begin(), buffer.end(), 0.0f);
    }
  model.setStep(step);
  return restored;
}

} // namespace kiln
