//===- fuzz_csv.cpp - CSV datasets (classification, regression, token ids) ===//
// The first byte picks the model the rows must fit; the rest is the file.
#include "FuzzInput.h"
#include "Manifests.h"
#include "kiln/dataset.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0;
  const kiln::Manifest &manifest = kiln::fuzz::manifestFor(data[0]);
  kiln::fuzz::MemFile file(data + 1, size - 1);
  kiln::fuzz::expectCleanly([&] { kiln::loadCsv(file.path, manifest); });
  return 0;
}
