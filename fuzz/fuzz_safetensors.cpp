//===- fuzz_safetensors.cpp - The safetensors container --------------------===//
#include "FuzzInput.h"
#include "kiln/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  kiln::fuzz::MemFile file(data, size);
  kiln::fuzz::expectCleanly([&] { kiln::readSafetensors(file.path); });
  return 0;
}
