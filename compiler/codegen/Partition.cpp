//===- Partition.cpp - The LLVM-dialect module in parts for parallel codegen ===//
//
// LLVM optimizes and generates code for one module on one thread. For an
// object kilnc splits the module in parts by functions instead, balanced by
// size: outlined kernels make many small functions, so the parts come out
// even. The exported functions, the globals, every function that takes a
// global's address and every other top-level op stay in the last part. An
// internal function called from another part becomes a hidden symbol,
// renamed `__kiln_<symbol>_<name>` (the model's symbol keeps two models in one
// application apart), and the other parts declare it; the other
// internal functions stay internal, so LLVM still optimizes them as such.
//
#include "compiler/codegen/Codegen.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/AttrTypeSubElements.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;

namespace kiln {
namespace {

/// The cost of compiling `fn`, in ops: a function LLVM does not optimize
/// (an ABI wrapper: a line of loads and a call) costs about a third as
/// much per op.
int64_t size(LLVM::LLVMFuncOp fn) {
  int64_t n = 0;
  fn->walk([&](Operation *) { ++n; });
  return fn.getOptimizeNone() ? n / 3 : n;
}

/// The symbols `fn` refers to.
llvm::SmallVector<StringRef> referenced(LLVM::LLVMFuncOp fn) {
  llvm::SmallVector<StringRef> names;
  if (auto uses = SymbolTable::getSymbolUses(fn))
    for (const SymbolTable::SymbolUse &use : *uses)
      names.push_back(use.getSymbolRef().getRootReference().getValue());
  return names;
}

/// Moves the function definitions of part `k` out of `module` into a new
/// module (its attributes the same), with declarations of the external
/// functions and of the functions called across parts that other parts
/// define; a definition moved out that other parts call leaves a declaration
/// in `module`, which ends as the last part. Moving, not copying: copies of
/// a large module cost more than the rest of the split.
OwningOpRef<ModuleOp> splitOff(ModuleOp module, const llvm::StringMap<int> &partOf,
                               const llvm::StringSet<> &crossing, int k) {
  OwningOpRef<ModuleOp> part = cast<ModuleOp>(module->cloneWithoutRegions());
  Block *body = &part->getBodyRegion().emplaceBlock();
  for (Operation &op : llvm::make_early_inc_range(module.getBody()->getOperations())) {
    auto fn = dyn_cast<LLVM::LLVMFuncOp>(op);
    if (!fn)
      continue; // globals and the like stay in the last part
    if (fn.isExternal()) {
      body->push_back(op.clone());
      continue;
    }
    bool calledAcross = crossing.contains(fn.getName());
    if (partOf.lookup(fn.getName()) != k) {
      if (calledAcross)
        body->push_back(op.cloneWithoutRegions());
      continue;
    }
    // (Before `op`: the loop has passed it, so this part does not see it.)
    if (calledAcross)
      op.getBlock()->getOperations().insert(op.getIterator(), op.cloneWithoutRegions());
    op.moveBefore(body, body->end());
  }
  return part;
}

} // namespace

SmallVector<OwningOpRef<ModuleOp>> partitionForCodegen(ModuleOp module, StringRef symbol,
                                                       int count) {
  SmallVector<OwningOpRef<ModuleOp>> parts;
  OwningOpRef<ModuleOp> whole = module.clone();
  if (count < 2) {
    parts.push_back(std::move(whole));
    return parts;
  }
  llvm::StringSet<> functions;
  for (auto fn : whole->getOps<LLVM::LLVMFuncOp>())
    functions.insert(fn.getName());
  // Pinned to the last part: exported functions and those that refer to
  // anything but functions (a global's address). The rest are balanced.
  const int last = count - 1;
  llvm::StringMap<int> partOf;
  llvm::StringMap<llvm::SmallVector<StringRef>> refs;
  llvm::StringSet<> internals;
  SmallVector<std::pair<int64_t, LLVM::LLVMFuncOp>> free;
  SmallVector<int64_t> weight(count, 0);
  for (auto fn : whole->getOps<LLVM::LLVMFuncOp>()) {
    if (fn.isExternal())
      continue;
    refs[fn.getName()] = referenced(fn);
    bool internal = fn.getLinkage() == LLVM::Linkage::Internal ||
                    fn.getLinkage() == LLVM::Linkage::Private;
    if (internal)
      internals.insert(fn.getName());
    bool global = llvm::any_of(refs[fn.getName()],
                               [&](StringRef r) { return !functions.contains(r); });
    if (internal && !global) {
      free.push_back({size(fn), fn});
    } else {
      partOf[fn.getName()] = last;
      weight[last] += size(fn);
    }
  }
  if (free.size() < 2) {
    parts.push_back(std::move(whole));
    return parts;
  }
  // Largest first (ties by name, so the split is reproducible), each to the
  // lightest part (the first of equals).
  llvm::sort(free, [](auto &a, auto &b) {
    return a.first != b.first ? a.first > b.first
                              : a.second.getName() < b.second.getName();
  });
  for (auto &[n, fn] : free) {
    int k = int(llvm::min_element(weight) - weight.begin());
    weight[k] += n;
    partOf[fn.getName()] = k;
  }
  // The internal functions called from another part.
  llvm::StringSet<> crossing;
  for (auto &[caller, names] : refs)
    for (StringRef callee : names)
      if (partOf.count(callee) && partOf.lookup(callee) != partOf.lookup(caller))
        crossing.insert(callee);
  // Renamed in one walk (one walk per function would be quadratic).
  MLIRContext *ctx = module.getContext();
  llvm::StringMap<StringAttr> renamed;
  for (auto &name : crossing)
    if (internals.contains(name.getKey()))
      renamed[name.getKey()] =
          StringAttr::get(ctx, "__kiln_" + symbol.str() + "_" + name.getKey().str());
  AttrTypeReplacer replacer;
  replacer.addReplacement([&](FlatSymbolRefAttr ref) -> std::optional<Attribute> {
    auto it = renamed.find(ref.getValue());
    if (it == renamed.end())
      return std::nullopt;
    return FlatSymbolRefAttr::get(it->second);
  });
  replacer.recursivelyReplaceElementsIn(*whole, /*replaceAttrs=*/true,
                                        /*replaceLocs=*/false, /*replaceTypes=*/false);
  llvm::StringMap<int> finalPart;
  llvm::StringSet<> finalCrossing;
  for (auto fn : whole->getOps<LLVM::LLVMFuncOp>()) {
    StringRef name = fn.getName();
    bool crosses = crossing.contains(name);
    int k = partOf.count(name) ? partOf.lookup(name) : -1;
    auto it = renamed.find(name);
    if (it != renamed.end()) {
      fn.setSymName(it->second);
      fn.setLinkage(LLVM::Linkage::External);
      fn.setVisibility_(LLVM::Visibility::Hidden);
    }
    if (crosses)
      finalCrossing.insert(fn.getName());
    if (k >= 0)
      finalPart[fn.getName()] = k;
  }
  for (int k = 0; k < last; ++k)
    parts.push_back(splitOff(*whole, finalPart, finalCrossing, k));
  parts.push_back(std::move(whole));
  return parts;
}

} // namespace kiln
