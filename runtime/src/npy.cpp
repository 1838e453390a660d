//===- npy.cpp - NumPy .npy reader ----------------------------------------===//
//
// Layout: "\x93NUMPY", major, minor, header length (uint16 LE in version 1,
// uint32 LE in 2 and 3), a Python dict literal such as
// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 784), }, then data.
//
#include "kiln/npy.h"

#include "kiln/file_io.h"
#include "support.h"

#include <cmath>
#include <cstring>

namespace kiln {
namespace {

std::string_view skipSpaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  return text;
}

/// The header text after `'key':` (either quote style).
std::string_view valueOf(std::string_view header, std::string_view key,
                         const std::string &path) {
  for (char quote : {'\'', '"'}) {
    std::string quoted = std::string(1, quote) + std::string(key) + quote;
    size_t at = header.find(quoted);
    if (at == std::string_view::npos)
      continue;
    std::string_view rest = skipSpaces(header.substr(at + quoted.size()));
    if (rest.empty() || rest.front() != ':')
      break;
    return skipSpaces(rest.substr(1));
  }
  fail("{}: NPY header has no '{}': {}", path, key, header);
}

std::string parseString(std::string_view value, const std::string &path) {
  char quote = value.empty() ? 0 : value.front();
  size_t end = value.find(quote, 1);
  if ((quote != '\'' && quote != '"') || end == std::string_view::npos)
    fail("{}: bad NPY descr: {}", path, value);
  return std::string(value.substr(1, end - 1));
}

Shape parseShape(std::string_view value, const std::string &path) {
  size_t close = value.find(')');
  if (value.empty() || value.front() != '(' || close == std::string_view::npos)
    fail("{}: bad NPY shape: {}", path, value);
  std::string_view items = value.substr(1, close - 1);
  Shape shape;
  while (!(items = skipSpaces(items)).empty()) {
    int64_t dim = 0;
    size_t digits = 0;
    for (;
         digits < items.size() && items[digits] >= '0' && items[digits] <= '9';
         ++digits)
      if (__builtin_add_overflow(checkedMul(dim, 10, "NPY shape"), items[digits] - '0', &dim))
        fail("{}: NPY shape dimension overflows", path);
    if (digits == 0)
      fail("{}: bad NPY shape: {}", path, value.substr(0, close + 1));
    shape.push_back(dim);
    items = skipSpaces(items.substr(digits));
    if (!items.empty() && items.front() == ',')
      items.remove_prefix(1);
  }
  return shape;
}

} // namespace

NpyArray readNpy(const std::string &path) {
  std::vector<uint8_t> bytes = readFile(path);
  if (bytes.size() < 10 || std::memcmp(bytes.data(), "\x93NUMPY", 6) != 0)
    fail("{}: not an NPY file (bad magic)", path);
  int major = bytes[6];
  if (major < 1 || major > 3)
    fail("{}: unsupported NPY version {}.{}", path, major, bytes[7]);
  size_t lengthBytes = major == 1 ? 2 : 4;
  if (bytes.size() < 8 + lengthBytes)
    fail("{}: truncated NPY header", path);
  size_t headerLength = 0;
  for (size_t i = 0; i < lengthBytes; ++i)
    headerLength |= size_t(bytes[8 + i]) << (8 * i);
  size_t dataStart = 8 + lengthBytes + headerLength;
  if (dataStart > bytes.size())
    fail("{}: NPY header length {} exceeds the file size ({} bytes)", path,
         headerLength, bytes.size());
  std::string_view header(reinterpret_cast<const char *>(bytes.data()) + 8 +
                              lengthBytes,
                          headerLength);

  std::string descr = parseString(valueOf(header, "descr", path), path);
  bool isFloat = descr == "<f4";
  size_t itemSize = isFloat || descr == "<i4" ? 4 : descr == "<i8" ? 8 : 1;
  bool isInt = descr == "<i4" || descr == "<i8";
  if (!isFloat && !isInt && descr != "|u1" && descr != "<u1" && descr != "u1")
    fail("{}: unsupported dtype '{}' (expected float32 '<f4', uint8 '|u1', or "
         "int32/int64 '<i4'/'<i8' token ids)",
         path, descr);
  std::string_view order = valueOf(header, "fortran_order", path);
  if (order.substr(0, 5) != "False")
    fail("{}: Fortran-order arrays are not supported; save with "
         "np.ascontiguousarray",
         path);
  NpyArray array;
  array.shape = parseShape(valueOf(header, "shape", path), path);
  int64_t count = 1;
  for (int64_t dim : array.shape)
    count = checkedMul(count, dim, "NPY shape");
  size_t have = bytes.size() - dataStart;
  if (have != size_t(checkedMul(count, int64_t(itemSize), "NPY shape")))
    fail("{}: shape {} needs {} bytes of data, the file has {}", path,
         formatShape(array.shape), count * int64_t(itemSize), have);
  if (isInt) {
    array.ids.resize(count);
    for (int64_t i = 0; i < count; ++i) {
      int64_t v = 0;
      if (itemSize == 4) {
        int32_t w;
        std::memcpy(&w, bytes.data() + dataStart + i * 4, 4);
        v = w;
      } else {
        std::memcpy(&v, bytes.data() + dataStart + i * 8, 8);
      }
      if (v < INT32_MIN || v > INT32_MAX)
        fail("{}: element {} ({}) does not fit int32", path, i, v);
      array.ids[i] = int32_t(v);
    }
    return array;
  }
  array.data.resize(count);
  if (isFloat) {
    if (have) // an empty array's data() may be null
      std::memcpy(array.data.data(), bytes.data() + dataStart, have);
    // As in CSV: a NaN or inf input gives a meaningless prediction.
    for (int64_t i = 0; i < count; ++i)
      if (!std::isfinite(array.data[i]))
        fail("{}: element {} is {}; inputs must be finite numbers", path, i,
             array.data[i]);
  } else
    for (int64_t i = 0; i < count; ++i)
      array.data[i] = float(bytes[dataStart + i]) / 255.0f;
  return array;
}

void writeNpy(const std::string &path, const Shape &shape,
              const std::vector<float> &data) {
  std::string dims;
  for (int64_t d : shape)
    dims += std::to_string(d) + ", ";
  if (shape.size() > 1)
    dims.resize(dims.size() - 2);
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" +
                       dims + "), }";
  // Magic, version, length, then the header padded so data starts at a
  // multiple of 64 and ends with a newline.
  size_t total = (10 + header.size() + 1 + 63) / 64 * 64;
  header.append(total - 10 - header.size() - 1, ' ');
  header += '\n';
  std::string bytes = "\x93NUMPY";
  bytes += '\x01';
  bytes += '\x00';
  bytes += char(header.size() & 0xff);
  bytes += char(header.size() >> 8);
  bytes += header;
  bytes.append(reinterpret_cast<const char *>(data.data()),
               data.size() * sizeof(float));
  writeFileAtomic(path, bytes);
}

} // namespace kiln
