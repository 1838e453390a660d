//===- ModelSpec.h - A model description, validated, before any IR -------===//
#ifndef KILN_COMPILER_FRONTEND_MODELSPEC_H
#define KILN_COMPILER_FRONTEND_MODELSPEC_H

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kiln {

/// The largest size, and the largest tensor (elements, batch included), a
/// model may have: sizes stay far from int64 overflow and buffers addressable.
constexpr int64_t kMaxSize = (int64_t{1} << 31) - 1;

struct LayerSpec {
  std::string type;        // dense, conv2d, pooling, activations, ... (kLayerTypes)
  std::string name;        // default <type>_<index>
  std::string path;        // JSON path, for errors: /layers/3
  /// The layers (or "input", the model's input) this one reads; empty: the
  /// previous layer in the file (the first layer: the model's input).
  std::vector<std::string> inputs;
  bool trainable = true;   // false: frozen, no gradient, update or state
  double lrScale = 1.0;    // this layer's parameters train at lr * lrScale
  std::optional<double> weightDecay; // overrides the optimizer's, bias included
  double l1 = 0, l2 = 0;   // kernel_regularizer on <name>.weight
  int64_t units = 0;       // dense
  bool useBias = true;     // dense, conv2d
  std::string activation;  // dense, conv2d: "" (none), relu, sigmoid, tanh, leaky_relu, softmax
  std::string kernelInit;  // dense, conv2d: glorot_uniform, he_uniform, uniform_fan_in
  std::string biasInit;    // dense, conv2d: zeros, uniform_fan_in
  double alpha = 0.01;     // leaky_relu (local_response_norm: 1e-4)
  double rate = 0;         // dropout
  std::vector<int64_t> shape; // reshape: per-sample target shape
  // conv2d, max_pool2d, avg_pool2d ([h, w] pairs)
  int64_t filters = 0;                 // conv2d
  std::vector<int64_t> kernel;         // conv2d kernel_size, pooling pool_size
  std::vector<int64_t> strides;        // default 1 (conv), the window (pooling)
  std::vector<int64_t> dilation{1, 1}; // conv2d
  int64_t groups = 1;                  // conv2d
  std::string padding = "valid";       // "valid", "same" or "explicit"
  std::vector<int64_t> pad{0, 0};      // explicit padding [ph, pw], both sides
  double momentum = 0.1, epsilon = 1e-5; // batch_norm (PyTorch's meaning)
  bool affine = true;                    // batch_norm: weight and bias
  int64_t size = 0;                      // local_response_norm; alpha above
  double beta = 0.75, k = 1.0;           // local_response_norm
  int64_t inputDim = 0, outputDim = 0;   // embedding
  int64_t maxLen = 0;                    // position_embedding (0: the input's steps)
  int64_t axis = -1;                     // concat, softmax (-1: the last)
  // multi_head_attention, transformer_block (`rate` is their dropout; the
  // block's `activation` is relu or gelu)
  int64_t numHeads = 0;
  bool causal = false;
  int64_t dimFeedforward = 2048;
  bool normFirst = false;
  // lstm (`units` is the hidden size)
  bool returnSequences = false, bidirectional = false;
  int64_t numLayers = 1;
};

struct OptimizerSpec {
  std::string type = "adam"; // sgd, momentum, adam, adamw, adagrad, rmsprop
  double lr = 1e-3;
  /// Every hyper-parameter the update uses, defaults written out: beta1,
  /// beta2, eps, momentum, weight_decay, lr_decay, initial_accumulator_value,
  /// alpha.
  std::map<std::string, double> hyper;
  bool nesterov = false; // momentum
  bool centered = false; // rmsprop
  std::optional<double> biasWeightDecay; // parameters named *.bias
};

struct LossSpec {
  std::string type = "softmax_cross_entropy"; // or mse, mae, huber,
      // binary_cross_entropy, kl_divergence; "" with "training": false
  double delta = 1.0;          // huber
  double labelSmoothing = 0.0; // softmax_cross_entropy
  bool softTargets = false;    // softmax_cross_entropy: f32 rows, not labels
  /// Targets are int class indices (softmax cross-entropy with labels).
  bool takesLabels() const {
    return type == "softmax_cross_entropy" && !softTargets;
  }
  /// Predictions are probabilities (the loss applies softmax or sigmoid).
  bool predictsProbabilities() const {
    return type == "softmax_cross_entropy" || type == "kl_divergence" ||
           type == "binary_cross_entropy";
  }
};

struct ModelSpec {
  std::string name;
  std::vector<int64_t> inputShape; // per sample
  std::string inputDtype = "float32"; // or "int32" (token ids)
  std::string output;              // the output layer; "" the last one
  std::vector<LayerSpec> layers;
  LossSpec loss;
  OptimizerSpec optimizer;
  double clipNorm = 0, clipValue = 0; // 0: no clipping
  /// The runtime's loop settings, checked here and passed on as JSON text
  /// to the manifest ("" when absent): a learning-rate schedule and early
  /// stopping (runtime/include/kiln/schedule.h).
  std::string schedule, earlyStopping, augment;
  int64_t batchSize = 32;
  int64_t epochs = 1;
  std::vector<std::string> metrics;
  double validationSplit = 0.0;
  bool shuffle = true;
  int64_t seed = 0;
  /// Forward only: no loss, gradients or optimizer. With a loss (kilnc
  /// --inference on a training file) predictions are what training builds
  /// predict: probabilities for softmax cross-entropy.
  bool inference = false;
};

/// Parses and validates Kiln's JSON model format. On failure returns false
/// and sets `error` to "<file>: <json path>: <message>".
bool parseModelSpec(const std::string &text, const std::string &file,
                    ModelSpec &spec, std::string &error);

} // namespace kiln

#endif // KILN_COMPILER_FRONTEND_MODELSPEC_H
