//===- OutlineKernels.cpp - Each loop nest of an entry point its own function ===//
//
// After the workspace is planned, an entry point is a straight line of loop
// nests, one per kernel. Kept inline, LLVM sees one function with hundreds of
// loops in sequence, and scalar evolution's guard search walks back through
// all of them for every loop: compile time grows with the square of the
// model. Each top-level loop nest becomes a private, never-inlined function
// instead, and so does each long run of straight-line code (a kernel whose
// tiles cover its whole iteration space leaves no loop); constants and views
// of its memrefs move into it, so it takes the underlying buffers, scalars
// and vectors as arguments. Kernels that come out
// identical (the forward pass of eval_step and forward, or of train_step where
// no op depends on the mode) are kept once; those only check_step calls are
// left to LLVM unoptimized.
//
#include "compiler/Passes.h"
#include "compiler/codegen/ParallelLoops.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringMap.h"

#include <limits>

namespace kiln {
#define GEN_PASS_DEF_OUTLINEKERNELSPASS
#include "compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

/// Ops cloned into the kernel rather than passed to it: constants, and views
/// whose layout would not survive the bare-pointer calling convention.
bool sinks(Operation *op) {
  return op && op->getNumRegions() == 0 &&
         (matchPattern(op, m_Constant()) ||
          isa<memref::SubViewOp, memref::ExpandShapeOp, memref::CollapseShapeOp,
              memref::CastOp, memref::ReinterpretCastOp, memref::TransposeOp>(op));
}

/// Pure value computations (broadcasts, iotas, a statistic's scale) that
/// several kernels use: each kernel recomputes them rather than taking a
/// vector by value.
bool recomputable(Operation *op) {
  return op && op->getNumRegions() == 0 && op->getNumResults() > 0 &&
         isMemoryEffectFree(op) &&
         llvm::none_of(op->getResultTypes(), llvm::IsaPred<BaseMemRefType>);
}

/// What a kernel or segment makes its own copy of: a constant, a view, a
/// pure value.
bool copiedIntoKernels(Operation *op) {
  return sinks(op) || isa<memref::ViewOp>(op) || recomputable(op);
}

/// Whether `op` only reads memory, or touches none.
bool onlyReads(Operation *op) {
  if (isMemoryEffectFree(op))
    return true;
  auto iface = dyn_cast<MemoryEffectOpInterface>(op);
  if (!iface)
    return false;
  SmallVector<MemoryEffects::EffectInstance> effects;
  iface.getEffects(effects);
  return llvm::all_of(effects, [](const MemoryEffects::EffectInstance &e) {
    return isa<MemoryEffects::Read>(e.getEffect());
  });
}

/// The top-level ops just before `kernel` that only it uses: what
/// kernel-lower-vectors hoisted out of its loops (bias broadcasts, weight
/// rows). They move into the kernel rather than cross the call as vectors.
/// A read moves only when no op it would pass writes memory.
llvm::SmallPtrSet<Operation *, 16> hoistedFor(Operation *kernel) {
  llvm::SmallPtrSet<Operation *, 16> moved;
  bool passedWriter = false;
  for (Operation *p = kernel->getPrevNode(); p && !isa<func::CallOp>(p);
       p = p->getPrevNode()) {
    bool usedOnlyThere = llvm::all_of(p->getUsers(), [&](Operation *user) {
      return kernel->isAncestor(user) || moved.contains(user);
    });
    bool pure = isMemoryEffectFree(p);
    bool movable = p->getNumRegions() == 0 && !p->use_empty() && usedOnlyThere &&
                   llvm::none_of(p->getResultTypes(), llvm::IsaPred<BaseMemRefType>) &&
                   (pure || (onlyReads(p) && !passedWriter));
    if (movable)
      moved.insert(p);
    else if (!onlyReads(p))
      passedWriter = true;
  }
  return moved;
}

struct Outliner {
  ModuleOp module;
  SymbolTable &symbols;
  llvm::StringMap<func::FuncOp> byBody; // printed body -> first kernel
  llvm::SmallPtrSet<Operation *, 16> moved; // hoisted ops of the current kernel

