//===- manifest.cpp - Parse and validate the model manifest JSON ----------===//
#include "kiln/manifest.h"
#include "kiln/augment.h"
#include "kiln/schedule.h"

#include "kiln/abi.h"
#include "support.h"

#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <limits>
#include <set>

namespace kiln {

namespace {
const std::pair<LossKind, const char *> kLossNames[] = {
    {LossKind::SoftmaxCrossEntropy, "softmax_cross_entropy"},
    {LossKind::MeanSquaredError, "mse"},
    {LossKind::MeanAbsoluteError, "mae"},
    {LossKind::Huber, "huber"},
    {LossKind::BinaryCrossEntropy, "binary_cross_entropy"},
    {LossKind::KLDivergence, "kl_divergence"},
};
} // namespace

const char *lossName(LossKind loss) {
  for (const auto &[kind, name] : kLossNames)
    if (kind == loss)
      return name;
  return "?";
}

namespace {

// ordered_json keeps the optimizer settings in the order the compiler wrote.
using Json = nlohmann::ordered_json;

/// Typed access to one JSON object. `where` is the object's path in the
/// manifest ("params[2]"), so every error names the exact field.
class ObjectReader {
public:
  ObjectReader(const Json &object, std::string where)
      : object(object), where(std::move(where)) {
    if (!object.is_object())
      fail("manifest: '{}' must be an object", this->where);
  }

  bool has(const char *key) const { return object.contains(key); }

  std::string path(const char *key) const {
    return where.empty() ? key : where + "." + key;
  }

  const Json &get(const char *key) const {
    auto it = object.find(key);
    if (it == object.end())
      fail("manifest: missing field '{}'", path(key));
    return *it;
  }

  int64_t getInt(const char *key, int64_t min) const {
    return toInt(get(key), path(key), min);
  }

  uint64_t getUnsigned(const char *key) const {
    const Json &value = get(key);
    if (!value.is_number_unsigned())
      fail("manifest: field '{}' must be a non-negative integer, got {}",
           path(key), value.dump());
    return value.get<uint64_t>();
  }

  double getNumber(const char *key) const {
    const Json &value = get(key);
    if (!value.is_number())
      fail("manifest: field '{}' must be a number, got {}", path(key),
           value.dump());
    return value.get<double>();
  }

  std::string getString(const char *key) const {
    const Json &value = get(key);
    if (!value.is_string())
      fail("manifest: field '{}' must be a string, got {}", path(key),
           value.dump());
    return value.get<std::string>();
  }

  bool getBool(const char *key) const {
    const Json &value = get(key);
    if (!value.is_boolean())
      fail("manifest: field '{}' must be true or false, got {}", path(key),
           value.dump());
    return value.get<bool>();
  }

  const Json &getArray(const char *key) const {
    const Json &value = get(key);
    if (!value.is_array())
      fail("manifest: field '{}' must be an array, got {}", path(key),
           value.dump());
    return value;
  }

  /// Dimensions are positive; [] is a scalar.
  Shape getShape(const char *key) const {
    const Json &array = getArray(key);
    Shape shape;
    for (size_t i = 0; i < array.size(); ++i)
      shape.push_back(toInt(array[i], fmt::format("{}[{}]", path(key), i), 1));
    shapeSize(shape); // rejects overflowing shapes up front
    return shape;
  }

  std::vector<std::string> getStrings(const char *key) const {
    const Json &array = getArray(key);
    std::vector<std::string> strings;
    for (size_t i = 0; i < array.size(); ++i) {
      if (!array[i].is_string())
        fail("manifest: '{}[{}]' must be a string, got {}", path(key), i,
             array[i].dump());
      strings.push_back(array[i].get<std::string>());
    }
    return strings;
  }

  ObjectReader getObject(const char *key) const {
    return ObjectReader(get(key), path(key));
  }

