//===- OptimOps.td - optim dialect operations ------------------------------===//
#ifndef KILN_OPTIM_OPS
#define KILN_OPTIM_OPS

include "dialects/Optim/IR/OptimBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.td"

def Optim_Tensor : RankedTensorOf<[AnyFloat]>;

def Optim_SGDOp : Optim_Op<"sgd", [Pure,
    AllTypesMatch<["param", "grad", "new_param"]>]> {
  let summary = "p - lr * (g + weight_decay * p)";
  let description = [{
    ```mlir
    %p1 = optim.sgd %p, %g, %lr {weight_decay = 0.0} : tensor<512x784xf32>, f32
    ```
  }];
  let arguments = (ins Optim_Tensor:$param, Optim_Tensor:$grad, AnyFloat:$lr,
                       DefaultValuedAttr<F64Attr, "0.0">:$weight_decay);
  let results = (outs Optim_Tensor:$new_param);
  let assemblyFormat = "$param `,` $grad `,` $lr attr-dict `:` type($param) `,` type($lr)";
  let hasVerifier = 1;
}

def Optim_MomentumOp : Optim_Op<"momentum", [Pure,
    AllTypesMatch<["param", "grad", "buf", "new_param", "new_buf"]>]> {
  let summary = "SGD with momentum (PyTorch's, dampening 0, optional Nesterov)";
  let description = [{
    `g' = g + wd p; buf' = mu buf + g'; p' = p - lr (nesterov ? g' + mu buf' : buf')`.
    The buffer starts at zero, which matches PyTorch's first step.

    ```mlir
    %p1, %b1 = optim.momentum %p, %g, %b, %lr {momentum = 0.9}
        : tensor<512xf32>, f32
    ```
  }];
  let arguments = (ins Optim_Tensor:$param, Optim_Tensor:$grad,
                       Optim_Tensor:$buf, AnyFloat:$lr,
                       DefaultValuedAttr<F64Attr, "0.9">:$momentum,
                       DefaultValuedAttr<F64Attr, "0.0">:$weight_decay,
                       UnitAttr:$nesterov);
  let results = (outs Optim_Tensor:$new_param, Optim_Tensor:$new_buf);
  let assemblyFormat = [{
    $param `,` $grad `,` $buf `,` $lr attr-dict `:` type($param) `,` type($lr)
  }];
  let hasVerifier = 1;
}

def Optim_AdamOp : Optim_Op<"adam", [Pure,
    AllTypesMatch<["param", "grad", "exp_avg", "exp_avg_sq",
                   "new_param", "new_exp_avg", "new_exp_avg_sq"]>]> {
  let summary = "Adam, or AdamW with `decoupled` (PyTorch's semantics and defaults)";
  let description = [{
    With `t = step` (counted from 1):
    `m' = b1 m + (1-b1) g; v' = b2 v + (1-b2) g²;
     p' = p - lr/(1-b1^t) * m' / (sqrt(v')/sqrt(1-b2^t) + eps)`.
    Weight decay adds `wd p` to `g` (Adam) or scales `p` by `1 - lr wd`
    first (AdamW, `decoupled`).

    ```mlir
    %p1, %m1, %v1 = optim.adam %p, %g, %m, %v, %lr, %step
        {beta1 = 0.9, beta2 = 0.999, eps = 1.0e-8} : tensor<512xf32>, f32
    ```
  }];
  let arguments = (ins Optim_Tensor:$param, Optim_Tensor:$grad,
                       Optim_Tensor:$exp_avg, Optim_Tensor:$exp_avg_sq,
                       AnyFloat:$lr, I64:$step,
                       DefaultValuedAttr<F64Attr, "0.9">:$beta1,
                       DefaultValuedAttr<F64Attr, "0.999">:$beta2,
                       DefaultValuedAttr<F64Attr, "1.0e-8">:$eps,
                       DefaultValuedAttr<F64Attr, "0.0">:$weight_decay,
                       UnitAttr:$decoupled);
  let results = (outs Optim_Tensor:$new_param, Optim_Tensor:$new_exp_avg,
                      Optim_Tensor:$new_exp_avg_sq);
  let assemblyFormat = [{
    $param `,` $grad `,` $exp_avg `,` $exp_avg_sq `,` $lr `,` $step attr-dict
    `:` type($param) `,` type($lr)
  }];
  let hasVerifier = 1;
}

