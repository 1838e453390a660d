//===- manifest.h - The model description emitted by the compiler ---------===//
//
// Generated code describes itself with a JSON manifest (schema: docs/abi.md).
// parseManifest validates it completely, so the rest of the runtime can trust
// every shape, name and initializer it reads from a Manifest.
//
#ifndef KILN_MANIFEST_H
#define KILN_MANIFEST_H

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kiln {

using Shape = std::vector<int64_t>;

/// Number of elements in `shape` (1 for []); throws kiln::Error on overflow.
int64_t shapeSize(const Shape &shape);
/// "[512, 784]".
std::string formatShape(const Shape &shape);

enum class LossKind { SoftmaxCrossEntropy, MeanSquaredError };
enum class InitKind { Zeros, Ones, GlorotUniform, HeUniform, UniformFanIn };

/// The manifest's spelling: "softmax_cross_entropy" or "mse".
const char *lossName(LossKind loss);

struct ParamSpec {
  std::string name;
  Shape shape;
  InitKind init = InitKind::Zeros;
  int64_t fanIn = 0;  // 0 when absent (only zeros/ones may omit it)
  int64_t fanOut = 0; // 0 when absent (only glorot_uniform needs it)
};

struct LayerSpec {
  std::string name;
  std::string type;
  Shape outputShape;
  std::string activation; // empty when the layer has none
  int64_t numParams = 0;
};

struct OptimizerSpec {
  std::string type;
  double lr = 0;
  /// The other settings (beta1, momentum, nesterov, ...) in manifest order,
  /// as display text: the runtime only shows them, the generated step
  /// applies them.
  std::vector<std::pair<std::string, std::string>> settings;
};

struct TrainingDefaults {
  int64_t epochs = 1;
  std::vector<std::string> metrics;
  double validationSplit = 0;
  bool shuffle = true;
  uint64_t seed = 0;
};

struct Manifest {
  int64_t abiVersion = 0;
  std::string name;
  int64_t batchSize = 0;
  Shape inputShape;
  Shape outputShape;
  LossKind loss = LossKind::SoftmaxCrossEntropy;
  int64_t numClasses = 0; // classification only; equals outputSize()
  OptimizerSpec optimizer;
  std::vector<std::string> stateSlots;
  std::vector<ParamSpec> params;
  std::vector<LayerSpec> layers;
  TrainingDefaults training;

  bool isClassification() const {
    return loss == LossKind::SoftmaxCrossEntropy;
  }
  int64_t inputSize() const { return shapeSize(inputShape); }
  int64_t outputSize() const { return shapeSize(outputShape); }
  int64_t numParamElements() const;
  bool hasMetric(std::string_view metric) const;
};

/// Parses and validates manifest JSON; throws kiln::Error naming the first
/// missing or invalid field, or an abi_version this runtime does not speak.
Manifest parseManifest(std::string_view json);

} // namespace kiln

#endif // KILN_MANIFEST_H
