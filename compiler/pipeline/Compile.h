//===- Compile.h - kilnc's work: model file to IR, object or executable ---===//
#ifndef KILN_COMPILER_PIPELINE_COMPILE_H
#define KILN_COMPILER_PIPELINE_COMPILE_H

#include "compiler/pipeline/Pipeline.h"
#include <optional>
#include <string>
#include <vector>

namespace kiln {

enum class Emit { Executable, Object, LLVMIR, Cpp };

struct CompileOptions {
  std::string input;              // model.json
  std::string output;             // -o
  Emit emit = Emit::Executable;
  std::optional<Stage> compileTo; // print IR after this stage instead
  std::string symbol;             // exported prefix; default from output name
  std::optional<int64_t> batchSize;
  std::optional<int64_t> vectorBits;
  /// The target's caches and cores for the schedules (default: the host's).
  std::optional<int64_t> l1Bytes, l2Bytes, cores, accumulators;
  bool inference = false;         // forward only, as "training": false
  bool checkStep = true;          // build check_step (divergence diagnosis)
  /// Data-parallel training: train_step averages its loss and gradients
  /// through the context's allreduce; executables link the MPI runtime.
  bool mpi = false;
  std::vector<std::string> freeze; // layers made non-trainable
  bool timing = false;            // print the time of each phase to stderr
  /// Verify after every pass; otherwise once, at the end (verifying after
  /// every pass made compiles 15-18% slower).
  bool verifyEach = false;
  /// What the model may need in memory (params, buffers, optimizer state,
  /// workspace); default: this machine's physical memory.
  std::optional<int64_t> maxMemory;
};

/// Runs kilnc. Diagnostics and errors go to stderr; returns the exit code.
int compile(const CompileOptions &options);

} // namespace kiln

#endif // KILN_COMPILER_PIPELINE_COMPILE_H
