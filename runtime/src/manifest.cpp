//===- manifest.cpp - Parse and validate the model manifest JSON ----------===//
#include "kiln/manifest.h"

#include "kiln/abi.h"
#include "support.h"

#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <limits>
#include <set>

namespace kiln {

int64_t shapeSize(const Shape &shape) {
  int64_t size = 1;
  for (int64_t dim : shape)
    size = checkedMul(size, dim, "shape");
  return size;
}

std::string formatShape(const Shape &shape) {
  return fmt::format("[{}]", fmt::join(shape, ", "));
}

const char *lossName(LossKind loss) {
  return loss == LossKind::SoftmaxCrossEntropy ? "softmax_cross_entropy"
                                               : "mse";
}

int64_t Manifest::numParamElements() const {
  int64_t total = 0;
  for (const ParamSpec &param : params)
    total += shapeSize(param.shape);
  return total;
}

bool Manifest::hasMetric(std::string_view metric) const {
  return std::find(training.metrics.begin(), training.metrics.end(), metric) !=
         training.metrics.end();
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
  fail("manifest: '{}' is '{}'; expected zeros, ones, glorot_uniform, "
       "he_uniform or uniform_fan_in",
       reader.path("init"), name);
}

ParamSpec parseParam(const ObjectReader &reader) {
  ParamSpec param;
  param.name = reader.getString("name");
  param.shape = reader.getShape("shape");
  param.init = parseInit(reader);
  if (reader.has("fan_in"))
    param.fanIn = reader.getInt("fan_in", 1);
  if (reader.has("fan_out"))
    param.fanOut = reader.getInt("fan_out", 1);
  bool random = param.init != InitKind::Zeros && param.init != InitKind::Ones;
  if (random && param.fanIn == 0)
    reader.get("fan_in"); // throws "missing field"
  if (param.init == InitKind::GlorotUniform && param.fanOut == 0)
    reader.get("fan_out");
  return param;
}

LayerSpec parseLayer(const ObjectReader &reader) {
  LayerSpec layer;
  layer.name = reader.getString("name");
  layer.type = reader.getString("type");
  layer.outputShape = reader.getShape("output_shape");
  if (reader.has("activation") && !reader.get("activation").is_null())
    layer.activation = reader.getString("activation");
  layer.numParams = reader.getInt("params", 0);
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
      optimizer.settings.emplace_back(key, value.get<bool>() ? "true" : "false");
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
  return training;
}

/// Names index buffers and checkpoint tensors, so they must be unique.
void checkUnique(const std::vector<std::string> &names, const char *what) {
  std::set<std::string> seen;
  for (const std::string &name : names) {
    if (name.empty())
      fail("manifest: empty name in '{}'", what);
    if (!seen.insert(name).second)
      fail("manifest: duplicate name '{}' in '{}'", name, what);
  }
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
  if (manifest.abiVersion != KILN_ABI_VERSION)
    fail("manifest: abi_version is {} but this runtime speaks {}; build the "
         "model and the runtime from the same Kiln version",
         manifest.abiVersion, KILN_ABI_VERSION);
  manifest.name = reader.getString("name");
  manifest.batchSize = reader.getInt("batch_size", 1);
  manifest.inputShape = reader.getShape("input_shape");
  manifest.outputShape = reader.getShape("output_shape");

  std::string loss = reader.getString("loss");
  if (loss == "softmax_cross_entropy")
    manifest.loss = LossKind::SoftmaxCrossEntropy;
  else if (loss == "mse")
    manifest.loss = LossKind::MeanSquaredError;
  else
    fail("manifest: unknown loss '{}' (expected softmax_cross_entropy or "
         "mse)",
         loss);
  // The runtime scores forward's output itself, so it must know what it is.
  const char *expectedOutput =
      manifest.isClassification() ? "probabilities" : "values";
  if (reader.has("output") && reader.getString("output") != expectedOutput)
    fail("manifest: output '{}' does not fit loss '{}' (expected '{}')",
         reader.getString("output"), loss, expectedOutput);
  if (manifest.isClassification()) {
    manifest.numClasses = reader.getInt("num_classes", 1);
    if (manifest.numClasses != manifest.outputSize())
      fail("manifest: num_classes ({}) differs from the size of "
           "output_shape {}",
           manifest.numClasses, formatShape(manifest.outputShape));
  }

  manifest.optimizer = parseOptimizer(reader.getObject("optimizer"));
  manifest.stateSlots = reader.getStrings("state_slots");
  checkUnique(manifest.stateSlots, "state_slots");

  const Json &params = reader.getArray("params");
  if (params.empty())
    fail("manifest: 'params' is empty");
  std::vector<std::string> names;
  for (size_t i = 0; i < params.size(); ++i) {
    manifest.params.push_back(
        parseParam(ObjectReader(params[i], fmt::format("params[{}]", i))));
    names.push_back(manifest.params.back().name);
  }
  checkUnique(names, "params");

  const Json &layers = reader.getArray("layers");
  for (size_t i = 0; i < layers.size(); ++i)
    manifest.layers.push_back(
        parseLayer(ObjectReader(layers[i], fmt::format("layers[{}]", i))));

  manifest.training =
      parseTraining(reader.getObject("training"), manifest.batchSize);
  return manifest;
}

} // namespace kiln