  /// The value `v` stands for inside the kernel: a clone of a sinkable or
  /// hoisted def, or a new argument.
  Value materialize(Value v, OpBuilder &b, Block &body, IRMapping &map,
                    SmallVector<Value> &args) {
    if (Value m = map.lookupOrNull(v))
      return m;
    Operation *def = v.getDefiningOp();
    // A workspace view is made inside, from the workspace and its offset,
    // each an argument: views made in the entry point would all live
    // across it (LLVM merges equal ones, wherever they are made), and
    // passing the offset keeps kernels of equal layers identical.
    if (auto view = dyn_cast_or_null<memref::ViewOp>(def)) {
      Value source = materialize(view.getSource(), b, body, map, args);
      args.push_back(view.getByteShift());
      Value shift = body.addArgument(b.getIndexType(), v.getLoc());
      SmallVector<Value> sizes;
      for (Value size : view.getSizes())
        sizes.push_back(materialize(size, b, body, map, args));
      Value local = b.create<memref::ViewOp>(view.getLoc(), view.getType(),
                                             source, shift, sizes);
      map.map(v, local);
      return local;
    }
    if (sinks(def) || moved.contains(def) || recomputable(def)) {
      for (Value operand : def->getOperands())
        materialize(operand, b, body, map, args);
      b.clone(*def, map);
      return map.lookup(v);
    }
    args.push_back(v);
    map.map(v, body.addArgument(v.getType(), v.getLoc()));
    return map.lookup(v);
  }

  /// A workspace view made inside the kernel's loops (an accumulator of an
  /// unvectorized op) has a constant offset that differs from layer to layer:
  /// it becomes an argument too, so that kernels of equal layers stay
  /// identical. Its other uses (a loop bound) keep the constant.
  static void passViewOffsets(Block &body, const llvm::SetVector<Value> &captured,
                              IRMapping &map, SmallVector<Value> &args) {
    DenseMap<Value, Value> outer; // the kernel's clone -> the entry's constant
    for (Value v : captured)
      if (matchPattern(v, m_Constant()) && v.getType().isIndex())
        if (Value inner = map.lookupOrNull(v))
          outer.try_emplace(inner, v);
    DenseMap<Value, Value> passed; // the entry's constant -> its argument
    auto pass = [&](OpOperand &operand, Location loc) {
      auto it = outer.find(operand.get());
      if (it == outer.end())
        return;
      auto [slot, isNew] = passed.try_emplace(it->second, Value());
      if (isNew) {
        slot->second = body.addArgument(operand.get().getType(), loc);
        args.push_back(it->second);
      }
      operand.set(slot->second);
    };
    body.walk([&](memref::ViewOp view) {
      // A per-trip slot's offset is iv * stride + base: the base is passed.
      if (auto add = view.getByteShift().getDefiningOp<arith::AddIOp>())
        for (OpOperand &operand : add->getOpOperands())
          pass(operand, view.getLoc());
      pass(view.getByteShiftMutable(), view.getLoc());
    });
    for (auto &[inner, unused] : outer)
      if (inner.use_empty())
        inner.getDefiningOp()->erase();
  }

  /// Moves the kernel's top-level constants to its start, ordered by what
  /// they print as: which capture needed a constant first must not make
  /// two otherwise equal kernels differ.
  static void sortConstants(Block &body) {
    SmallVector<std::pair<std::string, Operation *>> constants;
    for (Operation &op : body)
      if (matchPattern(&op, m_Constant())) {
        std::string text;
        llvm::raw_string_ostream os(text);
        os << op.getName() << op.getAttrDictionary() << op.getResultTypes();
        constants.emplace_back(os.str(), &op);
      }
    llvm::sort(constants, [](const auto &a, const auto &b) {
      return a.first != b.first ? a.first < b.first : a.second->isBeforeInBlock(b.second);
    });
    for (auto &[text, op] : llvm::reverse(constants))
      op->moveBefore(&body, body.begin());
  }

