//===- model.cpp - Model state and calls into generated code --------------===//
#include "kiln/model.h"

#include "kiln/denormals.h"
#include "kiln/init.h"
#include "support.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace kiln {
namespace {

/// The api's function for `entry` (kiln_model_api field order).
kiln_entry_fn entryFunction(const kiln_model_api &api, EntryPoint entry) {
  switch (entry) {
  case EntryPoint::TrainStep:
    return api.train_step;
  case EntryPoint::EvalStep:
    return api.eval_step;
  case EntryPoint::EvalStep1:
    return api.eval_step_1;
  case EntryPoint::Forward:
    return api.forward;
  case EntryPoint::Forward1:
    return api.forward_1;
  case EntryPoint::CheckStep:
    return api.check_step;
  case EntryPoint::Prepare:
    return api.prepare;
  }
  return nullptr;
}

std::string count(size_t n, const char *noun) {
  return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s");
}

/// The runtime feeds one input and one target and reads one output.
void checkSupported(const Manifest &manifest) {
  size_t numTargets = manifest.inferenceOnly() ? 0 : 1;
  if (manifest.inputs.size() != 1 || manifest.outputs.size() != 1 ||
      manifest.targets.size() != numTargets)
    fail("model '{}' has {}, {} and {}; this runtime supports 1 input, {} "
         "and 1 output",
         manifest.name, count(manifest.inputs.size(), "input"),
         count(manifest.targets.size(), "target"),
         count(manifest.outputs.size(), "output"), count(numTargets, "target"));
  if (manifest.outputs[0].dtype != DType::F32)
    fail("model '{}': outputs[0] is {}; the runtime reads f32 predictions",
         manifest.name, dtypeName(manifest.outputs[0].dtype));
}

// Storage is Floats (64-byte aligned, aligned.h) for every dtype: an i64
// buffer holds its int64 values in 2 floats (4-byte words) per element.

std::vector<Floats> zeros(const std::vector<int64_t> &sizes) {
  std::vector<Floats> tensors;
  for (int64_t size : sizes)
    tensors.emplace_back(size_t(size), 0.0f);
  return tensors;
}

/// Sizes in 4-byte words of f32 tensors (params, state): one per element.
template <typename T>
std::vector<int64_t> sizesOf(const std::vector<T> &specs) {
  std::vector<int64_t> sizes;
  for (const T &spec : specs)
    sizes.push_back(shapeSize(spec.shape));
  return sizes;
}

/// Buffer (or derived tensor) sizes in words: two per element of an i64
/// one.
template <typename T>
std::vector<int64_t> bufferSizes(const std::vector<T> &buffers) {
  std::vector<int64_t> sizes;
  for (const T &buffer : buffers)
    sizes.push_back(checkedMul(shapeSize(buffer.shape),
                               dtypeBytes(buffer.dtype) / 4, "buffer"));
  return sizes;
}

std::vector<float *> pointersTo(std::vector<Floats> &tensors) {
  std::vector<float *> pointers;
  for (Floats &tensor : tensors)
    pointers.push_back(tensor.data());
  return pointers;
}

} // namespace

Manifest Model::readManifest(const kiln_model_api &api) {
  if (!api.manifest)
    fail("model: the generated code has no manifest function");
  const char *json = api.manifest();
  if (!json)
    fail("model: manifest() returned null");
  Manifest manifest = parseManifest(json);
  checkSupported(manifest);
  return manifest;
}

Model::Model(const kiln_model_api &api) {
  manifest = readManifest(api);
  for (int i = 0; i < numEntries; ++i) {
    EntryPoint entry = EntryPoint(i);
    bool listed = manifest.findEntry(entry) != nullptr;
    // check_step came later to ABI v2 and prepare with v3, as optional
    // last fields: code from before has a shorter kiln_model_api, and no
    // manifest entry.
    if ((entry == EntryPoint::CheckStep || entry == EntryPoint::Prepare) && !listed)
      continue;
    entries[i] = entryFunction(api, entry);
    if (listed && !entries[i])
      fail("model '{}': the manifest lists {} but kiln_model_api.{} is NULL",
           manifest.name, entryName(entry), entryName(entry));
    if (!listed && entries[i])
      fail("model '{}': kiln_model_api.{} is set but the manifest does not "
           "list {}",
           manifest.name, entryName(entry), entryName(entry));
  }

  params = zeros(sizesOf(manifest.params));
  buffers = zeros(bufferSizes(manifest.buffers));
  state = zeros(sizesOf(manifest.state));
  paramPtrs = pointersTo(params);
  bufferPtrs = pointersTo(buffers);
  statePtrs = pointersTo(state);
  derived = zeros(bufferSizes(manifest.derived));
  derivedPtrs = pointersTo(derived);
  // aligned_alloc wants a multiple of the alignment; never null, so
  // generated code may rely on a valid pointer even for 0 bytes.
  size_t bytes = (size_t(manifest.workspaceBytes()) + 63) / 64 * 64;
  workspace.reset(std::aligned_alloc(64, std::max<size_t>(bytes, 64)));
  if (!workspace)
    throw std::bad_alloc();
  // In huge pages: char_transformer's 105 MB took 0.2 s of its start-up to
  // fault in 4 KiB at a time (its training rate is the same either way).
  adviseHugePages(workspace.get(), bytes);
  std::memset(workspace.get(), 0, bytes); // reproducible even if read early
  context = std::make_unique<kiln_context>();
  services = std::make_unique<Services>();
  bindings = {paramPtrs.data(), bufferPtrs.data(), statePtrs.data(),
              workspace.get(), nullptr, derivedPtrs.data()};

  int64_t maxBatch = 1;
  for (const EntryPointSpec &spec : manifest.entryPoints)
    maxBatch = std::max(maxBatch, spec.batch);
  scratchOut.resize(
      size_t(checkedMul(maxBatch, manifest.outputSize(), "model outputs")));
}

