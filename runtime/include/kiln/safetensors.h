//===- safetensors.h - Safetensors files (F32 tensors only) ---------------===//
//
// Layout: 8-byte little-endian header length N, N bytes of JSON
// {name: {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]},
//  "__metadata__": {string: string}}, then the tensor bytes.
//
#ifndef KILN_SAFETENSORS_H
#define KILN_SAFETENSORS_H

#include "kiln/manifest.h"

#include <map>
#include <string>
#include <vector>

namespace kiln {

/// A tensor to write, borrowed from its owner.
struct TensorRef {
  std::string name;
  Shape shape;
  const float *data;
};

struct Tensor {
  Shape shape;
  std::vector<float> data;
};

struct SafetensorsFile {
  std::map<std::string, Tensor> tensors;
  std::map<std::string, std::string> metadata;
};

/// Writes atomically (see AtomicFile); tensors are stored in the given order.
void writeSafetensors(const std::string &path,
                      const std::vector<TensorRef> &tensors,
                      const std::map<std::string, std::string> &metadata);

/// Reads and validates everything: lengths, JSON, dtypes, shapes, offsets.
SafetensorsFile readSafetensors(const std::string &path);

} // namespace kiln

#endif // KILN_SAFETENSORS_H
