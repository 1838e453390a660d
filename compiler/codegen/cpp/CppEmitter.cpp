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
  return cpp::Printer(module, os, std::max<int64_t>(1, vectorBits / 32)).printModule(symbol);
}

} // namespace kiln