void Model::joinGroup(ProcessGroup *group) {
  const EntryPointSpec *train = manifest.findEntry(EntryPoint::TrainStep);
  if (group && train && !train->allreduce)
    fail("model '{}' was compiled without --mpi: its train_step does not "
         "average gradients across processes; recompile it with `kilnc --mpi` "
         "to train under mpirun",
         manifest.name);
  services->group = group;
  updateContext();
}

void Model::useThreads(ThreadPool *pool) {
  services->pool = pool;
  updateContext();
}

// The context's callbacks: `self` is the model's Services.
static void parallelForCallback(void *self, int64_t n,
                                void (*body)(void *, int64_t, int64_t), void *arg) {
  static_cast<Model::Services *>(self)->pool->run(n, body, arg);
}

static void allreduceCallback(void *self, float *data, int64_t count) {
  static_cast<Model::Services *>(self)->group->allreduce(data, count);
}

void Model::updateContext() {
  context->self = services.get();
  context->parallel_for = services->pool ? parallelForCallback : nullptr;
  context->allreduce = services->group ? allreduceCallback : nullptr;
  bindings.context = services->group || services->pool ? context.get() : nullptr;
}

void Model::init(uint64_t value) {
  for (size_t i = 0; i < params.size(); ++i)
    initializeParam(manifest.params[i], value, params[i].data());
  // An i64 buffer starts at 0 (the manifest allows nothing else): all its
  // words zero, which is what 0.0f is.
  for (size_t i = 0; i < buffers.size(); ++i) {
    const BufferSpec &spec = manifest.buffers[i];
    bool ones = spec.dtype == DType::F32 && spec.init == InitKind::Ones;
    std::fill(buffers[i].begin(), buffers[i].end(), ones ? 1.0f : 0.0f);
  }
  for (size_t j = 0; j < state.size(); ++j)
    std::fill(state[j].begin(), state[j].end(), manifest.state[j].init);
  step = 0;
  seed = value;
  prepared = false;
}

Floats *Model::findTensor(std::string_view name) {
  prepared = false;
  if (int64_t i = manifest.findParam(name); i >= 0)
    return &params[i];
  if (int64_t i = manifest.findBuffer(name); i >= 0)
    return &buffers[i];
  return nullptr;
}

/// Whether p[0, n) are all finite: the largest magnitude's bits, an integer
/// max without an early exit, which clang vectorizes at -O2 and up (the
/// std::isfinite loop with an early exit stayed scalar: a tenth of the
/// divergence watch's time per step on fashion_mlp).
static bool allFinite(const float *p, size_t n) {
  uint32_t worst = 0;
  for (size_t i = 0; i < n; ++i) {
    uint32_t bits;
    std::memcpy(&bits, p + i, sizeof bits);
    worst = std::max(worst, bits & 0x7fffffffu);
  }
  return worst < 0x7f800000u; // the exponent all ones: inf or nan
}

int64_t firstNonFiniteIndex(const float *p, size_t n) {
  constexpr size_t kChunk = 4096;
  for (size_t c = 0; c < n; c += kChunk) {
    size_t end = std::min(n, c + kChunk);
    if (allFinite(p + c, end - c))
      continue;
    for (size_t i = c; i < end; ++i)
      if (!std::isfinite(p[i]))
        return int64_t(i);
  }
  return -1;
}

std::string Model::firstNonFinite() const {
  auto scan = [](const std::string &name, const Floats &t) {
    int64_t i = firstNonFiniteIndex(t.data(), t.size());
    if (i < 0)
      return std::string();
    return fmt::format("{} element {} is {}", name, i,
                       std::isnan(t[i]) ? "nan" : t[i] > 0 ? "inf" : "-inf");
  };
  for (size_t i = 0; i < params.size(); ++i)
    if (std::string s = scan(manifest.params[i].name, params[i]); !s.empty())
      return s;
  for (size_t i = 0; i < buffers.size(); ++i)
    if (manifest.buffers[i].dtype == DType::F32)
      if (std::string s = scan(manifest.buffers[i].name, buffers[i]); !s.empty())
        return s;
  for (size_t j = 0; j < state.size(); ++j)
    if (std::string s = scan(manifest.state[j].checkpointName(), state[j]);
        !s.empty())
      return s;
  return {};
}

