//===- ParallelCalls.cpp - Kernels shared out by the runtime's threads ----===//
//
// A kernel that kiln-outline-kernels made splittable (kiln.parallel_trips:
// its loop runs the trips [begin, end) of its last two arguments) is
// called through `kiln_parallel_for(trips, chunk, args)`: its arguments go
// to a table on the stack, and `<kernel>_chunk(args, begin, end)` calls it
// on a range. kiln_parallel_for hands the range to the context's
// parallel_for callback (runtime/include/kiln/abi.h) when there is one,
// and runs it all otherwise. The context comes from a thread-local
// variable that the ABI wrappers set (kiln-emit-abi): no signature changes,
// and segments of an entry point reach it as its kernels do.
//
#include "compiler/Passes.h"
#include "compiler/codegen/ParallelLoops.h"
#include "kiln/abi.h" // the layout the helper must match

#include "mlir/IR/Matchers.h"

#include <cstddef>

namespace kiln {
#define GEN_PASS_DEF_PARALLELCALLSPASS
#include "compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

static_assert(offsetof(kiln_context, self) == 0 &&
                  offsetof(kiln_context, parallel_for) == sizeof(void *),
              "kiln_context is {self, parallel_for, allreduce}");

namespace {

constexpr StringLiteral kHelper = "kiln_parallel_for";

struct ParallelCallsPass : kiln::impl::ParallelCallsPassBase<ParallelCallsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    ptr = LLVM::LLVMPointerType::get(ctx);
    i64 = IntegerType::get(ctx, 64);
    // The calls of splittable kernels, found before their chunks exist
    // (which call them too).
    SymbolTable symbols(module);
    SmallVector<LLVM::CallOp> calls;
    module.walk([&](LLVM::CallOp call) {
      if (auto callee = call.getCallee())
        if (auto fn = symbols.lookup<LLVM::LLVMFuncOp>(*callee);
            fn && fn->hasAttr(kParallelTripsAttr))
          calls.push_back(call);
    });
    // The kernels whose arguments fit a table of 8-byte slots.
    llvm::StringMap<LLVM::LLVMFuncOp> chunks;
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    for (auto fn : llvm::make_early_inc_range(module.getOps<LLVM::LLVMFuncOp>())) {
      if (!fn->hasAttr(kParallelTripsAttr) || !slotted(fn))
        continue;
      if (symbols.lookup((fn.getName() + "_chunk").str())) {
        fn.emitError("kiln-parallel-calls: the module already defines @")
            << fn.getName() << "_chunk";
        return signalPassFailure();
      }
      chunks[fn.getName()] = defineChunk(b, fn);
    }
    if (chunks.empty())
      return;
    for (StringRef name : {kContextTLS, kHelper})
      if (symbols.lookup(name)) {
        module.emitError("kiln-parallel-calls: the module already defines @") << name;
        return signalPassFailure();
      }
    defineContextTLS(b, module.getLoc());
    LLVM::LLVMFuncOp helper = defineHelper(b, module.getLoc());
    for (LLVM::CallOp call : calls) {
      if (!chunks.count(*call.getCallee()))
        continue;
      auto kernel = symbols.lookup<LLVM::LLVMFuncOp>(*call.getCallee());
      int64_t trips = kernel->getAttrOfType<IntegerAttr>(kParallelTripsAttr).getInt();
      // Only a call of all the trips, (0, N) as kiln-outline-kernels makes
      // it, is shared out; any other stays as it is.
      ValueRange range = call.getArgOperands().take_back(2);
      APInt begin, end;
      if (!matchPattern(range[0], m_ConstantInt(&begin)) || begin != 0 ||
          !matchPattern(range[1], m_ConstantInt(&end)) || end != trips)
        continue;
      ValueRange args = call.getArgOperands().drop_back(2);
      Location loc = call.getLoc();
      // The table lives in the caller's frame (its entry block: one
      // allocation, however often the call runs).
      auto caller = call->getParentOfType<LLVM::LLVMFuncOp>();
      OpBuilder entry = OpBuilder::atBlockBegin(&caller.getBody().front());
      Value size = entry.create<LLVM::ConstantOp>(loc, i64, std::max<int64_t>(args.size(), 1));
      Value table = entry.create<LLVM::AllocaOp>(loc, ptr, i64, size, /*alignment=*/8);
      OpBuilder at(call);
      for (auto [i, v] : llvm::enumerate(args)) {
        Value slot = at.create<LLVM::GEPOp>(loc, ptr, i64, table,
                                            ArrayRef<LLVM::GEPArg>{int32_t(i)});
        at.create<LLVM::StoreOp>(loc, v, slot);
      }
      Value n = at.create<LLVM::ConstantOp>(loc, i64, trips);
      Value chunk = at.create<LLVM::AddressOfOp>(loc, chunks[kernel.getName()]);
      at.create<LLVM::CallOp>(loc, helper, ValueRange{n, chunk, table});
      call.erase();
    }
  }

