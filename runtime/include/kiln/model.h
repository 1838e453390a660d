//===- model.h - A compiled model and the state its entry points work on --===//
//
// Model owns everything the generated entry points read and update: params,
// buffers and optimizer state (manifest order), one workspace for their
// temporaries, the pointer tables and the step counter. All of it is
// allocated once, in the constructor, so trainBatch, evalBatch and the
// forward calls allocate nothing. Buffers never reallocate: the tables
// handed to generated code stay valid for the Model's lifetime, moves
// included.
//
// Inputs are passed as `const void *`, laid out as manifest.inputs[0]
// ([batch, shape...] of its dtype); targets as int32 class indices [batch]
// or float [batch, output...]; outputs are float [batch, output...].
//
#ifndef KILN_MODEL_H
#define KILN_MODEL_H

#include "kiln/abi.h"
#include "kiln/aligned.h"
#include "kiln/distributed.h"
#include "kiln/threads.h"
#include "kiln/manifest.h"

#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <memory>
#include <vector>

namespace kiln {

class Model {
public:
  /// Parses and validates the manifest and checks that `api` has exactly
  /// the entry points it lists. Params, buffers and state start at zero.
  explicit Model(const kiln_model_api &api);
  /// The manifest of `api`, parsed and checked, without allocating a model.
  static Manifest readManifest(const kiln_model_api &api);
  Model(const Model &) = delete;
  Model &operator=(const Model &) = delete;
  Model(Model &&) = default;
  Model &operator=(Model &&) = default;

  const Manifest &getManifest() const { return manifest; }

  /// Params from their initializers (one stream per param, derived from
  /// `seed` and its name), buffers from theirs, state zero, step 0; `seed`
  /// also becomes the seed of train_step's randomness.
  void init(uint64_t seed);

  /// train_step on trainBatchSize() samples: one optimizer step; returns
  /// the batch's mean loss. `out` (optional) receives the predictions
  /// before the update. Throws for an inference-only model.
  float trainBatch(const void *x, const void *y, float lr,
                   float *out = nullptr);
  /// eval_step on evalBatchSize() samples: eval-mode predictions and mean
  /// loss, nothing updated. Throws for an inference-only model.
  float evalBatch(const void *x, const void *y, float *out = nullptr);
  /// eval_step_1: one sample.
  float evalSample(const void *x, const void *y, float *out = nullptr);
  /// forward on forwardBatchSize() samples.
  void forwardBatch(const void *x, float *out);
  /// forward_1: one sample.
  void forwardSample(const void *x, float *out);
  /// Any number of samples: full batches through forward, the rest one by
  /// one through forward_1 (a single sample always takes forward_1).
  void predict(const void *x, int64_t numSamples, float *out);

  /// check_step on trainBatchSize() samples, at the step the next
  /// trainBatch takes (the same dropout masks): for each of its manifest
  /// checks, how many elements are NaN or inf. Changes nothing.
  std::vector<float> checkBatch(const void *x, const void *y);

  /// Params, buffers, optimizer state and step, copied out and put back:
  /// a diverged step is replayed from one (Trainer).
  struct Snapshot {
    std::vector<Floats> params, buffers, state;
    int64_t step = 0;
  };
  /// Copies into `snap`, reusing its storage.
  void saveTo(Snapshot &snap) const;
  void restore(const Snapshot &snap);

  /// Throws unless the model has `entry`; for an inference-only model the
  /// message says so and how to recompile.
  void requireEntry(EntryPoint entry) const;

  int64_t trainBatchSize() const {
    return manifest.batchOf(EntryPoint::TrainStep);
  }
  int64_t evalBatchSize() const {
    return manifest.batchOf(EntryPoint::EvalStep);
  }
  int64_t forwardBatchSize() const {
    return manifest.batchOf(EntryPoint::Forward);
  }

