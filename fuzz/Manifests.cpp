//===- Manifests.cpp - Small models the fuzzed readers must fit -----------===//
#include "Manifests.h"

#include <string>

namespace kiln::fuzz {
namespace {

/// A trainable model's manifest named `name` (ABI version 3; nothing
/// derived, so no prepare), with every entry point at batch 2 (and 1):
/// `state` holds its params, buffers, optimizer state and optimizer; `io`
/// its inputs, targets, outputs, loss and num_classes.
std::string manifestText(const std::string &name, const std::string &state,
                         const std::string &io) {
  return R"({"abi_version": 3, "name": ")" + name + R"(", "batch_size": 2,
    "entry_points": [
      {"name": "train_step", "mode": "train", "batch": 2, "workspace_bytes": 0},
      {"name": "eval_step", "mode": "eval", "batch": 2, "workspace_bytes": 0},
      {"name": "eval_step_1", "mode": "eval", "batch": 1, "workspace_bytes": 0},
      {"name": "forward", "mode": "eval", "batch": 2, "workspace_bytes": 0},
      {"name": "forward_1", "mode": "eval", "batch": 1, "workspace_bytes": 0}],
    "layers": [], "training": {"epochs": 1}, )" +
         state + ", " + io + "}";
}

/// One parameter, plain SGD: the data readers' models.
const char *oneParam =
    R"("params": [{"name": "w", "shape": [1], "dtype": "f32", "trainable": true, "init": "zeros"}],
    "buffers": [], "state": [], "optimizer": {"type": "sgd", "lr": 0.1})";

const char *classifierIo =
    R"("inputs": [{"name": "x", "shape": [4], "dtype": "f32"}],
    "targets": [{"name": "y", "shape": [], "dtype": "i32"}],
    "outputs": [{"name": "p", "shape": [3], "dtype": "f32", "kind": "probabilities"}],
    "loss": "softmax_cross_entropy", "num_classes": 3)";
const char *regressorIo =
    R"("inputs": [{"name": "x", "shape": [3], "dtype": "f32"}],
    "targets": [{"name": "y", "shape": [2], "dtype": "f32"}],
    "outputs": [{"name": "p", "shape": [2], "dtype": "f32", "kind": "values"}],
    "loss": "mse")";
const char *idsIo =
    R"("inputs": [{"name": "x", "shape": [5], "dtype": "i32", "vocab_size": 11}],
    "targets": [{"name": "y", "shape": [], "dtype": "i32"}],
    "outputs": [{"name": "p", "shape": [3], "dtype": "f32", "kind": "probabilities"}],
    "loss": "softmax_cross_entropy", "num_classes": 3)";
const char *positionsIo =
    R"("inputs": [{"name": "x", "shape": [6], "dtype": "i32", "vocab_size": 11}],
    "targets": [{"name": "y", "shape": [6], "dtype": "i32"}],
    "outputs": [{"name": "p", "shape": [6, 4], "dtype": "f32", "kind": "probabilities"}],
    "loss": "softmax_cross_entropy", "num_classes": 4)";
const char *nextByteIo =
    R"("inputs": [{"name": "x", "shape": [8], "dtype": "i32", "vocab_size": 256}],
    "targets": [{"name": "y", "shape": [8], "dtype": "i32"}],
    "outputs": [{"name": "p", "shape": [8, 256], "dtype": "f32", "kind": "probabilities"}],
    "loss": "softmax_cross_entropy", "num_classes": 256)";

/// Params, an i64 and an f32 buffer, momentum state: the checkpoint model's.
const char *checkpointState =
    R"("params": [
      {"name": "dense.weight", "shape": [3, 4], "dtype": "f32", "trainable": true,
       "init": "glorot_uniform", "fan_in": 4, "fan_out": 3},
      {"name": "dense.bias", "shape": [3], "dtype": "f32", "trainable": true, "init": "zeros"}],
    "buffers": [{"name": "bn.num_batches_tracked", "shape": [], "dtype": "i64", "init": "zeros"},
                {"name": "bn.running_var", "shape": [3], "dtype": "f32", "init": "ones"}],
    "state": [
      {"param": "dense.weight", "slot": "momentum_buffer", "shape": [3, 4], "dtype": "f32"},
      {"param": "dense.bias", "slot": "momentum_buffer", "shape": [3], "dtype": "f32"}],
    "optimizer": {"type": "momentum", "lr": 0.1, "momentum": 0.9})";

float doNothing(const kiln_bindings *, const kiln_call *) { return 0; }

} // namespace

const Manifest &manifestFor(uint8_t selector) {
  static const Manifest manifests[] = {
      parseManifest(manifestText("fuzz", oneParam, classifierIo)),
      parseManifest(manifestText("fuzz", oneParam, regressorIo)),
      parseManifest(manifestText("fuzz", oneParam, idsIo)),
      parseManifest(manifestText("fuzz", oneParam, positionsIo))};
  return manifests[selector % 4];
}

const Manifest &nextByteManifest() {
  static const Manifest manifest = parseManifest(manifestText("fuzz", oneParam, nextByteIo));
  return manifest;
}

const kiln_model_api &checkpointModelApi() {
  // The api hands out the text for as long as the process runs.
  static const std::string text = manifestText("fuzz_checkpoint", checkpointState, classifierIo);
  static const kiln_model_api api = {[] { return text.c_str(); }, doNothing, doNothing,
                                     doNothing, doNothing, doNothing};
  return api;
}

} // namespace kiln::fuzz
