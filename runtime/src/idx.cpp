//===- idx.cpp - IDX files (the MNIST family's format), raw or gzip -------===//
//
// Layout: 00 00 <type> <rank>, rank big-endian uint32 dimensions, then the
// elements. Only unsigned bytes (type 0x08) occur in the datasets we load.
//
#include "kiln/dataset.h"
#include "kiln/aligned.h"

#include "kiln/file_io.h"
#include "support.h"

#include <array>

namespace kiln {
namespace {

struct IdxArray {
  std::vector<int64_t> dims;
  std::vector<uint8_t> bytes; // the whole file; elements start at `offset`
  size_t offset = 0;
};

/// The dimensions in an IDX header, checked; `bytes` may hold only a
/// prefix of the file.
std::vector<int64_t> parseHeader(const std::vector<uint8_t> &bytes, const std::string &path) {
  if (bytes.size() < 4 || bytes[0] != 0 || bytes[1] != 0)
    fail("{}: not an IDX file (bad magic; expected 00 00 08 <rank>)", path);
  if (bytes[2] != 0x08)
    fail("{}: unsupported IDX element type 0x{:02x} (only unsigned bytes, "
         "0x08)",
         path, bytes[2]);
  size_t rank = bytes[3];
  if (rank == 0)
    fail("{}: IDX rank is 0", path);
  if (bytes.size() < 4 + 4 * rank)
    fail("{}: truncated IDX header ({} bytes, need {})", path, bytes.size(), 4 + 4 * rank);
  std::vector<int64_t> dims;
  int64_t count = 1;
  for (size_t i = 0; i < rank; ++i) {
    const uint8_t *p = &bytes[4 + 4 * i];
    int64_t dim = int64_t(p[0]) << 24 | int64_t(p[1]) << 16 |
                  int64_t(p[2]) << 8 | int64_t(p[3]);
    dims.push_back(dim);
    count = checkedMul(count, dim, "IDX dimensions");
  }
  return dims;
}

IdxArray readIdx(const std::string &path) {
  IdxArray array;
  array.bytes = readFile(path);
  if (isGzip(array.bytes)) {
    // The header first: what it promises bounds the inflation (a small
    // file may inflate to gigabytes).
    std::vector<uint8_t> raw = std::move(array.bytes);
    std::vector<uint8_t> head =
        gunzip(raw.data(), raw.size(), path, 4 + 4 * 255, Beyond::Stop);
    std::vector<int64_t> dims = parseHeader(head, path);
    int64_t count = 1;
    for (int64_t dim : dims)
      count = checkedMul(count, dim, "IDX dimensions");
    // One byte more than promised is enough to tell that there is more.
    size_t total = 4 + 4 * dims.size() + size_t(count);
    if (total > physicalMemory())
      fail("{}: the header promises {} bytes of data, more than this machine's memory", path,
           count);
    array.bytes = gunzip(raw.data(), raw.size(), path, total + 1, Beyond::Stop);
    if (array.bytes.size() > total)
      fail("{}: unexpected bytes after the {} bytes of data its header promises", path, count);
  }
  const std::vector<uint8_t> &bytes = array.bytes;
  array.dims = parseHeader(bytes, path);
  int64_t count = 1;
  for (int64_t dim : array.dims)
    count *= dim; // checked by parseHeader
  array.offset = 4 + 4 * array.dims.size();
  size_t have = bytes.size() - array.offset;
  if (have < size_t(count))
    fail("{}: truncated: the header promises {} bytes of data, the file has "
         "{}",
         path, count, have);
  if (have > size_t(count))
    fail("{}: {} unexpected bytes after the {} bytes of data", path,
         have - size_t(count), count);
  return array;
}

} // namespace

Dataset loadIdx(const std::string &imagesPath, const std::string &labelsPath) {
  IdxArray images = readIdx(imagesPath);
  IdxArray labels = readIdx(labelsPath);
  if (labels.dims.size() != 1)
    fail("{}: a labels file must have rank 1, got rank {}", labelsPath,
         labels.dims.size());
  if (images.dims[0] != labels.dims[0])
    fail("{} has {} samples but {} has {} labels", imagesPath, images.dims[0],
         labelsPath, labels.dims[0]);

  Dataset data;
  data.source = imagesPath;
  data.numSamples = images.dims[0];
  data.sampleSize = 1;
  for (size_t i = 1; i < images.dims.size(); ++i)
    data.sampleSize =
        checkedMul(data.sampleSize, images.dims[i], "IDX dimensions");
  // A table keeps the conversion exact and identical to v / 255.0f.
  std::array<float, 256> scale;
  for (int v = 0; v < 256; ++v)
    scale[v] = float(v) / 255.0f;
  const uint8_t *pixels = images.bytes.data() + images.offset;
  // Appended, not resized then written: zeroing 188 MB first (Fashion-MNIST)
  // took longer than the conversion. In huge pages (aligned.h): faulted in
  // 4 KiB at a time, they cost a virtual machine most of its start-up.
  size_t count = size_t(data.numSamples) * size_t(data.sampleSize);
  reserveAdvised(data.inputs, count);
  for (size_t i = 0; i < count; ++i)
    data.inputs.push_back(scale[pixels[i]]);
  const uint8_t *values = labels.bytes.data() + labels.offset;
  data.labels.assign(values, values + data.numSamples);
  return data;
}

} // namespace kiln
