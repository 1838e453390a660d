//===- CppEmitter.cpp - Scheduled, bufferized IR to C++17 source ----------===//
//
// Kiln's own printer (not EmitC: MLIR 19's EmitC has no vectors and takes no
// memref arguments) prints the IR the object backend lowers to LLVM, where
// kernels are outlined and vectors are 1-D transfers (cpp/Printer.h).
//
#include "compiler/codegen/cpp/CppEmitter.h"
#include "compiler/codegen/cpp/Printer.h"

namespace kiln {

mlir::LogicalResult printCpp(mlir::ModuleOp module, const std::string &symbol,
                             int64_t vectorBits, llvm::raw_ostream &os) {
  // Lanes of f32 per C++ vector: a power of two (GCC's rule), 1 to 256.
  int64_t width = 1;
  while (width * 2 <= std::min<int64_t>(vectorBits / 32, 256))
    width *= 2;
  return cpp::Printer(module, os, width).printModule(symbol);
}

} // namespace kiln
