//===- fuzz_manifest.cpp - The manifest a model object carries ------------===//
// Generated code embeds it, but a runtime built separately (embedding, C++
// output) takes it from a binary it did not build.
#include "FuzzInput.h"
#include "kiln/manifest.h"

#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view text(reinterpret_cast<const char *>(data), size);
  kiln::fuzz::expectCleanly([&] {
    kiln::Manifest manifest = kiln::parseManifest(text);
    // What `info` prints from it: totals a hostile manifest must not overflow.
    (void)manifest.memory();
    (void)manifest.numParamElements();
    (void)manifest.numTrainableElements();
    (void)manifest.flopsPerSample();
  });
  return 0;
}