  /// Whether every argument of `fn` but the last two (the trips) fits a slot.
  bool slotted(LLVM::LLVMFuncOp fn) {
    ArrayRef<Type> params = fn.getFunctionType().getParams();
    if (params.size() < 2 || params.take_back(2) != ArrayRef<Type>{i64, i64} ||
        !isa<LLVM::LLVMVoidType>(fn.getFunctionType().getReturnType()))
      return false;
    return llvm::all_of(params.drop_back(2), [&](Type t) {
      return t == ptr || t.isInteger(64) || t.isInteger(32) || t.isF32() || t.isF64();
    });
  }

  /// <kernel>_chunk(args, begin, end): the kernel on trips [begin, end).
  LLVM::LLVMFuncOp defineChunk(OpBuilder &b, LLVM::LLVMFuncOp kernel) {
    Location loc = kernel.getLoc();
    auto type = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(b.getContext()),
                                            {ptr, i64, i64});
    auto fn = b.create<LLVM::LLVMFuncOp>(loc, (kernel.getName() + "_chunk").str(), type,
                                         LLVM::Linkage::Internal);
    OpBuilder::InsertionGuard g(b);
    Block *body = fn.addEntryBlock(b);
    b.setInsertionPointToStart(body);
    SmallVector<Value> args;
    for (auto [i, t] : llvm::enumerate(kernel.getFunctionType().getParams().drop_back(2))) {
      Value slot = b.create<LLVM::GEPOp>(loc, ptr, i64, body->getArgument(0),
                                         ArrayRef<LLVM::GEPArg>{int32_t(i)});
      args.push_back(b.create<LLVM::LoadOp>(loc, t, slot));
    }
    args.push_back(body->getArgument(1));
    args.push_back(body->getArgument(2));
    b.create<LLVM::CallOp>(loc, kernel, args);
    b.create<LLVM::ReturnOp>(loc, ValueRange());
    return fn;
  }

  /// The context of the entry point running on this thread (null: none).
  void defineContextTLS(OpBuilder &b, Location loc) {
    auto global = b.create<LLVM::GlobalOp>(loc, ptr, /*isConstant=*/false,
                                           LLVM::Linkage::Internal, kContextTLS,
                                           Attribute(), /*alignment=*/8,
                                           /*addrSpace=*/0, /*dsoLocal=*/false,
                                           /*thread_local_=*/true);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(&global.getInitializerRegion().emplaceBlock());
    b.create<LLVM::ReturnOp>(loc, b.create<LLVM::ZeroOp>(loc, ptr).getResult());
  }

  /// kiln_parallel_for(n, body, arg): ctx->parallel_for(ctx->self, n, body,
  /// arg) when there is a context with the callback, body(arg, 0, n) if not.
  LLVM::LLVMFuncOp defineHelper(OpBuilder &b, Location loc) {
    MLIRContext *ctx = b.getContext();
    Type voidType = LLVM::LLVMVoidType::get(ctx);
    auto fn = b.create<LLVM::LLVMFuncOp>(
        loc, kHelper, LLVM::LLVMFunctionType::get(voidType, {i64, ptr, ptr}),
        LLVM::Linkage::Internal);
    OpBuilder::InsertionGuard g(b);
    Block *entry = fn.addEntryBlock(b);
    Block *withContext = fn.addBlock(), *callback = fn.addBlock(), *alone = fn.addBlock();
    Value n = entry->getArgument(0), body = entry->getArgument(1),
          arg = entry->getArgument(2);
    auto bodyType = LLVM::LLVMFunctionType::get(voidType, {ptr, i64, i64});
    b.setInsertionPointToStart(entry);
    Value tls = b.create<LLVM::AddressOfOp>(loc, ptr, kContextTLS);
    Value context = b.create<LLVM::LoadOp>(loc, ptr, tls);
    Value null = b.create<LLVM::ZeroOp>(loc, ptr);
    b.create<LLVM::CondBrOp>(loc,
                             b.create<LLVM::ICmpOp>(loc, LLVM::ICmpPredicate::ne, context, null),
                             withContext, alone);
    b.setInsertionPointToStart(withContext);
    auto structType = LLVM::LLVMStructType::getLiteral(ctx, {ptr, ptr, ptr});
    Value field = b.create<LLVM::GEPOp>(loc, ptr, structType, context,
                                        ArrayRef<LLVM::GEPArg>{0, 1});
    Value parallelFor = b.create<LLVM::LoadOp>(loc, ptr, field);
    b.create<LLVM::CondBrOp>(
        loc, b.create<LLVM::ICmpOp>(loc, LLVM::ICmpPredicate::ne, parallelFor, null),
        callback, alone);
    b.setInsertionPointToStart(callback);
    Value self = b.create<LLVM::LoadOp>(loc, ptr, context);
    b.create<LLVM::CallOp>(loc, LLVM::LLVMFunctionType::get(voidType, {ptr, i64, ptr, ptr}),
                           ValueRange{parallelFor, self, n, body, arg});
    b.create<LLVM::ReturnOp>(loc, ValueRange());
    b.setInsertionPointToStart(alone);
    Value zero = b.create<LLVM::ConstantOp>(loc, i64, 0);
    b.create<LLVM::CallOp>(loc, bodyType, ValueRange{body, arg, zero, n});
    b.create<LLVM::ReturnOp>(loc, ValueRange());
    return fn;
  }

  Type ptr, i64;
};

} // namespace
