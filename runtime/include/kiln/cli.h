//===- cli.h - The command line of every Kiln-built executable ------------===//
#ifndef KILN_CLI_H
#define KILN_CLI_H

#include "kiln/abi.h"

namespace kiln {

/// Subcommands train, eval, predict and info (usage: `<exe> --help`).
/// Returns the exit status: 0 ok, 1 runtime error, 2 usage error. Never
/// throws; errors are printed to stderr as `error: <message>`.
int runCli(const kiln_model_api &api, int argc, char **argv);

} // namespace kiln

#endif // KILN_CLI_H
