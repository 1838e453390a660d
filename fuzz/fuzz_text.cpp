//===- fuzz_text.cpp - train --text: raw bytes as windows of token ids -----===//
// A next-byte model on one file (a classifier needs a directory of classes,
// which an in-memory file cannot be).
#include "FuzzInput.h"
#include "Manifests.h"
#include "kiln/dataset.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  kiln::fuzz::MemFile file(data, size);
  kiln::fuzz::expectCleanly([&] { kiln::loadText(file.path, kiln::fuzz::nextByteManifest()); });
  return 0;
}
