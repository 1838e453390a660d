//===- BufferABI.cpp - Buffer-level signatures of the entry points --------===//
//
// Reads the roles autodiff put on every argument and result and turns each
// entry point into the form the C ABI wraps: tensors become memrefs, results
// tied to an argument are written into it, the prediction goes to an output
// buffer and the loss is returned as a scalar. Every argument is bound to a
// slot of a runtime table (`kiln.bindings`); the tables themselves are
// collected once for the module (`kiln.abi`), in the order the manifest uses.
//
#include "compiler/Passes.h"
#include "compiler/codegen/Codegen.h"

#include "llvm/ADT/SmallBitVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"

namespace kiln {
#define GEN_PASS_DEF_BUFFERABIPASS
#include "compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

/// One runtime table (params, state, inputs, ...): its entries in order,
/// each a dictionary the manifest generator reads.
struct Table {
  SmallVector<std::string> keys;
  SmallVector<Attribute> entries;

  /// The index of `key`, adding `entry` when it is new; fails when the same
  /// key comes with another entry (two entry points disagree).
  FailureOr<int64_t> bind(StringRef key, DictionaryAttr entry) {
    for (auto [i, k] : llvm::enumerate(keys))
      if (k == key) {
        if (entries[i] != entry)
          return failure();
        return (int64_t)i;
      }
    keys.push_back(key.str());
    entries.push_back(entry);
    return (int64_t)keys.size() - 1;
  }
};

std::string dtypeName(Type t) {
  if (t.isF32())
    return "f32";
  if (t.isF64())
    return "f64";
  if (t.isInteger(32))
    return "i32";
  if (t.isInteger(64))
    return "i64";
  std::string s;
  llvm::raw_string_ostream os(s);
  os << t;
  return s;
}

/// `base` plus shape and dtype, the shape without its leading batch
/// dimension when `batched`.
DictionaryAttr describe(DictionaryAttr base, Type type, bool batched) {
  auto t = cast<RankedTensorType>(type);
  Builder b(t.getContext());
  SmallVector<NamedAttribute> items(base.getValue());
  ArrayRef<int64_t> shape = t.getShape();
  items.push_back(b.getNamedAttr(
      "shape", b.getI64ArrayAttr(batched ? shape.drop_front() : shape)));
  items.push_back(b.getNamedAttr("dtype", b.getStringAttr(dtypeName(t.getElementType()))));
  return b.getDictionaryAttr(items);
}

/// `kiln.entry = {name, mode, batch}`: a name of the ABI (kEntryNames), a
/// mode and a positive batch; the codegen stages after this one trust it.
LogicalResult verifyEntry(func::FuncOp fn, llvm::StringSet<> &seen) {
  auto entry = fn->getAttrOfType<DictionaryAttr>("kiln.entry");
  auto name = entry ? entry.getAs<StringAttr>("name") : nullptr;
  auto mode = entry ? entry.getAs<StringAttr>("mode") : nullptr;
  auto batch = entry ? entry.getAs<IntegerAttr>("batch") : nullptr;
  if (!name || !mode || !batch || batch.getInt() < 1)
    return fn.emitError("kiln-buffer-abi: kiln.entry needs a string name, a "
                        "string mode and a positive batch, got ")
           << fn->getAttr("kiln.entry");
  if (!llvm::is_contained(kEntryNames, name.getValue()))
    return fn.emitError("kiln-buffer-abi: unknown entry point '")
           << name.getValue() << "' (expected one of: "
           << llvm::join(ArrayRef<llvm::StringLiteral>(kEntryNames), ", ") << ")";
  if (!seen.insert(name.getValue()).second)
    return fn.emitError("kiln-buffer-abi: entry point '")
           << name.getValue() << "' is defined twice";
  return success();
}

struct BufferABIPass : kiln::impl::BufferABIPassBase<BufferABIPass> {
  llvm::StringMap<Table> tables; // this module's, reset on every run

