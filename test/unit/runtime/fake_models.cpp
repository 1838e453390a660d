//===- fake_models.cpp - Hand-written models with the generated ABI (v2) --===//
//
// Each entry point works like generated code: it reads the tables of
// kiln_bindings and kiln_call in manifest order, keeps its temporaries on
// the stack or in the workspace, and allocates nothing.
//
#include "test_support.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

namespace kiln::test {

FakeCalls fakeCalls;
int64_t fakeCrashAtStep = 0;

namespace {

/// Generated code may rely on these; a fake that sees otherwise stops the
/// test binary, loudly.
float *checkedWorkspace(const kiln_bindings *b, size_t floats) {
  auto address = reinterpret_cast<uintptr_t>(b->workspace);
  if (!b->workspace || address % 64 != 0) {
    std::fprintf(stderr, "fake model: workspace %p is null or misaligned\n",
                 b->workspace);
    std::abort();
  }
  std::fill_n(static_cast<float *>(b->workspace), floats, 0.0f);
  return static_cast<float *>(b->workspace);
}

//===----------------------------------------------------------------------===//
// Classifier: softmax regression 4 -> 3, batch 8, momentum (one slot per
// param). Also the inference-only fake, which has only its forward.
//===----------------------------------------------------------------------===//

constexpr int clsBatch = 8, clsIn = 4, clsClasses = 3;
constexpr int clsGrads = clsClasses * clsIn + clsClasses;

const char *classifierManifestText = R"({
  "abi_version": 2, "name": "fake_classifier",
  "params": [
    {"name": "dense.weight", "shape": [3, 4], "dtype": "f32", "trainable": true,
     "init": "glorot_uniform", "fan_in": 4, "fan_out": 3},
    {"name": "dense.bias", "shape": [3], "dtype": "f32", "trainable": true,
     "init": "zeros", "fan_in": 4, "fan_out": 3}],
  "buffers": [],
  "state": [
    {"param": "dense.weight", "slot": "momentum_buffer", "shape": [3, 4],
     "dtype": "f32"},
    {"param": "dense.bias", "slot": "momentum_buffer", "shape": [3],
     "dtype": "f32"}],
  "inputs": [{"name": "x", "shape": [4], "dtype": "f32"}],
  "targets": [{"name": "y", "shape": [], "dtype": "i32"}],
  "outputs": [{"name": "prediction", "shape": [3], "dtype": "f32",
               "kind": "probabilities"}],
  "entry_points": [
    {"name": "train_step", "mode": "train", "batch": 8, "workspace_bytes": 60},
    {"name": "eval_step", "mode": "eval", "batch": 8, "workspace_bytes": 0},
    {"name": "eval_step_1", "mode": "eval", "batch": 1, "workspace_bytes": 0},
    {"name": "forward", "mode": "eval", "batch": 8, "workspace_bytes": 0},
    {"name": "forward_1", "mode": "eval", "batch": 1, "workspace_bytes": 0},
    {"name": "check_step", "mode": "train", "batch": 8, "workspace_bytes": 60,
     "checks": [{"layer": "input", "value": "value", "size": 32},
                {"layer": "dense", "value": "output", "size": 24},
                {"layer": "loss", "value": "value", "size": 1},
                {"layer": "dense", "value": "gradient", "size": 15}]}],
  "batch_size": 8,
  "loss": "softmax_cross_entropy", "num_classes": 3,
  "optimizer": {"type": "momentum", "lr": 0.1, "momentum": 0.9},
  "layers": [{"name": "dense", "type": "dense", "output_shape": [3],
              "activation": "softmax", "params": 15, "trainable": true}],
  "training": {"epochs": 3, "batch_size": 8, "metrics": ["accuracy"],
               "validation_split": 0.0, "shuffle": true, "seed": 0}
})";

const char *inferenceManifestText = R"({
  "abi_version": 2, "name": "fake_inference",
  "params": [
    {"name": "dense.weight", "shape": [3, 4], "dtype": "f32", "trainable": true,
     "init": "glorot_uniform", "fan_in": 4, "fan_out": 3},
    {"name": "dense.bias", "shape": [3], "dtype": "f32", "trainable": true,
     "init": "zeros", "fan_in": 4, "fan_out": 3}],
  "buffers": [], "state": [],
  "inputs": [{"name": "x", "shape": [4], "dtype": "f32"}],
  "targets": [],
  "outputs": [{"name": "prediction", "shape": [3], "dtype": "f32",
               "kind": "probabilities"}],
  "entry_points": [
    {"name": "forward", "mode": "eval", "batch": 8, "workspace_bytes": 0},
    {"name": "forward_1", "mode": "eval", "batch": 1, "workspace_bytes": 0}],
  "batch_size": 8,
  "layers": [{"name": "dense", "type": "dense", "output_shape": [3],
              "activation": "softmax", "params": 15}]
})";

