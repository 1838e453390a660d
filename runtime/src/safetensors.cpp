//===- safetensors.cpp - Read and write safetensors files -----------------===//
#include "kiln/safetensors.h"

#include "kiln/file_io.h"
#include "support.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <set>

namespace kiln {
namespace {

/// Same cap as the reference implementation: a bigger header is corrupt.
constexpr uint64_t maxHeaderLength = 100 << 20;

struct Entry {
  std::string name;
  Shape shape;
  DType dtype;
  uint64_t begin, end;
};

bool isSupported(DType dtype) {
  return dtype == DType::F32 || dtype == DType::I64;
}

Entry parseEntry(const std::string &path, const std::string &name,
                 const nlohmann::json &value, uint64_t dataSize) {
  if (!value.is_object())
    fail("{}: tensor '{}': header entry must be an object", path, name);
  Entry entry{name, {}, DType::F32, 0, 0};
  auto dtype = value.find("dtype");
  if (dtype == value.end() || !dtype->is_string())
    fail("{}: tensor '{}': missing dtype", path, name);
  if (*dtype == "I64")
    entry.dtype = DType::I64;
  else if (*dtype != "F32")
    fail("{}: tensor '{}' has dtype {}; only F32 and I64 are supported", path,
         name, dtype->get<std::string>());
  auto shape = value.find("shape");
  if (shape == value.end() || !shape->is_array())
    fail("{}: tensor '{}': missing shape", path, name);
  uint64_t bytes = uint64_t(dtypeBytes(entry.dtype));
  for (const nlohmann::json &dim : *shape) {
    if (!dim.is_number_unsigned())
      fail("{}: tensor '{}': bad shape {}", path, name, shape->dump());
    entry.shape.push_back(dim.get<int64_t>());
    if (__builtin_mul_overflow(bytes, dim.get<uint64_t>(), &bytes))
      fail("{}: tensor '{}': shape {} is too large", path, name, shape->dump());
  }
  auto offsets = value.find("data_offsets");
  if (offsets == value.end() || !offsets->is_array() || offsets->size() != 2 ||
      !(*offsets)[0].is_number_unsigned() ||
      !(*offsets)[1].is_number_unsigned())
    fail("{}: tensor '{}': data_offsets must be [begin, end]", path, name);
  entry.begin = (*offsets)[0].get<uint64_t>();
  entry.end = (*offsets)[1].get<uint64_t>();
  if (entry.begin > entry.end || entry.end > dataSize)
    fail("{}: tensor '{}': data_offsets [{}, {}] out of range (the data "
         "section has {} bytes)",
         path, name, entry.begin, entry.end, dataSize);
  if (entry.end - entry.begin != bytes)
    fail("{}: tensor '{}': {} shape {} needs {} bytes but data_offsets cover "
         "{}",
         path, name, safetensorsDTypeName(entry.dtype),
         formatShape(entry.shape), bytes, entry.end - entry.begin);
  return entry;
}

void parseMetadata(const std::string &path, const nlohmann::json &value,
                   std::map<std::string, std::string> &metadata) {
  if (!value.is_object())
    fail("{}: __metadata__ must be an object", path);
  for (const auto &[key, item] : value.items()) {
    if (!item.is_string())
      fail("{}: __metadata__ value of '{}' must be a string", path, key);
    metadata[key] = item.get<std::string>();
  }
}

} // namespace

const char *safetensorsDTypeName(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "F32";
  case DType::F64:
    return "F64";
  case DType::I32:
    return "I32";
  case DType::I64:
    return "I64";
  }
  return "?";
}