  void runOnOperation() override {
    ModuleOp module = getOperation();
    tables.clear();
    SmallVector<func::FuncOp> entries;
    llvm::StringSet<> seen;
    for (auto fn : module.getOps<func::FuncOp>())
      if (fn->hasAttr("kiln.entry")) {
        if (failed(verifyEntry(fn, seen)))
          return signalPassFailure();
        entries.push_back(fn);
      }
    if (entries.empty()) {
      module.emitError("kiln-buffer-abi: the module has no entry point "
                       "(a func.func with kiln.entry)");
      return signalPassFailure();
    }
    for (func::FuncOp fn : entries)
      if (failed(lowerEntry(fn)))
        return signalPassFailure();
    Builder b(module.getContext());
    SmallVector<NamedAttribute> abi;
    for (StringRef name : kTableNames)
      abi.push_back(b.getNamedAttr(name, b.getArrayAttr(tables[name].entries)));
    module->setAttr("kiln.abi", b.getDictionaryAttr(abi));
  }

  /// The string `key` of a role dictionary, or null.
  static StringAttr field(DictionaryAttr role, StringRef key) {
    return role ? role.getAs<StringAttr>(key) : nullptr;
  }

  /// The table slot of argument `i` of `fn`, from its role.
  FailureOr<DictionaryAttr> bindArgument(func::FuncOp fn, unsigned i) {
    Builder b(fn.getContext());
    Type type = fn.getArgumentTypes()[i];
    auto slot = [&](StringRef table, FailureOr<int64_t> index) -> FailureOr<DictionaryAttr> {
      if (failed(index))
        return fn.emitError("kiln-buffer-abi: argument ")
               << i << " (" << table << ") differs from another entry point's";
      return b.getDictionaryAttr({b.getNamedAttr("table", b.getStringAttr(table)),
                                  b.getNamedAttr("index", b.getI64IntegerAttr(*index))});
    };
    auto unnamed = [&](StringRef role, StringRef key) {
      return fn.emitError("kiln-buffer-abi: argument ")
             << i << ": " << role << " needs a string '" << key << "'";
    };
    if (!isa<RankedTensorType>(type) && !fn.getArgAttr(i, "kiln.scalar"))
      return fn.emitError("kiln-buffer-abi: argument ")
             << i << " is " << type << "; only tensors and kiln.scalar "
                                       "arguments cross the ABI";
    if (auto p = fn.getArgAttrOfType<DictionaryAttr>(i, "kiln.param")) {
      if (!field(p, "name"))
        return unnamed("kiln.param", "name");
      return slot("params", tables["params"].bind(field(p, "name").getValue(),
                                                  describe(p, type, false)));
    }
    if (auto d = fn.getArgAttrOfType<DictionaryAttr>(i, "kiln.buffer")) {
      if (!field(d, "name"))
        return unnamed("kiln.buffer", "name");
      return slot("buffers", tables["buffers"].bind(field(d, "name").getValue(),
                                                    describe(d, type, false)));
    }
    if (auto d = fn.getArgAttrOfType<DictionaryAttr>(i, "kiln.derived")) {
      if (!field(d, "name"))
        return unnamed("kiln.derived", "name");
      return slot("derived", tables["derived"].bind(field(d, "name").getValue(),
                                                    describe(d, type, false)));
    }
    if (auto s = fn.getArgAttrOfType<DictionaryAttr>(i, "kiln.state")) {
      if (!field(s, "param") || !field(s, "slot"))
        return unnamed("kiln.state", field(s, "param") ? "slot" : "param");
      std::string key = (field(s, "param").getValue() + "." +
                         field(s, "slot").getValue()).str();
      return slot("state", tables["state"].bind(key, describe(s, type, false)));
    }
    for (StringRef role : {"input", "target"})
      if (auto d = fn.getArgAttrOfType<DictionaryAttr>(i, ("kiln." + role).str())) {
        if (!field(d, "name"))
          return unnamed("kiln." + role.str(), "name");
        return slot(role == "input" ? "inputs" : "targets",
                    tables[role == "input" ? "inputs" : "targets"].bind(
                        field(d, "name").getValue(), describe(d, type, true)));
      }
    if (auto s = fn.getArgAttrOfType<StringAttr>(i, "kiln.scalar"))
      return slot(s.getValue(), 0);
    return fn.emitError("kiln-buffer-abi: argument ") << i << " has no role";
  }

