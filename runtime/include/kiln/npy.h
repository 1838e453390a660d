//===- npy.h - NumPy .npy reader for prediction inputs --------------------===//
#ifndef KILN_NPY_H
#define KILN_NPY_H

#include "kiln/manifest.h"

#include <vector>

namespace kiln {

struct NpyArray {
  Shape shape;
  std::vector<float> data;
};

/// Reads a C-order array of little-endian float32 ('<f4') or uint8 ('|u1',
/// divided by 255 like the IDX loader). Versions 1.0-3.0.
NpyArray readNpy(const std::string &path);

/// Writes `data` as a version 1.0 '<f4' array of `shape`, atomically.
void writeNpy(const std::string &path, const Shape &shape,
              const std::vector<float> &data);

} // namespace kiln

#endif // KILN_NPY_H