void classifierProbs(float *const *params, const float *x, float *probs) {
  const float *w = params[0], *b = params[1];
  float logits[clsClasses];
  float top = -INFINITY, sum = 0;
  for (int c = 0; c < clsClasses; ++c) {
    logits[c] = b[c];
    for (int i = 0; i < clsIn; ++i)
      logits[c] += w[c * clsIn + i] * x[i];
    top = std::max(top, logits[c]);
  }
  for (int c = 0; c < clsClasses; ++c)
    sum += probs[c] = std::exp(logits[c] - top);
  for (int c = 0; c < clsClasses; ++c)
    probs[c] /= sum;
}

/// Writes the batch's probabilities; returns the mean cross-entropy when
/// there are labels.
float classifierPredict(const kiln_bindings *b, const kiln_call *c, int batch,
                        bool withLoss) {
  const float *x = static_cast<const float *>(c->inputs[0]);
  float *out = static_cast<float *>(c->outputs[0]);
  float loss = 0;
  for (int s = 0; s < batch; ++s) {
    classifierProbs(b->params, x + s * clsIn, out + s * clsClasses);
    if (withLoss) {
      int32_t label = static_cast<const int32_t *>(c->targets[0])[s];
      loss -= std::log(out[s * clsClasses + label]);
    }
  }
  return loss / float(batch);
}

/// The batch's gradient (weight, then bias) into the workspace, from the
/// probabilities in `probs`.
float *classifierGrad(const kiln_bindings *b, const kiln_call *c,
                      const float *probs) {
  const float *x = static_cast<const float *>(c->inputs[0]);
  const int32_t *labels = static_cast<const int32_t *>(c->targets[0]);
  float *grad = checkedWorkspace(b, clsGrads);
  for (int s = 0; s < clsBatch; ++s)
    for (int k = 0; k < clsClasses; ++k) {
      float g = (probs[s * clsClasses + k] - float(k == labels[s])) / clsBatch;
      for (int i = 0; i < clsIn; ++i)
        grad[k * clsIn + i] += g * x[s * clsIn + i];
      grad[clsClasses * clsIn + k] += g;
    }
  return grad;
}

float classifierTrainStep(const kiln_bindings *b, const kiln_call *c) {
  ++fakeCalls.trainStep;
  if (fakeCrashAtStep != 0 && c->step == fakeCrashAtStep)
    throw std::runtime_error("fake crash at step " + std::to_string(c->step));
  float loss = classifierPredict(b, c, clsBatch, true);
  float *grad = classifierGrad(b, c, static_cast<const float *>(c->outputs[0]));
  const float *gradOf[2] = {grad, grad + clsClasses * clsIn};
  const int sizes[2] = {clsClasses * clsIn, clsClasses};
  for (int p = 0; p < 2; ++p)
    for (int i = 0; i < sizes[p]; ++i) {
      b->state[p][i] = 0.9f * b->state[p][i] + gradOf[p][i];
      b->params[p][i] -= c->lr * b->state[p][i];
    }
  return loss;
}

int nonFinite(const float *v, int n) {
  return int(std::count_if(v, v + n, [](float f) { return !std::isfinite(f); }));
}

/// The manifest's checks: input, logits, loss, gradient.
float classifierCheckStep(const kiln_bindings *b, const kiln_call *c) {
  ++fakeCalls.checkStep;
  const float *x = static_cast<const float *>(c->inputs[0]);
  float *counts = static_cast<float *>(c->outputs[0]);
  float logits[clsBatch * clsClasses], probs[clsBatch * clsClasses];
  for (int s = 0; s < clsBatch; ++s)
    for (int k = 0; k < clsClasses; ++k) {
      logits[s * clsClasses + k] = b->params[1][k];
      for (int i = 0; i < clsIn; ++i)
        logits[s * clsClasses + k] += b->params[0][k * clsIn + i] * x[s * clsIn + i];
    }
  void *out[1] = {probs};
  kiln_call probsCall = *c;
  probsCall.outputs = out;
  float loss = classifierPredict(b, &probsCall, clsBatch, true);
  counts[0] = float(nonFinite(x, clsBatch * clsIn));
  counts[1] = float(nonFinite(logits, clsBatch * clsClasses));
  counts[2] = float(!std::isfinite(loss));
  counts[3] = float(nonFinite(classifierGrad(b, c, probs), clsGrads));
  return loss;
}

