//===- npy.h - NumPy .npy reader for prediction inputs --------------------===//
#ifndef KILN_NPY_H
#define KILN_NPY_H

#include "kiln/manifest.h"

#include <vector>

namespace kiln {

struct NpyArray {
  Shape shape;
  std::vector<float> data;  // float32 and uint8 arrays
  std::vector<int32_t> ids; // int32 and int64 arrays (token ids)
  bool isInteger() const { return data.empty() && !ids.empty(); }
};

/// Reads a C-order array of little-endian float32 ('<f4'), uint8 ('|u1',
/// divided by 255 like the IDX loader), or int32/int64 ('<i4', '<i8': ids,
/// each within int32). Versions 1.0-3.0.
NpyArray readNpy(const std::string &path);

/// Writes `data` as a version 1.0 '<f4' array of `shape`, atomically.
void writeNpy(const std::string &path, const Shape &shape,
              const std::vector<float> &data);

} // namespace kiln

#endif // KILN_NPY_H
