//===- commands.h - The CLI subcommands (internal) ------------------------===//
#ifndef KILN_SRC_COMMANDS_H
#define KILN_SRC_COMMANDS_H

#include "cli_options.h"
#include "kiln/abi.h"
#include "kiln/distributed.h"

namespace kiln {

/// How the process was started: alone, or one of a data-parallel group
/// (then `argsHash` is a hash of its command line, which every process of
/// the group must share).
struct Launch {
  ProcessGroup *group = nullptr;
  uint64_t argsHash = 0;
};

int runTrain(const kiln_model_api &api, const Options &options,
             const Launch &launch);
// These run on one process (rank 0 of a group): they ignore `launch`.
int runEval(const kiln_model_api &api, const Options &options, const Launch &);
int runPredict(const kiln_model_api &api, const Options &options, const Launch &);
int runInfo(const kiln_model_api &api, const Options &options, const Launch &);

} // namespace kiln

#endif // KILN_SRC_COMMANDS_H
