//===- Passes.td - kernel dialect passes -----------------------------------===//
#ifndef KILN_KERNEL_PASSES
#define KILN_KERNEL_PASSES

include "mlir/Pass/PassBase.td"

def KernelFormPass : Pass<"kernel-form", "mlir::func::FuncOp"> {
  let summary = "Group linalg ops into kernel.group ops with a schedule";
  let description = [{
    Each contraction (matmul) or other linalg op roots a group; a root
    absorbs the `linalg.fill` that initializes it and the chain of
    elementwise ops that consume its result alone (bias add, activation), so
    dense + bias + activation becomes one loop nest. Rows of partial sums
    (a single sample's dense layer) also take the row sums that alone
    consume them, with their fill, so such a layer is one loop nest too. A
    matmul whose B pays to
    pack first becomes a copy of B into column panels and a packed product
    (with its fill when no cache tile runs over its reduction, and with
    the elementwise op after it, expanded to its panel layout, when it has
    no cache tiles at all; summed in k blocks from a fill, its first block
    becomes a product of its own that takes the fill, and the rest
    accumulates into it); a dense layer's
    forward on fewer samples than units packs its input instead of W and
    computes Cᵀ = W xᵀ, transposed back. Each group's
    `#kernel.schedule` comes from the strategy of its root's kind (matmul,
    packed matmul, generic contraction, transpose, elementwise and
    reductions) and the target: vector width, L1 and L2 sizes, cores,
    accumulators.
    Tiles are whole vectors (but the row sums' 4 values per tile of rows);
    when no such tile divides a loop, kernel-tile peels the remainder, so
    every tile is static.
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "int64_t", /*default=*/"512",
           "Width of the target's vector registers in bits (512: AVX-512, 256: AVX2)">,
    Option<"l1Bytes", "l1-bytes", "int64_t", /*default=*/"32768",
           "Per-core L1 data cache">,
    Option<"l2Bytes", "l2-bytes", "int64_t", /*default=*/"524288",
           "Per-core L2 cache">,
    Option<"cores", "cores", "int64_t", /*default=*/"1",
           "Cores that threads may split loops over">,
    Option<"accumulators", "accumulators", "int64_t", /*default=*/"16",
           "Vector registers a register tile may accumulate in">,
  ];
  let statistics = [
    Statistic<"numPacked", "packed-matmuls", "Matmuls rewritten on a packed B">,
    Statistic<"numLhsTransposed", "lhs-transposed", "Aᵀ B matmuls rewritten on A transposed once">,
    Statistic<"numFirstChunks", "first-chunks", "Packed products in k chunks whose first chunk starts from the fill">
  ];
  let dependentDialects = ["kiln::kernel::KernelDialect"];
}

def KernelTilePass : Pass<"kernel-tile", "mlir::func::FuncOp"> {
  let summary = "Tile, fuse and vectorize each kernel.group by its schedule, then dissolve it";
  let description = [{
    With `cache` tiles, tiles the group's single op by them in `order` (the
    outermost parallel loop marked `kernel.parallel`), peels, then tiles
    each piece by `tile` (a packed product with its fill: both levels with
    the fill fused; a contraction with its fill: the parallel cache tiles
    with the fill fused, then the reduction chunks); with an `epilogue`,
    tiles the last op by the parallel `cache` tiles with the group fused,
    the root inside by the reduction chunks `cache` may add and by `tile`,
    the ops after it by `epilogue`. Otherwise tiles the group's last op by
    `tile` and fuses the group's producers into the tile loops. Then tiles the
    root's reductions by `reduce`, peels the last
    tile off loops whose step does not divide them (so full and partial tiles
    are both static), and vectorizes every linalg op of the group when
    `vectorize` is set. Ops the vectorizer rejects stay scalar, each with a
    warning, counted by the `scalar-ops` statistic. The group's body then
    replaces it, its loop nests marked `kernel.nest` (a number): CSE hashes
    ops without their regions, and loop nests of one shape over a shared
    zero accumulator would otherwise all compare with each other. A group
    equal to one already tiled up to the values it reads (same ops,
    attributes, types; same kinds of captures) gets a copy of that tiling
    instead (`copied-groups`), unless the tiling used a constant it did not
    make itself (`refused-templates`).
  }];
  let statistics = [
    Statistic<"numScalarOps", "scalar-ops", "Linalg ops left scalar in vectorized groups">,
    Statistic<"numCopied", "copied-groups", "Groups copied from an equal group's tiling">,
    Statistic<"numRefused", "refused-templates", "Tiled groups that cannot stand in for equal ones">
  ];
  let dependentDialects = ["mlir::scf::SCFDialect", "mlir::vector::VectorDialect",
                           "mlir::tensor::TensorDialect", "mlir::affine::AffineDialect"];
}

def KernelLocalizeVectorsPass : Pass<"kernel-localize-vectors", "mlir::func::FuncOp"> {
  let summary = "Re-read from their tensors the vectors that one kernel hands to a later one";
  let description = [{
    After tiling, canonicalization forwards a vector written to a tensor to
    every later read of it, and CSE merges equal reads of a tensor: the
    forward pass's activations reach the backward pass in registers, and a
    weight read by the forward pass reaches the update. Such a vector, used
    past another kernel's loop nest, lives across the whole step: spilled
    on every path, and in a model of many layers the register allocator and
    instruction selector take time quadratic in the step. Each such use gets
    its own read before its kernel: the read the vector came from, the pure
    ops that followed it, or a read of the tensor the vector was written to.
    It also drops the `kernel.nest` marks kernel-tile put on loop nests.
  }];
  let dependentDialects = ["mlir::vector::VectorDialect", "mlir::arith::ArithDialect"];
}

def KernelLowerVectorsPass : Pass<"kernel-lower-vectors", "mlir::func::FuncOp"> {
  let summary = "Hoist and lower the vector ops of kernels after bufferization";
  let description = [{
    On memrefs: hoists loop-invariant transfers (the matmul accumulator out of
    the reduction loop), lowers vector.contract to outer products (FMAs with
    broadcast operands), or to one elementwise FMA when its reduction is a
    single step over rows of partial sums, and transfers to rank-1 loads and
    stores, and
    expands f32 math functions (exp, log, tanh) into vector polynomials.
  }];
  let dependentDialects = ["mlir::vector::VectorDialect", "mlir::memref::MemRefDialect",
                           "mlir::math::MathDialect", "mlir::arith::ArithDialect"];
}


def KernelPrefetchEpiloguePass : Pass<"kernel-prefetch-epilogue", "mlir::func::FuncOp"> {
  let summary = "Prefetch what a cache tile's epilogue reads while its register tiles compute";
  let description = [{
    A matmul with an epilogue (an optimizer update fused into a weight
    gradient) computes a cache tile of register tiles into a scratch view,
    then runs the epilogue over the tile, reading views of other buffers of
    the tile's shape (the weights and the optimizer's moments). Those come
    from far caches, and each register tile's rows are too many streams for
    the hardware prefetchers, so the epilogue waits on them. Each register
    tile's loop gets, before its reduction, a `memref.prefetch` of every
    cache line of those views at the register tile's position: the epilogue
    then finds its operands in L1. Not when every view takes whole rows of
    its buffer: each is then one block of memory, read a row at a time,
    streams the hardware prefetchers follow. Runs on bufferized IR.
  }];
  let statistics = [
    Statistic<"numPrefetched", "prefetched-views", "Epilogue views prefetched by register tile">
  ];
}


