//===- fuzz_npy.cpp - NPY arrays (predict --input) -------------------------===//
#include "FuzzInput.h"
#include "kiln/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  kiln::fuzz::MemFile file(data, size);
  kiln::fuzz::expectCleanly([&] { kiln::readNpy(file.path); });
  return 0;
}