def Optim_AdagradOp : Optim_Op<"adagrad", [Pure,
    AllTypesMatch<["param", "grad", "sum", "new_param", "new_sum"]>]> {
  let summary = "Adagrad (PyTorch's semantics and defaults)";
  let description = [{
    With `t = step` (counted from 1) and `g' = g + wd p`:
    `sum' = sum + g'²; p' = p - lr / (1 + (t-1) lr_decay) * g' / (sqrt(sum') + eps)`.
    The sum starts at `initial_accumulator_value` (the runtime fills it).

    ```mlir
    %p1, %s1 = optim.adagrad %p, %g, %s, %lr, %step {eps = 1.0e-10}
        : tensor<512xf32>, f32
    ```
  }];
  let arguments = (ins Optim_Tensor:$param, Optim_Tensor:$grad,
                       Optim_Tensor:$sum, AnyFloat:$lr, I64:$step,
                       DefaultValuedAttr<F64Attr, "0.0">:$lr_decay,
                       DefaultValuedAttr<F64Attr, "1.0e-10">:$eps,
                       DefaultValuedAttr<F64Attr, "0.0">:$weight_decay);
  let results = (outs Optim_Tensor:$new_param, Optim_Tensor:$new_sum);
  let assemblyFormat = [{
    $param `,` $grad `,` $sum `,` $lr `,` $step attr-dict `:` type($param) `,` type($lr)
  }];
  let hasVerifier = 1;
}

def Optim_RMSpropOp : Optim_Op<"rmsprop", [Pure, AttrSizedOperandSegments,
    AttrSizedResultSegments,
    AllTypesMatch<["param", "grad", "square_avg", "new_param", "new_square_avg"]>]> {
  let summary = "RMSprop, optionally centered and with momentum (PyTorch's semantics and defaults)";
  let description = [{
    With `g' = g + wd p`: `v' = alpha v + (1-alpha) g'²`; centered:
    `a' = alpha a + (1-alpha) g'`, `d = sqrt(v' - a'²) + eps`, else
    `d = sqrt(v') + eps`; with momentum: `buf' = momentum buf + g'/d`,
    `p' = p - lr buf'`, else `p' = p - lr g'/d`. `momentum_buffer` is given
    exactly when momentum > 0, `grad_avg` exactly when centered.

    ```mlir
    %p1, %v1, %b1, %a1 = optim.rmsprop %p, %g, %v
        momentum_buffer %b : tensor<512xf32> -> tensor<512xf32>
        grad_avg %a : tensor<512xf32> -> tensor<512xf32>, %lr
        {alpha = 0.99, eps = 1.0e-8, momentum = 0.9, centered}
        : tensor<512xf32>, f32
    %p2, %v2 = optim.rmsprop %p, %g, %v, %lr : tensor<512xf32>, f32
    ```
  }];
  let arguments = (ins Optim_Tensor:$param, Optim_Tensor:$grad,
                       Optim_Tensor:$square_avg,
                       Optional<Optim_Tensor>:$momentum_buffer,
                       Optional<Optim_Tensor>:$grad_avg, AnyFloat:$lr,
                       DefaultValuedAttr<F64Attr, "0.99">:$alpha,
                       DefaultValuedAttr<F64Attr, "1.0e-8">:$eps,
                       DefaultValuedAttr<F64Attr, "0.0">:$momentum,
                       DefaultValuedAttr<F64Attr, "0.0">:$weight_decay,
                       UnitAttr:$centered);
  let results = (outs Optim_Tensor:$new_param, Optim_Tensor:$new_square_avg,
                      Optional<Optim_Tensor>:$new_momentum_buffer,
                      Optional<Optim_Tensor>:$new_grad_avg);
  let assemblyFormat = [{
    $param `,` $grad `,` $square_avg
    (`momentum_buffer` $momentum_buffer^ `:` type($momentum_buffer) `->`
     type($new_momentum_buffer))?
    (`grad_avg` $grad_avg^ `:` type($grad_avg) `->` type($new_grad_avg))?
    `,` $lr attr-dict `:` type($param) `,` type($lr)
  }];
  let hasVerifier = 1;
}

