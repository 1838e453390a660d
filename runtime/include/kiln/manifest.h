//===- manifest.h - The model description emitted by the compiler ---------===//
//
// Generated code describes itself with a JSON manifest (ABI v3, schema:
// docs/abi.md). parseManifest validates it completely, so the rest of the
// runtime can trust every shape, name, role and entry point it reads.
//
#ifndef KILN_MANIFEST_H
#define KILN_MANIFEST_H

#include <cstdint>
#include <optional>
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
/// "879 KiB", "1.72 MiB": three significant digits, binary units.
std::string formatBytes(int64_t bytes);

enum class DType { F32, F64, I32, I64 };
enum class LossKind {
  SoftmaxCrossEntropy, // class indices, or probability rows (f32 targets)
  MeanSquaredError,
  MeanAbsoluteError,
  Huber,
  BinaryCrossEntropy, // on logits; predictions are sigmoid probabilities
  KLDivergence,       // probability rows; predictions are softmax probabilities
};
enum class InitKind { Zeros, Ones, GlorotUniform, HeUniform, UniformFanIn, Normal };
/// What outputs[0] holds: class probabilities (softmax applied) or values.
enum class OutputKind { Probabilities, Values };

/// The entry points of kiln_model_api, in its field order.
enum class EntryPoint {
  TrainStep,
  EvalStep,
  EvalStep1,
  Forward,
  Forward1,
  CheckStep,
  Prepare
};
constexpr int numEntries = 7;

/// The manifest's spellings: "f32", "softmax_cross_entropy", "mse",
/// "train_step", "forward_1", ...
const char *dtypeName(DType dtype);
const char *lossName(LossKind loss);
const char *entryName(EntryPoint entry);
/// Bytes per element: 4 or 8.
int64_t dtypeBytes(DType dtype);

struct ParamSpec {
  std::string name;
  Shape shape;
  InitKind init = InitKind::Zeros;
  int64_t fanIn = 0;  // 0 when absent (only zeros/ones may omit it)
  int64_t fanOut = 0; // 0 when absent (only glorot_uniform needs it)
  bool trainable = true;
  /// A kernel regularizer's rates (0 when absent): l1 Σ|w| + l2 Σw² is a
  /// term of the loss train_step minimizes.
  double l1 = 0, l2 = 0;
};

/// Non-trainable state the entry points update (running statistics, batch
/// norm's num_batches_tracked).
struct BufferSpec {
  std::string name;
  Shape shape;
  DType dtype = DType::F32;        // f32 or i64
  InitKind init = InitKind::Zeros; // zeros or ones; an i64 buffer: zeros
};

/// A value computed from params and buffers alone (a weight packed for the
/// matmul kernels): prepare writes it, forward and eval_step read it.
struct DerivedSpec {
  std::string name; // derived.<k>
  Shape shape;
  DType dtype = DType::F32; // f32 or i64
};

/// One optimizer slot of one trainable parameter.
struct StateSpec {
  std::string param;
  std::string slot;
  Shape shape;           // the parameter's
  size_t paramIndex = 0; // into Manifest::params
  float init = 0;        // the value it starts at (adagrad's accumulator)
  /// The checkpoint name, `optimizer.<param>.<slot>`.
  std::string checkpointName() const;
};

/// An input, target or output; shapes are per sample (no batch dimension).
struct TensorSpec {
  std::string name;
  Shape shape;
  DType dtype = DType::F32;
  OutputKind kind = OutputKind::Values; // outputs only
  /// i32 inputs read by an embedding: ids must be in [0, vocabSize).
  int64_t vocabSize = 0;
};

/// One value check_step counts the non-finite elements of: a layer's
/// "output" or "gradient", or the input's or the loss's "value" (the loss
/// also has a "gradient": the one reaching the prediction).
struct CheckSpec {
  std::string layer, value;
  int64_t size = 0; // elements checked
};

struct EntryPointSpec {
  EntryPoint entry = EntryPoint::Forward;
  bool trainMode = false;
  int64_t batch = 0;
  int64_t workspaceBytes = 0;
  /// train_step averages its loss and gradients across the processes of a
  /// data-parallel run (compiled with `kilnc --mpi`).
  bool allreduce = false;
  std::vector<CheckSpec> checks; // check_step only, in the order computed
};

