//===- commands.h - The CLI subcommands (internal) ------------------------===//
#ifndef KILN_SRC_COMMANDS_H
#define KILN_SRC_COMMANDS_H

#include "cli_options.h"
#include "kiln/abi.h"

namespace kiln {

int runTrain(const kiln_model_api &api, const Options &options);
int runEval(const kiln_model_api &api, const Options &options);
int runPredict(const kiln_model_api &api, const Options &options);
int runInfo(const kiln_model_api &api, const Options &options);

} // namespace kiln

#endif // KILN_SRC_COMMANDS_H
