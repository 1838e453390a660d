//===- test_support.h - Fake models and file helpers for runtime tests ----===//
//
// The fake models are hand-written C++ with the generated code's ABI:
//  - classifier: softmax regression, 4 inputs -> 3 classes, batch 8,
//    momentum SGD (one state slot), so checkpoints carry optimizer state;
//  - regressor: linear 3 -> 2 with MSE, batch 4, plain SGD (no state).
//
#ifndef KILN_TEST_SUPPORT_H
#define KILN_TEST_SUPPORT_H

#include "kiln/abi.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace kiln::test {

extern const kiln_model_api classifierApi;
extern const kiln_model_api regressorApi;
const char *classifierManifest();

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
template <typename T> std::string bytesOf(const std::vector<T> &values) {
  return std::string(reinterpret_cast<const char *>(values.data()),
                     values.size() * sizeof(T));
}

/// CSV rows "x0,x1,x2,x3,label" of three separable Gaussian-ish clusters.
std::string classifierCsv(int numRows, uint64_t seed, bool header);
/// CSV rows "x0,x1,x2,y0,y1" of a noiseless linear map.
std::string regressorCsv(int numRows, uint64_t seed);

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