struct LayerSpec {
  std::string name;
  std::string type;
  Shape outputShape;
  std::string activation; // empty when the layer has none
  int64_t numParams = 0;
  int64_t flops = 0; // per sample, forward (a multiply-add counts 2)
  bool trainable = true;
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
  /// JSON text of the schedule and early-stopping objects, "none" when
  /// absent (see kiln/schedule.h).
  std::string schedule = "none";
  std::string earlyStopping = "none";
  std::string augment = "none"; // see kiln/augment.h
  /// The loss's settings as written: ("delta", "0.5"), ("label_smoothing",
  /// "0.1"), ("targets", "probabilities").
  std::vector<std::pair<std::string, std::string>> lossSettings;
};

struct Manifest {
  int64_t abiVersion = 0;
  std::string name;
  int64_t batchSize = 0; // train_step's batch (forward's when inference-only)
  std::vector<ParamSpec> params;
  std::vector<BufferSpec> buffers;
  std::vector<StateSpec> state;
  std::vector<DerivedSpec> derived; // empty unless entryPoints has prepare
  std::vector<TensorSpec> inputs;
  std::vector<TensorSpec> targets; // empty when inference-only
  std::vector<TensorSpec> outputs;
  std::vector<EntryPointSpec> entryPoints;
  std::optional<LossKind> loss;           // absent when inference-only
  int64_t numClasses = 0; // class-index targets: the output's last dim
  std::optional<OptimizerSpec> optimizer; // absent when inference-only
  std::vector<LayerSpec> layers;
  TrainingDefaults training;

  /// No train_step: the model only has forward and forward_1.
  bool inferenceOnly() const { return !loss; }
  bool isClassification() const {
    return outputs[0].kind == OutputKind::Probabilities;
  }
  /// The targets are class indices (i32 labels), one per sample. An
  /// inference-only model that predicts probabilities counts as taking
  /// labels: its predictions are classes.
  bool takesLabels() const {
    return targets.empty() ? isClassification()
                           : targets[0].dtype == DType::I32;
  }
  /// Class labels per sample: one per row of classes of the output (1 for
  /// [C], T for [T, C]).
  int64_t labelsPerSample() const {
    const Shape &o = outputShape();
    return o.empty() ? 1 : shapeSize(Shape(o.begin(), o.end() - 1));
  }
  /// Predictions are independent sigmoid probabilities, one per output
  /// (binary cross-entropy), not one softmax row.
  bool predictsSigmoid() const {
    return loss == LossKind::BinaryCrossEntropy;
  }
  /// The entry point, or null when the manifest does not list it.
  const EntryPointSpec *findEntry(EntryPoint entry) const;
  /// The batch of an entry point the manifest lists (throws otherwise).
  int64_t batchOf(EntryPoint entry) const;
  /// The largest workspace_bytes of any entry point.
  int64_t workspaceBytes() const;

  // The runtime's loaders and CLI handle one input and one output.
  const Shape &inputShape() const { return inputs[0].shape; }
  const Shape &outputShape() const { return outputs[0].shape; }
  int64_t inputSize() const { return shapeSize(inputShape()); }
  int64_t outputSize() const { return shapeSize(outputShape()); }

  int64_t numParamElements() const;
  /// Forward FLOPs of one sample, summed over the layers.
  int64_t flopsPerSample() const;
  /// Bytes the runtime holds for params, buffers, optimizer state, derived
  /// tensors and the workspace.
  struct Memory {
    int64_t params = 0, buffers = 0, state = 0, derived = 0, workspace = 0;
  };
  Memory memory() const;
  int64_t numTrainableElements() const;
  bool hasMetric(std::string_view metric) const;
  /// Index into params / buffers, or -1.
  int64_t findParam(std::string_view name) const;
  int64_t findBuffer(std::string_view name) const;
  /// Index into state, or -1.
  int64_t findState(std::string_view param, std::string_view slot) const;
};

/// Parses and validates manifest JSON; throws kiln::Error naming the first
/// missing or invalid field, or an abi_version this runtime does not speak.
Manifest parseManifest(std::string_view json);

} // namespace kiln

#endif // KILN_MANIFEST_H