  /// The top-level ops right after `kernel` that consume what it computed
  /// (the final write of a reduction's vector): its epilogue.
  static SmallVector<Operation *> epilogue(Operation *kernel) {
    SmallVector<Operation *> ops{kernel};
    DenseSet<Value> produced(kernel->result_begin(), kernel->result_end());
    for (Operation *n = kernel->getNextNode();
         n && n->getNumRegions() == 0 && !n->hasTrait<OpTrait::IsTerminator>() &&
         llvm::any_of(n->getOperands(), [&](Value v) { return produced.contains(v); });
         n = n->getNextNode()) {
      ops.push_back(n);
      produced.insert(n->result_begin(), n->result_end());
    }
    return ops;
  }

  /// Replaces `op` and its epilogue by a call; returns the call.
  Operation *outline(Operation *op, func::FuncOp entry, int64_t index) {
    return outlineOps(epilogue(op), entry, index);
  }

  /// Replaces `ops` (consecutive top-level ops, the first the kernel) by a
  /// call; returns the call.
  Operation *outlineOps(SmallVector<Operation *> ops, func::FuncOp entry, int64_t index) {
    Operation *op = ops.front();
    MLIRContext *ctx = op->getContext();
    llvm::SmallPtrSet<Operation *, 8> inside(ops.begin(), ops.end());
    auto kernel = func::FuncOp::create(op->getLoc(), "k", FunctionType::get(ctx, {}, {}));
    Block *body = kernel.addEntryBlock();
    OpBuilder b = OpBuilder::atBlockBegin(body);
    IRMapping map;
    SmallVector<Value> args;
    moved = hoistedFor(op);
    // A pure op of the run that needs nothing the run computes (the
    // learning rate's broadcast) and that later code uses too stays in the
    // entry as well, for the later kernels to recompute, rather than come
    // back as a vector that lives across calls.
    OpBuilder before(op);
    for (Operation *o : ops)
      if (recomputable(o) && llvm::none_of(o->getOperands(), [&](Value v) {
            return inside.contains(v.getDefiningOp());
          })) {
        Operation *copy = nullptr;
        for (OpOperand &use : llvm::make_early_inc_range(o->getUses()))
          if (!inside.contains(use.getOwner())) {
            if (!copy)
              copy = before.clone(*o);
            use.set(copy->getResult(cast<OpResult>(use.get()).getResultNumber()));
          }
      }
    llvm::SetVector<Value> captured;
    for (Operation *o : ops)
      getUsedValuesDefinedAbove(o->getRegions(), captured);
    for (Operation *o : ops)
      for (Value v : o->getOperands())
        if (!inside.contains(v.getDefiningOp()))
          captured.insert(v);
    for (Value v : captured)
      materialize(v, b, *body, map, args);
    // What the rest of the entry still uses comes back as results.
    SmallVector<Value> results, returned;
    Operation *first = nullptr;
    for (Operation *o : ops) {
      Operation *clone = b.clone(*o, map);
      first = first ? first : clone;
      for (Value r : o->getResults())
        if (llvm::any_of(r.getUsers(), [&](Operation *u) { return !inside.contains(u); })) {
          results.push_back(r);
          returned.push_back(map.lookup(r));
        }
    }
    passViewOffsets(*body, captured, map, args);
    // A loop alone whose iterations are independent runs the trips it is
    // given, so that threads can share them (kiln-parallel-calls).
    std::optional<int64_t> trips;
    if (auto loop = dyn_cast<scf::ForOp>(first); loop && ops.size() == 1)
      if ((trips = splitForThreads(loop, *body)))
        kernel->setAttr(kParallelTripsAttr, b.getI64IntegerAttr(*trips));
    sortConstants(*body);
    b.create<func::ReturnOp>(op->getLoc(), returned);
    kernel.setType(FunctionType::get(ctx, body->getArgumentTypes(),
                                     ValueRange(returned).getTypes()));
    kernel.setPrivate();
    kernel->setAttr("llvm.linkage",
                    LLVM::LinkageAttr::get(ctx, LLVM::Linkage::Internal));
    kernel->setAttr("no_inline", UnitAttr::get(ctx));

    // Identical kernels share one function. The key is the kernel printed
    // under the placeholder name "k", in full whatever the command line asks
    // of the printer (skipped regions or elided constants would merge
    // kernels that differ).
    std::string key;
    {
      llvm::raw_string_ostream os(key);
      OpPrintingFlags flags;
      flags.useLocalScope()
          .skipRegions(false)
          .enableDebugInfo(false)
          .printGenericOpForm()
          .elideLargeElementsAttrs(std::numeric_limits<int64_t>::max())
          .elideLargeResourceString(std::numeric_limits<int64_t>::max());
      kernel.print(os, flags);
    }
    auto [it, isNew] = byBody.try_emplace(key, kernel);
    func::FuncOp callee = it->second;
    if (isNew) {
      kernel.setSymName((entry.getSymName() + "_k" + Twine(index)).str());
      symbols.insert(kernel, Block::iterator(entry));
    } else {
      kernel.erase();
    }
    OpBuilder at(op);
    if (trips) { // all of them, unless the call is split
      args.push_back(at.create<arith::ConstantIndexOp>(op->getLoc(), 0));
      args.push_back(at.create<arith::ConstantIndexOp>(op->getLoc(), *trips));
    }
    auto call = at.create<func::CallOp>(op->getLoc(), callee, args);
    for (auto [r, c] : llvm::zip(results, call.getResults()))
      r.replaceAllUsesWith(c);
    for (Operation *o : llvm::reverse(ops))
      o->erase();
    // The hoisted ops are now unused (walking back erases users first),
    // unless a recomputed copy above reads one: that one stays.
    for (Operation *p = call->getPrevNode(); p && !moved.empty();) {
      Operation *prev = p->getPrevNode();
      if (moved.erase(p) && p->use_empty())
        p->erase();
      p = prev;
    }
    return call;
  }
};

/// An op of a kernel whose tiles cover its whole iteration space, so it
/// left no loop: vector and scalar arithmetic and memory accesses.
bool straightLine(Operation *op) {
  if (op->getNumRegions() != 0 || op->hasTrait<OpTrait::IsTerminator>() ||
      matchPattern(op, m_Constant()))
    return false;
  llvm::StringRef dialect = op->getDialect()->getNamespace();
  return dialect == "vector" || dialect == "arith" || dialect == "math" ||
         isa<memref::LoadOp, memref::StoreOp>(op);
}

/// Runs this long or longer become kernels: inline, a model of many small
/// layers puts all of their straight-line code in one entry function,
/// which LLVM optimizes in time quadratic in its size.
constexpr int64_t kMinRun = 16;

/// The size of `op` once lowered: an n-D vector op unrolls into one op per
/// 1-D vector (a [16, 16] update is 16 of them).
int64_t weight(Operation *op) {
  int64_t w = 1;
  auto count = [&](Type t) {
    if (auto v = dyn_cast<VectorType>(t); v && v.getRank() > 1)
      w = std::max(w, v.getNumElements() / v.getShape().back());
  };
  for (Type t : op->getResultTypes())
    count(t);
  for (Type t : op->getOperandTypes())
    count(t);
  return w;
}

/// The straight-line ops from `first` on, when they are a run worth a
/// kernel (long enough and writing memory); empty otherwise. Consecutive
/// kernels leave one run; it is cut where a read follows a write once the
/// part is long enough, which is where one kernel's stores end and the
/// next one's loads begin, so the parts stay kernel-sized (and the same
/// layer twice gives the same parts, kept once).
SmallVector<Operation *> straightRun(Operation *first) {
  SmallVector<Operation *> run;
  int64_t size = 0;
  bool writes = false, wrote = false;
  for (Operation *op = first; op && straightLine(op); op = op->getNextNode()) {
    bool reads = !isMemoryEffectFree(op) && onlyReads(op);
    if (wrote && reads && size >= kMinRun)
      break;
    run.push_back(op);
    size += weight(op);
    wrote = !onlyReads(op);
    writes |= wrote;
  }
  if (size < kMinRun || !writes)
    run.clear();
  return run;
}

/// Cuts what is left of `entry` once its kernels are calls into segments
/// of `size` ops, each its own function, when it has more than twice that:
/// LLVM's instruction selection and register allocation take time that
/// grows faster than linearly with a function's length (and its arguments),
/// and a model of a thousand layers makes a train_step of 10,000 calls.
/// The pure definitions (constants, views) move to the top first, so each
/// segment is a run of consecutive ops, and each segment makes its own
/// copies of those it uses.
void segment(func::FuncOp entry, Outliner &o, int64_t &index, size_t size) {
  Block &block = entry.getBody().front();
  llvm::SmallPtrSet<Operation *, 32> hoisted;
  SmallVector<Operation *> rest;
  for (Operation &op : llvm::make_early_inc_range(block.without_terminator())) {
    bool pure = copiedIntoKernels(&op);
    bool ready = llvm::all_of(op.getOperands(), [&](Value v) {
      Operation *def = v.getDefiningOp();
      return !def || hoisted.contains(def);
    });
    if (pure && ready) {
      hoisted.insert(&op);
      if (!rest.empty())
        op.moveBefore(rest.front());
    } else {
      rest.push_back(&op);
    }
  }
  if (rest.size() <= 2 * size)
    return;
  // A cut never passes a vector from one segment to the next (a mask
  // vector crossing a call makes LLVM 19's x86 back end fail, and any
  // vector would be spilled around the call): live[p] counts the vectors
  // defined before rest[p] and used from it on.
  llvm::DenseMap<Operation *, size_t> position;
  for (auto [i, op] : llvm::enumerate(rest))
    position[op] = i;
  SmallVector<int64_t> live(rest.size() + 1, 0);
  for (auto [i, op] : llvm::enumerate(rest))
    for (Value r : op->getResults()) {
      if (!isa<VectorType>(r.getType()))
        continue;
      size_t last = i;
      for (Operation *user : r.getUsers()) {
        Operation *at = block.findAncestorOpInBlock(*user);
        auto it = position.find(at);
        last = std::max(last, it == position.end() ? rest.size() : it->second);
      }
      if (last > i) {
        ++live[i + 1];
        --live[last + 1 <= rest.size() ? last + 1 : rest.size()];
      }
    }
  for (size_t p = 1; p <= rest.size(); ++p)
    live[p] += live[p - 1];
  for (size_t start = 0; start < rest.size();) {
    size_t end = std::min(start + size, rest.size());
    while (end < rest.size() && live[end] != 0)
      ++end;
    SmallVector<Operation *> run(rest.begin() + start, rest.begin() + end);
    o.outlineOps(run, entry, index++);
    start = end;
  }
}

struct OutlineKernelsPass : kiln::impl::OutlineKernelsPassBase<OutlineKernelsPass> {
  using Base::Base;