  const Json &getJson() const { return object; }
  const std::string &getWhere() const { return where; }

private:
  static int64_t toInt(const Json &value, const std::string &path,
                       int64_t min) {
    if (!value.is_number_integer() ||
        (value.is_number_unsigned() &&
         value.get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max())))
      fail("manifest: field '{}' must be an integer, got {}", path,
           value.dump());
    int64_t result = value.get<int64_t>();
    if (result < min)
      fail("manifest: field '{}' must be at least {}, got {}", path, min,
           result);
    return result;
  }

  const Json &object;
  std::string where;
};

InitKind parseInit(const ObjectReader &reader) {
  std::string name = reader.getString("init");
  if (name == "zeros")
    return InitKind::Zeros;
  if (name == "ones")
    return InitKind::Ones;
  if (name == "glorot_uniform")
    return InitKind::GlorotUniform;
  if (name == "he_uniform")
    return InitKind::HeUniform;
  if (name == "uniform_fan_in")
    return InitKind::UniformFanIn;
  if (name == "normal")
    return InitKind::Normal;
  fail("manifest: '{}' is '{}'; expected zeros, ones, glorot_uniform, "
       "he_uniform, uniform_fan_in or normal",
       reader.path("init"), name);
}

DType parseDType(const ObjectReader &reader) {
  std::string name = reader.getString("dtype");
  for (DType dtype : {DType::F32, DType::F64, DType::I32, DType::I64})
    if (name == dtypeName(dtype))
      return dtype;
  fail("manifest: '{}' is '{}'; expected f32, f64, i32 or i64",
       reader.path("dtype"), name);
}

/// The runtime initializes, trains and checkpoints params and optimizer
/// state as f32 (buffers may also be i64; see parseBuffer).
void requireF32(const ObjectReader &reader) {
  DType dtype = parseDType(reader);
  if (dtype != DType::F32)
    fail("manifest: '{}' is '{}'; parameters and optimizer state must be f32",
         reader.path("dtype"), dtypeName(dtype));
}

ParamSpec parseParam(const ObjectReader &reader) {
  ParamSpec param;
  param.name = reader.getString("name");
  param.shape = reader.getShape("shape");
  requireF32(reader);
  param.trainable = reader.getBool("trainable");
  param.init = parseInit(reader);
  if (reader.has("fan_in"))
    param.fanIn = reader.getInt("fan_in", 1);
  if (reader.has("fan_out"))
    param.fanOut = reader.getInt("fan_out", 1);
  for (auto [key, rate] : {std::pair<const char *, double *>{"l1", &param.l1},
                           {"l2", &param.l2}})
    if (reader.has(key)) {
      *rate = reader.getNumber(key);
      if (!(*rate >= 0))
        fail("manifest: '{}' must be non-negative, got {}", reader.path(key), *rate);
    }
  bool scaled = param.init != InitKind::Zeros && param.init != InitKind::Ones &&
                param.init != InitKind::Normal;
  if (scaled && param.fanIn == 0)
    reader.get("fan_in"); // throws "missing field"
  if (param.init == InitKind::GlorotUniform && param.fanOut == 0)
    reader.get("fan_out");
  return param;
}

DerivedSpec parseDerived(const ObjectReader &reader) {
  DerivedSpec derived;
  derived.name = reader.getString("name");
  derived.shape = reader.getShape("shape");
  derived.dtype = parseDType(reader);
  if (derived.dtype != DType::F32 && derived.dtype != DType::I64)
    fail("manifest: '{}' is '{}'; derived tensor '{}' must be f32 or i64",
         reader.path("dtype"), dtypeName(derived.dtype), derived.name);
  return derived;
}

BufferSpec parseBuffer(const ObjectReader &reader) {
  BufferSpec buffer;
  buffer.name = reader.getString("name");
  buffer.shape = reader.getShape("shape");
  // Manifests from before i64 buffers may omit the dtype: all were f32.
  if (reader.has("dtype"))
    buffer.dtype = parseDType(reader);
  if (buffer.dtype != DType::F32 && buffer.dtype != DType::I64)
    fail("manifest: '{}' is '{}'; buffer '{}' must be f32 or i64",
         reader.path("dtype"), dtypeName(buffer.dtype), buffer.name);
  buffer.init = parseInit(reader);
  if (buffer.init != InitKind::Zeros && buffer.init != InitKind::Ones)
    fail("manifest: '{}' is '{}'; a buffer starts as zeros or ones",
         reader.path("init"), reader.getString("init"));
  // Counters (num_batches_tracked) start at 0; nothing needs an i64 one.
  if (buffer.dtype == DType::I64 && buffer.init != InitKind::Zeros)
    fail("manifest: '{}' is '{}'; i64 buffer '{}' must start as zeros",
         reader.path("init"), reader.getString("init"), buffer.name);
  return buffer;
}

StateSpec parseState(const ObjectReader &reader, const Manifest &manifest) {
  StateSpec state;
  state.param = reader.getString("param");
  state.slot = reader.getString("slot");
  if (state.slot.empty())
    fail("manifest: '{}' is empty", reader.path("slot"));
  state.shape = reader.getShape("shape");
  requireF32(reader);
  int64_t index = manifest.findParam(state.param);
  if (index < 0)
    fail("manifest: '{}' is '{}', which is not in 'params'",
         reader.path("param"), state.param);
  const ParamSpec &param = manifest.params[index];
  if (!param.trainable)
    fail("manifest: '{}' is optimizer state of '{}', which is not trainable",
         reader.getWhere(), param.name);
  if (state.shape != param.shape)
    fail("manifest: '{}' is {} but param '{}' has shape {}",
         reader.path("shape"), formatShape(state.shape), param.name,
         formatShape(param.shape));
  state.paramIndex = size_t(index);
  if (reader.has("init"))
    state.init = float(reader.getNumber("init"));
  return state;
}

TensorSpec parseTensor(const ObjectReader &reader, bool isOutput) {
  TensorSpec tensor;
  tensor.name = reader.getString("name");
  tensor.shape = reader.getShape("shape");
  tensor.dtype = parseDType(reader);
  if (reader.has("vocab_size"))
    tensor.vocabSize = reader.getInt("vocab_size", 1);
  if (isOutput) {
    std::string kind = reader.getString("kind");
    if (kind == "probabilities")
      tensor.kind = OutputKind::Probabilities;
    else if (kind != "values")
      fail("manifest: '{}' is '{}'; expected probabilities or values",
           reader.path("kind"), kind);
  }
  return tensor;
}

EntryPointSpec parseEntryPoint(const ObjectReader &reader) {
  EntryPointSpec spec;
  std::string name = reader.getString("name");
  bool known = false;
  for (int i = 0; i < numEntries; ++i)
    if (name == entryName(EntryPoint(i))) {
      spec.entry = EntryPoint(i);
      known = true;
    }
  if (!known)
    fail("manifest: '{}' is '{}'; expected train_step, eval_step, "
         "eval_step_1, forward, forward_1, check_step or prepare",
         reader.path("name"), name);
  std::string mode = reader.getString("mode");
  spec.trainMode = mode == "train";
  bool train = spec.entry == EntryPoint::TrainStep ||
               spec.entry == EntryPoint::CheckStep;
  const char *expected = train ? "train" : "eval";
  if (mode != expected)
    fail("manifest: '{}' of {} is '{}'; expected '{}'", reader.path("mode"),
         name, mode, expected);
  spec.batch = reader.getInt("batch", 1);
  bool single =
      spec.entry == EntryPoint::EvalStep1 || spec.entry == EntryPoint::Forward1 ||
      spec.entry == EntryPoint::Prepare;
  if (single && spec.batch != 1)
    fail("manifest: '{}' of {} is {}; expected 1", reader.path("batch"), name,
         spec.batch);
  spec.workspaceBytes = reader.getInt("workspace_bytes", 0);
  if (reader.has("allreduce")) {
    spec.allreduce = reader.getBool("allreduce");
    if (spec.allreduce && spec.entry != EntryPoint::TrainStep)
      fail("manifest: '{}' is true for {}; only train_step all-reduces",
           reader.path("allreduce"), name);
  }
  if (spec.entry != EntryPoint::CheckStep)
    return spec;
  const Json &checks = reader.getArray("checks");
  if (checks.empty())
    fail("manifest: '{}' is empty; check_step checks at least the loss",
         reader.path("checks"));
  for (size_t i = 0; i < checks.size(); ++i) {
    ObjectReader check(checks[i], fmt::format("{}[{}]", reader.path("checks"), i));
    CheckSpec c{check.getString("layer"), check.getString("value"),
                check.getInt("size", 0)};
    if (c.value != "value" && c.value != "output" && c.value != "gradient")
      fail("manifest: '{}' is '{}'; expected value, output or gradient",
           check.path("value"), c.value);
    spec.checks.push_back(std::move(c));
  }
  return spec;
}

LayerSpec parseLayer(const ObjectReader &reader) {
  LayerSpec layer;
  layer.name = reader.getString("name");
  layer.type = reader.getString("type");
  layer.outputShape = reader.getShape("output_shape");
  if (reader.has("activation") && !reader.get("activation").is_null())
    layer.activation = reader.getString("activation");
  layer.numParams = reader.getInt("params", 0);
  if (reader.has("flops"))
    layer.flops = reader.getInt("flops", 0);
  if (reader.has("trainable"))
    layer.trainable = reader.getBool("trainable");
  return layer;
}

OptimizerSpec parseOptimizer(const ObjectReader &reader) {
  OptimizerSpec optimizer;
  optimizer.type = reader.getString("type");
  optimizer.lr = reader.getNumber("lr");
  if (!(optimizer.lr > 0))
    fail("manifest: '{}' must be positive, got {}", reader.path("lr"),
         optimizer.lr);
  for (const auto &[key, value] : reader.getJson().items()) {
    if (key == "type" || key == "lr")
      continue;
    if (value.is_boolean())
      optimizer.settings.emplace_back(key,
                                      value.get<bool>() ? "true" : "false");
    else
      optimizer.settings.emplace_back(
          key, fmt::format("{}", reader.getNumber(key.c_str())));
  }
  return optimizer;
}

TrainingDefaults parseTraining(const ObjectReader &reader, int64_t batchSize) {
  TrainingDefaults training;
  training.epochs = reader.getInt("epochs", 1);
  if (reader.has("batch_size") && reader.getInt("batch_size", 1) != batchSize)
    fail("manifest: '{}' ({}) differs from the compiled batch_size ({})",
         reader.path("batch_size"), reader.getInt("batch_size", 1), batchSize);
  if (reader.has("metrics"))
    training.metrics = reader.getStrings("metrics");
  if (reader.has("validation_split")) {
    training.validationSplit = reader.getNumber("validation_split");
    if (!(training.validationSplit >= 0 && training.validationSplit < 1))
      fail("manifest: '{}' must be in [0, 1), got {}",
           reader.path("validation_split"), training.validationSplit);
  }
  if (reader.has("shuffle"))
    training.shuffle = reader.getBool("shuffle");
  if (reader.has("seed"))
    training.seed = reader.getUnsigned("seed");
  for (const char *key : {"delta", "label_smoothing"})
    if (reader.has(key))
      training.lossSettings.push_back(
          {key, fmt::format("{}", reader.getNumber(key))});
  if (reader.has("targets"))
    training.lossSettings.push_back({"targets", reader.getString("targets")});
  // Checked now, so a bad one fails at start-up, not after the first epoch.
  if (reader.has("schedule")) {
    training.schedule = reader.getObject("schedule").getJson().dump();
    parseSchedule(training.schedule, "manifest: '" + reader.path("schedule") + "'");
  }
  if (reader.has("augment")) {
    training.augment = reader.getObject("augment").getJson().dump();
    parseAugment(training.augment, "manifest: '" + reader.path("augment") + "'");
  }
  if (reader.has("early_stopping")) {
    training.earlyStopping = reader.getObject("early_stopping").getJson().dump();
    parseEarlyStopping(training.earlyStopping,
                       "manifest: '" + reader.path("early_stopping") + "'");
  }
  return training;
}

/// Parses every element of the array `key` with `parse(reader)`.
template <typename T, typename Parse>
std::vector<T> parseArray(const ObjectReader &reader, const char *key,
                          Parse parse) {
  const Json &array = reader.getArray(key);
  std::vector<T> result;
  for (size_t i = 0; i < array.size(); ++i)
    result.push_back(
        parse(ObjectReader(array[i], fmt::format("{}[{}]", key, i))));
  return result;
}

/// Names index tables and checkpoint tensors, so they must be unique.
void checkUnique(const std::vector<std::string> &names, const char *what) {
  std::set<std::string> seen;
  for (const std::string &name : names) {
    if (name.empty())
      fail("manifest: empty name in '{}'", what);
    if (!seen.insert(name).second)
      fail("manifest: duplicate name '{}' in '{}'", name, what);
  }
}

template <typename T>
std::vector<std::string> namesOf(const std::vector<T> &items) {
  std::vector<std::string> names;
  for (const T &item : items)
    names.push_back(item.name);
  return names;
}

/// Params and buffers share the checkpoint's namespace; `optimizer.` is
/// reserved for optimizer state.
void checkStateNames(const Manifest &manifest) {
  std::vector<std::string> names = namesOf(manifest.params);
  std::vector<std::string> buffers = namesOf(manifest.buffers);
  names.insert(names.end(), buffers.begin(), buffers.end());
  checkUnique(names, "params and buffers");
  for (const std::string &name : names)
    if (name.rfind("optimizer.", 0) == 0)
      fail("manifest: name '{}' starts with 'optimizer.', which checkpoints "
           "reserve for optimizer state",
           name);
}

/// One entry per (trainable param, slot), param-major in params order.
void checkStateOrder(const Manifest &manifest) {
  std::set<std::string> seen;
  for (size_t j = 0; j < manifest.state.size(); ++j) {
    const StateSpec &state = manifest.state[j];
    if (!seen.insert(state.checkpointName()).second)
      fail("manifest: 'state[{}]' repeats slot '{}' of '{}'", j, state.slot,
           state.param);
    if (j > 0 && state.paramIndex < manifest.state[j - 1].paramIndex)
      fail("manifest: 'state[{}]' (of '{}') comes after state of '{}'; "
           "state must be param-major in params order",
           j, state.param, manifest.state[j - 1].param);
  }
}

/// The entry points form one of the two shapes the runtime knows.
void checkEntryPoints(const Manifest &manifest) {
  std::set<EntryPoint> seen;
  for (size_t i = 0; i < manifest.entryPoints.size(); ++i)
    if (!seen.insert(manifest.entryPoints[i].entry).second)
      fail("manifest: 'entry_points[{}]': {} is listed twice", i,
           entryName(manifest.entryPoints[i].entry));
  for (EntryPoint entry : {EntryPoint::Forward, EntryPoint::Forward1})
    if (!seen.count(entry))
      fail("manifest: 'entry_points' has no {}; every model needs forward "
           "and forward_1",
           entryName(entry));
  bool training = seen.count(EntryPoint::TrainStep) != 0;
  if (seen.count(EntryPoint::CheckStep)) {
    if (!training)
      fail("manifest: 'entry_points' has check_step but no train_step");
    if (manifest.batchOf(EntryPoint::CheckStep) !=
        manifest.batchOf(EntryPoint::TrainStep))
      fail("manifest: check_step's batch ({}) differs from train_step's ({})",
           manifest.batchOf(EntryPoint::CheckStep),
           manifest.batchOf(EntryPoint::TrainStep));
  }
  // prepare exactly when there is something to prepare, from version 3.
  bool prepare = seen.count(EntryPoint::Prepare) != 0;
  if (prepare && manifest.abiVersion < 3)
    fail("manifest: 'entry_points' has prepare, which came with abi_version 3, "
         "but abi_version is {}", manifest.abiVersion);
  if (prepare != !manifest.derived.empty())
    fail(prepare ? "manifest: 'entry_points' has prepare but 'derived' is empty"
                 : "manifest: 'derived' lists {} tensors but 'entry_points' has "
                   "no prepare to compute them",
         manifest.derived.size());
  for (EntryPoint entry : {EntryPoint::EvalStep, EntryPoint::EvalStep1}) {
    if (training && !seen.count(entry))
      fail("manifest: 'entry_points' has train_step but no {}; a trainable "
           "model needs train_step, eval_step, eval_step_1, forward and "
           "forward_1",
           entryName(entry));
    if (!training && seen.count(entry))
      fail("manifest: 'entry_points' has {} but no train_step; an "
           "inference-only model has only forward and forward_1",
           entryName(entry));
  }
}

/// targets[0], loss and outputs[0].kind agree: class indices only with
/// softmax cross-entropy, otherwise f32 targets of the output's shape;
/// probabilities from the losses that take logits, values from the others.
void checkTrainingRoles(const ObjectReader &reader, Manifest &manifest) {
  if (manifest.targets.empty())
    fail("manifest: 'targets' is empty; a model with train_step needs one");
  const TensorSpec &target = manifest.targets[0];
  const TensorSpec &output = manifest.outputs[0];
  Shape rows = output.shape.empty()
                   ? Shape{}
                   : Shape(output.shape.begin(), output.shape.end() - 1);
  bool classes = target.dtype == DType::I32 && target.shape == rows;
  if (!classes && (target.dtype != DType::F32 || target.shape != output.shape))
    fail("manifest: 'targets[0]' is {} {}; expected i32 {} (class indices, "
         "one per row of outputs[0]) or f32 with the shape of outputs[0] {}",
         dtypeName(target.dtype), formatShape(target.shape), formatShape(rows),
         formatShape(output.shape));
  LossKind loss = *manifest.loss;
  if (classes && loss != LossKind::SoftmaxCrossEntropy)
    fail("manifest: 'loss' is '{}' but targets[0] is i32 (class indices), "
         "which only softmax_cross_entropy takes",
         lossName(loss));
  bool probabilities = loss == LossKind::SoftmaxCrossEntropy ||
                       loss == LossKind::BinaryCrossEntropy ||
                       loss == LossKind::KLDivergence;
  OutputKind kind = probabilities ? OutputKind::Probabilities : OutputKind::Values;
  if (output.kind != kind)
    fail("manifest: 'outputs[0].kind' is '{}' but loss '{}' predicts '{}'",
         output.kind == OutputKind::Probabilities ? "probabilities" : "values",
         lossName(*manifest.loss),
         kind == OutputKind::Probabilities ? "probabilities" : "values");
  if (classes)
    reader.get("num_classes"); // required; its value is checked by the caller
}

/// Sections a model without train_step must not have.
void checkInferenceOnly(const ObjectReader &reader, const Manifest &manifest) {
  for (const char *key : {"loss", "optimizer"})
    if (reader.has(key))
      fail("manifest: '{}' is given but 'entry_points' has no train_step", key);
  if (!manifest.targets.empty())
    fail("manifest: 'targets' is not empty but 'entry_points' has no "
         "train_step");
  if (!manifest.state.empty())
    fail("manifest: 'state' is not empty but 'entry_points' has no "
         "train_step");
}

LossKind parseLoss(const ObjectReader &reader) {
  std::string loss = reader.getString("loss");
  std::string known;
  for (const auto &[kind, name] : kLossNames) {
    if (loss == name)
      return kind;
    known += fmt::format("{}{}", known.empty() ? "" : ", ", name);
  }
  fail("manifest: unknown loss '{}' (expected one of: {})", loss, known);
}

} // namespace

