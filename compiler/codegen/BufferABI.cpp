//===- BufferABI.cpp - Buffer-level signatures of train_step and forward --===//
#include "compiler/Passes.h"

namespace kiln {
#define GEN_PASS_DEF_BUFFERABIPASS
#include "compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

/// Turns every tensor argument of `fn` into a memref read through a
/// `to_tensor restrict` (the caller guarantees no aliasing); those in
/// `readOnly` (x and y: const in the ABI) are not writable.
void memrefArguments(func::FuncOp fn, ArrayRef<unsigned> readOnly = {}) {
  Block &entry = fn.getBody().front();
  OpBuilder b = OpBuilder::atBlockBegin(&entry);
  for (BlockArgument arg : entry.getArguments()) {
    auto t = dyn_cast<RankedTensorType>(arg.getType());
    if (!t)
      continue;
    arg.setType(MemRefType::get(t.getShape(), t.getElementType()));
    bool writable = !llvm::is_contained(readOnly, arg.getArgNumber());
    auto toTensor = b.create<bufferization::ToTensorOp>(fn.getLoc(), t, arg,
                                                        /*restrict=*/true,
                                                        writable);
    arg.replaceAllUsesExcept(toTensor, toTensor);
  }
}

void setType(func::FuncOp fn, TypeRange results) {
  fn.setType(FunctionType::get(
      fn.getContext(), fn.getBody().front().getArgumentTypes(), results));
}

/// train_step(params, state, x, y, lr, step, out) -> f32: the prediction
/// (result 1) goes to `out`, results 2.. into arguments 0.. in place.
void lowerTrainStep(func::FuncOp fn) {
  Block &entry = fn.getBody().front();
  auto ret = cast<func::ReturnOp>(entry.getTerminator());
  auto predType = cast<RankedTensorType>(ret.getOperand(1).getType());
  BlockArgument out = entry.addArgument(
      MemRefType::get(predType.getShape(), predType.getElementType()),
      fn.getLoc());
  unsigned x = entry.getNumArguments() - 5; // x, y, lr, step, out
  memrefArguments(fn, {x, x + 1});
  OpBuilder b(ret);
  Location loc = ret.getLoc();
  b.create<bufferization::MaterializeInDestinationOp>(
      loc, Type(), ret.getOperand(1), out, /*restrict=*/true, /*writable=*/true);
  for (auto [i, v] : llvm::enumerate(ret.getOperands().drop_front(2)))
    b.create<bufferization::MaterializeInDestinationOp>(
        loc, Type(), v, fn.getArgument(i), /*restrict=*/true,
        /*writable=*/true);
  Value loss = b.create<tensor::ExtractOp>(loc, ret.getOperand(0));
  b.create<func::ReturnOp>(loc, loss);
  ret.erase();
  setType(fn, {loss.getType()});
}

/// forward(x, params...) -> pred becomes forward(params..., x, out).
void lowerForward(func::FuncOp fn) {
  Block &entry = fn.getBody().front();
  auto ret = cast<func::ReturnOp>(entry.getTerminator());
  auto predType = cast<RankedTensorType>(ret.getOperand(0).getType());
  BlockArgument x = entry.getArgument(0);
  BlockArgument newX = entry.addArgument(x.getType(), x.getLoc());
  x.replaceAllUsesWith(newX);
  SmallVector<DictionaryAttr> attrs;
  for (unsigned i = 1; i < fn.getNumArguments(); ++i)
    attrs.push_back(fn.getArgAttrDict(i));
  entry.eraseArgument(0);
  BlockArgument out = entry.addArgument(
      MemRefType::get(predType.getShape(), predType.getElementType()),
      fn.getLoc());
  memrefArguments(fn, {entry.getNumArguments() - 2}); // x, out
  OpBuilder b(ret);
  b.create<bufferization::MaterializeInDestinationOp>(
      ret.getLoc(), Type(), ret.getOperand(0), out, true, true);
  b.create<func::ReturnOp>(ret.getLoc());
  ret.erase();
  setType(fn, {});
  attrs.resize(fn.getNumArguments(), DictionaryAttr::get(fn.getContext()));
  fn.setAllArgAttrs(attrs);
}

struct BufferABIPass : kiln::impl::BufferABIPassBase<BufferABIPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto train = module.lookupSymbol<func::FuncOp>("train_step");
    auto forward = module.lookupSymbol<func::FuncOp>("forward");
    if (!train || !forward) {
      module.emitError("kiln-buffer-abi expects @train_step and @forward");
      return signalPassFailure();
    }
    int64_t params = forward.getNumArguments() - 1;
    if (params < 1) {
      module.emitError("kiln-buffer-abi: the model has no parameters");
      return signalPassFailure();
    }
    int64_t slots = (train.getNumArguments() - 4) / params - 1;
    Builder b(module.getContext());
    module->setAttr("kiln.num_params", b.getI64IntegerAttr(params));
    module->setAttr("kiln.num_state_slots", b.getI64IntegerAttr(slots));
    lowerTrainStep(train);
    lowerForward(forward);
  }
};

} // namespace
