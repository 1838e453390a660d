//===- UnshareEmptyTensors.cpp - One tensor.empty per use before bufferizing ===//
//
// CSE merges equal tensor.empty ops, so in a deep model one empty can be the
// destination of hundreds of ops. One-shot bufferization then puts all their
// results in one alias set and checks every pair of its uses for conflicts:
// 100 dense layers spent 13 s there. An empty has no contents, so each use
// gets its own copy, made where the original is. The same holds for an empty
// filled with a constant (every matmul's zero accumulator): shared, each use
// but one also had to copy the zeros before writing over them.
//
#include "compiler/Passes.h"
#include "compiler/codegen/Slices.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"

namespace kiln {
#define GEN_PASS_DEF_UNSHAREEMPTYTENSORSPASS
#include "compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

/// Whether `v` is an empty tensor, or one filled with a constant: a value
/// any number of copies of which cost nothing to make.
bool isInitializer(Value v) {
  Operation *def = v.getDefiningOp();
  if (isa_and_nonnull<tensor::EmptyOp>(def))
    return true;
  if (auto fill = dyn_cast_or_null<linalg::FillOp>(def))
    return matchPattern(fill.value(), m_Constant()) &&
           isInitializer(fill.output());
  if (auto write = dyn_cast_or_null<vector::TransferWriteOp>(def))
    return write.getResult() && !write.getMask() &&
           matchPattern(write.getVector(), m_Constant()) &&
           isInitializer(write.getSource()) &&
           llvm::all_of(write.getIndices(),
                        [](Value i) { return matchPattern(i, m_Constant()); });
  return false;
}

/// A copy of the ops that make initializer `v`, built at `b`.
Value cloneInitializer(Value v, OpBuilder &b) {
  Operation *def = v.getDefiningOp();
  IRMapping map;
  for (Value operand : def->getOperands())
    if (isa<RankedTensorType>(operand.getType()))
      map.map(operand, cloneInitializer(operand, b));
  return b.clone(*def, map)->getResult(0);
}

struct UnshareEmptyTensorsPass
    : kiln::impl::UnshareEmptyTensorsPassBase<UnshareEmptyTensorsPass> {
  void runOnOperation() override {
    // Outermost first: a fill's own empty is then used once.
    SmallVector<Operation *> shared;
    getOperation().walk([&](Operation *op) {
      if (op->getNumResults() == 1 && !op->hasOneUse() && !op->use_empty() &&
          isInitializer(op->getResult(0)))
        shared.push_back(op);
    });
    for (Operation *op : llvm::reverse(shared)) {
      OpBuilder b(op);
      Value v = op->getResult(0);
      SmallVector<OpOperand *> uses =
          llvm::map_to_vector(v.getUses(), [](OpOperand &u) { return &u; });
      // Each use gets its own copy but for the pairs below, whose two uses
      // share one; the first use keeps `v`.
      // Each use's group: its pair's insert_slice, or the use itself.
      DenseMap<Operation *, Operation *> insertOf; // both ops of a pair
      for (OpOperand *u : uses)
        if (tensor::ExtractSliceOp slice = matchingSlice(u->getOwner(), v);
            slice && insertOf.try_emplace(slice, u->getOwner()).second)
          insertOf[u->getOwner()] = u->getOwner();
      DenseMap<void *, Value> valueOf;
      for (OpOperand *u : uses) {
        Operation *insert = insertOf.lookup(u->getOwner());
        void *key = insert ? static_cast<void *>(insert) : static_cast<void *>(u);
        auto [it, fresh] = valueOf.try_emplace(key, Value());
        if (fresh)
          it->second = valueOf.size() == 1 ? v : cloneInitializer(v, b);
        u->set(it->second);
      }
    }
  }

  /// When `user` inserts into `v` where an extract_slice of `v` reads (a
  /// loop peeled into pieces), that slice. Such a pair shares its empty, so
  /// the piece is computed in place; with an empty each, the piece was
  /// computed in one buffer and copied into the other (517 x 4 x 32 floats
  /// for a packed product's first panels).
  static tensor::ExtractSliceOp matchingSlice(Operation *user, Value v) {
    auto insert = dyn_cast<tensor::InsertSliceOp>(user);
    return insert && insert.getDest() == v ? sliceInsertedBack(insert) : nullptr;
  }
};

} // namespace