void writeSafetensors(const std::string &path,
                      const std::vector<TensorRef> &tensors,
                      const std::map<std::string, std::string> &metadata) {
  // ordered_json keeps the tensors in the order their data is laid out.
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty())
    header["__metadata__"] = metadata;
  uint64_t offset = 0;
  for (const TensorRef &tensor : tensors) {
    if (tensor.name == "__metadata__" || header.contains(tensor.name))
      fail("{}: duplicate or reserved tensor name '{}'", path, tensor.name);
    if (!isSupported(tensor.dtype))
      fail("{}: tensor '{}' has dtype {}; only F32 and I64 are supported", path,
           tensor.name, safetensorsDTypeName(tensor.dtype));
    uint64_t bytes = uint64_t(checkedMul(shapeSize(tensor.shape),
                                         dtypeBytes(tensor.dtype), "tensor"));
    header[tensor.name] = {{"dtype", safetensorsDTypeName(tensor.dtype)},
                           {"shape", tensor.shape},
                           {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string text = header.dump();
  // Pad with spaces so the data starts 8-byte aligned, as the reference
  // implementation does.
  text.append((8 - text.size() % 8) % 8, ' ');
  uint64_t length = text.size();

  AtomicFile file(path);
  file.write(&length, sizeof(length));
  file.write(text.data(), text.size());
  for (const TensorRef &tensor : tensors)
    file.write(tensor.data,
               size_t(shapeSize(tensor.shape) * dtypeBytes(tensor.dtype)));
  file.commit();
}

SafetensorsFile readSafetensors(const std::string &path) {
  std::vector<uint8_t> bytes = readFile(path);
  if (bytes.size() < 8)
    fail("{}: truncated: {} bytes, too short for the header length", path,
         bytes.size());
  uint64_t headerLength;
  std::memcpy(&headerLength, bytes.data(), sizeof(headerLength));
  if (headerLength > bytes.size() - 8)
    fail("{}: header length {} exceeds the file size ({} bytes)", path,
         headerLength, bytes.size());
  if (headerLength > maxHeaderLength)
    fail("{}: header length {} is implausibly large", path, headerLength);
  nlohmann::json header;
  // The JSON parser keeps the last of two equal keys; a tensor named twice
  // is ambiguous, so find duplicates as the keys go by.
  std::vector<std::set<std::string>> keys;
  std::string duplicate;
  auto onEvent = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json &value) {
    using Event = nlohmann::json::parse_event_t;
    if (event == Event::object_start)
      keys.resize(size_t(depth) + 1), keys[depth].clear();
    else if (event == Event::key && depth >= 1 && size_t(depth) <= keys.size() &&
             !keys[depth - 1].insert(value.get<std::string>()).second && duplicate.empty())
      duplicate = value.get<std::string>();
    return true;
  };
  try {
    header = nlohmann::json::parse(bytes.begin() + 8,
                                   bytes.begin() + 8 + headerLength, onEvent);
  } catch (const nlohmann::json::exception &e) {
    fail("{}: bad JSON header: {}", path, e.what());
  }
  if (!duplicate.empty())
    fail("{}: the JSON header has the key '{}' twice", path, duplicate);
  if (!header.is_object())
    fail("{}: the JSON header must be an object", path);

  const uint8_t *data = bytes.data() + 8 + headerLength;
  uint64_t dataSize = bytes.size() - 8 - headerLength;
  SafetensorsFile file;
  std::vector<Entry> entries;
  for (const auto &[name, value] : header.items()) {
    if (name == "__metadata__")
      parseMetadata(path, value, file.metadata);
    else
      entries.push_back(parseEntry(path, name, value, dataSize));
  }
  std::sort(entries.begin(), entries.end(),
            [](const Entry &a, const Entry &b) {
              // An empty tensor at another's offset sorts first.
              return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
            });
  for (size_t i = 1; i < entries.size(); ++i)
    if (entries[i].begin < entries[i - 1].end)
      fail("{}: the data of tensors '{}' and '{}' overlap", path,
           entries[i - 1].name, entries[i].name);
  // As the format requires: the tensors cover the data, without holes.
  uint64_t covered = 0;
  for (const Entry &entry : entries) {
    if (entry.begin != covered)
      fail("{}: data bytes {} to {} belong to no tensor", path, covered, entry.begin);
    covered = entry.end;
  }
  if (covered != dataSize)
    fail("{}: data bytes {} to {} belong to no tensor", path, covered, dataSize);
  for (Entry &entry : entries) {
    Tensor &tensor = file.tensors[entry.name];
    tensor.shape = std::move(entry.shape);
    tensor.dtype = entry.dtype;
    // A whole number of words: 4 or 8 bytes per element (parseEntry).
    tensor.data.resize((entry.end - entry.begin) / sizeof(float));
    if (entry.end > entry.begin) // an empty vector's data() may be null
      std::memcpy(tensor.data.data(), data + entry.begin, entry.end - entry.begin);
  }
  return file;
}

} // namespace kiln