float classifierEvalStep(const kiln_bindings *b, const kiln_call *c) {
  ++fakeCalls.evalStep;
  return classifierPredict(b, c, clsBatch, true);
}

float classifierEvalStep1(const kiln_bindings *b, const kiln_call *c) {
  ++fakeCalls.evalStep1;
  return classifierPredict(b, c, 1, true);
}

float classifierForward(const kiln_bindings *b, const kiln_call *c) {
  ++fakeCalls.forward;
  classifierPredict(b, c, clsBatch, false);
  return 0;
}

float classifierForward1(const kiln_bindings *b, const kiln_call *c) {
  ++fakeCalls.forward1;
  classifierPredict(b, c, 1, false);
  return 0;
}

//===----------------------------------------------------------------------===//
// Regressor: linear 3 -> 2 with mse, batch 4, plain sgd (no state).
//===----------------------------------------------------------------------===//

constexpr int regBatch = 4, regIn = 3, regOut = 2;

const char *regressorManifestText = R"({
  "abi_version": 2, "name": "fake_regressor",
  "params": [
    {"name": "linear.weight", "shape": [2, 3], "dtype": "f32",
     "trainable": true, "init": "uniform_fan_in", "fan_in": 3, "fan_out": 2},
    {"name": "linear.bias", "shape": [2], "dtype": "f32", "trainable": true,
     "init": "zeros", "fan_in": 3, "fan_out": 2}],
  "state": [],
  "inputs": [{"name": "x", "shape": [3], "dtype": "f32"}],
  "targets": [{"name": "y", "shape": [2], "dtype": "f32"}],
  "outputs": [{"name": "prediction", "shape": [2], "dtype": "f32",
               "kind": "values"}],
  "entry_points": [
    {"name": "train_step", "mode": "train", "batch": 4, "workspace_bytes": 0},
    {"name": "eval_step", "mode": "eval", "batch": 4, "workspace_bytes": 0},
    {"name": "eval_step_1", "mode": "eval", "batch": 1, "workspace_bytes": 0},
    {"name": "forward", "mode": "eval", "batch": 4, "workspace_bytes": 0},
    {"name": "forward_1", "mode": "eval", "batch": 1, "workspace_bytes": 0}],
  "batch_size": 4, "loss": "mse",
  "optimizer": {"type": "sgd", "lr": 0.05},
  "layers": [{"name": "linear", "type": "dense", "output_shape": [2],
              "params": 8}],
  "training": {"epochs": 20, "metrics": [], "seed": 1}
})";

/// Writes predictions; returns the mean squared error when there are
/// targets.
float regressorPredict(const kiln_bindings *b, const kiln_call *c, int batch,
                       bool withLoss) {
  const float *x = static_cast<const float *>(c->inputs[0]);
  float *out = static_cast<float *>(c->outputs[0]);
  float loss = 0;
  for (int s = 0; s < batch; ++s)
    for (int o = 0; o < regOut; ++o) {
      float v = b->params[1][o];
      for (int i = 0; i < regIn; ++i)
        v += b->params[0][o * regIn + i] * x[s * regIn + i];
      out[s * regOut + o] = v;
      if (withLoss) {
        float e = v - static_cast<const float *>(c->targets[0])[s * regOut + o];
        loss += e * e;
      }
    }
  return loss / float(batch * regOut);
}

float regressorTrainStep(const kiln_bindings *b, const kiln_call *c) {
  ++fakeCalls.trainStep;
  float loss = regressorPredict(b, c, regBatch, true);
  const float *x = static_cast<const float *>(c->inputs[0]);
  const float *y = static_cast<const float *>(c->targets[0]);
  const float *out = static_cast<const float *>(c->outputs[0]);
  float gw[regOut * regIn] = {}, gb[regOut] = {};
  const float scale = 2.0f / (regBatch * regOut);
  for (int s = 0; s < regBatch; ++s)
    for (int o = 0; o < regOut; ++o) {
      float e = out[s * regOut + o] - y[s * regOut + o];
      for (int i = 0; i < regIn; ++i)
        gw[o * regIn + i] += scale * e * x[s * regIn + i];
      gb[o] += scale * e;
    }
  for (int i = 0; i < regOut * regIn; ++i)
    b->params[0][i] -= c->lr * gw[i];
  for (int o = 0; o < regOut; ++o)
    b->params[1][o] -= c->lr * gb[o];
  return loss;
}

