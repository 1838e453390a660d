//===- EmitABI.cpp - Export the C ABI around the entry points -------------===//
//
// Every entry point becomes `float <sym>_<name>(const kiln_bindings *,
// const kiln_call *)`: each argument of the compiled function is loaded from
// the table slot kiln-buffer-abi bound it to. `<sym>_manifest` returns the
// manifest generated from this module and `<sym>_abi` the kiln_model_api
// (runtime/include/kiln/abi.h: the struct layouts below mirror it).
//
#include "compiler/Passes.h"
#include "compiler/codegen/Codegen.h"
#include "compiler/codegen/ParallelLoops.h"
#include "kiln/abi.h" // the layout the wrappers must match

#include <cstddef>

namespace kiln {
#define GEN_PASS_DEF_EMITABIPASS
#include "compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

/// Field numbers in kiln_bindings {params, buffers, state, workspace,
/// context, derived} and kiln_call {inputs, targets, outputs, lr, step, seed}.
struct Field {
  bool inCall;
  int32_t index;
  bool table; // an array of pointers, indexed by the binding's index
};

// The generator's view of the C structs, checked against abi.h itself.
static_assert(offsetof(kiln_bindings, params) == 0 * sizeof(void *) &&
                  offsetof(kiln_bindings, buffers) == 1 * sizeof(void *) &&
                  offsetof(kiln_bindings, state) == 2 * sizeof(void *) &&
                  offsetof(kiln_bindings, workspace) == 3 * sizeof(void *) &&
                  offsetof(kiln_bindings, context) == 4 * sizeof(void *) &&
                  offsetof(kiln_bindings, derived) == 5 * sizeof(void *),
              "kiln_bindings is {ptr x 6} for kiln-emit-abi");
static_assert(offsetof(kiln_call, inputs) == 0 &&
                  offsetof(kiln_call, targets) == sizeof(void *) &&
                  offsetof(kiln_call, outputs) == 2 * sizeof(void *) &&
                  offsetof(kiln_call, lr) == 3 * sizeof(void *) &&
                  offsetof(kiln_call, step) == 4 * sizeof(void *) &&
                  offsetof(kiln_call, seed) == 5 * sizeof(void *),
              "kiln_call is {ptr, ptr, ptr, f32, i64, i64} for kiln-emit-abi");
static_assert(sizeof(kiln_model_api) ==
                  (1 + std::size(kEntryNames)) * sizeof(void *) &&
                  offsetof(kiln_model_api, train_step) == 1 * sizeof(void *) &&
                  offsetof(kiln_model_api, eval_step) == 2 * sizeof(void *) &&
                  offsetof(kiln_model_api, eval_step_1) == 3 * sizeof(void *) &&
                  offsetof(kiln_model_api, forward) == 4 * sizeof(void *) &&
                  offsetof(kiln_model_api, forward_1) == 5 * sizeof(void *) &&
                  offsetof(kiln_model_api, check_step) == 6 * sizeof(void *) &&
                  offsetof(kiln_model_api, prepare) == 7 * sizeof(void *),
              "kiln_model_api is {manifest, kEntryNames...} in that order");

std::optional<Field> fieldOf(StringRef table) {
  static const std::pair<StringRef, Field> fields[] = {
      {"params", {false, 0, true}},  {"buffers", {false, 1, true}},
      {"state", {false, 2, true}},   {"workspace", {false, 3, false}},
      {"context", {false, 4, false}}, {"derived", {false, 5, true}},
      {"inputs", {true, 0, true}},   {"targets", {true, 1, true}},
      {"outputs", {true, 2, true}},  {"lr", {true, 3, false}},
      {"step", {true, 4, false}},    {"seed", {true, 5, false}}};
  for (auto &[name, field] : fields)
    if (name == table)
      return field;
  return std::nullopt;
}

struct EmitABIPass : kiln::impl::EmitABIPassBase<EmitABIPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    ptr = LLVM::LLVMPointerType::get(ctx);
    f32 = Float32Type::get(ctx);
    i64 = IntegerType::get(ctx, 64);
    bindingsType = LLVM::LLVMStructType::getLiteral(ctx, {ptr, ptr, ptr, ptr, ptr, ptr});
    callType = LLVM::LLVMStructType::getLiteral(ctx, {ptr, ptr, ptr, f32, i64, i64});

