//===- Passes.td - Kiln's compiler passes (autodiff, lowerings, ABI) ------===//
#ifndef KILN_COMPILER_PASSES
#define KILN_COMPILER_PASSES

include "mlir/Pass/PassBase.td"

def AutodiffPass : Pass<"kiln-autodiff", "mlir::ModuleOp"> {
  let summary = "Build train_step and forward from the model, its loss and optimizer";
  let description = [{
    Reads `@model` (params and input -> prediction), `@loss` (prediction and
    target -> scalar) and the module's `kiln.optimizer` attribute. Emits
    `@train_step(params..., state..., x, y, lr, step) -> (loss, prediction, params..., state...)`:
    the forward pass, the loss, the reverse sweep (each op's
    DifferentiableOpInterface rule, cotangents of reused values summed) and
    one optim op per parameter; and `@forward(params..., x) -> prediction`,
    which applies softmax when the loss is softmax cross-entropy.
  }];
  let dependentDialects = ["kiln::nn::NNDialect", "kiln::optim::OptimDialect",
                           "mlir::linalg::LinalgDialect", "mlir::tensor::TensorDialect",
                           "mlir::arith::ArithDialect"];
}

def NNToLinalgPass : Pass<"nn-to-linalg", "mlir::func::FuncOp"> {
  let summary = "Lower nn ops to linalg, tensor, arith and math";
  let dependentDialects = ["mlir::linalg::LinalgDialect", "mlir::tensor::TensorDialect",
                           "mlir::arith::ArithDialect", "mlir::math::MathDialect"];
}

def OptimToLinalgPass : Pass<"optim-to-linalg", "mlir::func::FuncOp"> {
  let summary = "Lower each optim op to one fused linalg.generic updating in place";
  let description = [{
    The generic's outputs are the parameter and state tensors themselves, so
    bufferization updates them in place: one pass over each parameter.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect", "mlir::tensor::TensorDialect",
                           "mlir::arith::ArithDialect", "mlir::math::MathDialect"];
}

def BufferABIPass : Pass<"kiln-buffer-abi", "mlir::ModuleOp"> {
  let summary = "Give train_step and forward their buffer-level ABI";
  let description = [{
    Tensor arguments become memrefs read through `bufferization.to_tensor
    restrict writable`; new parameter and state values are materialized into
    their argument buffers, so the update happens in place; `forward` writes
    its prediction into an output buffer; the loss is returned as a scalar.
  }];
  let dependentDialects = ["mlir::bufferization::BufferizationDialect",
                           "mlir::memref::MemRefDialect", "mlir::tensor::TensorDialect"];
}

def EmitABIPass : Pass<"kiln-emit-abi", "mlir::ModuleOp"> {
  let summary = "Export the C ABI: <sym>_manifest, <sym>_train_step, <sym>_forward";
  let description = [{
    Runs on the LLVM dialect. Wraps the bare-pointer train_step and forward in
    functions that take arrays of parameter and state pointers (see
    runtime/include/kiln/abi.h) and exports the manifest text.
  }];
  let options = [
    Option<"symbol", "symbol", "std::string", /*default=*/"\"kiln_model\"",
           "Prefix of the exported symbols">,
  ];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

#endif // KILN_COMPILER_PASSES
