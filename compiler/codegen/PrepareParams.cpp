//===- PrepareParams.cpp - Kernels on params alone move to `prepare` -------===//
//
// A forward or eval entry point reads params and buffers it never changes, so
// a kernel that reads nothing else (a weight packed into panels, transposed,
// padded) computes the same value on every call. This pass moves such
// kernels into one more entry point, `prepare`, which writes their values
// into `derived` tensors the model keeps; the entry points read those
// instead. The runtime calls `prepare` when a param or buffer may have
// changed (init, a restore, a training step), not on every call.
//
// Entry points that update state (train_step) and check_step, which runs
// between training steps, keep computing their own. Values computed the same
// way in several entry points share one derived tensor.
//
#include "compiler/Passes.h"
#include "compiler/codegen/Codegen.h"
#include "dialects/Kernel/IR/KernelDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringMap.h"

#include <limits>

namespace kiln {
#define GEN_PASS_DEF_PREPAREPARAMSPASS
#include "compiler/Passes.h.inc"
} // namespace kiln

#define DEBUG_TYPE "kiln-prepare-params"

using namespace mlir;
using namespace kiln;

namespace {

/// The entry points whose params and buffers stay fixed between calls.
bool readsFixedState(func::FuncOp fn) {
  auto entry = fn->getAttrOfType<DictionaryAttr>("kiln.entry");
  auto name = entry ? entry.getAs<StringAttr>("name") : nullptr;
  if (!name || !llvm::is_contained({"forward", "forward_1", "eval_step", "eval_step_1"},
                                   name.getValue()))
    return false;
  for (unsigned i = 0; i < fn.getNumResults(); ++i)
    if (fn.getResultAttr(i, "kiln.tied"))
      return false;
  return true;
}

/// The name of the param or buffer argument `arg` is bound to, or "".
StringRef stateName(func::FuncOp fn, BlockArgument arg) {
  for (StringRef role : {"kiln.param", "kiln.buffer"})
    if (auto d = fn.getArgAttrOfType<DictionaryAttr>(arg.getArgNumber(), role))
      if (auto name = d.getAs<StringAttr>("name"))
        return name.getValue();
  return "";
}

/// Values `op` reads: its operands and what its regions use from above.
SmallVector<Value> readsOf(Operation *op) {
  SmallVector<Value> reads(op->getOperands());
  op->walk([&](Operation *inner) {
    if (inner == op)
      return;
    for (Value v : inner->getOperands())
      if (!op->isAncestor(v.getParentBlock()->getParentOp()))
        reads.push_back(v);
  });
  return reads;
}

/// One entry point's ops that compute from its params and buffers alone.
struct FixedOps {
  llvm::SetVector<Operation *> ops; // in program order
  DenseSet<Value> values;
  /// Values read by the rest of the function that a kernel computed.
  SmallVector<Value> boundary;
};

/// Ops whose result reads its operand's elements in place.
bool isView(Operation *op) {
  return isa<tensor::ExtractSliceOp, tensor::ExpandShapeOp, tensor::CollapseShapeOp,
             tensor::CastOp>(op);
}

/// The ops of `fn` that compute from its params, buffers and constants
/// alone, and of their values those the rest of `fn` reads that a kernel
/// computed from a param or buffer. Ops in `excluded` count as not fixed.
FixedOps fixedOps(func::FuncOp fn, const DenseSet<Operation *> &excluded,
                  SmallVectorImpl<Operation *> &views) {
  FixedOps f;
  DenseSet<Value> fromState, fromKernel;
  for (BlockArgument arg : fn.getArguments())
    if (!stateName(fn, arg).empty()) {
      f.values.insert(arg);
      fromState.insert(arg);
    }
  Block &body = fn.getBody().front();
  for (Operation &op : body.without_terminator()) {
    bool group = isa<kernel::GroupOp>(op);
    if (excluded.contains(&op) || (!group && op.getNumRegions()) || !isMemoryEffectFree(&op))
      continue;
    SmallVector<Value> reads = readsOf(&op);
    if (!llvm::all_of(reads, [&](Value v) { return f.values.contains(v); }))
      continue;
    f.ops.insert(&op);
    bool state = llvm::any_of(reads, [&](Value v) { return fromState.contains(v); });
    bool kernel = group || llvm::any_of(reads, [&](Value v) { return fromKernel.contains(v); });
    for (Value r : op.getResults()) {
      f.values.insert(r);
      if (state)
        fromState.insert(r);
      if (kernel)
        fromKernel.insert(r);
    }
  }
  // (A use inside a kernel is its kernel's.)
  for (Operation *op : f.ops)
    for (Value r : op->getResults()) {
      if (!fromState.contains(r) || !fromKernel.contains(r) ||
          llvm::all_of(r.getUsers(), [&](Operation *u) {
            return f.ops.contains(body.findAncestorOpInBlock(*u));
          }))
        continue;
      // A value the ABI can carry becomes derived (a kernel's, or one put
      // together from kernels' pieces by insert_slice: a packing's whole
      // panels and its padded last one); a view of one stays in `fn`, and
      // so does anything else.
      auto type = dyn_cast<RankedTensorType>(r.getType());
      if (type && type.hasStaticShape() && !isView(op))
        f.boundary.push_back(r);
      else
        views.push_back(op);
    }
  return f;
}

/// fixedOps with a derived tensor for each kernel's value the rest of `fn`
/// reads. A view of such a value (a reshape, a slice) stays in `fn`,
/// reading the derived tensor, so no value is kept twice: it is excluded
/// and the search redone, until no view is read. (What reads an excluded
/// view is then not fixed either: kept in `fn`, as before this pass.)
FixedOps findFixed(func::FuncOp fn) {
  DenseSet<Operation *> excluded;
  while (true) {
    SmallVector<Operation *> views;
    FixedOps f = fixedOps(fn, excluded, views);
    if (views.empty())
      return f;
    excluded.insert(views.begin(), views.end());
  }
}

/// The ops of `fixed` that `values` depend on, in program order.
SmallVector<Operation *> sliceOf(const FixedOps &fixed, ArrayRef<Value> values) {
  DenseSet<Operation *> needed;
  SmallVector<Operation *> work;
  for (Value v : values)
    work.push_back(v.getDefiningOp());
  while (!work.empty()) {
    Operation *op = work.pop_back_val();
    if (!op || !needed.insert(op).second)
      continue;
    for (Value r : readsOf(op))
      work.push_back(r.getDefiningOp());
  }
  SmallVector<Operation *> slice;
  for (Operation *op : fixed.ops)
    if (needed.contains(op))
      slice.push_back(op);
  return slice;
}

struct PrepareParamsPass : kiln::impl::PrepareParamsPassBase<PrepareParamsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (module.lookupSymbol("prepare")) {
      module.emitError("kiln-prepare-params: the module already has a function 'prepare'");
      return signalPassFailure();
    }
    Location loc = module.getLoc();
    OpBuilder b(module.getContext());
    b.setInsertionPointToEnd(module.getBody());
    func::FuncOp prepare;
    Block *body = nullptr;
    llvm::StringMap<BlockArgument> inputs; // prepare's params and buffers
    llvm::StringMap<int64_t> derivedOf;    // a value's text -> its index
    SmallVector<Value> results;            // prepare's, one per derived

