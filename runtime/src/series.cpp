//===- series.cpp - A CSV column as windows of a time series (--series) ---===//
//
// Window i holds values i .. i+T-1 (the model's input [T] or [T, 1]) and
// predicts i+T .. i+T+K-1 (its output [K]). The series is cut at 80%: the
// windows that end before the cut train, the windows whose targets start
// at or after it test (their inputs may reach back before the cut, as a
// forecast's would). Values are standardized with the mean and standard
// deviation of the part before the cut, so nothing of the test period
// leaks into training.
//
#include "kiln/dataset.h"
#include "kiln/file_io.h"
#include "support.h"

#include <cmath>
#include <cstdlib>
#include <string_view>

namespace kiln {
namespace {

/// The cells of a CSV line; a comma inside double quotes belongs to the cell
/// ("1,201.5" is one cell, read as 1201.5).
std::vector<std::string> cellsOf(std::string_view line) {
  std::vector<std::string> cells(1);
  bool quoted = false;
  for (char c : line) {
    if (c == '"')
      quoted = !quoted;
    else if (c == ',' && !quoted)
      cells.emplace_back();
    else if (!(quoted && c == ',') && c != '\r')
      cells.back() += c;
  }
  for (std::string &cell : cells) {
    size_t a = cell.find_first_not_of(' '), b = cell.find_last_not_of(' ');
    cell = a == std::string::npos ? "" : cell.substr(a, b - a + 1);
  }
  return cells;
}

std::optional<double> number(const std::string &s) {
  char *end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v) ||
      std::fabs(v) > 3.0e38)
    return std::nullopt;
  return v;
}

} // namespace

DataSplits loadSeries(const std::string &path, const std::string &column,
                      const Manifest &manifest,
                      std::optional<std::pair<double, double>> scale) {
  checkLoaderInput(manifest);
  const TensorSpec &input = manifest.inputs[0];
  const Shape &in = input.shape, &out = manifest.outputShape();
  bool flat = in.size() == 1 || (in.size() == 2 && in[1] == 1);
  if (input.dtype != DType::F32 || !flat || manifest.takesLabels() || out.size() != 1)
    fail("--series: model '{}' takes {} and outputs {}; a series trains a model "
         "of input [T] or [T, 1] (a window) and output [K] (the next K values) "
         "with f32 targets",
         manifest.name, formatShape(in), formatShape(out));
  const int64_t window = in[0], ahead = out[0];

  std::vector<uint8_t> bytes = readFileDecompressed(path);
  std::string_view text(reinterpret_cast<const char *>(bytes.data()), bytes.size());
  std::vector<double> values;
  int64_t col = -1;
  if (auto n = number(column); n && *n >= 1 && *n == std::floor(*n))
    col = int64_t(*n) - 1;
  if (text.substr(0, 3) == "\xEF\xBB\xBF")
    text.remove_prefix(3); // a UTF-8 byte-order mark
  size_t width = 0; // cells per row, from the first row
  for (int64_t lineNo = 1; !text.empty(); ++lineNo) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (line.find_first_not_of(" \t\r") == std::string_view::npos)
      continue;
    std::vector<std::string> cells = cellsOf(line);
    bool first = width == 0;
    if (first)
      width = cells.size();
    else if (cells.size() != width)
      fail("{} line {}: {} cells, but the first row has {} (a comma in an unquoted "
           "cell?)",
           path, lineNo, cells.size(), width);
    if (first && col < 0) {
      for (size_t i = 0; i < cells.size(); ++i)
        if (cells[i] == column)
          col = int64_t(i);
      if (col < 0)
        fail("{}: the header has no column '{}' (it has: {})", path, column,
             std::string(line));
      continue;
    }
    if (col >= int64_t(cells.size()))
      fail("{} line {}: no column {} (the row has {})", path, lineNo, col + 1,
           cells.size());
    std::optional<double> v = number(cells[col]);
    if (!v) {
      if (first)
        continue; // a header, the column given by index
      fail("{} line {}, column {}: '{}' is not a finite number", path, lineNo, col + 1,
           cells[col]);
    }
    values.push_back(*v);
  }
  const int64_t n = int64_t(values.size()), cut = n * 8 / 10;
  auto fits = [&](int64_t m) {
    return m * 8 / 10 >= window + ahead && m - m * 8 / 10 >= ahead;
  };
  if (!fits(n)) {
    int64_t least = n + 1;
    while (!fits(least))
      ++least;
    fail("{}: the series has {} value{}; windows of {} inputs and {} target{} "
         "need at least {} values (the first 80% train, windows whose targets "
         "come after them test)",
         path, n, n == 1 ? "" : "s", window, ahead, ahead == 1 ? "" : "s", least);
  }
  double mean = 0, var = 0;
  for (int64_t i = 0; i < cut; ++i)
    mean += values[i];
  mean /= double(cut);
  for (int64_t i = 0; i < cut; ++i)
    var += (values[i] - mean) * (values[i] - mean);
  double sd = std::sqrt(var / double(cut));
  if (scale) {
    mean = scale->first;
    sd = scale->second;
  }
  if (!(sd > 0))
    fail("{}: column '{}' is constant before the cut; nothing to learn", path, column);

  DataSplits splits;
  Dataset test;
  for (Dataset *d : {&splits.train, &test}) {
    d->source = path;
    d->sampleSize = window;
    d->targetSize = ahead;
    d->mean = mean;
    d->std = sd;
    d->standardized = true;
  }
  test.source += " (test split)";
  for (int64_t i = 0; i + window + ahead <= n; ++i) {
    bool train = i + window + ahead <= cut, isTest = i + window >= cut;
    if (!train && !isTest)
      continue;
    Dataset &to = train ? splits.train : test;
    for (int64_t j = 0; j < window + ahead; ++j) {
      float v = float((values[i + j] - mean) / sd);
      (j < window ? to.inputs : to.targets).push_back(v);
    }
    ++to.numSamples;
  }
  splits.test = std::move(test);
  checkDataset(splits.train, manifest);
  checkDataset(*splits.test, manifest);
  return splits;
}

} // namespace kiln
