//===- runtime.h - Everything the Kiln runtime offers, in one include -----===//
#ifndef KILN_RUNTIME_H
#define KILN_RUNTIME_H

#include "kiln/abi.h"
#include "kiln/checkpoint.h"
#include "kiln/cli.h"
#include "kiln/dataset.h"
#include "kiln/error.h"
#include "kiln/file_io.h"
#include "kiln/init.h"
#include "kiln/manifest.h"
#include "kiln/metrics.h"
#include "kiln/model.h"
#include "kiln/npy.h"
#include "kiln/progress.h"
#include "kiln/rng.h"
#include "kiln/safetensors.h"
#include "kiln/trainer.h"

#endif // KILN_RUNTIME_H
