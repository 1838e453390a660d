//===- KernelBase.td - The kernel dialect: fused loop nests ---------------===//
#ifndef KILN_KERNEL_BASE
#define KILN_KERNEL_BASE

include "mlir/IR/OpBase.td"

def Kernel_Dialect : Dialect {
  let name = "kernel";
  let cppNamespace = "::kiln::kernel";
  let summary = "Fused groups of linalg ops and their schedules";
  let description = [{
    A `kernel.group` holds the linalg ops that become one loop nest, plus the
    schedule that tiling and vectorization read. `kernel-form` decides the
    groups; `kernel-tile` applies the schedules and dissolves the groups.
  }];
  let useDefaultAttributePrinterParser = 1;
}

class Kernel_Op<string mnemonic, list<Trait> traits = []>
    : Op<Kernel_Dialect, mnemonic, traits>;

#endif // KILN_KERNEL_BASE