void Model::requireEntry(EntryPoint entry) const {
  if (entries[int(entry)])
    return;
  if (entry == EntryPoint::CheckStep && entries[int(EntryPoint::TrainStep)])
    fail("model '{}' has no check_step (compiled with --no-check-step or by "
         "an older kilnc); recompile it without --no-check-step",
         manifest.name);
  fail("model '{}' was compiled for inference only (no {}); recompile "
       "without --inference to {} it",
       manifest.name, entryName(entry),
       entry == EntryPoint::EvalStep || entry == EntryPoint::EvalStep1
           ? "evaluate"
           : "train");
}

float Model::call(EntryPoint entry, const void *x, const void *y, float *out,
                  float lr) {
  // Tables of one on the stack: a call allocates nothing.
  const void *inputs[1] = {x};
  const void *targets[1] = {y};
  void *outputs[1] = {out ? out : scratchOut.data()};
  kiln_call args = {inputs, targets, outputs, lr, step, seed};
  FlushDenormals flush; // as the pool's threads do (kiln/denormals.h)
  bool reads = entry == EntryPoint::Forward || entry == EntryPoint::Forward1 ||
               entry == EntryPoint::EvalStep || entry == EntryPoint::EvalStep1;
  if (reads && !prepared && entries[int(EntryPoint::Prepare)]) {
    entries[int(EntryPoint::Prepare)](&bindings, &args);
    prepared = true;
  }
  // Before the call: one that throws half way (the allreduce of a
  // data-parallel run) may have changed some params already.
  if (entry == EntryPoint::TrainStep)
    prepared = false;
  return entries[int(entry)](&bindings, &args);
}

float Model::trainBatch(const void *x, const void *y, float lr, float *out) {
  requireEntry(EntryPoint::TrainStep);
  ++step;
  return call(EntryPoint::TrainStep, x, y, out, lr);
}

std::vector<float> Model::checkBatch(const void *x, const void *y) {
  requireEntry(EntryPoint::CheckStep);
  const EntryPointSpec *spec = manifest.findEntry(EntryPoint::CheckStep);
  std::vector<float> counts(spec->checks.size());
  ++step;
  call(EntryPoint::CheckStep, x, y, counts.data(), 0);
  --step;
  return counts;
}

void Model::saveTo(Snapshot &snap) const {
  snap.params = params; // copy-assignment reuses the snapshot's storage
  snap.buffers = buffers;
  snap.state = state;
  snap.step = step;
}

void Model::restore(const Snapshot &snap) {
  // Element by element: generated code holds these vectors' addresses.
  auto copy = [](const std::vector<Floats> &from,
                 std::vector<Floats> &to) {
    if (from.size() != to.size())
      fail("model: a snapshot of another model");
    for (size_t i = 0; i < from.size(); ++i) {
      if (from[i].size() != to[i].size())
        fail("model: a snapshot of another model");
      std::copy(from[i].begin(), from[i].end(), to[i].begin());
    }
  };
  copy(snap.params, params);
  copy(snap.buffers, buffers);
  copy(snap.state, state);
  step = snap.step;
  prepared = false;
}

float Model::evalBatch(const void *x, const void *y, float *out) {
  requireEntry(EntryPoint::EvalStep);
  return call(EntryPoint::EvalStep, x, y, out, 0);
}

float Model::evalSample(const void *x, const void *y, float *out) {
  requireEntry(EntryPoint::EvalStep1);
  return call(EntryPoint::EvalStep1, x, y, out, 0);
}

void Model::forwardBatch(const void *x, float *out) {
  call(EntryPoint::Forward, x, nullptr, out, 0);
}

void Model::forwardSample(const void *x, float *out) {
  call(EntryPoint::Forward1, x, nullptr, out, 0);
}

void Model::predict(const void *x, int64_t numSamples, float *out) {
  const auto *bytes = static_cast<const uint8_t *>(x);
  const int64_t inBytes =
      manifest.inputSize() * dtypeBytes(manifest.inputs[0].dtype);
  const int64_t outSize = manifest.outputSize();
  const int64_t batch = forwardBatchSize();
  int64_t done = 0;
  if (numSamples > 1)
    for (; done + batch <= numSamples; done += batch)
      forwardBatch(bytes + done * inBytes, out + done * outSize);
  for (; done < numSamples; ++done)
    forwardSample(bytes + done * inBytes, out + done * outSize);
}

} // namespace kiln
