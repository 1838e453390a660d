//===- UnshareEmptyTensors.cpp - One tensor.empty per use before bufferizing ===//
//
// CSE merges equal tensor.empty ops, so in a deep model one empty can be the
// destination of hundreds of ops. One-shot bufferization then puts all their
// results in one alias set and checks every pair of its uses for conflicts:
// 100 dense layers spent 13 s there. An empty has no contents, so each use
// gets its own copy, made where the original is.
//
#include "compiler/Passes.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace kiln {
#define GEN_PASS_DEF_UNSHAREEMPTYTENSORSPASS
#include "compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

struct UnshareEmptyTensorsPass
    : kiln::impl::UnshareEmptyTensorsPassBase<UnshareEmptyTensorsPass> {
  void runOnOperation() override {
    SmallVector<tensor::EmptyOp> shared;
    getOperation().walk([&](tensor::EmptyOp e) {
      if (!e->hasOneUse() && !e->use_empty())
        shared.push_back(e);
    });
    for (tensor::EmptyOp e : shared) {
      OpBuilder b(e);
      for (OpOperand &use : llvm::make_early_inc_range(llvm::drop_begin(e->getUses())))
        use.set(b.clone(*e)->getResult(0));
    }
  }
};

} // namespace
