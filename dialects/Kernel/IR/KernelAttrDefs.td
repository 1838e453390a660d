//===- KernelAttrDefs.td - kernel dialect attributes -----------------------===//
#ifndef KILN_KERNEL_ATTRDEFS
#define KILN_KERNEL_ATTRDEFS

include "dialects/Kernel/IR/KernelBase.td"
include "mlir/IR/AttrTypeBase.td"

def Kernel_ScheduleAttr : AttrDef<Kernel_Dialect, "Schedule"> {
  let mnemonic = "schedule";
  let summary = "How a kernel.group becomes loops: cache tiles, register tiles, vectors";
  let description = [{
    Chosen by kernel-form's strategy for the group's root kind from a
    `Target`; kernel-tile applies it and nothing else decides tile sizes.

    - `cache`: tile sizes over the root's loops (0: whole), applied first,
      reductions included; `order` is the order of those loops, outermost
      first (default: as the root's). The outermost tiled parallel loop is
      the one threads split.
    - `tile`: register tiles over the last op's parallel loops (0: not
      tiled), inside the cache tiles; producers are fused into them unless
      there are cache tiles (the root alone is tiled, but for a packed
      product's fill, fused when no cache tile runs over k).
    - `reduce`: tile sizes of the root's reduction loops, inside the
      register tiles.
    - `lanes`: the vector length the tiles were cut for (0: unknown).
    - `packed`: the operand the strategy packed into panels before the
      group (`"rhs"`: B into [N/n, K, n]; empty: none). Informational:
      the packing is already in the IR.
    - `epilogue`: tile sizes of the elementwise ops after the root, over the
      last op's loops. With it, `cache` tiles the last op's parallel loops
      and the whole group is fused into those tiles (the root's reductions
      stay whole); inside a cache tile the root is tiled by `tile` and
      `reduce`, then the ops after it by `epilogue`. An optimizer update
      after a weight gradient so runs over rows of the cache tile, not once
      per register tile. `cache` may go on past the tiled loops with
      chunks of the root's reductions: inside a cache tile the root runs
      over them, every register tile over a chunk before the next, adding
      into the tile's sums (zeroed once).

    ```mlir
    #kernel.schedule<tile = [8, 1, 16, 0], reduce = [1], cache = [64, 16, 0, 256],
                     order = [1, 3, 0, 2], lanes = 8, packed = "rhs">
    #kernel.schedule<tile = [4, 16], reduce = [1], cache = [4, 0], lanes = 8,
                     epilogue = [1, 16]>
    #kernel.schedule<tile = [8, 32], reduce = [1], cache = [64, 0, 128], lanes = 16,
                     epilogue = [1, 32]>
    ```
  }];
  let parameters = (ins
    OptionalArrayRefParameter<"int64_t">:$tile,
    OptionalArrayRefParameter<"int64_t">:$reduce,
    OptionalArrayRefParameter<"int64_t">:$cache,
    OptionalArrayRefParameter<"int64_t">:$order,
    DefaultValuedParameter<"int64_t", "0">:$lanes,
    StringRefParameter<"", "\"\"">:$packed,
    OptionalArrayRefParameter<"int64_t">:$epilogue
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
}

#endif // KILN_KERNEL_ATTRDEFS
