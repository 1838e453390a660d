//===- LowerAllReduce.cpp - optim.allreduce as a call of the runtime ------===//
//
// The bufferized optim.allreduce (one buffer, averaged in place) becomes a
// call of `kiln_allreduce_<N>(context, buffer)`, a private function defined
// here that calls the context's `allreduce` callback on the buffer's N floats
// when the runtime gave one (runtime/include/kiln/abi.h), and does nothing
// otherwise.
//
#include "compiler/Passes.h"
#include "kiln/abi.h" // the layout the helper must match

#include <cstddef>

namespace kiln {
#define GEN_PASS_DEF_LOWERALLREDUCEPASS
#include "compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

static_assert(offsetof(kiln_context, self) == 0 &&
                  offsetof(kiln_context, allreduce) == 2 * sizeof(void *) &&
                  sizeof(kiln_context) == 3 * sizeof(void *),
              "kiln_context is {self, parallel_for, allreduce}");

namespace {

/// `kiln_allreduce_<N>(ctx, data)`: if (ctx && ctx->allreduce)
/// ctx->allreduce(ctx->self, data, N). The buffer is an operand of the call,
/// so that every pass sees the call may read and write it.
func::FuncOp defineHelper(OpBuilder &b, Location loc, MemRefType type) {
  MLIRContext *ctx = b.getContext();
  Type ptr = LLVM::LLVMPointerType::get(ctx);
  Type i64 = b.getI64Type();
  std::string name = "kiln_allreduce_" + std::to_string(type.getNumElements());
  auto fn = b.create<func::FuncOp>(loc, name, b.getFunctionType({ptr, type}, {}));
  fn.setPrivate();
  // What it is, for backends that print it their way (the C++ printer).
  fn->setAttr("kiln.allreduce", b.getI64IntegerAttr(type.getNumElements()));
  OpBuilder::InsertionGuard g(b);
  Block *body = fn.addEntryBlock();
  b.setInsertionPointToStart(body);
  Value context = body->getArgument(0);
  auto structType = LLVM::LLVMStructType::getLiteral(ctx, {ptr, ptr, ptr});
  auto nonNull = [&](OpBuilder &nb, Value p) -> Value {
    Value null = nb.create<LLVM::ZeroOp>(loc, ptr);
    return nb.create<LLVM::ICmpOp>(loc, LLVM::ICmpPredicate::ne, p, null);
  };
  b.create<scf::IfOp>(loc, nonNull(b, context), [&](OpBuilder &nb, Location l) {
    Value addr = nb.create<LLVM::GEPOp>(l, ptr, structType, context,
                                        ArrayRef<LLVM::GEPArg>{0, 2});
    Value callback = nb.create<LLVM::LoadOp>(l, ptr, addr);
    nb.create<scf::IfOp>(l, nonNull(nb, callback), [&](OpBuilder &cb, Location cl) {
      Value self = cb.create<LLVM::LoadOp>(cl, ptr, context);
      // An argument's aligned pointer is its address (bare-pointer calls).
      Value address =
          cb.create<memref::ExtractAlignedPointerAsIndexOp>(cl, body->getArgument(1));
      Value data = cb.create<LLVM::IntToPtrOp>(
          cl, ptr, cb.create<arith::IndexCastOp>(cl, i64, address));
      Value count = cb.create<arith::ConstantIntOp>(cl, type.getNumElements(), 64);
      auto callType = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx),
                                                  {ptr, ptr, i64});
      cb.create<LLVM::CallOp>(cl, callType, ValueRange{callback, self, data, count});
      cb.create<scf::YieldOp>(cl);
    });
    nb.create<scf::YieldOp>(l);
  });
  b.create<func::ReturnOp>(loc);
  return fn;
}

struct LowerAllReducePass : kiln::impl::LowerAllReducePassBase<LowerAllReducePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<optim::AllReduceOp> ops;
    module.walk([&](optim::AllReduceOp op) { ops.push_back(op); });
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    llvm::DenseMap<int64_t, func::FuncOp> helpers; // by element count
    for (optim::AllReduceOp op : ops) {
      // One call per step: optim-to-linalg packs the values into one buffer.
      if (op.getValues().size() != 1) {
        op.emitOpError("kiln-lower-allreduce: expects one packed buffer, got ")
            << op.getValues().size() << " values (optim-to-linalg packs them)";
        return signalPassFailure();
      }
      for (Value v : op.getValues()) {
        auto type = dyn_cast<MemRefType>(v.getType());
        if (!type || type.getRank() != 1 || !type.hasStaticShape() ||
            !type.getLayout().isIdentity()) {
          op.emitOpError("kiln-lower-allreduce: expects a bufferized 1-D "
                         "buffer with a static identity layout, got ")
              << v.getType();
          return signalPassFailure();
        }
        func::FuncOp &helper = helpers[type.getNumElements()];
        if (!helper) {
          std::string name = "kiln_allreduce_" + std::to_string(type.getNumElements());
          if (module.lookupSymbol(name)) {
            module.emitError("kiln-lower-allreduce: the module already defines @")
                << name;
            return signalPassFailure();
          }
          b.setInsertionPointToEnd(module.getBody());
          helper = defineHelper(b, module.getLoc(), type);
        }
        b.setInsertionPoint(op);
        b.create<func::CallOp>(op.getLoc(), helper, ValueRange{op.getCtx(), v});
      }
      op.erase();
    }
  }
};

} // namespace
