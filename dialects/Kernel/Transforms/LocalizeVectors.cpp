//===- LocalizeVectors.cpp - No vector crosses a kernel in registers -------===//
//
// Kernels are the top-level loop nests of a function after tiling; the ops
// between them are the straight-line parts of kernels whose tiles cover
// their whole space. A vector defined at the top level and used past a loop
// nest is recomputed just before its user's kernel instead: tensors are
// values, so reading one again gives the same vector.
//
#include "dialects/Kernel/Transforms/Passes.h"

#include "llvm/ADT/DenseMap.h"

namespace kiln::kernel {
#define GEN_PASS_DEF_KERNELLOCALIZEVECTORSPASS
#include "dialects/Kernel/Transforms/Passes.h.inc"
} // namespace kiln::kernel

using namespace mlir;

namespace {

/// Pure ops cheap enough to repeat on the way from a read to a use.
bool repeatable(Operation *op) {
  return isa<vector::BroadcastOp, vector::SplatOp, vector::TransposeOp,
             vector::ExtractOp, vector::ShapeCastOp, arith::ConstantOp>(op);
}

struct Localizer {
  Block &block;
  /// Per top-level op: how many loop nests start before it.
  llvm::DenseMap<Operation *, int64_t> nestsBefore;
  /// Copies made before a top-level op, so its uses share one.
  llvm::DenseMap<std::pair<Value, Operation *>, Value> copies;

  explicit Localizer(Block &block) : block(block) {
    int64_t nests = 0;
    for (Operation &op : block) {
      nestsBefore[&op] = nests;
      nests += op.getNumRegions() != 0;
    }
  }

  /// Whether a loop nest lies between top-level ops `def` and `use`.
  bool crossesNest(Operation *def, Operation *use) {
    return nestsBefore.lookup(use) - nestsBefore.lookup(def) -
               (def->getNumRegions() != 0) > 0;
  }

  /// A transfer_write of `v` into a tensor, at the top level, before `at`.
  vector::TransferWriteOp writeOf(Value v, Operation *at) {
    for (Operation *user : v.getUsers())
      if (auto w = dyn_cast<vector::TransferWriteOp>(user))
        if (w->getBlock() == &block && w.getVector() == v && !w.getMask() &&
            w.getResult() && w->isBeforeInBlock(at) &&
            llvm::all_of(w.getInBoundsValues(), [](bool b) { return b; }))
          return w;
    return {};
  }

  /// `v` computed again right before top-level op `at`, or null. `depth`
  /// bounds the chain of pure ops repeated.
  Value recompute(Value v, Operation *at, int depth) {
    Operation *def = v.getDefiningOp();
    if (!def || def->getBlock() != &block)
      return v; // a block argument or a value of an enclosing region
    if (auto it = copies.find({v, at}); it != copies.end())
      return it->second;
    OpBuilder b(at);
    Value copy;
    if (auto read = dyn_cast<vector::TransferReadOp>(def);
        read && isa<RankedTensorType>(read.getSource().getType())) {
      copy = b.clone(*def)->getResult(0);
    } else if (depth > 0 && repeatable(def) && def->getNumResults() == 1) {
      IRMapping map;
      for (Value operand : def->getOperands()) {
        Value r = recompute(operand, at, depth - 1);
        if (!r)
          return {};
        map.map(operand, r);
      }
      copy = b.clone(*def, map)->getResult(0);
    } else if (vector::TransferWriteOp w = writeOf(v, at)) {
      // Read back what was written: the same indices and permutation.
      Type element = cast<ShapedType>(w.getSource().getType()).getElementType();
      Value pad = b.create<arith::ConstantOp>(def->getLoc(), element,
                                              b.getZeroAttr(element));
      copy = b.create<vector::TransferReadOp>(
          def->getLoc(), cast<VectorType>(v.getType()), w.getResult(),
          w.getIndices(), w.getPermutationMapAttr(), pad, /*mask=*/Value(),
          w.getInBoundsAttr());
    } else {
      return {};
    }
    copies[{v, at}] = copy;
    return copy;
  }

  void run() {
    SmallVector<Operation *> defs;
    for (Operation &op : block)
      if (llvm::any_of(op.getResultTypes(), llvm::IsaPred<VectorType>))
        defs.push_back(&op);
    for (Operation *def : defs)
      for (OpResult v : def->getResults()) {
        if (!isa<VectorType>(v.getType()))
          continue;
        for (OpOperand &use : llvm::make_early_inc_range(v.getUses())) {
          Operation *at = block.findAncestorOpInBlock(*use.getOwner());
          if (!at || !crossesNest(def, at))
            continue;
          if (Value copy = recompute(v, at, /*depth=*/4))
            use.set(copy);
        }
      }
  }
};

struct KernelLocalizeVectorsPass
    : kiln::kernel::impl::KernelLocalizeVectorsPassBase<KernelLocalizeVectorsPass> {
  void runOnOperation() override {
    for (Block &block : getOperation().getBody()) {
      Localizer(block).run();
      for (Operation &op : block)
        op.removeAttr(kiln::kernel::kNestAttr);
    }
  }
};

} // namespace
