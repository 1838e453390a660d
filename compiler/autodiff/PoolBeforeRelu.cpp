//===- PoolBeforeRelu.cpp - max_pool2d(relu(x)) -> relu(max_pool2d(x)) ----===//
#include "compiler/Passes.h"
#include "dialects/NN/IR/NNDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/PatternMatch.h"

namespace kiln {
#define GEN_PASS_DEF_POOLBEFORERELUPASS
#include "compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace {

struct PoolBeforeReluPass : kiln::impl::PoolBeforeReluPassBase<PoolBeforeReluPass> {
  void runOnOperation() override {
    SmallVector<kiln::nn::MaxPool2DOp> pools;
    getOperation().walk([&](kiln::nn::MaxPool2DOp pool) {
      auto relu = pool.getInput().getDefiningOp<kiln::nn::ReluOp>();
      if (relu && relu->hasOneUse())
        pools.push_back(pool);
    });
    IRRewriter rewriter(&getContext());
    for (kiln::nn::MaxPool2DOp pool : pools) {
      auto relu = pool.getInput().getDefiningOp<kiln::nn::ReluOp>();
      rewriter.setInsertionPoint(pool);
      // Each op keeps its location: the layer it belongs to.
      auto pooled = rewriter.create<kiln::nn::MaxPool2DOp>(
          pool.getLoc(), pool.getType(), relu.getInput(), pool.getWindowAttr(),
          pool.getStridesAttr(), pool.getPaddingAttr());
      auto activated = rewriter.create<kiln::nn::ReluOp>(relu.getLoc(), pooled.getType(),
                                                         pooled.getResult());
      rewriter.replaceOp(pool, activated.getResult());
      rewriter.eraseOp(relu);
    }
  }
};

} // namespace
