//===- text.cpp - Text files as windows of byte ids (--text) --------------===//
//
// Classification: each class is a sub-directory (all its files) or, without
// sub-directories, a file; classes are sorted by name. Next-byte prediction
// (a model whose output is [T, 256]): a directory's files, or one file, each
// window's labels the T bytes that follow its T inputs (the last one is the
// next window's first input). Every file is cut into
// non-overlapping windows of T bytes (the model's input [T], ids 0-255). A
// tenth of each file's windows (at least one), drawn with a fixed seed from
// the file's name, is the test split: no test window's inputs are in a
// training window (a next-byte label reaches one byte past its window),
// and every part of a text is represented. The training windows are shuffled
// once (a fixed seed) so a validation split taken from the end mixes the
// classes.
//
#include "kiln/dataset.h"
#include "kiln/file_io.h"
#include "kiln/rng.h"
#include "support.h"

#include <algorithm>
#include <filesystem>

namespace kiln {
namespace fs = std::filesystem;

namespace {

/// Regular files directly in `dir` (symlinks and dot files skipped: Debian's
/// GPL -> GPL-3 would put one text in two classes), sorted.
std::vector<fs::path> filesIn(const fs::path &dir) {
  std::vector<fs::path> files;
  for (const fs::directory_entry &e : fs::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (name.empty() || name[0] == '.' || e.is_symlink() || !e.is_regular_file())
      continue;
    files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

bool noFiles(
    const std::vector<std::pair<std::string, std::vector<fs::path>>> &classes) {
  for (const auto &c : classes)
    if (!c.second.empty())
      return false;
  return true;
}

} // namespace

DataSplits loadText(const std::string &path, const Manifest &manifest) {
  checkLoaderInput(manifest);
  const TensorSpec &input = manifest.inputs[0];
  if (input.dtype != DType::I32 || input.shape.size() != 1)
    fail("--text: model '{}' takes {} {}; text becomes int32 byte ids of shape "
         "[T] (an embedding layer with input_dim 256 reads them)",
         manifest.name, dtypeName(input.dtype), formatShape(input.shape));
  if (input.vocabSize > 0 && input.vocabSize < 256)
    fail("--text: model '{}' embeds {} ids but bytes take 256 values; set the "
         "embedding's input_dim to 256",
         manifest.name, input.vocabSize);
  const int64_t window = input.shape[0];
  // A language model predicts each next byte: [T, 256] logits, T labels.
  const bool nextByte = manifest.takesLabels() && manifest.labelsPerSample() == window &&
                        manifest.outputShape().size() == 2;
  if (nextByte && manifest.numClasses != 256)
    fail("--text: model '{}' predicts {} classes per position; next-byte "
         "targets need 256",
         manifest.name, manifest.numClasses);
  if (!nextByte && (!manifest.takesLabels() || manifest.outputShape().size() != 1))
    fail("--text: model '{}' outputs {}; text trains a classifier ([classes], "
         "a label per file) or a next-byte model ([T, 256] for input [T])",
         manifest.name, formatShape(manifest.outputShape()));
  std::error_code ec;
  bool isDir = fs::is_directory(path, ec);
  if (!isDir && !(nextByte && fs::is_regular_file(path, ec)))
    fail("--text: '{}' is not a directory{} (files or sub-directories, one per "
         "class)",
         path, nextByte ? " or a file" : "");
  // Classes: the sub-directories, or else the files (one file given: one).
  std::vector<std::pair<std::string, std::vector<fs::path>>> classes;
  std::vector<fs::path> dirs;
  if (isDir)
    for (const fs::directory_entry &e : fs::directory_iterator(path))
      if (e.is_directory() && !e.is_symlink() && e.path().filename().string()[0] != '.')
        dirs.push_back(e.path());
  std::sort(dirs.begin(), dirs.end());
  if (!isDir) {
    classes.push_back({fs::path(path).filename().string(), {fs::path(path)}});
  } else if (!dirs.empty()) {
    // Files beside the class directories would be silently left out.
    if (std::vector<fs::path> loose = filesIn(path); !loose.empty())
      fail("--text: '{}' holds both sub-directories (classes) and files ({}{}); "
           "classes are one or the other: move the files into a class "
           "directory",
           path, loose.front().filename().string(), loose.size() > 1 ? ", ..." : "");
    for (const fs::path &d : dirs)
      classes.push_back({d.filename().string(), filesIn(d)});
  } else {
    for (const fs::path &f : filesIn(path))
      classes.push_back({f.filename().string(), {f}});
  }
  if (classes.empty() || (nextByte && noFiles(classes)))
    fail("--text: '{}' has no text files (dot files and symbolic links are "
         "skipped)",
         path);
  if (!nextByte && int64_t(classes.size()) != manifest.numClasses)
    fail("--text: '{}' holds {} classes ({} {}) but model '{}' has {}", path,
         classes.size(), dirs.empty() ? "files" : "sub-directories",
         classes.empty() ? std::string("none")
                         : classes.front().first + " ... " + classes.back().first,
         manifest.name, manifest.numClasses);

  DataSplits splits;
  Dataset &train = splits.train;
  Dataset test;
  for (Dataset *d : {&train, &test}) {
    d->source = path;
    d->sampleSize = window;
    d->labelsPerSample = nextByte ? window : 1;
  }
  test.source += " (test split)";
  for (size_t c = 0; c < classes.size(); ++c) {
    if (classes[c].second.empty())
      fail("--text: class '{}' ({}) has no files", classes[c].first, path);
    for (const fs::path &file : classes[c].second) {
      std::vector<uint8_t> bytes = readFile(file.string());
      // Next-byte windows read one byte past their end.
      int64_t count = (int64_t(bytes.size()) - (nextByte ? 1 : 0)) / window;
      if (count < 2)
        fail("--text: '{}' has {} bytes: fewer than two windows of {} (one to "
             "train on, one to test)",
             file.string(), bytes.size(), window);
      // The test windows: the first testCount of a seeded permutation.
      int64_t testCount = std::max<int64_t>(1, count / 10);
      std::vector<int64_t> perm(count);
      for (int64_t w = 0; w < count; ++w)
        perm[w] = w;
      Rng pick(deriveSeed(0, file.filename().string()));
      for (int64_t i = count; i > 1; --i)
        std::swap(perm[i - 1], perm[pick.below(uint64_t(i))]);
      std::vector<bool> isTest(count, false);
      for (int64_t i = 0; i < testCount; ++i)
        isTest[perm[i]] = true;
      for (int64_t w = 0; w < count; ++w) {
        Dataset &to = isTest[w] ? test : train;
        for (int64_t i = 0; i < window; ++i)
          to.ids.push_back(int32_t(bytes[w * window + i]));
        if (nextByte)
          for (int64_t i = 1; i <= window; ++i)
            to.labels.push_back(int32_t(bytes[w * window + i]));
        else
          to.labels.push_back(int32_t(c));
        ++to.numSamples;
      }
    }
  }
  // One fixed permutation of the training windows.
  const int64_t per = train.labelsPerSample;
  std::vector<int64_t> order(train.numSamples);
  for (int64_t i = 0; i < train.numSamples; ++i)
    order[i] = i;
  Rng rng(deriveSeed(0, "text"));
  for (size_t i = order.size(); i > 1; --i)
    std::swap(order[i - 1], order[rng.below(i)]);
  std::vector<int32_t> ids(train.ids.size()), labels(train.labels.size());
  for (int64_t i = 0; i < train.numSamples; ++i) {
    std::copy_n(&train.ids[order[i] * window], window, &ids[i * window]);
    std::copy_n(&train.labels[order[i] * per], per, &labels[i * per]);
  }
  train.ids = std::move(ids);
  train.labels = std::move(labels);
  splits.test = std::move(test);
  if (!nextByte)
    for (const auto &c : classes)
      splits.classNames.push_back(c.first);
  checkDataset(splits.train, manifest);
  checkDataset(*splits.test, manifest);
  return splits;
}

} // namespace kiln