float regressorEvalStep(const kiln_bindings *b, const kiln_call *c) {
  ++fakeCalls.evalStep;
  return regressorPredict(b, c, regBatch, true);
}

float regressorEvalStep1(const kiln_bindings *b, const kiln_call *c) {
  ++fakeCalls.evalStep1;
  return regressorPredict(b, c, 1, true);
}

float regressorForward(const kiln_bindings *b, const kiln_call *c) {
  ++fakeCalls.forward;
  regressorPredict(b, c, regBatch, false);
  return 0;
}

float regressorForward1(const kiln_bindings *b, const kiln_call *c) {
  ++fakeCalls.forward1;
  regressorPredict(b, c, 1, false);
  return 0;
}

//===----------------------------------------------------------------------===//
// Frozen: a frozen linear 3 -> 2 ("base"), a batch norm without affine
// ("norm": batch statistics in training, running ones in eval mode) and a
// trainable linear 2 -> 1 ("head") with mse and momentum. Each entry point
// has its own batch: train 4, eval 3, forward 5.
//===----------------------------------------------------------------------===//

constexpr int frzIn = 3, frzHidden = 2, frzTrain = 4, frzEval = 3,
              frzForward = 5, frzMaxBatch = 5;
constexpr float frzEps = 1e-5f;

const char *frozenManifestText = R"({
  "abi_version": 2, "name": "fake_frozen",
  "params": [
    {"name": "base.weight", "shape": [2, 3], "dtype": "f32",
     "trainable": false, "init": "uniform_fan_in", "fan_in": 3, "fan_out": 2},
    {"name": "base.bias", "shape": [2], "dtype": "f32", "trainable": false,
     "init": "zeros"},
    {"name": "head.weight", "shape": [1, 2], "dtype": "f32", "trainable": true,
     "init": "glorot_uniform", "fan_in": 2, "fan_out": 1},
    {"name": "head.bias", "shape": [1], "dtype": "f32", "trainable": true,
     "init": "zeros"}],
  "buffers": [
    {"name": "norm.running_mean", "shape": [2], "dtype": "f32",
     "init": "zeros"},
    {"name": "norm.running_var", "shape": [2], "dtype": "f32", "init": "ones"}],
  "state": [
    {"param": "head.weight", "slot": "momentum_buffer", "shape": [1, 2],
     "dtype": "f32"},
    {"param": "head.bias", "slot": "momentum_buffer", "shape": [1],
     "dtype": "f32"}],
  "inputs": [{"name": "x", "shape": [3], "dtype": "f32"}],
  "targets": [{"name": "y", "shape": [1], "dtype": "f32"}],
  "outputs": [{"name": "prediction", "shape": [1], "dtype": "f32",
               "kind": "values"}],
  "entry_points": [
    {"name": "train_step", "mode": "train", "batch": 4, "workspace_bytes": 64},
    {"name": "eval_step", "mode": "eval", "batch": 3, "workspace_bytes": 0},
    {"name": "eval_step_1", "mode": "eval", "batch": 1, "workspace_bytes": 0},
    {"name": "forward", "mode": "eval", "batch": 5, "workspace_bytes": 0},
    {"name": "forward_1", "mode": "eval", "batch": 1, "workspace_bytes": 0}],
  "batch_size": 4, "loss": "mse",
  "optimizer": {"type": "momentum", "lr": 0.05, "momentum": 0.9},
  "layers": [
    {"name": "base", "type": "dense", "output_shape": [2], "params": 8,
     "trainable": false},
    {"name": "norm", "type": "batch_norm", "output_shape": [2], "params": 0},
    {"name": "head", "type": "dense", "output_shape": [1], "params": 3}],
  "training": {"epochs": 5, "metrics": [], "seed": 2}
})";

