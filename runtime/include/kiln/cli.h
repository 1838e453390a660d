//===- cli.h - The command line of every Kiln-built executable ------------===//
#ifndef KILN_CLI_H
#define KILN_CLI_H

#include "kiln/abi.h"
#include "kiln/distributed.h"

namespace kiln {

/// Subcommands train, eval, predict and info (usage: `<exe> --help`).
/// Returns the exit status: 0 ok, 1 runtime error, 2 usage error. Never
/// throws; errors are printed to stderr as `error: <message>`.
/// With a `group` (data parallelism, kiln/mpi.h) this process is one of
/// several: all of them train, rank 0 alone prints to stdout and writes
/// files, and the other commands run on rank 0 only. An error of one rank
/// is printed as `error: rank R of N: <message>`.
int runCli(const kiln_model_api &api, int argc, char **argv,
           ProcessGroup *group = nullptr);

} // namespace kiln

#endif // KILN_CLI_H