  LogicalResult lowerEntry(func::FuncOp fn) {
    Builder b(fn.getContext());
    SmallVector<Attribute> bindings;
    for (unsigned i = 0; i < fn.getNumArguments(); ++i) {
      auto bound = bindArgument(fn, i);
      if (failed(bound))
        return failure();
      bindings.push_back(*bound);
    }
    Block &entry = fn.getBody().front();
    auto ret = cast<func::ReturnOp>(entry.getTerminator());
    Location loc = ret.getLoc();

    // Only arguments a result is tied to are written: weights stay
    // read-only in eval_step and forward, inputs and targets always.
    llvm::SmallDenseSet<int64_t> tiedArgs;
    for (unsigned i = 0; i < fn.getNumResults(); ++i)
      if (auto tied = fn.getResultAttrOfType<IntegerAttr>(i, "kiln.tied")) {
        if (tied.getInt() < 0 || tied.getInt() >= (int64_t)fn.getNumArguments())
          return fn.emitError("kiln-buffer-abi: result ")
                 << i << " is tied to argument " << tied.getInt()
                 << ", which does not exist";
        tiedArgs.insert(tied.getInt());
      }
    // Tensor arguments are read through `to_tensor restrict` (the caller
    // guarantees no aliasing). This comes first, so a result that is an
    // argument itself is the to_tensor value below.
    OpBuilder ob = OpBuilder::atBlockBegin(&entry);
    for (BlockArgument arg : entry.getArguments()) {
      auto t = dyn_cast<RankedTensorType>(arg.getType());
      if (!t)
        continue;
      arg.setType(MemRefType::get(t.getShape(), t.getElementType()));
      auto toTensor = ob.create<bufferization::ToTensorOp>(
          fn.getLoc(), t, arg, /*restrict=*/true,
          /*writable=*/tiedArgs.contains(arg.getArgNumber()));
      arg.replaceAllUsesExcept(toTensor, toTensor);
    }

    // Outputs become buffers the caller passes.
    SmallVector<std::pair<Value, BlockArgument>> into;
    SmallVector<std::pair<Value, int64_t>> checks;
    bool hasOutput = false;
    Value loss;
    for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
      DictionaryAttr attrs = fn.getResultAttrDict(i);
      if (auto tied = attrs ? attrs.getAs<IntegerAttr>("kiln.tied") : nullptr) {
        into.push_back({v, entry.getArgument(tied.getInt())});
      } else if (auto out = attrs ? attrs.getAs<DictionaryAttr>("kiln.output") : nullptr) {
        if (!field(out, "name"))
          return fn.emitError("kiln-buffer-abi: result ")
                 << i << ": kiln.output needs a string 'name'";
        auto t = cast<RankedTensorType>(v.getType());
        // A collapsed result (a packed product's [M, N/n, n] read as [M, N])
        // is written into the buffer typed in its own shape, the same bytes:
        // kiln-outputs-in-place then computes it there, with no copy after.
        // (A view of the buffer would keep the product's accumulators from
        // being hoisted out of its loop: hoisting skips views.)
        ArrayRef<int64_t> shape = t.getShape();
        if (auto collapse = v.getDefiningOp<tensor::CollapseShapeOp>();
            collapse && collapse.getSrcType().hasStaticShape() && t.hasStaticShape()) {
          shape = collapse.getSrcType().getShape();
          v = collapse.getSrc();
        }
        BlockArgument arg = entry.addArgument(MemRefType::get(shape, t.getElementType()), loc);
        auto index = tables["outputs"].bind(field(out, "name").getValue(),
                                            describe(out, t, true));
        if (failed(index))
          return fn.emitError("kiln-buffer-abi: output differs from another entry point's");
        bindings.push_back(b.getDictionaryAttr(
            {b.getNamedAttr("table", b.getStringAttr("outputs")),
             b.getNamedAttr("index", b.getI64IntegerAttr(*index))}));
        into.push_back({v, arg});
        hasOutput = true;
      } else if (auto check = attrs ? attrs.getAs<IntegerAttr>("kiln.check") : nullptr) {
        // check_step's counts (tensor<1xf32> each) go to element `check` of
        // outputs[0], a float per entry of its `checks`: no model output,
        // so not in the table.
        checks.push_back({v, check.getInt()});
      } else if (attrs && attrs.get("kiln.result")) {
        loss = v;
      } else {
        return fn.emitError("kiln-buffer-abi: result ") << i << " has no role";
      }
    }

