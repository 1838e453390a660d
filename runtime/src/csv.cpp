//===- csv.cpp - Numeric CSV datasets -------------------------------------===//
//
// Comma-separated numbers, one sample per line; the first row is a header
// when most of its cells are not numbers, or its numbers count columns (so
// that a typo in a first data row is an error, not a dropped sample). Inputs come first, then the label
// (class-index targets) or the prod(output_shape) f32 targets (regression,
// binary cross-entropy, probability rows).
//
#include "kiln/dataset.h"

#include "kiln/file_io.h"
#include "support.h"

#include <charconv>
#include <cmath>
#include <optional>

namespace kiln {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() &&
         (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
    text.remove_suffix(1);
  return text;
}

void splitCells(std::string_view line, std::vector<std::string_view> &cells) {
  cells.clear();
  for (;;) {
    size_t comma = line.find(',');
    cells.push_back(trim(line.substr(0, comma)));
    if (comma == std::string_view::npos)
      return;
    line.remove_prefix(comma + 1);
  }
}

/// from_chars is locale-independent, unlike strtod. NaN, infinity and
/// values beyond float's range (1e39 would become inf) are refused: one of
/// them would poison every weight it touches.
bool parseNumber(std::string_view cell, double &value) {
  if (!cell.empty() && cell.front() == '+')
    cell.remove_prefix(1);
  const char *end = cell.data() + cell.size();
  auto [ptr, ec] = std::from_chars(cell.data(), end, value);
  return ec == std::errc() && ptr == end && !cell.empty() &&
         std::isfinite(float(value));
}

/// A header: most cells are names, or some are and the numbers among them
/// count columns up (pandas' default names "0,1,...,783,label"). A data row
/// with a typo has neither.
bool isHeaderRow(const std::vector<std::string_view> &cells) {
  double value;
  size_t names = 0;
  bool counting = true;
  std::optional<double> previous;
  for (std::string_view cell : cells) {
    if (!parseNumber(cell, value)) {
      ++names;
      continue;
    }
    counting = counting && value == std::floor(value) &&
               (previous ? value == *previous + 1 : value == 0 || value == 1);
    previous = value;
  }
  return 2 * names > cells.size() || (names > 0 && counting);
}

/// The first control character of `cell` (a NUL, a stray byte of a binary
/// file), or -1.
int controlCharacter(std::string_view cell) {
  for (char c : cell)
    if ((unsigned char)c < 0x20 || c == 0x7f)
      return (unsigned char)c;
  return -1;
}

} // namespace

Dataset loadCsv(const std::string &path, const Manifest &manifest) {
  std::vector<uint8_t> bytes = readFileDecompressed(path);
  std::string_view text(reinterpret_cast<const char *>(bytes.data()),
                        bytes.size());
  const bool classification = manifest.takesLabels();
  const bool ids = manifest.inputs[0].dtype == DType::I32;
  const int64_t numInputs = manifest.inputSize();
  const int64_t numTargets =
      classification ? manifest.labelsPerSample() : manifest.outputSize();
  const size_t numColumns = size_t(numInputs + numTargets);
  const std::string layout =
      classification
          ? fmt::format("{} inputs + {} label{}", numInputs, numTargets,
                        numTargets == 1 ? "" : "s")
          : fmt::format("{} inputs + {} targets", numInputs, numTargets);

  Dataset data;
  data.source = path;
  data.sampleSize = numInputs;
  data.targetSize = classification ? 0 : numTargets;
  data.labelsPerSample = classification ? numTargets : 1;
  std::vector<std::string_view> cells;
  bool firstRow = true;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") // a UTF-8 byte order mark
    text.remove_prefix(3);
  for (int64_t lineNo = 1; !text.empty(); ++lineNo) {
    size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size()
                                                         : newline + 1);
    if (trim(line).empty())
      continue;
    splitCells(line, cells);
    bool first = std::exchange(firstRow, false);
    if (first && isHeaderRow(cells)) {
      if (cells.size() != numColumns)
        fail("{} line {}: the header has {} columns, expected {} ({})", path,
             lineNo, cells.size(), numColumns, layout);
      for (size_t column = 0; column < cells.size(); ++column)
        if (int c = controlCharacter(cells[column]); c >= 0)
          fail("{} line {}, column {}: the header holds a control character "
               "(byte 0x{:02x}); is this a text file?",
               path, lineNo, column + 1, c);
      continue;
    }
    if (cells.size() != numColumns)
      fail("{} line {}: expected {} columns ({}), got {}", path, lineNo,
           numColumns, layout, cells.size());
    for (size_t column = 0; column < numColumns; ++column) {
      double value;
      if (!parseNumber(cells[column], value))
        fail("{} line {}, column {}: '{}' is not a number{}", path, lineNo,
             column + 1, cells[column],
             first ? " (the first row is read as data: most of its cells are "
                     "numbers; a header needs names in most of them, or "
                     "numbers that count the columns)"
                   : "");
      if (column < size_t(numInputs) && ids) {
        if (value != std::floor(value) || value < 0 || value > INT32_MAX)
          fail("{} line {}, column {}: '{}' is not a token id (a non-negative "
               "integer)", path, lineNo, column + 1, cells[column]);
        data.ids.push_back(int32_t(value));
      } else if (column < size_t(numInputs))
        data.inputs.push_back(float(value));
      else if (!classification)
        data.targets.push_back(float(value));
      else if (value != std::floor(value))
        fail("{} line {}, column {}: label {} is not an integer", path, lineNo,
             column + 1, cells[column]);
      else if (value < 0 || value >= double(manifest.numClasses))
        fail("{} line {}, column {}: label {} is out of range [0, {})", path,
             lineNo, column + 1, cells[column], manifest.numClasses);
      else
        data.labels.push_back(int32_t(value));
    }
    ++data.numSamples;
  }
  if (data.numSamples == 0)
    fail("{}: no data rows", path);
  return data;
}

} // namespace kiln
