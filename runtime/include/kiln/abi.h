//===- abi.h - The boundary between Kiln-generated code and the runtime ---===//
//
// ABI version 3. Generated code exports `const kiln_model_api *<sym>_abi(void)`
// (`<sym>` is `kiln_model` in executables, the output name for `--emit=obj`),
// plus `<sym>_manifest` and one `<sym>_<entry>` function per entry point.
// No MLIR types cross this boundary; everything is plain C.
//
// Tensors are dense and row-major. Parameters use PyTorch's layouts (a dense
// layer's weight is [out, in]). Tables are indexed in manifest order
// (docs/abi.md): `params[i]` is manifest.params[i], `state[j]` is
// manifest.state[j], `inputs[k]` is manifest.inputs[k], and so on. Each entry
// point works on the batch the manifest gives it (`entry_points[].batch`).
//
#ifndef KILN_ABI_H
#define KILN_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KILN_ABI_VERSION 3
/// Version 3 is version 2 plus kiln_bindings.derived and
/// kiln_model_api.prepare: a model compiled for it may read derived tensors
/// that only prepare writes. The runtime still runs version-2 code, which
/// lists neither and ignores the new fields.
#define KILN_ABI_OLDEST_VERSION 2

/// Runtime services generated code may call. Every callback may be NULL.
typedef struct kiln_context {
  void *self; /* passed back to every callback */
  /// Runs body(arg, begin, end) over a partition of [0, n), possibly in
  /// parallel; returns when all of it is done. NULL: generated code runs
  /// the range itself, serially.
  void (*parallel_for)(void *self, int64_t n,
                       void (*body)(void *arg, int64_t begin, int64_t end),
                       void *arg);
  /// Replaces each of `count` floats by its mean over the processes of a
  /// data-parallel run; every process must get the same values. A
  /// train_step compiled with `kilnc --mpi` (manifest: "allreduce": true)
  /// calls it once per step, on its loss and gradients packed in one
  /// buffer, before the update. NULL: one process.
  void (*allreduce)(void *self, float *data, int64_t count);
} kiln_context;

/// What the model owns and keeps between calls, grouped by role.
typedef struct kiln_bindings {
  float *const *params;   /* manifest.params, trainable or not */
  float *const *buffers;  /* manifest.buffers (e.g. running statistics); an
                             i64 buffer's entry points at int64_t storage */
  float *const *state;    /* manifest.state: optimizer slots */
  void *workspace;        /* >= max entry_points[].workspace_bytes, 64-byte aligned */
  const kiln_context *context; /* may be NULL */
  float *const *derived;  /* manifest.derived: values computed from params
                             and buffers alone (a weight packed for the
                             matmul kernels), written by prepare, read by
                             forward and eval_step (version 3) */
} kiln_bindings;

/// One call's data and scalars.
typedef struct kiln_call {
  const void *const *inputs;  /* manifest.inputs, [batch, shape...] each */
  const void *const *targets; /* manifest.targets (train_step, eval_step,
                                 check_step) */
  void *const *outputs;       /* manifest.outputs, [batch, shape...] each;
                                 check_step: float[checks] */
  float lr;                   /* train_step */
  int64_t step;               /* train_step, check_step: optimizer steps, from 1 */
  uint64_t seed;              /* train_step, check_step: randomness (dropout) */
} kiln_call;

/// An entry point. train_step updates params, buffers and state in place and
/// writes the batch's predictions (before the update) to outputs; eval_step
/// writes predictions in eval mode and changes nothing; forward writes
/// predictions only. check_step runs train_step's forward and backward
/// passes without the update and writes, for each of the manifest's
/// `checks`, how many elements of that value are NaN or inf (a float each)
/// to outputs[0]; prepare writes the derived tensors and reads no call
/// data. Returns the batch's mean loss (0 for forward and prepare).
/// Generated code allocates nothing: every temporary lives in `workspace`.
typedef float (*kiln_entry_fn)(const kiln_bindings *bindings,
                               const kiln_call *call);

/// JSON text describing the model (schema: docs/abi.md).
typedef const char *(*kiln_manifest_fn)(void);

/// The model's entry points; those the manifest does not list are NULL
/// (an inference-only model has only forward and forward_1).
typedef struct kiln_model_api {
  kiln_manifest_fn manifest;
  kiln_entry_fn train_step;  /* training mode, compiled batch */
  kiln_entry_fn eval_step;   /* eval mode, compiled batch */
  kiln_entry_fn eval_step_1; /* eval mode, batch 1 */
  kiln_entry_fn forward;     /* eval mode, compiled batch */
  kiln_entry_fn forward_1;   /* eval mode, batch 1 */
  kiln_entry_fn check_step;  /* training mode, compiled batch: no update;
                                outputs[0] gets the manifest's checks. Added
                                to version 2 as an optional last field: read
                                it only when the manifest lists check_step */
  kiln_entry_fn prepare;     /* computes manifest.derived from params and
                                buffers; must run after they change, before
                                forward or eval_step (version 3: read it only
                                when the manifest lists prepare) */
} kiln_model_api;

#ifdef __cplusplus
}
#endif

#endif // KILN_ABI_H