/// Normalized hidden features z [batch, 2]; in training mode from the
/// batch's statistics, which also update the running ones.
void frozenFeatures(const kiln_bindings *b, const float *x, int batch,
                    bool train, float *z) {
  float *const *p = b->params;
  for (int s = 0; s < batch; ++s)
    for (int h = 0; h < frzHidden; ++h) {
      float v = p[1][h];
      for (int i = 0; i < frzIn; ++i)
        v += p[0][h * frzIn + i] * x[s * frzIn + i];
      z[s * frzHidden + h] = v;
    }
  float *runningMean = b->buffers[0], *runningVar = b->buffers[1];
  for (int h = 0; h < frzHidden; ++h) {
    float mean = runningMean[h], var = runningVar[h];
    if (train) {
      mean = var = 0;
      for (int s = 0; s < batch; ++s)
        mean += z[s * frzHidden + h] / float(batch);
      for (int s = 0; s < batch; ++s) {
        float d = z[s * frzHidden + h] - mean;
        var += d * d / float(batch);
      }
      runningMean[h] = 0.9f * runningMean[h] + 0.1f * mean;
      runningVar[h] = 0.9f * runningVar[h] + 0.1f * var;
    }
    for (int s = 0; s < batch; ++s)
      z[s * frzHidden + h] =
          (z[s * frzHidden + h] - mean) / std::sqrt(var + frzEps);
  }
}

float frozenPredict(const kiln_bindings *b, const kiln_call *c, int batch,
                    bool train, bool withLoss, float *z) {
  frozenFeatures(b, static_cast<const float *>(c->inputs[0]), batch, train, z);
  float *out = static_cast<float *>(c->outputs[0]);
  float loss = 0;
  for (int s = 0; s < batch; ++s) {
    out[s] = b->params[3][0] + b->params[2][0] * z[s * frzHidden] +
             b->params[2][1] * z[s * frzHidden + 1];
    if (withLoss) {
      float e = out[s] - static_cast<const float *>(c->targets[0])[s];
      loss += e * e;
    }
  }
  return loss / float(batch);
}

float frozenTrainStep(const kiln_bindings *b, const kiln_call *c) {
  ++fakeCalls.trainStep;
  float *z = checkedWorkspace(b, frzTrain * frzHidden);
  float loss = frozenPredict(b, c, frzTrain, true, true, z);
  const float *y = static_cast<const float *>(c->targets[0]);
  const float *out = static_cast<const float *>(c->outputs[0]);
  // Only the head has gradients: base is frozen, norm has no parameters.
  float grad[3] = {};
  for (int s = 0; s < frzTrain; ++s) {
    float e = 2.0f * (out[s] - y[s]) / frzTrain;
    grad[0] += e * z[s * frzHidden];
    grad[1] += e * z[s * frzHidden + 1];
    grad[2] += e;
  }
  float *params[3] = {&b->params[2][0], &b->params[2][1], &b->params[3][0]};
  float *state[3] = {&b->state[0][0], &b->state[0][1], &b->state[1][0]};
  for (int i = 0; i < 3; ++i) {
    *state[i] = 0.9f * *state[i] + grad[i];
    *params[i] -= c->lr * *state[i];
  }
  return loss;
}

float frozenEvalStep(const kiln_bindings *b, const kiln_call *c) {
  ++fakeCalls.evalStep;
  float z[frzMaxBatch * frzHidden];
  return frozenPredict(b, c, frzEval, false, true, z);
}

float frozenEvalStep1(const kiln_bindings *b, const kiln_call *c) {
  ++fakeCalls.evalStep1;
  float z[frzHidden];
  return frozenPredict(b, c, 1, false, true, z);
}

float frozenForward(const kiln_bindings *b, const kiln_call *c) {
  ++fakeCalls.forward;
  float z[frzMaxBatch * frzHidden];
  frozenPredict(b, c, frzForward, false, false, z);
  return 0;
}

float frozenForward1(const kiln_bindings *b, const kiln_call *c) {
  ++fakeCalls.forward1;
  float z[frzHidden];
  frozenPredict(b, c, 1, false, false, z);
  return 0;
}

//===----------------------------------------------------------------------===//
// Tracked: the frozen fake plus batch norm's third buffer, PyTorch's
// num_batches_tracked (i64 [], zeros), which its train_step counts up.
//===----------------------------------------------------------------------===//

