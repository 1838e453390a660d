//===- Codegen.h - LLVM dialect to object file, header and executable -----===//
#ifndef KILN_COMPILER_CODEGEN_CODEGEN_H
#define KILN_COMPILER_CODEGEN_CODEGEN_H

#include "mlir/IR/BuiltinOps.h"
#include <string>

namespace kiln {

/// The CPU that code is generated for, and what the schedules need of it.
struct Target {
  std::string triple, cpu, features;
  int64_t vectorBits = 256;
  /// The machine kilnc runs on.
  static Target host();
};

/// Translates an LLVM-dialect module to LLVM IR, optimizes it at -O3 for
/// `target`, and writes an object file (or LLVM IR text with `llvmIR`).
bool emitObject(mlir::ModuleOp module, const Target &target,
                const std::string &path, bool llvmIR, std::string &error);

/// Writes the C++ header that embeds a model compiled with symbol `symbol`.
bool emitHeader(const std::string &path, const std::string &symbol,
                const std::string &className, std::string &error);

} // namespace kiln

#endif // KILN_COMPILER_CODEGEN_CODEGEN_H
