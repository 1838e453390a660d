//===- fuzz_text.cpp - train --text: raw bytes as windows of token ids -----===//
// The first byte picks a classifier over windows or a next-byte language
// model; the rest is the text file.
#include "FuzzInput.h"
#include "Manifests.h"
#include "kiln/dataset.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0;
  const kiln::Manifest &manifest = kiln::fuzz::textManifestFor(data[0]);
  kiln::fuzz::MemFile file(data + 1, size - 1);
  kiln::fuzz::expectCleanly([&] { kiln::loadText(file.path, manifest); });
  return 0;
}
