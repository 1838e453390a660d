//===- OptimOps.td - optim dialect operations ------------------------------===//
#ifndef KILN_OPTIM_OPS
#define KILN_OPTIM_OPS

include "dialects/Optim/IR/OptimBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

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

#endif // KILN_OPTIM_OPS
