//===- OptimBase.td - The optim dialect: optimizer updates -----------------===//
#ifndef KILN_OPTIM_BASE
#define KILN_OPTIM_BASE

include "mlir/IR/OpBase.td"

def Optim_Dialect : Dialect {
  let name = "optim";
  // optim.allreduce takes the runtime context as an !llvm.ptr.
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
  let cppNamespace = "::kiln::optim";
  let summary = "Optimizer updates of one parameter tensor";
  let description = [{
    Each op is one elementwise update of a parameter and its optimizer state
    from its gradient, with PyTorch's semantics and defaults. The learning
    rate (and the step count, for bias correction) are runtime operands so a
    schedule needs no recompile. Each op lowers to one fused
    `linalg.generic`: one pass over the parameter.
  }];
}

class Optim_Op<string mnemonic, list<Trait> traits = []>
    : Op<Optim_Dialect, mnemonic, traits>;

#endif // KILN_OPTIM_BASE
