//===- EmitABI.cpp - Export the C ABI around train_step and forward -------===//
#include "compiler/Passes.h"

namespace kiln {
#define GEN_PASS_DEF_EMITABIPASS
#include "compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

struct EmitABIPass : kiln::impl::EmitABIPassBase<EmitABIPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto train = module.lookupSymbol<LLVM::LLVMFuncOp>("train_step");
    auto forward = module.lookupSymbol<LLVM::LLVMFuncOp>("forward");
    auto manifest = module->getAttrOfType<StringAttr>("kiln.manifest");
    auto n = module->getAttrOfType<IntegerAttr>("kiln.num_params");
    auto slots = module->getAttrOfType<IntegerAttr>("kiln.num_state_slots");
    if (!train || !forward || !manifest || !n || !slots) {
      module.emitError("kiln-emit-abi expects llvm.func @train_step and "
                       "@forward, and the kiln.manifest, kiln.num_params and "
                       "kiln.num_state_slots attributes");
      return signalPassFailure();
    }
    int64_t params = n.getInt(), state = params * slots.getInt();
    train.setLinkage(LLVM::Linkage::Internal);
    forward.setLinkage(LLVM::Linkage::Internal);

    MLIRContext *ctx = &getContext();
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    Location loc = module.getLoc();
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    auto f32 = Float32Type::get(ctx);
    auto i64 = IntegerType::get(ctx, 64);

    // <sym>_manifest() returns the JSON text.
    std::string text = manifest.getValue().str();
    text.push_back('\0');
    auto arrayType = LLVM::LLVMArrayType::get(IntegerType::get(ctx, 8), text.size());
    auto global = b.create<LLVM::GlobalOp>(loc, arrayType, /*isConstant=*/true,
                                           LLVM::Linkage::Internal,
                                           symbol + "_manifest_text",
                                           b.getStringAttr(text));
    auto manifestFn = b.create<LLVM::LLVMFuncOp>(
        loc, symbol + "_manifest", LLVM::LLVMFunctionType::get(ptr, {}));
    {
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(manifestFn.addEntryBlock(b));
      Value addr = b.create<LLVM::AddressOfOp>(loc, global);
      b.create<LLVM::ReturnOp>(loc, addr);
    }

    // <sym>_train_step(params**, state**, x*, y*, lr, step, out*) -> loss.
    auto trainFn = b.create<LLVM::LLVMFuncOp>(
        loc, symbol + "_train_step",
        LLVM::LLVMFunctionType::get(f32, {ptr, ptr, ptr, ptr, f32, i64, ptr}));
    {
      OpBuilder::InsertionGuard g(b);
      Block *entry = trainFn.addEntryBlock(b);
      b.setInsertionPointToStart(entry);
      SmallVector<Value> args = loadPointers(b, loc, entry->getArgument(0), params);
      // The array is parameter-major (abi.h); train_step takes slot-major.
      SmallVector<Value> states = loadPointers(b, loc, entry->getArgument(1), state);
      for (int64_t s = 0; s < slots.getInt(); ++s)
        for (int64_t i = 0; i < params; ++i)
          args.push_back(states[i * slots.getInt() + s]);
      args.append(entry->getArguments().begin() + 2, entry->getArguments().end());
      // The ABI speaks f32 for lr and loss; models in f64 (gradient checks)
      // convert at the boundary.
      Value &lr = args[args.size() - 3];
      Type lrType = train.getFunctionType().getParamType(args.size() - 3);
      if (lrType != f32)
        lr = b.create<LLVM::FPExtOp>(loc, lrType, lr);
      Value loss = b.create<LLVM::CallOp>(loc, train, args).getResult();
      if (loss.getType() != f32)
        loss = b.create<LLVM::FPTruncOp>(loc, f32, loss);
      b.create<LLVM::ReturnOp>(loc, loss);
    }

    // <sym>_forward(params**, x*, out*).
    auto forwardFn = b.create<LLVM::LLVMFuncOp>(
        loc, symbol + "_forward",
        LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx), {ptr, ptr, ptr}));
    {
      OpBuilder::InsertionGuard g(b);
      Block *entry = forwardFn.addEntryBlock(b);
      b.setInsertionPointToStart(entry);
      SmallVector<Value> args = loadPointers(b, loc, entry->getArgument(0), params);
      args.append(entry->getArguments().begin() + 1, entry->getArguments().end());
      b.create<LLVM::CallOp>(loc, forward, args);
      b.create<LLVM::ReturnOp>(loc, ValueRange{});
    }
  }

  /// Loads `count` pointers from the array at `base`.
  SmallVector<Value> loadPointers(OpBuilder &b, Location loc, Value base,
                                  int64_t count) {
    auto ptr = LLVM::LLVMPointerType::get(b.getContext());
    SmallVector<Value> out;
    for (int64_t i = 0; i < count; ++i) {
      Value slot = b.create<LLVM::GEPOp>(loc, ptr, ptr, base,
                                         ArrayRef<LLVM::GEPArg>{(int32_t)i});
      out.push_back(b.create<LLVM::LoadOp>(loc, ptr, slot));
    }
    return out;
  }
};

} // namespace
