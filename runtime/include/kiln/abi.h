//===- abi.h - The boundary between Kiln-generated code and the runtime ---===//
//
// Generated code exports three plain C functions per model, prefixed with the
// model's symbol name (`kiln_model` for executables, the output name for
// `--emit=obj`). No MLIR types cross this boundary.
//
// Tensors are dense, row-major, float32. Parameters use PyTorch's layouts
// (a dense layer's weight is [out, in]). Every function works on a fixed
// batch of `batch_size` samples (see the manifest); the runtime pads.
//
#ifndef KILN_ABI_H
#define KILN_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KILN_ABI_VERSION 1

/// JSON text describing the model: parameters (name, shape, initializer),
/// input/output shapes, loss, optimizer and its state slots, training
/// defaults and layers. Schema: docs/abi.md.
typedef const char *(*kiln_manifest_fn)(void);

/// One optimizer step on one batch, in place. `params[i]` points at parameter
/// i; `state[i * num_slots + s]` at slot s of parameter i (same shape).
/// `x` is [batch, input...]. `y` is int32 class indices [batch] for
/// classification losses, float32 targets [batch, output...] otherwise.
/// `step` counts optimizer steps from 1 (Adam's bias correction).
/// Writes the batch's predictions before the update to `out` (as forward
/// would; training metrics come free) and returns the loss of the batch
/// (mean over samples, before the update).
typedef float (*kiln_train_step_fn)(float *const *params, float *const *state,
                                    const float *x, const void *y, float lr,
                                    int64_t step, float *out);

/// Inference on one batch: writes [batch, output...] to `out`
/// (class probabilities when the loss is softmax cross-entropy).
typedef void (*kiln_forward_fn)(float *const *params, const float *x,
                                float *out);

typedef struct kiln_model_api {
  kiln_manifest_fn manifest;
  kiln_train_step_fn train_step;
  kiln_forward_fn forward;
} kiln_model_api;

#ifdef __cplusplus
}
#endif

#endif // KILN_ABI_H