  void runOnOperation() override {
    if (segmentOps < 1) {
      getOperation().emitError("kiln-outline-kernels: segment-ops must be at least 1, got ")
          << static_cast<int64_t>(segmentOps);
      return signalPassFailure();
    }
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    Outliner o{module, symbols, {}, {}};
    SmallVector<func::FuncOp> entries;
    for (auto fn : module.getOps<func::FuncOp>())
      if (fn->hasAttr("kiln.entry") && !fn.isExternal())
        entries.push_back(fn);
    for (func::FuncOp entry : entries) {
      int64_t index = 0;
      Block &block = entry.getBody().front();
      for (Operation *op = &block.front(); op; op = op->getNextNode()) {
        if (isa<scf::ForOp, scf::ParallelOp>(op)) {
          op = o.outline(op, entry, index++);
        } else if (straightLine(op)) {
          SmallVector<Operation *> run = straightRun(op);
          if (!run.empty())
            op = o.outlineOps(run, entry, index++);
          else
            while (op->getNextNode() && straightLine(op->getNextNode()))
              op = op->getNextNode();
        }
      }
      segment(entry, o, index, segmentOps);
      // The views, constants and values the kernels took along may now be
      // dead.
      for (Operation &op : llvm::make_early_inc_range(llvm::reverse(block)))
        if (copiedIntoKernels(&op) &&
            op.use_empty())
          op.erase();
    }
    markCold(module);
  }

