//===- Manifests.h - Small models the fuzzed readers must fit -------------===//
#ifndef KILN_FUZZ_MANIFESTS_H
#define KILN_FUZZ_MANIFESTS_H

#include "kiln/abi.h"
#include "kiln/manifest.h"

#include <cstdint>

namespace kiln::fuzz {

/// One of: a classifier of [4] floats into 3 classes, a regressor of [3]
/// floats onto 2 values, a classifier of [5] token ids (vocabulary 11),
/// a per-position labeller of [6] ids; picked by `selector`.
const Manifest &manifestFor(uint8_t selector);

/// For --text: a next-byte model of [8] byte ids ([8, 256] outputs).
const Manifest &nextByteManifest();

/// A model with two params, a buffer and momentum state; its entry points
/// do nothing (the fuzzer only loads checkpoints into it).
const kiln_model_api &checkpointModelApi();

} // namespace kiln::fuzz

#endif // KILN_FUZZ_MANIFESTS_H
