//===- fuzz_idx.cpp - IDX images and labels, raw or gzip ------------------===//
// The input is both the images and the labels file, so rank-1 inputs reach
// the label checks and gzip inputs the bounded inflation.
#include "FuzzInput.h"
#include "kiln/dataset.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  kiln::fuzz::MemFile file(data, size);
  kiln::fuzz::expectCleanly([&] { kiln::loadIdx(file.path, file.path); });
  return 0;
}