Manifest parseManifest(std::string_view text) {
  Json root;
  try {
    root = Json::parse(text);
  } catch (const Json::exception &e) {
    fail("manifest: invalid JSON: {}", e.what());
  }
  ObjectReader reader(root, "");
  Manifest manifest;
  manifest.abiVersion = reader.getInt("abi_version", 0);
  if (manifest.abiVersion < KILN_ABI_OLDEST_VERSION || manifest.abiVersion > KILN_ABI_VERSION)
    fail("manifest: abi_version is {} but this runtime speaks {} to {}; build the "
         "model and the runtime from the same Kiln version",
         manifest.abiVersion, KILN_ABI_OLDEST_VERSION, KILN_ABI_VERSION);
  manifest.name = reader.getString("name");

  manifest.params = parseArray<ParamSpec>(reader, "params", parseParam);
  if (reader.has("buffers"))
    manifest.buffers = parseArray<BufferSpec>(reader, "buffers", parseBuffer);
  checkStateNames(manifest);
  if (reader.has("state"))
    manifest.state =
        parseArray<StateSpec>(reader, "state", [&](const ObjectReader &r) {
          return parseState(r, manifest);
        });
  checkStateOrder(manifest);
  if (reader.has("derived"))
    manifest.derived = parseArray<DerivedSpec>(reader, "derived", parseDerived);
  checkUnique(namesOf(manifest.derived), "derived");

  auto parseIo = [](bool isOutput) {
    return
        [isOutput](const ObjectReader &r) { return parseTensor(r, isOutput); };
  };
  manifest.inputs = parseArray<TensorSpec>(reader, "inputs", parseIo(false));
  if (reader.has("targets"))
    manifest.targets =
        parseArray<TensorSpec>(reader, "targets", parseIo(false));
  manifest.outputs = parseArray<TensorSpec>(reader, "outputs", parseIo(true));
  for (const char *key : {"inputs", "outputs"})
    if (reader.getArray(key).empty())
      fail("manifest: '{}' is empty", key);
  checkUnique(namesOf(manifest.inputs), "inputs");
  checkUnique(namesOf(manifest.targets), "targets");
  checkUnique(namesOf(manifest.outputs), "outputs");

  manifest.entryPoints =
      parseArray<EntryPointSpec>(reader, "entry_points", parseEntryPoint);
  checkEntryPoints(manifest);
  bool training = manifest.findEntry(EntryPoint::TrainStep) != nullptr;
  EntryPoint main = training ? EntryPoint::TrainStep : EntryPoint::Forward;
  manifest.batchSize = reader.getInt("batch_size", 1);
  if (manifest.batchSize != manifest.batchOf(main))
    fail("manifest: 'batch_size' ({}) differs from the batch of {} ({})",
         manifest.batchSize, entryName(main), manifest.batchOf(main));

  if (training) {
    manifest.loss = parseLoss(reader);
    checkTrainingRoles(reader, manifest);
    if (manifest.params.empty())
      fail("manifest: 'params' is empty; a model with train_step needs "
           "parameters");
    manifest.optimizer = parseOptimizer(reader.getObject("optimizer"));
  } else {
    checkInferenceOnly(reader, manifest);
  }
  if (manifest.takesLabels()) {
    manifest.numClasses =
        manifest.outputShape().empty() ? 1 : manifest.outputShape().back();
    if (reader.has("num_classes") &&
        reader.getInt("num_classes", 1) != manifest.numClasses)
      fail("manifest: num_classes ({}) differs from the last dim of "
           "outputs[0].shape {}",
           reader.getInt("num_classes", 1),
           formatShape(manifest.outputShape()));
  }

  manifest.layers = parseArray<LayerSpec>(reader, "layers", parseLayer);
  if (training || reader.has("training"))
    manifest.training =
        parseTraining(reader.getObject("training"), manifest.batchSize);
  return manifest;
}

} // namespace kiln
