//===- test_support.cpp - Fake models and file helpers for runtime tests --===//
#include "test_support.h"

#include "kiln/cli.h"
#include "kiln/error.h"
#include "kiln/rng.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace kiln::test {
namespace {

constexpr int classifierBatch = 8, classifierIn = 4, classifierClasses = 3;

const char *classifierManifestText = R"({
  "abi_version": 1, "name": "fake_classifier", "batch_size": 8,
  "input_shape": [4], "output_shape": [3],
  "loss": "softmax_cross_entropy", "output": "probabilities",
  "num_classes": 3,
  "optimizer": {"type": "momentum", "lr": 0.1, "momentum": 0.9},
  "state_slots": ["momentum_buffer"],
  "params": [
    {"name": "dense.weight", "shape": [3, 4], "init": "glorot_uniform",
     "fan_in": 4, "fan_out": 3},
    {"name": "dense.bias", "shape": [3], "init": "zeros",
     "fan_in": 4, "fan_out": 3}],
  "layers": [{"name": "dense", "type": "dense", "output_shape": [3],
              "activation": "softmax", "params": 15}],
  "training": {"epochs": 3, "batch_size": 8, "metrics": ["accuracy"],
               "validation_split": 0.0, "shuffle": true, "seed": 0}
})";

void classifierProbs(float *const *params, const float *x, float *probs) {
  const float *w = params[0], *b = params[1];
  float logits[classifierClasses];
  float top = -INFINITY, sum = 0;
  for (int c = 0; c < classifierClasses; ++c) {
    logits[c] = b[c];
    for (int i = 0; i < classifierIn; ++i)
      logits[c] += w[c * classifierIn + i] * x[i];
    top = std::max(top, logits[c]);
  }
  for (int c = 0; c < classifierClasses; ++c)
    sum += probs[c] = std::exp(logits[c] - top);
  for (int c = 0; c < classifierClasses; ++c)
    probs[c] /= sum;
}

void classifierForward(float *const *params, const float *x, float *out) {
  for (int s = 0; s < classifierBatch; ++s)
    classifierProbs(params, x + s * classifierIn, out + s * classifierClasses);
}

float classifierTrainStep(float *const *params, float *const *state,
                          const float *x, const void *y, float lr, int64_t,
                          float *out) {
  classifierForward(params, x, out);
  const int32_t *labels = static_cast<const int32_t *>(y);
  float grad[classifierClasses * (classifierIn + 1)] = {};
  float loss = 0;
  for (int s = 0; s < classifierBatch; ++s) {
    float p[classifierClasses];
    const float *xs = x + s * classifierIn;
    classifierProbs(params, xs, p);
    loss -= std::log(p[labels[s]]);
    for (int c = 0; c < classifierClasses; ++c) {
      float g = (p[c] - (c == labels[s])) / classifierBatch;
      for (int i = 0; i < classifierIn; ++i)
        grad[c * classifierIn + i] += g * xs[i];
      grad[classifierClasses * classifierIn + c] += g;
    }
  }
  float *gradOf[2] = {grad, grad + classifierClasses * classifierIn};
  int sizes[2] = {classifierClasses * classifierIn, classifierClasses};
  for (int p = 0; p < 2; ++p)
    for (int i = 0; i < sizes[p]; ++i) {
      state[p][i] = 0.9f * state[p][i] + gradOf[p][i];
      params[p][i] -= lr * state[p][i];
    }
  return loss / classifierBatch;
}

constexpr int regressorBatch = 4, regressorIn = 3, regressorOut = 2;

const char *regressorManifestText = R"({
  "abi_version": 1, "name": "fake_regressor", "batch_size": 4,
  "input_shape": [3], "output_shape": [2], "loss": "mse", "output": "values",
  "optimizer": {"type": "sgd", "lr": 0.05}, "state_slots": [],
  "params": [
    {"name": "linear.weight", "shape": [2, 3], "init": "uniform_fan_in",
     "fan_in": 3, "fan_out": 2},
    {"name": "linear.bias", "shape": [2], "init": "zeros", "fan_in": 3,
     "fan_out": 2}],
  "layers": [{"name": "linear", "type": "dense", "output_shape": [2],
              "params": 8}],
  "training": {"epochs": 20, "metrics": [], "seed": 1}
})";