const char *trackedManifestText() {
  static const std::string text = [] {
    nlohmann::ordered_json manifest =
        nlohmann::ordered_json::parse(frozenManifestText);
    manifest["name"] = "fake_tracked";
    manifest["buffers"].push_back({{"name", "norm.num_batches_tracked"},
                                   {"shape", nlohmann::ordered_json::array()},
                                   {"dtype", "i64"},
                                   {"init", "zeros"}});
    return manifest.dump();
  }();
  return text.c_str();
}

float trackedTrainStep(const kiln_bindings *b, const kiln_call *c) {
  // Generated code reads the slot as int64_t *, so it must be aligned.
  if (reinterpret_cast<uintptr_t>(b->buffers[2]) % alignof(int64_t) != 0) {
    std::fprintf(stderr, "fake model: i64 buffer %p is misaligned\n",
                 static_cast<void *>(b->buffers[2]));
    std::abort();
  }
  float loss = frozenTrainStep(b, c);
  int64_t count;
  std::memcpy(&count, b->buffers[2], sizeof(count));
  ++count;
  std::memcpy(b->buffers[2], &count, sizeof(count));
  return loss;
}

//===----------------------------------------------------------------------===//
// Prepared: the classifier whose eval-mode entry points read its weight
// transposed, from a derived tensor prepare writes (as kiln-prepare-params
// compiles a dense layer).
//===----------------------------------------------------------------------===//

const char *preparedManifestText() {
  static const std::string text = [] {
    nlohmann::ordered_json manifest =
        nlohmann::ordered_json::parse(classifierManifestText);
    manifest["name"] = "fake_prepared";
    manifest["abi_version"] = 3;
    manifest["derived"] = {{{"name", "derived.0"}, {"shape", {clsIn, clsClasses}}, {"dtype", "f32"}}};
    manifest["entry_points"].push_back(
        {{"name", "prepare"}, {"mode", "eval"}, {"batch", 1}, {"workspace_bytes", 0}});
    return manifest.dump();
  }();
  return text.c_str();
}

float preparedPrepare(const kiln_bindings *b, const kiln_call *) {
  ++fakeCalls.prepare;
  for (int k = 0; k < clsClasses; ++k)
    for (int i = 0; i < clsIn; ++i)
      b->derived[0][i * clsClasses + k] = b->params[0][k * clsIn + i];
  return 0;
}

/// The classifier's eval-mode `entry` on the weight prepare last wrote.
template <float (*entry)(const kiln_bindings *, const kiln_call *)>
float fromDerived(const kiln_bindings *b, const kiln_call *c) {
  float w[clsClasses * clsIn];
  for (int k = 0; k < clsClasses; ++k)
    for (int i = 0; i < clsIn; ++i)
      w[k * clsIn + i] = b->derived[0][i * clsClasses + k];
  float *params[2] = {w, b->params[1]};
  kiln_bindings prepared = *b;
  prepared.params = params;
  return entry(&prepared, c);
}

} // namespace

const kiln_model_api preparedApi = {preparedManifestText,
                                    classifierTrainStep,
                                    fromDerived<classifierEvalStep>,
                                    fromDerived<classifierEvalStep1>,
                                    fromDerived<classifierForward>,
                                    fromDerived<classifierForward1>,
                                    classifierCheckStep,
                                    preparedPrepare};
const kiln_model_api classifierApi = {[] { return classifierManifestText; },
                                      classifierTrainStep,
                                      classifierEvalStep,
                                      classifierEvalStep1,
                                      classifierForward,
                                      classifierForward1,
                                      classifierCheckStep};
const kiln_model_api regressorApi = {[] { return regressorManifestText; },
                                     regressorTrainStep,
                                     regressorEvalStep,
                                     regressorEvalStep1,
                                     regressorForward,
                                     regressorForward1};
const kiln_model_api inferenceApi = {[] { return inferenceManifestText; },
                                     nullptr,
                                     nullptr,
                                     nullptr,
                                     classifierForward,
                                     classifierForward1};
const kiln_model_api frozenApi = {[] { return frozenManifestText; },
                                  frozenTrainStep,
                                  frozenEvalStep,
                                  frozenEvalStep1,
                                  frozenForward,
                                  frozenForward1};
const kiln_model_api trackedApi = {trackedManifestText, trackedTrainStep,
                                   frozenEvalStep,      frozenEvalStep1,
                                   frozenForward,       frozenForward1};

const char *classifierManifest() { return classifierManifestText; }

} // namespace kiln::test