  /// check_step runs once, after training diverged, to name the first
  /// non-finite value: the functions only it reaches (its own kernels and
  /// segments) are compiled unoptimized (optimize_none: LLVM's -O2 skips
  /// them, its code generator takes its fast path): fashion_cnn_bn's
  /// check_step functions (46 of its 48 so marked) took 0.97 s of LLVM code
  /// generation, 0.41 s so. Kernels it shares with train_step stay
  /// optimized.
  static bool passesMasks(func::FuncOp fn) {
    auto isMask = [](Type t) {
      auto v = dyn_cast<VectorType>(t);
      return v && v.getElementType().isInteger(1);
    };
    if (llvm::any_of(fn.getArgumentTypes(), isMask) ||
        llvm::any_of(fn.getResultTypes(), isMask))
      return true;
    return fn.walk([&](func::CallOp call) {
               return llvm::any_of(call.getOperandTypes(), isMask) ||
                              llvm::any_of(call.getResultTypes(), isMask)
                          ? WalkResult::interrupt()
                          : WalkResult::advance();
             })
        .wasInterrupted();
  }

  static void markCold(ModuleOp module) {
    llvm::DenseSet<Operation *> cold;
    // Each function's callers (and address takers), in one walk.
    llvm::DenseMap<StringAttr, llvm::SmallPtrSet<Operation *, 4>> users;
    for (auto fn : module.getOps<func::FuncOp>()) {
      if (auto entry = fn->getAttrOfType<DictionaryAttr>("kiln.entry");
          entry && entry.get("checks"))
        cold.insert(fn);
      if (auto uses = SymbolTable::getSymbolUses(fn))
        for (const SymbolTable::SymbolUse &use : *uses)
          users[use.getSymbolRef().getRootReference()].insert(fn);
    }
    if (cold.empty())
      return;
    // Only outlined functions (never inlined), and none that passes a mask
    // vector in a call, as callee or caller (a segment calling a kernel that
    // takes one): a mask vector crossing a call makes LLVM 19's unoptimized
    // x86 code generation fail. Found once, before the walk up the calls.
    SmallVector<func::FuncOp> candidates;
    for (auto fn : module.getOps<func::FuncOp>())
      if (!fn->hasAttr("kiln.entry") && fn->hasAttr("no_inline") &&
          users.count(fn.getSymNameAttr()) && !passesMasks(fn))
        candidates.push_back(fn);
    for (bool changed = true; changed;) {
      changed = false;
      for (func::FuncOp fn : candidates) {
        if (cold.contains(fn) ||
            !llvm::all_of(users[fn.getSymNameAttr()],
                          [&](Operation *u) { return cold.contains(u); }))
          continue;
        cold.insert(fn);
        fn->setAttr("optimize_none", UnitAttr::get(module.getContext()));
        changed = true;
      }
    }
  }
};

} // namespace