void regressorForward(float *const *params, const float *x, float *out) {
  for (int s = 0; s < regressorBatch; ++s)
    for (int o = 0; o < regressorOut; ++o) {
      float v = params[1][o];
      for (int i = 0; i < regressorIn; ++i)
        v += params[0][o * regressorIn + i] * x[s * regressorIn + i];
      out[s * regressorOut + o] = v;
    }
}

float regressorTrainStep(float *const *params, float *const *, const float *x,
                         const void *y, float lr, int64_t, float *out) {
  const float *targets = static_cast<const float *>(y);
  regressorForward(params, x, out);
  float loss = 0;
  float gw[regressorOut * regressorIn] = {}, gb[regressorOut] = {};
  const float scale = 2.0f / (regressorBatch * regressorOut);
  for (int s = 0; s < regressorBatch; ++s)
    for (int o = 0; o < regressorOut; ++o) {
      float e = out[s * regressorOut + o] - targets[s * regressorOut + o];
      loss += e * e;
      for (int i = 0; i < regressorIn; ++i)
        gw[o * regressorIn + i] += scale * e * x[s * regressorIn + i];
      gb[o] += scale * e;
    }
  for (int i = 0; i < regressorOut * regressorIn; ++i)
    params[0][i] -= lr * gw[i];
  for (int o = 0; o < regressorOut; ++o)
    params[1][o] -= lr * gb[o];
  return loss / (regressorBatch * regressorOut);
}

} // namespace

const kiln_model_api classifierApi = {[] { return classifierManifestText; },
                                      classifierTrainStep, classifierForward};
const kiln_model_api regressorApi = {[] { return regressorManifestText; },
                                     regressorTrainStep, regressorForward};

const char *classifierManifest() { return classifierManifestText; }

TempDir::TempDir() {
  const char *base = std::getenv("TMPDIR");
  std::string pattern = std::string(base ? base : "/tmp") + "/kiln-test-XXXXXX";
  if (!mkdtemp(pattern.data()))
    throw std::runtime_error("mkdtemp failed");
  dir = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

void writeFile(const std::string &path, const std::string &bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string readText(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool fileExists(const std::string &path) {
  return std::filesystem::exists(path);
}

std::vector<std::string> listDir(const std::string &dir) {
  std::vector<std::string> names;
  for (const auto &entry : std::filesystem::directory_iterator(dir))
    names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string gzip(const std::string &bytes) {
  z_stream stream{};
  deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
               Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&stream, bytes.size()) + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(bytes.data()));
  stream.avail_in = bytes.size();
  stream.next_out = reinterpret_cast<Bytef *>(out.data());
  stream.avail_out = out.size();
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

std::string npy(const std::string &descr, const std::string &shape,
                const std::string &data) {
  std::string header = "{'descr': '" + descr +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
  header.append(63 - (10 + header.size()) % 64, ' ');
  header += '\n';
  std::string file = "\x93NUMPY\x01";
  file += '\0';
  file += char(header.size() & 0xff);
  file += char(header.size() >> 8);
  return file + header + data;
}

std::string classifierCsv(int numRows, uint64_t seed, bool header) {
  Rng rng(seed);
  std::string text = header ? "x0,x1,x2,x3,label\n" : "";
  for (int row = 0; row < numRows; ++row) {
    int label = int(rng.below(3));
    for (int i = 0; i < 4; ++i)
      text +=
          std::to_string((i == label ? 2.0 : 0.0) + rng.uniform() - 0.5) + ",";
    text += std::to_string(label) + "\n";
  }
  return text;
}

std::string regressorCsv(int numRows, uint64_t seed) {
  Rng rng(seed);
  std::string text;
  for (int row = 0; row < numRows; ++row) {
    double x[3];
    for (double &v : x) {
      v = 2 * rng.uniform() - 1;
      text += std::to_string(v) + ",";
    }
    text += std::to_string(0.5 * x[0] - x[1] + 0.25) + "," +
            std::to_string(x[2] + 2 * x[0] - 1) + "\n";
  }
  return text;
}

std::string errorOf(const std::function<void()> &action) {
  try {
    action();
  } catch (const Error &e) {
    return e.what();
  }
  return "";
}

CliResult runCli(const kiln_model_api &api,
                 const std::vector<std::string> &args) {
  std::vector<std::string> storage = {"model"};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char *> argv;
  for (std::string &arg : storage)
    argv.push_back(arg.data());
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  int status = kiln::runCli(api, int(argv.size()), argv.data());
  std::string out = testing::internal::GetCapturedStdout();
  std::string err = testing::internal::GetCapturedStderr();
  return {status, out, err};
}

} // namespace kiln::test