    SmallVector<LLVM::LLVMFuncOp> entries;
    for (auto fn : module.getOps<LLVM::LLVMFuncOp>())
      if (fn->hasAttr("kiln.entry"))
        entries.push_back(fn);
    if (entries.empty()) {
      module.emitError("kiln-emit-abi expects llvm.func entry points (kiln.entry)");
      return signalPassFailure();
    }
    std::string manifest = buildManifest(module);
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    Location loc = module.getLoc();
    llvm::StringMap<LLVM::LLVMFuncOp> wrappers;
    for (LLVM::LLVMFuncOp fn : entries) {
      auto wrapper = wrap(b, fn);
      if (failed(wrapper))
        return signalPassFailure();
      wrappers[fn->getAttrOfType<DictionaryAttr>("kiln.entry")
                   .getAs<StringAttr>("name").getValue()] = *wrapper;
    }
    LLVM::LLVMFuncOp manifestFn = emitManifest(b, loc, manifest);

    // <sym>_abi() returns a constant kiln_model_api.
    SmallVector<Type> fieldTypes(1 + std::size(kEntryNames), ptr);
    auto apiType = LLVM::LLVMStructType::getLiteral(ctx, fieldTypes);
    auto api = b.create<LLVM::GlobalOp>(loc, apiType, /*isConstant=*/true,
                                        LLVM::Linkage::Internal,
                                        symbol + "_api", Attribute());
    {
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(&api.getInitializerRegion().emplaceBlock());
      Value v = b.create<LLVM::UndefOp>(loc, apiType);
      v = b.create<LLVM::InsertValueOp>(
          loc, v, b.create<LLVM::AddressOfOp>(loc, manifestFn), 0);
      for (auto [i, name] : llvm::enumerate(kEntryNames)) {
        auto it = wrappers.find(name);
        Value f = it == wrappers.end()
                      ? Value(b.create<LLVM::ZeroOp>(loc, ptr))
                      : Value(b.create<LLVM::AddressOfOp>(loc, it->second));
        v = b.create<LLVM::InsertValueOp>(loc, v, f, i + 1);
      }
      b.create<LLVM::ReturnOp>(loc, v);
    }
    auto abiFn = b.create<LLVM::LLVMFuncOp>(loc, symbol + "_abi",
                                            LLVM::LLVMFunctionType::get(ptr, {}));
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(abiFn.addEntryBlock(b));
    b.create<LLVM::ReturnOp>(loc, b.create<LLVM::AddressOfOp>(loc, api).getResult());
  }

  LLVM::LLVMFuncOp emitManifest(OpBuilder &b, Location loc, std::string text) {
    MLIRContext *ctx = &getContext();
    text.push_back('\0');
    auto arrayType = LLVM::LLVMArrayType::get(IntegerType::get(ctx, 8), text.size());
    auto global = b.create<LLVM::GlobalOp>(loc, arrayType, /*isConstant=*/true,
                                           LLVM::Linkage::Internal,
                                           symbol + "_manifest_text",
                                           b.getStringAttr(text));
    auto fn = b.create<LLVM::LLVMFuncOp>(loc, symbol + "_manifest",
                                         LLVM::LLVMFunctionType::get(ptr, {}));
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(fn.addEntryBlock(b));
    b.create<LLVM::ReturnOp>(loc, b.create<LLVM::AddressOfOp>(loc, global).getResult());
    return fn;
  }

  /// <sym>_<name>(bindings, call) -> loss, calling `fn` with each argument
  /// loaded from its slot.
  FailureOr<LLVM::LLVMFuncOp> wrap(OpBuilder &b, LLVM::LLVMFuncOp fn) {
    Location loc = fn.getLoc();
    auto entry = fn->getAttrOfType<DictionaryAttr>("kiln.entry");
    auto bindings = fn->getAttrOfType<ArrayAttr>("kiln.bindings");
    LLVM::LLVMFunctionType type = fn.getFunctionType();
    if (!bindings || bindings.size() != type.getNumParams())
      return fn.emitError("kiln-emit-abi: kiln.bindings does not match the "
                          "function's ")
             << type.getNumParams() << " arguments";
    fn.setLinkage(LLVM::Linkage::Internal);
    StringRef name = entry.getAs<StringAttr>("name").getValue();
    auto wrapper = b.create<LLVM::LLVMFuncOp>(
        loc, symbol + "_" + name.str(), LLVM::LLVMFunctionType::get(f32, {ptr, ptr}));
    // The wrapper loads as many pointers as the model has buffers and
    // passes them on, which LLVM's optimizer and instruction selector gain
    // nothing from and take long on in a deep model: compiled as written.
    // (Not the entry point: vectors passed between its kernels make LLVM
    // 19's unoptimized x86 code generation fail, "Cannot emit physreg copy
    // instruction".)
    wrapper.setNoInline(true);
    wrapper.setOptimizeNone(true);
    OpBuilder::InsertionGuard g(b);
    Block *body = wrapper.addEntryBlock(b);
    b.setInsertionPointToStart(body);
    SmallVector<Value> args;
    for (auto [i, attr] : llvm::enumerate(bindings)) {
      auto binding = cast<DictionaryAttr>(attr);
      StringRef table = binding.getAs<StringAttr>("table").getValue();
      std::optional<Field> field = fieldOf(table);
      if (!field)
        return fn.emitError("kiln-emit-abi: unknown table '") << table << "'";
      Type structType = field->inCall ? callType : bindingsType;
      Type fieldType = cast<LLVM::LLVMStructType>(structType).getBody()[field->index];
      Value base = body->getArgument(field->inCall ? 1 : 0);
      Value addr = b.create<LLVM::GEPOp>(loc, ptr, structType, base,
                                         ArrayRef<LLVM::GEPArg>{0, field->index});
      Value v = b.create<LLVM::LoadOp>(loc, fieldType, addr);
      if (field->table) {
        int64_t index = binding.getAs<IntegerAttr>("index").getInt();
        Value slot = b.create<LLVM::GEPOp>(loc, ptr, ptr, v,
                                           ArrayRef<LLVM::GEPArg>{(int32_t)index});
        v = b.create<LLVM::LoadOp>(loc, ptr, slot);
      }
      // The ABI speaks f32 for lr; models in f64 (gradient checks) convert.
      Type want = type.getParamType(i);
      if (v.getType() != want) {
        if (isa<FloatType>(want) && v.getType() == f32)
          v = b.create<LLVM::FPExtOp>(loc, want, v);
        else
          return fn.emitError("kiln-emit-abi: argument ")
                 << i << " is " << want << " but its slot '" << table
                 << "' holds " << v.getType();
      }
      args.push_back(v);
    }
    // Kernels shared out by threads find the context here
    // (kiln-parallel-calls); the caller's is put back after the call.
    Value tls, saved;
    if (fn->getParentOfType<ModuleOp>().lookupSymbol(kContextTLS)) {
      Value addr = b.create<LLVM::GEPOp>(loc, ptr, bindingsType, body->getArgument(0),
                                         ArrayRef<LLVM::GEPArg>{0, 4});
      Value context = b.create<LLVM::LoadOp>(loc, ptr, addr);
      tls = b.create<LLVM::AddressOfOp>(loc, ptr, kContextTLS);
      saved = b.create<LLVM::LoadOp>(loc, ptr, tls);
      b.create<LLVM::StoreOp>(loc, context, tls);
    }
    auto call = b.create<LLVM::CallOp>(loc, fn, args);
    if (tls)
      b.create<LLVM::StoreOp>(loc, saved, tls);
    Value loss;
    if (call.getNumResults() == 0)
      loss = b.create<LLVM::ConstantOp>(loc, f32, b.getF32FloatAttr(0));
    else if ((loss = call.getResult()).getType() != f32)
      loss = b.create<LLVM::FPTruncOp>(loc, f32, loss);
    b.create<LLVM::ReturnOp>(loc, loss);
    return wrapper;
  }

  Type ptr, f32, i64, bindingsType, callType;
};

} // namespace
