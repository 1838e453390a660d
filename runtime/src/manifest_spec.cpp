//===- manifest_spec.cpp - The manifest's names, sizes and lookups ---------===//
//
// What the parsed Manifest answers (manifest.h); parsing and validation are
// in manifest.cpp.
//
#include "kiln/manifest.h"

#include "support.h"

#include <algorithm>

namespace kiln {

int64_t shapeSize(const Shape &shape) {
  int64_t size = 1;
  for (int64_t dim : shape)
    size = checkedMul(size, dim, "shape");
  return size;
}

std::string formatBytes(int64_t bytes) {
  const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = double(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  return u == 0 ? fmt::format("{} B", bytes)
                : fmt::format("{:.3g} {}", v, units[u]);
}

std::string formatShape(const Shape &shape) {
  return fmt::format("[{}]", fmt::join(shape, ", "));
}

const char *dtypeName(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "f32";
  case DType::F64:
    return "f64";
  case DType::I32:
    return "i32";
  case DType::I64:
    return "i64";
  }
  return "?";
}

int64_t dtypeBytes(DType dtype) {
  return dtype == DType::F32 || dtype == DType::I32 ? 4 : 8;
}

const char *entryName(EntryPoint entry) {
  switch (entry) {
  case EntryPoint::TrainStep:
    return "train_step";
  case EntryPoint::EvalStep:
    return "eval_step";
  case EntryPoint::EvalStep1:
    return "eval_step_1";
  case EntryPoint::Forward:
    return "forward";
  case EntryPoint::Forward1:
    return "forward_1";
  case EntryPoint::CheckStep:
    return "check_step";
  case EntryPoint::Prepare:
    return "prepare";
  }
  return "?";
}

std::string StateSpec::checkpointName() const {
  return "optimizer." + param + "." + slot;
}

const EntryPointSpec *Manifest::findEntry(EntryPoint entry) const {
  for (const EntryPointSpec &spec : entryPoints)
    if (spec.entry == entry)
      return &spec;
  return nullptr;
}

int64_t Manifest::batchOf(EntryPoint entry) const {
  const EntryPointSpec *spec = findEntry(entry);
  if (!spec)
    fail("model '{}' has no {} entry point", name, entryName(entry));
  return spec->batch;
}

int64_t Manifest::workspaceBytes() const {
  int64_t bytes = 0;
  for (const EntryPointSpec &spec : entryPoints)
    bytes = std::max(bytes, spec.workspaceBytes);
  return bytes;
}

// Totals of a manifest from elsewhere (an embedding application's) are
// checked too: a hostile one must not overflow them.
int64_t Manifest::flopsPerSample() const {
  int64_t total = 0;
  for (const LayerSpec &layer : layers)
    total = checkedAdd(total, layer.flops, "flops");
  return total;
}

Manifest::Memory Manifest::memory() const {
  Memory m;
  for (const ParamSpec &p : params)
    m.params = checkedAdd(m.params, checkedMul(shapeSize(p.shape), 4, "params"), "params");
  for (const BufferSpec &b : buffers)
    m.buffers = checkedAdd(m.buffers, checkedMul(shapeSize(b.shape), dtypeBytes(b.dtype), "buffers"),
                           "buffers");
  for (const StateSpec &s : state)
    m.state = checkedAdd(m.state, checkedMul(shapeSize(s.shape), 4, "state"), "state");
  for (const DerivedSpec &d : derived)
    m.derived = checkedAdd(m.derived, checkedMul(shapeSize(d.shape), dtypeBytes(d.dtype), "derived"),
                           "derived");
  m.workspace = workspaceBytes();
  return m;
}

int64_t Manifest::numParamElements() const {
  int64_t total = 0;
  for (const ParamSpec &param : params)
    total = checkedAdd(total, shapeSize(param.shape), "params");
  return total;
}

int64_t Manifest::numTrainableElements() const {
  int64_t total = 0;
  for (const ParamSpec &param : params)
    if (param.trainable)
      total = checkedAdd(total, shapeSize(param.shape), "params");
  return total;
}

int64_t Manifest::findState(std::string_view param,
                            std::string_view slot) const {
  for (size_t j = 0; j < state.size(); ++j)
    if (state[j].param == param && state[j].slot == slot)
      return int64_t(j);
  return -1;
}

bool Manifest::hasMetric(std::string_view metric) const {
  return std::find(training.metrics.begin(), training.metrics.end(), metric) !=
         training.metrics.end();
}

int64_t Manifest::findParam(std::string_view wanted) const {
  for (size_t i = 0; i < params.size(); ++i)
    if (params[i].name == wanted)
      return int64_t(i);
  return -1;
}

int64_t Manifest::findBuffer(std::string_view wanted) const {
  for (size_t i = 0; i < buffers.size(); ++i)
    if (buffers[i].name == wanted)
      return int64_t(i);
  return -1;
}

} // namespace kiln
