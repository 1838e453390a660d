//===- init.h - Parameter initializers ------------------------------------===//
#ifndef KILN_INIT_H
#define KILN_INIT_H

#include "kiln/manifest.h"

#include <cstdint>

namespace kiln {

/// The bound `a` of the U(-a, a) initializers (0 for zeros, ones, normal):
/// glorot_uniform sqrt(6/(fan_in+fan_out)), he_uniform sqrt(6/fan_in),
/// uniform_fan_in 1/sqrt(fan_in). `normal` is N(0, 1).
double initBound(const ParamSpec &param);

/// Fills `data` (shapeSize(param.shape) floats). The values depend only on
/// `seed` and the parameter's name, so adding a layer leaves the others'
/// initial weights unchanged.
void initializeParam(const ParamSpec &param, uint64_t seed, float *data);

} // namespace kiln

#endif // KILN_INIT_H