def Optim_ClipByGlobalNormOp : Optim_Op<"clip_by_global_norm", [Pure]> {
  let summary = "Scales all gradients by min(1, max_norm / (‖g‖ + 1e-6))";
  let description = [{
    `‖g‖` is the L2 norm of all the gradients together, as PyTorch's
    `clip_grad_norm_(params, max_norm)`: one reduction, then every gradient
    scaled by the same factor.

    ```mlir
    %c:2 = optim.clip_by_global_norm %g0, %g1 {max_norm = 1.0}
        : tensor<64x784xf32>, tensor<64xf32> -> tensor<64x784xf32>, tensor<64xf32>
    ```
  }];
  let arguments = (ins Variadic<Optim_Tensor>:$grads, F64Attr:$max_norm);
  let results = (outs Variadic<Optim_Tensor>:$clipped);
  let assemblyFormat = "$grads attr-dict `:` type($grads) `->` type($clipped)";
  let hasVerifier = 1;
}

def Optim_ContextPtr : Type<
    CPred<"::llvm::isa<::mlir::LLVM::LLVMPointerType>($_self)">,
    "the runtime context (!llvm.ptr)", "::mlir::LLVM::LLVMPointerType"> {
  let builderCall = "$_builder.getType<::mlir::LLVM::LLVMPointerType>(0)";
}

def Optim_AllReduceOp : Optim_Op<"allreduce", [
    DeclareOpInterfaceMethods<BufferizableOpInterface,
        ["bufferizesToMemoryRead", "bufferizesToMemoryWrite",
         "getAliasingValues", "bufferize"]>]> {
  let summary = "Averages values across the processes of a data-parallel run";
  let description = [{
    Replaces every element of `values` by its mean over the processes that
    train together, through the runtime's `allreduce` callback found in the
    context `ctx` (a `kiln_context *` as an `!llvm.ptr`; runtime/include/kiln/abi.h).
    Without a context or a callback (one process) the values pass unchanged.
    `train_step` of a model compiled for data parallelism (`kilnc --mpi`)
    has one, on the loss and the gradients of the trainable parameters,
    between the backward pass and the update.

    On tensors it has one result per value. optim-to-linalg packs several
    values into one 1-D tensor, so that the runtime gets one call per step;
    bufferization turns it into the form on one buffer, updated in place,
    which has no results.

    ```mlir
    %l, %g0, %g1 = optim.allreduce %ctx, %loss, %gw, %gb
        : tensor<f32>, tensor<10x784xf32>, tensor<10xf32>
        -> tensor<f32>, tensor<10x784xf32>, tensor<10xf32>
    optim.allreduce %ctx, %packed : memref<7851xf32>
    ```
  }];
  let arguments = (ins Optim_ContextPtr:$ctx,
                       Variadic<AnyTypeOf<[Optim_Tensor, MemRefOf<[F32]>]>>:$values);
  let results = (outs Variadic<Optim_Tensor>:$results);
  let assemblyFormat = [{
    $ctx `,` $values attr-dict `:` type($values) (`->` type($results)^)?
  }];
  let hasVerifier = 1;
}

#endif // KILN_OPTIM_OPS
