//===- Passes.td - Kiln's compiler passes (autodiff, lowerings, ABI) ------===//
#ifndef KILN_COMPILER_PASSES
#define KILN_COMPILER_PASSES

include "mlir/Pass/PassBase.td"

def AutodiffPass : Pass<"kiln-autodiff", "mlir::ModuleOp"> {
  let summary = "Build the entry points (train_step, eval_step, forward) from the model";
  let description = [{
    Reads `@model(x {kiln.input}, params {kiln.param}...) -> prediction`,
    `@loss(prediction, y {kiln.target}) -> scalar` and the module's
    `kiln.optimizer`. Emits one function per entry point, each marked
    `kiln.entry = {name, mode, batch}` with a role on every argument and
    result: `train_step` (training mode: forward, loss, the reverse sweep
    through each op's DifferentiableOpInterface rule, one optim op per
    trainable parameter; results tied to the arguments they update),
    `eval_step` and `eval_step_1` (loss and prediction, eval mode) and
    `forward`, `forward_1` (prediction). The `_1` entries are @model re-typed
    at batch 1. Predictions are probabilities when the loss is softmax
    cross-entropy. Without @loss and optimizer only the forwards are built.
    With `check-step`, a trainable model also gets `check_step`: train_step's
    forward and reverse sweep without the update, returning (kiln.checks)
    how many elements of each layer's output and gradient are non-finite;
    its `kiln.entry` lists the checks.
    With `data-parallel`, `train_step` takes the runtime context (a
    `kiln.scalar = "context"` argument, `!llvm.ptr`) and averages the loss
    and the gradients of the trainable parameters across processes with one
    `optim.allreduce` before clipping and the update; its `kiln.entry` says
    `allreduce = true`.
    With `cores` above 1 the module records it (`kiln.cores`; 1 removes it):
    the recurrences, forward and backward, then run their batch rows in the
    most blocks, at most `cores`, that divide the batch evenly, a loop that
    threads split (RecurrentBuilders.h).
    With `l2-bytes` above 0 the module records it (`kiln.l2_bytes`): a
    convolution's input gradient then runs its batch in blocks whose dy and
    dx fit in an eighth of it, a loop that threads split (ConvBuilders.h).
    With both, a weight gradient over tap planes whose inputs outgrow L2 sums
    one part of the batch per core, then adds the parts (batchParts).
  }];
  let options = [
    Option<"checkStep", "check-step", "bool", /*default=*/"true",
           "Also build check_step for a trainable model">,
    Option<"cores", "cores", "int64_t", /*default=*/"1",
           "Cores of the target (recorded on the module as kiln.cores)">,
    Option<"l2Bytes", "l2-bytes", "int64_t", /*default=*/"0",
           "L2 bytes per core of the target (recorded on the module as kiln.l2_bytes)">,
    Option<"dataParallel", "data-parallel", "bool", /*default=*/"false",
           "train_step averages its loss and gradients across processes">
  ];
  let dependentDialects = ["kiln::nn::NNDialect", "kiln::optim::OptimDialect",
                           "mlir::LLVM::LLVMDialect",
                           "mlir::linalg::LinalgDialect", "mlir::tensor::TensorDialect",
                           "mlir::arith::ArithDialect", "mlir::math::MathDialect",
                           "mlir::scf::SCFDialect"];
}

def PoolBeforeReluPass : Pass<"nn-pool-before-relu", "mlir::func::FuncOp"> {
  let summary = "Rewrite max_pool2d(relu(x)) as relu(max_pool2d(x))";
  let description = [{
    relu is monotone, so the two are equal bit for bit, and so are their
    gradients: relu changes the order of no two positive values, and ties it
    makes (among values <= 0) get a zero gradient in both forms, as does a
    pooled maximum <= 0. relu then runs on the pooled tensor, a quarter of
    the size for 2x2 windows, and in training its backward too (the
    convolution before it gets its gradient straight from the pooling's).
    Only when the pooling is the relu's one use. (Another monotone
    activation could round two inputs to one value, and move the gradient
    to another tap.)
  }];
  let dependentDialects = ["kiln::nn::NNDialect"];
}

