//===- kiln-translate.cpp - Kiln's translations out of MLIR ---------------===//
//
//   kiln-translate --kiln-to-cpp in.mlir   the C++ backend's printer alone
//                                          (what kilnc --emit=cpp writes as
//                                          NAME.cpp), for its lit tests
//
#include "compiler/codegen/cpp/CppEmitter.h"
#include "compiler/pipeline/InitAll.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/Support/CommandLine.h"

static llvm::cl::opt<std::string> symbol("cpp-symbol", llvm::cl::init("model"),
                                         llvm::cl::desc("--kiln-to-cpp: prefix of the exported symbols"));
static llvm::cl::opt<int64_t> vectorBits(
    "cpp-vector-bits", llvm::cl::init(512),
    llvm::cl::desc("--kiln-to-cpp: the schedule's vector width in bits (C++ vectors are cut to it)"));

int main(int argc, char **argv) {
  mlir::TranslateFromMLIRRegistration cpp(
      "kiln-to-cpp", "C++17 source of a module at the end of the cpp stage",
      [](mlir::ModuleOp module, llvm::raw_ostream &os) {
        return kiln::printCpp(module, symbol, vectorBits, os);
      },
      [](mlir::DialectRegistry &registry) { kiln::registerDialects(registry); });
  return mlir::failed(mlir::mlirTranslateMain(argc, argv, "Kiln translations\n")) ? 1 : 0;
}
