//===- main_mpi.cpp - main() of executables built with `kilnc --mpi` ------===//
//
// As main.cpp, as one process of an MPI job (kiln/mpi.h).
//
#include "kiln/mpi.h"

#include <cstdio>

extern "C" const kiln_model_api *kiln_model_abi(void);

int main(int argc, char **argv) {
  const kiln_model_api *api = kiln_model_abi();
  if (!api) {
    std::fprintf(stderr, "error: kiln_model_abi() returned NULL\n");
    return 1;
  }
  return kiln::runMpiCli(*api, argc, argv);
}