def NNToLinalgPass : Pass<"nn-to-linalg", "mlir::func::FuncOp"> {
  let summary = "Lower nn ops to linalg, tensor, arith and math";
  let dependentDialects = ["mlir::linalg::LinalgDialect", "mlir::tensor::TensorDialect",
                           "mlir::bufferization::BufferizationDialect",
                           "mlir::arith::ArithDialect", "mlir::math::MathDialect",
                           "mlir::scf::SCFDialect"];
}

def PropagateTransposesPass : Pass<"kiln-propagate-transposes", "mlir::func::FuncOp"> {
  let summary = "Sink layout transposes below elementwise ops so inverse pairs cancel";
  let description = [{
    Convolution and pooling lower channels-last between two transposes.
    This pass composes consecutive transposes (dropping identities), turns
    transposes that move only unit dims into reshapes, and rewrites an
    elementwise generic whose tensor inputs are all transposed the same way
    into the generic on the untransposed inputs followed by one transpose
    (remapping `linalg.index`). Consecutive layers then stay channels-last.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect", "mlir::tensor::TensorDialect"];
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

def PrepareParamsPass : Pass<"kiln-prepare-params", "mlir::ModuleOp"> {
  let summary = "Move kernels that read params and buffers alone into `prepare`";
  let description = [{
    In forward and eval_step (and their batch-1 forms), which change no
    state, a kernel.group that reads only params, buffers, constants and
    such kernels' values (a weight packed into panels, a transpose) gives
    the same value on every call. Each such value read by the rest of the
    entry point becomes an argument `kiln.derived = {name = "derived.<k>"}`,
    and a new entry point `prepare` (params and buffers in, each derived
    tensor tied to its argument) computes it; the runtime runs `prepare`
    again only after params or buffers change. A value computed the same
    way in several entry points (the same ops from the same named inputs)
    is one derived tensor (compared as printed, every attribute in full).
    A value put together from kernels' pieces by insert_slice (a packing's
    whole panels and its padded last one) is one derived tensor; views of
    one (reshapes, slices) stay in the entry point. Only static ranked
    tensors cross the ABI. train_step and check_step are left alone.
  }];
  let dependentDialects = ["mlir::func::FuncDialect"];
}

def BufferABIPass : Pass<"kiln-buffer-abi", "mlir::ModuleOp"> {
  let summary = "Give every entry point its buffer-level ABI, from the roles";
  let description = [{
    Tensor arguments become memrefs read through `bufferization.to_tensor
    restrict`, writable only when a result is tied to them; results tied to
    an argument are materialized into it, so updates happen in place; outputs
    go to new output buffers; the loss is returned as a scalar. Each
    function gets `kiln.bindings` (per argument: its runtime table and
    index) and the module `kiln.abi` (the tables, in manifest order).
  }];
  let dependentDialects = ["mlir::bufferization::BufferizationDialect",
                           "mlir::memref::MemRefDialect", "mlir::tensor::TensorDialect"];
}

def OutputsInPlacePass : Pass<"kiln-outputs-in-place", "mlir::func::FuncOp"> {
  let summary = "Compute each output in the buffer the caller passes for it";
  let description = [{
    kiln-buffer-abi writes each output with a
    `bufferization.materialize_in_destination` into its buffer argument,
    which one-shot bufferization makes a copy from a temporary. When the
    output's value is computed into a `tensor.empty` through destinations
    (linalg ops), loop-carried values and vector writes only, that empty
    has no other use (but the slice a peeled loop's piece is computed in,
    inserted back at its place) and the buffer no other reader (not a
    parameter updated in place), the empty becomes a `bufferization.to_tensor
    restrict writable` of the buffer: the result is computed in place, and
    the materialization bufferizes to a copy of the buffer onto itself,
    which folds away (or to a real copy where bufferization could not
    stay in place). Runs after kiln-unshare-empty-tensors (each empty then
    has one use, or such a pair).
  }];
  let dependentDialects = ["mlir::bufferization::BufferizationDialect"];
}

def UnshareEmptyTensorsPass : Pass<"kiln-unshare-empty-tensors", "mlir::func::FuncOp"> {
  let summary = "Give every use of a tensor.empty, or of a constant fill of one, its own copy before bufferization";
  let description = [{
    CSE merges equal `tensor.empty` ops, and one-shot bufferization puts the
    results of every op writing into one empty in a single alias set, whose
    conflict checks are quadratic in its uses. An empty has no contents:
    each use gets its own, cloned where the original is. An empty filled
    with a constant (`linalg.fill`, or a `vector.transfer_write` of a
    constant vector) is copied the same way: shared, every writer but one
    would first copy it. An `extract_slice` of one and the `insert_slice`
    back into it at the same offsets, sizes and strides (a peeled loop's
    piece) share one copy, so the piece is computed in place.
  }];
  let dependentDialects = ["mlir::tensor::TensorDialect", "mlir::linalg::LinalgDialect",
                           "mlir::vector::VectorDialect"];
}

def WorkspacePass : Pass<"kiln-workspace", "mlir::ModuleOp"> {
  let summary = "Plan every temporary of each entry point into one workspace argument";
  let description = [{
    Runs after bufferization on functions with `kiln.bindings`. Each static
    memref.alloc becomes a memref.view of a new trailing `memref<Nxi8>`
    argument bound to the runtime's workspace; temporaries whose lifetimes
    (in top-level ops) do not overlap share bytes. Sets
    `kiln.workspace_bytes` to the entry's own plan; the argument has the
    size of the largest plan of all entry points, so that kernels outlined
    from different entries stay identical. Dynamic or strided allocations
    are errors. A temporary made inside a top-level loop marked
    `kernel.parallel` with at most 64 trips (a recurrence's batch blocks)
    gets one slot per trip, its view at `iv * stride + base` (arith ops, the
    base a constant made before the loop): threads that split the loop
    (kiln-outline-kernels) never share one.
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect", "mlir::arith::ArithDialect"];
}

def LowerAllReducePass : Pass<"kiln-lower-allreduce", "mlir::ModuleOp"> {
  let summary = "Turn the bufferized optim.allreduce into a call of the runtime's callback";
  let description = [{
    Each `optim.allreduce %ctx, %buffer : memref<Nxf32>` becomes
    `func.call @kiln_allreduce_<N>(%ctx, %buffer)` (the buffer stays an
    operand: passes see that the call reads and writes it). The pass
    defines that private function: it calls the `allreduce` callback of the
    `kiln_context` (runtime/include/kiln/abi.h) when the context and the
    callback are not null, and returns otherwise (one process).
  }];
  let dependentDialects = ["mlir::func::FuncDialect", "mlir::scf::SCFDialect",
                           "mlir::LLVM::LLVMDialect", "mlir::arith::ArithDialect",
                           "mlir::memref::MemRefDialect"];
}

def ExpandCopiesPass : Pass<"kiln-expand-copies", "mlir::func::FuncOp"> {
  let summary = "Turn strided memref.copy into linalg.copy (no memrefCopy runtime call)";
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def FoldTripViewsPass : Pass<"kiln-fold-trip-views", "mlir::func::FuncOp"> {
  let summary = "Loads and stores through a subview made inside a kernel.parallel loop index its source";
  let description = [{
    In each top-level `scf.for` marked `kernel.parallel`, a `memref.load` or
    `memref.store` through a `memref.subview` made inside the loop (the
    copies of a recurrence's batch blocks) indexes the subview's source
    instead, offsets added (`affine.apply`): kiln-outline-kernels then sees
    which slab of the buffer each trip touches. Nothing else is folded.
  }];
  let dependentDialects = ["mlir::affine::AffineDialect", "mlir::memref::MemRefDialect"];
}

def OutlineKernelsPass : Pass<"kiln-outline-kernels", "mlir::ModuleOp"> {
  let summary = "Make each top-level loop nest of an entry point a private function";
  let description = [{
    Runs after the workspace is planned. Each top-level `scf.for` or
    `scf.parallel` of a function with `kiln.entry`, with the ops right after
    it that consume its results, becomes a call of a private `no_inline`
    function `<entry>_k<N>` with internal linkage. Cloned into it: constants,
    memref views (subview, expand/collapse_shape, cast, reinterpret_cast,
    transpose), pure value computations, and the ops just before it that
    only it uses (what kernel-lower-vectors hoisted; a read only when no
    write lies between). Every other captured value (buffers, workspace
    views, scalars, loaded vectors) is an argument; values used later are
    returned. Kernels that print the same are kept once, so entry points
    share their identical kernels. A workspace view made inside a kernel's
    loops takes its offset as an argument too, so equal layers still share a
    kernel (of a per-trip slot's offset, iv * stride + base, the base). A
    kernel.parallel loop whose trips each touch only their own slab of what
    it writes runs the trips it is given (kiln.parallel_trips;
    ParallelLoops.h). Small functions keep LLVM's loop analyses linear in the
    size of the model. Then an entry point left with more than 2 x `segment-ops` ops
    (pure definitions aside) is cut into segments of `segment-ops`, each
    outlined the same way: LLVM's instruction selection and register
    allocation grow faster than linearly with a function's length. The
    functions only check_step reaches (it runs once, after training
    diverged) get `optimize_none`, unless they pass mask vectors in calls.
  }];
  let options = [
    Option<"segmentOps", "segment-ops", "int64_t", /*default=*/"64",
           "Ops per segment of a long entry point">
  ];
  let dependentDialects = ["mlir::func::FuncDialect", "mlir::scf::SCFDialect",
                           "mlir::LLVM::LLVMDialect"];
}

def ParallelCallsPass : Pass<"kiln-parallel-calls", "mlir::ModuleOp"> {
  let summary = "Call splittable kernels through the runtime's parallel_for";
  let description = [{
    Runs on the LLVM dialect, before kiln-emit-abi. A kernel with
    `kiln.parallel_trips = N` (kiln-outline-kernels: its loop runs the trips
    [begin, end) given as its last two arguments) whose other arguments are
    pointers, integers or floats gets `<kernel>_chunk(args, begin, end)`,
    which loads them from a table of 8-byte slots and calls it; each call
    of the kernel becomes `kiln_parallel_for(N, <kernel>_chunk, table)` with
    the table filled on the caller's stack. `kiln_parallel_for` (defined
    here) reads the context from the thread-local `kiln_context_tls` (set by
    the ABI wrappers) and calls its `parallel_for(self, N, chunk, table)`,
    or `chunk(table, 0, N)` when there is no context or callback. A module
    without such kernels is left alone.
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

def EmitABIPass : Pass<"kiln-emit-abi", "mlir::ModuleOp"> {
  let summary = "Export the C ABI: <sym>_abi, <sym>_manifest, <sym>_<entry>";
  let description = [{
    Runs on the LLVM dialect. Wraps each bare-pointer entry point in a
    `float <sym>_<entry>(const kiln_bindings *, const kiln_call *)` that
    loads every argument from its table slot (`kiln.bindings`), exports the
    manifest generated from the module, and `<sym>_abi()` returning the
    kiln_model_api (runtime/include/kiln/abi.h). The wrappers are
    `no_inline` and `optimize_none`: a line of loads and one call, which
    LLVM gains nothing from optimizing.
  }];
  let options = [
    Option<"symbol", "symbol", "std::string", /*default=*/"\"kiln_model\"",
           "Prefix of the exported symbols">,
  ];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

#endif // KILN_COMPILER_PASSES