    for (auto fn : llvm::to_vector(module.getOps<func::FuncOp>())) {
      if (!readsFixedState(fn))
        continue;
      FixedOps fixed = findFixed(fn);
      if (fixed.boundary.empty())
        continue;
      if (!prepare) {
        prepare = b.create<func::FuncOp>(loc, "prepare", b.getFunctionType({}, {}));
        body = prepare.addEntryBlock();
      }
      // Each boundary value's computation, printed with its inputs named,
      // says whether another entry point computes it already.
      SmallVector<int64_t> index;
      SmallVector<Value> fresh;
      for (Value v : fixed.boundary) {
        std::string key = keyOf(fn, fixed, v);
        auto [it, added] = derivedOf.try_emplace(key, (int64_t)derivedOf.size());
        index.push_back(it->second);
        if (added)
          fresh.push_back(v);
      }
      // prepare takes the params and buffers its kernels read, each once.
      IRMapping map;
      OpBuilder pb = OpBuilder::atBlockEnd(body);
      for (Operation *op : sliceOf(fixed, fresh)) {
        for (Value r : readsOf(op)) {
          auto arg = dyn_cast<BlockArgument>(r);
          if (!arg || arg.getOwner()->getParentOp() != fn || map.contains(arg))
            continue;
          auto [it, added] = inputs.try_emplace(stateName(fn, arg), BlockArgument());
          if (added) {
            unsigned n = prepare.getNumArguments();
            prepare.insertArgument(n, arg.getType(), fn.getArgAttrDict(arg.getArgNumber()),
                                   arg.getLoc());
            it->second = prepare.getArgument(n);
          }
          map.map(arg, it->second);
        }
        pb.clone(*op, map);
      }
      for (Value v : fresh)
        results.push_back(map.lookup(v));

      // The entry point reads the derived tensors instead.
      for (auto [v, k] : llvm::zip(fixed.boundary, index)) {
        unsigned n = fn.getNumArguments();
        fn.insertArgument(n, v.getType(), derivedRole(b, k), v.getLoc());
        v.replaceUsesWithIf(fn.getArgument(n), [&](OpOperand &use) {
          for (Operation *op = use.getOwner(); op != fn; op = op->getParentOp())
            if (fixed.ops.contains(op))
              return false;
          return true;
        });
      }
      for (Operation *op : llvm::reverse(fixed.ops))
        if (op->use_empty())
          op->erase();
    }
    if (!prepare)
      return;
    // prepare(params, buffers, derived...) -> derived, each written in place.
    unsigned first = prepare.getNumArguments();
    for (auto [k, v] : llvm::enumerate(results))
      prepare.insertArgument(first + k, v.getType(), derivedRole(b, k), v.getLoc());
    OpBuilder::atBlockEnd(body).create<func::ReturnOp>(loc, results);
    prepare.setType(b.getFunctionType(body->getArgumentTypes(), ValueRange(results).getTypes()));
    for (unsigned k = 0; k < results.size(); ++k)
      prepare.setResultAttr(k, "kiln.tied", b.getI64IntegerAttr(first + k));
    prepare->setAttr("kiln.entry",
                     b.getDictionaryAttr({b.getNamedAttr("name", b.getStringAttr("prepare")),
                                          b.getNamedAttr("mode", b.getStringAttr("eval")),
                                          b.getNamedAttr("batch", b.getI64IntegerAttr(1))}));
  }

  static DictionaryAttr derivedRole(Builder &b, int64_t k) {
    return b.getDictionaryAttr({b.getNamedAttr(
        "kiln.derived",
        b.getDictionaryAttr({b.getNamedAttr("name", b.getStringAttr("derived." + std::to_string(k)))}))});
  }

  /// `v`'s computation from named params and buffers, as text: a function
  /// of its own, its arguments in the order first read, and their names.
  static std::string keyOf(func::FuncOp fn, const FixedOps &fixed, Value v) {
    OpBuilder b(fn.getContext());
    auto tmp = func::FuncOp::create(fn.getLoc(), "key", b.getFunctionType({}, {}));
    Block *body = tmp.addEntryBlock();
    std::string s;
    llvm::raw_string_ostream os(s);
    IRMapping map;
    b.setInsertionPointToEnd(body);
    SmallVector<Operation *> slice = sliceOf(fixed, {v});
    for (Operation *op : slice) {
      for (Value r : readsOf(op))
        if (auto arg = dyn_cast<BlockArgument>(r);
            arg && arg.getOwner()->getParentOp() == fn && !map.contains(arg)) {
          map.map(arg, body->addArgument(arg.getType(), tmp.getLoc()));
          os << stateName(fn, arg) << "\n";
        }
      b.clone(*op, map);
    }
    b.create<func::ReturnOp>(tmp.getLoc(), map.lookup(v));
    tmp.setType(b.getFunctionType(body->getArgumentTypes(), v.getType()));
    // Every attribute in full, whatever printing flags the tool was given
    // (elided constants would make two computations one).
    constexpr int64_t kAll = std::numeric_limits<int64_t>::max();
    tmp->print(os, OpPrintingFlags()
                       .printGenericOpForm()
                       .elideLargeElementsAttrs(kAll)
                       .elideLargeResourceString(kAll)
                       .enableDebugInfo(false)
                       .skipRegions(false));
    tmp->erase();
    return s;
  }
};

} // namespace