def KernelPrefetchStreamsPass : Pass<"kernel-prefetch-streams", "mlir::func::FuncOp"> {
  let summary = "Prefetch the rows a reduction streams, a distance ahead";
  let description = [{
    A register block's reduction over k reads one row of a packed panel
    per step (`[.., %k, 0]`, the whole last dimension, at most 4 cache
    lines), or up to 4 lines of a wider row at a column the same on every
    iteration (a weight gradient's dy: a strided stream): from L2 when the
    rows the loop walks outgrow L1 (`l1-bytes`). Each iteration prefetches
    the row `distance-bytes` of reads ahead (`ahead` rows), at the end of
    the loop body. Where that row would be past the memref, the loop is
    split: its tail, a copy without prefetches, runs the last iterations.
    The row may be k plus values fixed in the loop (an affine.apply of a
    plain sum, each operand at most once); such a loop splits `ahead`
    iterations before its end. Needs constant bounds
    and a source and other indices the same on every iteration. Runs on
    bufferized IR.
  }];
  let options = [
    Option<"l1Bytes", "l1-bytes", "int64_t", /*default=*/"49152",
           "Per-core L1 bytes: a loop reading no more rows than fit is not prefetched">,
    Option<"distanceBytes", "distance-bytes", "int64_t", /*default=*/"2048",
           "How far ahead the prefetched row is">
  ];
  let dependentDialects = ["mlir::memref::MemRefDialect", "mlir::arith::ArithDialect",
                           "mlir::scf::SCFDialect"];
  let statistics = [
    Statistic<"numStreams", "prefetched-streams", "Reads of a reduction whose rows are prefetched ahead">
  ];
}

def KernelPrefetchRowsPass : Pass<"kernel-prefetch-rows", "mlir::func::FuncOp"> {
  let summary = "Prefetch the next row block of a packed product's broadcast operand";
  let description = [{
    A packed product runs a block of M rows of A (its broadcasts, kc of
    k) across T panels of B, then moves to the next M rows. When A
    outgrows half of L2 (`l2-bytes`), that block comes from memory, M rows
    far apart that no hardware prefetcher predicts, and its first panel
    waited on it (the 2048 matmul with kc of 256; with kc of 1024 each row
    is a 4 KB run the hardware follows, and its 768 lines are past what
    the panels may take). Each iteration of the panel loop gets,
    before the reduction, `memref.prefetch`es of its share of the next
    block's lines (M rows x kc, spread over the T panels, at most 16 per
    panel). The shape: a reduction loop of step 1 that sums products,
    reading `vector<M x 1>` at [%r, c + %k] of a row-major 2-D memref,
    directly in a loop of constant trip count (the panels), directly in
    one stepping %r by M. Runs on bufferized IR.
  }];
  let options = [
    Option<"l2Bytes", "l2-bytes", "int64_t", /*default=*/"524288",
           "Per-core L2 bytes: an A within half of it is not prefetched">
  ];
  let dependentDialects = ["mlir::memref::MemRefDialect", "mlir::arith::ArithDialect",
                           "mlir::affine::AffineDialect"];
  let statistics = [
    Statistic<"numBlocks", "prefetched-row-blocks", "Reductions whose panel loop prefetches the next row block">
  ];
}

