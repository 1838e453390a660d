//===- safetensors.h - Safetensors files (F32 and I64 tensors) ------------===//
//
// Layout: 8-byte little-endian header length N, N bytes of JSON
// {name: {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]},
//  "__metadata__": {string: string}}, then the tensor bytes. Dtypes: F32
// (params, optimizer state, most buffers) and I64 (counters such as batch
// norm's num_batches_tracked); others are refused.
//
#ifndef KILN_SAFETENSORS_H
#define KILN_SAFETENSORS_H

#include "kiln/manifest.h"

#include <map>
#include <string>
#include <vector>

namespace kiln {

/// A tensor to write, borrowed from its owner: shapeSize(shape) elements of
/// `dtype` (F32 or I64) at `data`.
struct TensorRef {
  std::string name;
  Shape shape;
  const void *data;
  DType dtype = DType::F32;
};

struct Tensor {
  Shape shape;
  DType dtype = DType::F32;
  /// The tensor's bytes as 4-byte words, like Model's storage: one per
  /// element of an F32 tensor, two per element of an I64 one.
  std::vector<float> data;
};

/// The file's spelling of a dtype: "F32", "I64", ...
const char *safetensorsDTypeName(DType dtype);

struct SafetensorsFile {
  std::map<std::string, Tensor> tensors;
  std::map<std::string, std::string> metadata;
};

/// Writes atomically (see AtomicFile); tensors are stored in the given order.
/// Throws for a dtype other than F32 and I64.
void writeSafetensors(const std::string &path,
                      const std::vector<TensorRef> &tensors,
                      const std::map<std::string, std::string> &metadata);

/// Reads and validates everything: lengths, JSON, dtypes (F32 or I64),
/// shapes, offsets.
SafetensorsFile readSafetensors(const std::string &path);

} // namespace kiln

#endif // KILN_SAFETENSORS_H
