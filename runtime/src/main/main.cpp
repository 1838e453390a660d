//===- main.cpp - main() of every Kiln-built executable -------------------===//
//
// Linked with the object the compiler generates, which defines
// kiln_model_abi() (runtime/include/kiln/abi.h); everything else is
// kiln::runCli. The workspace the runtime allocates once holds every
// temporary, so no allocator tuning is needed here.
//
#include "kiln/cli.h"

#include <cstdio>

extern "C" const kiln_model_api *kiln_model_abi(void);

int main(int argc, char **argv) {
  const kiln_model_api *api = kiln_model_abi();
  if (!api) {
    std::fprintf(stderr, "error: kiln_model_abi() returned NULL\n");
    return 1;
  }
  return kiln::runCli(*api, argc, argv);
}