def KernelPrefetchAccumulatorsPass : Pass<"kernel-prefetch-accumulators", "mlir::func::FuncOp"> {
  let summary = "Prefetch the next register tile's partial sums while this one computes";
  let description = [{
    A product summed in k blocks reads each register tile's partial sums
    back from C before its reduction: lines of rows far apart in a large
    C, which no hardware prefetcher predicts, so each tile waited on them
    (the 2048 matmul's partial sums are 16 MB). Each register tile's loop
    gets, before its reduction, a `memref.prefetch` of every line of the
    next tile's partial sums (the tile at the loop's next iteration, when
    there is one). Only where nothing in the loop's body touches the tile
    before the reduction: a tile zeroed first has nothing in memory to
    wait for.
    And only where the view the tiles are cut from outgrows half of L2
    (`l2-bytes`): a smaller one (a convolution's scratch rows, a weight
    gradient's cache tile) is read back from L2, which the out-of-order
    core hides (fashion_cnn with them: no change). Runs on bufferized IR.
  }];
  let options = [
    Option<"l2Bytes", "l2-bytes", "int64_t", /*default=*/"524288",
           "Per-core L2 bytes: tiles of a smaller view are not prefetched">
  ];
  let statistics = [
    Statistic<"numTiles", "prefetched-tiles", "Register tiles that prefetch the next tile's partial sums">
  ];
}

def KernelLocalScratchPass : Pass<"kernel-local-scratch", "mlir::func::FuncOp"> {
  let summary = "A temporary used a tile at a time becomes one tile on the stack";
  let description = [{
    A matmul with an epilogue writes each cache tile's products into a
    temporary as large as its whole result, then reads them back in the
    epilogue: every line of it is written once and evicted dirty, megabytes
    of traffic to far caches per call. When a temporary's only use is one
    view of it inside a loop, the view becomes a `memref.alloca` of the
    view's shape at that place, reused by every trip; kernel-hoist-allocas
    then moves it to the entry of the kernel's function, so each thread
    that runs the kernel has its own. Runs on bufferized IR.
  }];
  let statistics = [
    Statistic<"numLocalized", "localized-temporaries", "Temporaries replaced by a tile on the stack">
  ];
}

def KernelHoistAllocasPass : Pass<"kernel-hoist-allocas", "mlir::func::FuncOp"> {
  let summary = "Move statically shaped memref.alloca ops out of loops to the function's entry";
  let description = [{
    An alloca inside a loop would grow the stack on every trip. The ones
    kernel-local-scratch makes hold nothing from one trip to the next, so
    one at the entry of the (outlined) kernel serves every trip.
  }];
}

#endif // KILN_KERNEL_PASSES
