//===- test_support.cpp - Files, data and CLI helpers for runtime tests ---===//
#include "test_support.h"

#include "kiln/cli.h"
#include "kiln/error.h"
#include "kiln/rng.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace kiln::test {

std::map<std::string, std::string> tensorBytes(const Model &model) {
  const Manifest &manifest = model.getManifest();
  std::map<std::string, std::string> tensors;
  for (size_t i = 0; i < model.getNumParams(); ++i)
    tensors[manifest.params[i].name] = bytesOf(model.getParam(i));
  for (size_t i = 0; i < model.getNumBuffers(); ++i)
    tensors[manifest.buffers[i].name] = bytesOf(model.getBuffer(i));
  for (size_t j = 0; j < model.getNumState(); ++j)
    tensors[manifest.state[j].checkpointName()] = bytesOf(model.getState(j));
  return tensors;
}

int64_t getI64(const float *words, size_t size, size_t i) {
  if (2 * i + 2 > size)
    throw std::out_of_range("getI64: element past the end");
  int64_t value;
  std::memcpy(&value, words + 2 * i, sizeof(value));
  return value;
}

void setI64(float *words, size_t size, int64_t value, size_t i) {
  if (2 * i + 2 > size)
    throw std::out_of_range("setI64: element past the end");
  std::memcpy(words + 2 * i, &value, sizeof(value));
}

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

std::string frozenCsv(int numRows, uint64_t seed) {
  Rng rng(seed);
  std::string text;
  for (int row = 0; row < numRows; ++row) {
    double x[3];
    for (double &v : x) {
      v = 2 * rng.uniform() - 1;
      text += std::to_string(v) + ",";
    }
    text += std::to_string(x[0] - 0.5 * x[1] + 0.3 * x[2]) + "\n";
  }
  return text;
}

std::string classifierManifestFor(const std::string &inputShape, int numClasses,
                                  int batch) {
  std::string b = std::to_string(batch), k = std::to_string(numClasses);
  auto entry = [](const char *name, const char *mode, const std::string &n) {
    return std::string("{\"name\": \"") + name + "\", \"mode\": \"" + mode +
           "\", \"batch\": " + n + ", \"workspace_bytes\": 0}";
  };
  return R"({"abi_version": 2, "name": "m",
    "params": [{"name": "w", "shape": [1], "dtype": "f32", "trainable": true,
                "init": "zeros"}],
    "inputs": [{"name": "x", "shape": )" +
         inputShape + R"(, "dtype": "f32"}],
    "targets": [{"name": "y", "shape": [], "dtype": "i32"}],
    "outputs": [{"name": "p", "shape": [)" +
         k + R"(], "dtype": "f32", "kind": "probabilities"}],
    "entry_points": [)" +
         entry("train_step", "train", b) + ", " +
         entry("eval_step", "eval", b) + ", " +
         entry("eval_step_1", "eval", "1") + ", " +
         entry("forward", "eval", b) + ", " + entry("forward_1", "eval", "1") +
         R"(], "batch_size": )" + b +
         R"(, "loss": "softmax_cross_entropy", "num_classes": )" + k + R"(,
    "optimizer": {"type": "sgd", "lr": 0.1}, "layers": [],
    "training": {"epochs": 1}})";
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