    ob.setInsertionPoint(ret);
    for (auto [v, arg] : into)
      ob.create<bufferization::MaterializeInDestinationOp>(
          loc, Type(), v, arg, /*restrict=*/true, /*writable=*/true);
    if (!checks.empty()) {
      // outputs[0] is the counts' alone, and the manifest's `checks` say
      // what each one is: the runtime sizes the buffer by them.
      auto listed = fn->getAttrOfType<DictionaryAttr>("kiln.entry").getAs<ArrayAttr>("checks");
      if (hasOutput || !listed || listed.size() != checks.size())
        return fn.emitError("kiln-buffer-abi: kiln.check results need a "
                            "kiln.entry `checks` of the same length and no "
                            "kiln.output (both are outputs[0])");
      auto f32 = ob.getF32Type();
      BlockArgument counts = entry.addArgument(
          MemRefType::get({int64_t(checks.size())}, f32), loc);
      bindings.push_back(b.getDictionaryAttr(
          {b.getNamedAttr("table", b.getStringAttr("outputs")),
           b.getNamedAttr("index", b.getI64IntegerAttr(0))}));
      llvm::SmallBitVector seen(checks.size());
      for (auto [v, i] : checks) {
        if (i < 0 || i >= int64_t(checks.size()) || seen.test(i) ||
            v.getType() != RankedTensorType::get({1}, f32))
          return fn.emitError("kiln-buffer-abi: kiln.check results must be "
                              "tensor<1xf32> numbered 0 to ")
                 << checks.size() - 1 << ", each once";
        seen.set(i);
        Value slot = ob.create<memref::SubViewOp>(
            loc, counts, ArrayRef<OpFoldResult>{ob.getIndexAttr(i)},
            ArrayRef<OpFoldResult>{ob.getIndexAttr(1)},
            ArrayRef<OpFoldResult>{ob.getIndexAttr(1)});
        ob.create<bufferization::MaterializeInDestinationOp>(
            loc, Type(), v, slot, /*restrict=*/true, /*writable=*/true);
      }
    }
    SmallVector<Value> results;
    if (loss)
      results.push_back(ob.create<tensor::ExtractOp>(loc, loss));
    ob.create<func::ReturnOp>(loc, results);
    ret.erase();
    fn.setType(FunctionType::get(fn.getContext(), entry.getArgumentTypes(),
                                 ValueRange(results).getTypes()));
    fn.setAllResultAttrs(ArrayRef<DictionaryAttr>{});
    SmallVector<DictionaryAttr> argAttrs(fn.getNumArguments(),
                                         b.getDictionaryAttr({}));
    fn.setAllArgAttrs(argAttrs);
    fn->setAttr("kiln.bindings", b.getArrayAttr(bindings));
    return success();
  }
};

} // namespace
