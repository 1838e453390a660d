//===- fuzz_checkpoint.cpp - Checkpoints into a model: load, resume, transfer ===//
// A model with params, a buffer and optimizer state (no entry point runs);
// the file goes through --load, --resume and --init-from, with its metadata
// (step, position, loop state, data scale).
#include "FuzzInput.h"
#include "Manifests.h"
#include "kiln/checkpoint.h"
#include "kiln/model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  kiln::fuzz::MemFile file(data, size);
  kiln::Model model(kiln::fuzz::checkpointModelApi());
  kiln::fuzz::expectCleanly([&] { kiln::loadCheckpoint(model, file.path); });
  kiln::fuzz::expectCleanly([&] { kiln::resumeCheckpoint(model, file.path); });
  kiln::fuzz::expectCleanly([&] { kiln::loadForTransfer(model, file.path); });
  return 0;
}