  // State by role, indexed like the manifest's lists. Never resize these
  // vectors: generated code holds their addresses. Each holds its tensor's
  // bytes in 4-byte words: one float per element, except that an i64 buffer
  // (manifest.buffers[i].dtype) holds 2 words per element, 8-byte aligned;
  // read and write its values with memcpy to and from int64_t.
  size_t getNumParams() const { return params.size(); }
  // Writable access to a param or buffer counts as a change: the next
  // forward or eval call runs prepare first (see paramsChanged).
  Floats &getParam(size_t i) {
    prepared = false;
    return params[i];
  }
  const Floats &getParam(size_t i) const { return params[i]; }
  size_t getNumBuffers() const { return buffers.size(); }
  Floats &getBuffer(size_t i) {
    prepared = false;
    return buffers[i];
  }
  const Floats &getBuffer(size_t i) const { return buffers[i]; }
  size_t getNumState() const { return state.size(); }
  Floats &getState(size_t j) { return state[j]; }
  const Floats &getState(size_t j) const { return state[j]; }
  /// The param or buffer called `name` (checkpoint names), or null; an i64
  /// buffer's words as above.
  Floats *findTensor(std::string_view name);

  /// Says that params or buffers changed through a reference or pointer
  /// kept from before the last forward or eval call. The model keeps
  /// values computed from them alone (manifest.derived: weights packed for
  /// the matmul kernels), recomputed by the next such call after init,
  /// restore, trainBatch or a writable getParam, getBuffer or findTensor.
  void paramsChanged() { prepared = false; }

  /// The first param, f32 buffer or optimizer state holding a NaN or an
  /// inf, as "<checkpoint name> element <i> is <value>"; empty when all are
  /// finite (a diverged run: nothing from it may be saved).
  std::string firstNonFinite() const;

  /// Makes train_step average its loss and gradients over `group` (null:
  /// this process alone). Throws unless the model was compiled for it.
  void joinGroup(ProcessGroup *group);
  /// Lets the entry points share their kernels' loops out to `pool`'s
  /// threads (null: the calling thread alone), and the trainer its batch
  /// gathering. The results are the same bits for any number of threads.
  /// The pool must outlive the calls, and serves one call at a time.
  void useThreads(ThreadPool *pool);
  /// The pool given to useThreads (null: none).
  ThreadPool *getThreads() const { return services->pool; }

  /// What the context's callbacks reach through its `self`.
  struct Services {
    ProcessGroup *group = nullptr;
    ThreadPool *pool = nullptr;
  };

  /// Optimizer steps taken so far (the next trainBatch passes step + 1).
  int64_t getStep() const { return step; }
  void setStep(int64_t value) { step = value; }
  /// The seed train_step's randomness (dropout) derives from.
  uint64_t getSeed() const { return seed; }
  void setSeed(uint64_t value) { seed = value; }

  /// What the training data was (a time series' mean and std, text classes'
  /// names as a JSON array), kept with the weights: checkpoints store it as
  /// metadata `data.<key>`, and the CLI's predict applies it (Model::predict
  /// does not).
  std::map<std::string, std::string> dataScale;

private:
  struct FreeDeleter {
    void operator()(void *p) const { std::free(p); }
  };

  float call(EntryPoint entry, const void *x, const void *y, float *out,
             float lr);

  Manifest manifest;
  kiln_entry_fn entries[numEntries] = {};
  std::vector<Floats> params, buffers, state, derived;
  std::vector<float *> paramPtrs, bufferPtrs, statePtrs, derivedPtrs;
  bool prepared = false; // derived holds prepare's values of the params
  std::unique_ptr<void, FreeDeleter> workspace;
  void updateContext();
  // On the heap so that bindings.context may point at them across moves;
  // null in bindings unless the model has a group or a pool.
  std::unique_ptr<kiln_context> context;
  std::unique_ptr<Services> services;
  kiln_bindings bindings = {};
  std::vector<float> scratchOut; // predictions nobody asked for
  int64_t step = 0;
  uint64_t seed = 0;
};

} // namespace kiln

#endif // KILN_MODEL_H
