//===- main.cpp - main() of every Kiln-built executable -------------------===//
//
// Linked with the object the compiler generates, which defines the three
// kiln_model_* functions; everything else is kiln::runCli.
//
#include "kiln/cli.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

extern "C" {
const char *kiln_model_manifest(void);
float kiln_model_train_step(float *const *params, float *const *state,
                            const float *x, const void *y, float lr,
                            int64_t step, float *out);
void kiln_model_forward(float *const *params, const float *x, float *out);
}

int main(int argc, char **argv) {
#if defined(__GLIBC__)
  // The generated step allocates its large temporaries every call; keep
  // them on the heap instead of mmap/munmap (page faults and zeroing) per step.
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
#endif
  kiln_model_api api = {kiln_model_manifest, kiln_model_train_step,
                        kiln_model_forward};
  return kiln::runCli(api, argc, argv);
}
