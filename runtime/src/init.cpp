//===- init.cpp - Parameter initializers ----------------------------------===//
#include "kiln/init.h"

#include "kiln/rng.h"

#include <algorithm>
#include <cmath>

namespace kiln {

double initBound(const ParamSpec &param) {
  switch (param.init) {
  case InitKind::Zeros:
  case InitKind::Ones:
  case InitKind::Normal:
    return 0;
  case InitKind::GlorotUniform:
    return std::sqrt(6.0 / double(param.fanIn + param.fanOut));
  case InitKind::HeUniform:
    return std::sqrt(6.0 / double(param.fanIn));
  case InitKind::UniformFanIn:
    return 1.0 / std::sqrt(double(param.fanIn));
  }
  return 0;
}

void initializeParam(const ParamSpec &param, uint64_t seed, float *data) {
  int64_t size = shapeSize(param.shape);
  if (param.init == InitKind::Zeros || param.init == InitKind::Ones) {
    std::fill(data, data + size, param.init == InitKind::Ones ? 1.0f : 0.0f);
    return;
  }
  // Doubles are IEEE everywhere and sqrt is correctly rounded, so these
  // values are bit-identical across platforms. float(x) never exceeds
  // float(bound) because rounding is monotonic.
  Rng rng(deriveSeed(seed, param.name));
  if (param.init == InitKind::Normal) {
    // N(0, 1) by Box-Muller (PyTorch's Embedding default); 1 - u is in
    // (0, 1], so the log is finite.
    for (int64_t i = 0; i < size; i += 2) {
      double r = std::sqrt(-2.0 * std::log(1.0 - rng.uniform()));
      double a = 2.0 * M_PI * rng.uniform();
      data[i] = float(r * std::cos(a));
      if (i + 1 < size)
        data[i + 1] = float(r * std::sin(a));
    }
    return;
  }
  double bound = initBound(param);
  for (int64_t i = 0; i < size; ++i)
    data[i] = float(bound * (2.0 * rng.uniform() - 1.0));
}

} // namespace kiln
