//===- test_support.h - Fake models and file helpers for runtime tests ----===//
//
// The fake models (fake_models.cpp) are hand-written C++ with the generated
// code's ABI (version 2; prepared: 3), all five entry points unless said
// otherwise:
//  - classifier: softmax regression, 4 inputs -> 3 classes, batch 8,
//    momentum (one state slot per param), so checkpoints carry state;
//  - regressor: linear 3 -> 2 with MSE, batch 4, plain SGD (no state);
//  - inference: the classifier compiled for inference only (forward and
//    forward_1, no loss, optimizer or state);
//  - frozen: frozen linear 3 -> 2, a batch norm with running statistics
//    (buffers), trainable linear 2 -> 1, MSE, momentum on the head only;
//    batches: train_step 4, eval_step 3, forward 5;
//  - tracked: the frozen fake with batch norm's num_batches_tracked, an
//    i64 [] buffer (the third) that train_step increments;
//  - prepared: the classifier whose eval_step and forward read the weight
//    transposed from a derived tensor that its prepare writes.
// Their entry points count their calls in fakeCalls and allocate nothing.
//
#ifndef KILN_TEST_SUPPORT_H
#define KILN_TEST_SUPPORT_H

#include "kiln/abi.h"
#include "kiln/model.h"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace kiln::test {

extern const kiln_model_api classifierApi;
extern const kiln_model_api regressorApi;
extern const kiln_model_api inferenceApi;
extern const kiln_model_api frozenApi;
extern const kiln_model_api trackedApi;
extern const kiln_model_api preparedApi;
const char *classifierManifest();

/// Calls of each entry point of every fake, since the last reset.
struct FakeCalls {
  int trainStep = 0, evalStep = 0, evalStep1 = 0, forward = 0, forward1 = 0,
      checkStep = 0, prepare = 0;
};
extern FakeCalls fakeCalls;
/// When non-zero, the classifier's train_step throws at this step (a crash
/// in the middle of training).
extern int64_t fakeCrashAtStep;

/// Every param, buffer and state tensor of `model` by checkpoint name, as
/// raw bytes, for bit-exact comparisons.
std::map<std::string, std::string> tensorBytes(const Model &model);

/// A fresh directory under $TMPDIR, removed with its contents on
/// destruction.
class TempDir {
public:
  TempDir();
  ~TempDir();
  std::string path(const std::string &name) const { return dir + "/" + name; }
  const std::string &getPath() const { return dir; }

private:
  std::string dir;
};

void writeFile(const std::string &path, const std::string &bytes);
std::string readText(const std::string &path);
bool fileExists(const std::string &path);
/// Names in `dir`, to check that no temporary file was left behind.
std::vector<std::string> listDir(const std::string &dir);

std::string gzip(const std::string &bytes);
/// An NPY version 1.0 file: `descr` ('<f4', '|u1'), shape text "(2, 4)".
std::string npy(const std::string &descr, const std::string &shape,
                const std::string &data);
template <typename T, typename A> std::string bytesOf(const std::vector<T, A> &values) {
  return std::string(reinterpret_cast<const char *>(values.data()),
                     values.size() * sizeof(T));
}
/// Element `i` of an i64 tensor stored as words (two per element), as
/// Model's buffers and safetensors' Tensor::data hold it.
int64_t getI64(const float *words, size_t size, size_t i);
void setI64(float *words, size_t size, int64_t value, size_t i);
template <typename A> int64_t getI64(const std::vector<float, A> &words, size_t i = 0) {
  return getI64(words.data(), words.size(), i);
}
template <typename A> void setI64(std::vector<float, A> &words, int64_t value, size_t i = 0) {
  setI64(words.data(), words.size(), value, i);
}

/// CSV rows "x0,x1,x2,x3,label" of three separable Gaussian-ish clusters.
std::string classifierCsv(int numRows, uint64_t seed, bool header);
/// CSV rows "x0,x1,x2,y0,y1" of a noiseless linear map.
std::string regressorCsv(int numRows, uint64_t seed);
/// CSV rows "x0,x1,x2,y" for the frozen fake.
std::string frozenCsv(int numRows, uint64_t seed);

/// A minimal trainable classifier manifest: one param, the five entry
/// points at `batch`; `inputShape` is JSON ("[1, 28, 28]").
std::string classifierManifestFor(const std::string &inputShape, int numClasses,
                                  int batch);

/// The kiln::Error message `action` throws, "" when it succeeds.
std::string errorOf(const std::function<void()> &action);

struct CliResult {
  int status;
  std::string out;
  std::string err;
};
CliResult runCli(const kiln_model_api &api,
                 const std::vector<std::string> &args);

} // namespace kiln::test

#endif // KILN_TEST_SUPPORT_H
