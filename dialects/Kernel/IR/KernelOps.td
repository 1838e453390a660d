//===- KernelOps.td - kernel dialect operations ----------------------------===//
#ifndef KILN_KERNEL_OPS
#define KILN_KERNEL_OPS

include "dialects/Kernel/IR/KernelBase.td"
include "dialects/Kernel/IR/KernelAttrDefs.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"

def Kernel_GroupOp : Kernel_Op<"group", [RecursiveMemoryEffects,
    SingleBlockImplicitTerminator<"YieldOp">]> {
  let summary = "A fused group of linalg ops that becomes one loop nest";
  let description = [{
    The body computes the results on tensors; values from above are used
    directly. The schedule (`#kernel.schedule`) says how its loops are
    tiled. With `vectorize`, the tiled ops become vector ops.

    ```mlir
    %y = kernel.group #kernel.schedule<tile = [8, 32], reduce = [1], lanes = 16> vectorize
        -> tensor<64x512xf32> {
      %mm = linalg.matmul ins(%x, %wt : ...) outs(%zero : ...) -> tensor<64x512xf32>
      %r = linalg.generic ... ins(%mm, %b : ...) outs(%e : ...) { ... }
      kernel.yield %r : tensor<64x512xf32>
    }
    ```
  }];
  let arguments = (ins Kernel_ScheduleAttr:$schedule, UnitAttr:$vectorize);
  let results = (outs Variadic<AnyType>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    qualified($schedule) (`vectorize` $vectorize^)?
    (`->` type($results)^)? attr-dict-with-keyword $body
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    ::llvm::ArrayRef<int64_t> getTileSizes() { return getSchedule().getTile(); }
    ::llvm::ArrayRef<int64_t> getReduceSizes() { return getSchedule().getReduce(); }
  }];
}

def Kernel_YieldOp : Kernel_Op<"yield", [Pure, Terminator, ReturnLike,
    HasParent<"GroupOp">]> {
  let summary = "Returns the results of a kernel.group";
  let description = [{
    ```mlir
    kernel.yield %r : tensor<64x512xf32>
    ```
  }];
  let arguments = (ins Variadic<AnyType>:$values);
  let builders = [OpBuilder<(ins), [{ /* nothing to yield */ }]>];
  let assemblyFormat = "($values^ `:` type($values))? attr-dict";
}

#endif // KILN_KERNEL_OPS
