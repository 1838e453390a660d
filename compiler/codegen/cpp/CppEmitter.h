//===- CppEmitter.h - Scheduled, bufferized IR to C++17 source -------------===//
#ifndef KILN_COMPILER_CODEGEN_CPP_CPPEMITTER_H
#define KILN_COMPILER_CODEGEN_CPP_CPPEMITTER_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"
#include <string>

namespace kiln {

/// Prints `module` (the cpp stage's output: kernels outlined, vectors 1-D
/// transfers, scf loops, static memrefs) as one C++17 translation unit that
/// exports the ABI v3 symbols `<symbol>_abi`, `<symbol>_manifest` and
/// `<symbol>_<entry>` (runtime/include/kiln/abi.h). Ops it cannot print are
/// reported on their location; returns failure then. Vectors are split in
/// C++ vectors of `vectorBits` (the schedule's width; f32 lanes).
mlir::LogicalResult printCpp(mlir::ModuleOp module, const std::string &symbol,
                             int64_t vectorBits, llvm::raw_ostream &os);

/// The text of kiln_vec.h, the vector header emitted code includes.
llvm::StringRef vectorHeaderText();

/// Writes the C++ output of `kilnc --emit=cpp -o DIR`: DIR/<name>.cpp,
/// DIR/<name>.h, DIR/kiln_vec.h and DIR/CMakeLists.txt.
bool emitCppProject(mlir::ModuleOp module, const std::string &dir,
                    const std::string &name, const std::string &className,
                    int64_t vectorBits, std::string &error);

} // namespace kiln

#endif // KILN_COMPILER_CODEGEN_CPP_CPPEMITTER_H
