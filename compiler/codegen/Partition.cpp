//===- Partition.cpp - The LLVM-dialect module in parts for parallel codegen ===//
//
// LLVM optimizes and generates code for one module on one thread. For an
// executable kilnc splits the module in two by functions instead, balanced by
// size: outlined kernels make many small functions, so the halves come out
// even. A function called from the other part becomes a hidden symbol
// (renamed `__kiln_<name>`: an executable holds one model, and the prefix
// keeps clear of everything else it links); each part declares what it calls
// in the other. The exported symbols, the globals and what only they use
// stay in the second part. Both parts then go through LLVM at once.
//
#include "compiler/codegen/Codegen.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/AttrTypeSubElements.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;

namespace kiln {
namespace {

int64_t size(Operation *op) {
  int64_t n = 0;
  op->walk([&](Operation *) { ++n; });
  return n;
}

/// A copy of `module` that defines the functions in `mine` and declares the
/// other functions; globals stay only where `keepGlobals`.
OwningOpRef<ModuleOp> part(ModuleOp module, const llvm::StringSet<> &mine,
                           bool keepGlobals) {
  OwningOpRef<ModuleOp> copy = module.clone();
  for (Operation &op : llvm::make_early_inc_range(copy->getBody()->getOperations())) {
    if (auto fn = dyn_cast<LLVM::LLVMFuncOp>(op)) {
      if (fn.isExternal() || mine.contains(fn.getName()))
        continue;
      fn.getBody().dropAllReferences();
      fn.getBody().getBlocks().clear();
      fn.setLinkage(LLVM::Linkage::External);
      continue;
    }
    if (isa<LLVM::GlobalOp>(op) && !keepGlobals)
      op.erase(); // only the exported functions (second part) use them
  }
  return copy;
}

} // namespace

SmallVector<OwningOpRef<ModuleOp>> partitionForCodegen(ModuleOp module) {
  SmallVector<OwningOpRef<ModuleOp>> parts;
  OwningOpRef<ModuleOp> whole = module.clone();
  MLIRContext *ctx = module.getContext();
  // Internal functions become hidden, under names nothing else uses.
  SmallVector<std::pair<int64_t, LLVM::LLVMFuncOp>> internal;
  llvm::StringSet<> second;
  for (auto fn : whole->getOps<LLVM::LLVMFuncOp>()) {
    if (fn.isExternal())
      continue;
    if (fn.getLinkage() == LLVM::Linkage::Internal ||
        fn.getLinkage() == LLVM::Linkage::Private)
      internal.push_back({size(fn), fn});
    else
      second.insert(fn.getName());
  }
  if (internal.size() < 2) {
    parts.push_back(std::move(whole));
    return parts;
  }
  // One walk renames every reference (one walk per function would be
  // quadratic).
  llvm::StringMap<StringAttr> renamed;
  for (auto &[n, fn] : internal)
    renamed[fn.getName()] = StringAttr::get(ctx, "__kiln_" + fn.getName().str());
  AttrTypeReplacer replacer;
  replacer.addReplacement([&](FlatSymbolRefAttr ref) -> std::optional<Attribute> {
    auto it = renamed.find(ref.getValue());
    if (it == renamed.end())
      return std::nullopt;
    return FlatSymbolRefAttr::get(it->second);
  });
  replacer.recursivelyReplaceElementsIn(*whole, /*replaceAttrs=*/true,
                                        /*replaceLocs=*/false, /*replaceTypes=*/false);
  for (auto &[n, fn] : internal) {
    fn.setSymName(renamed[fn.getName()]);
    fn.setLinkage(LLVM::Linkage::External);
    fn.setVisibility_(LLVM::Visibility::Hidden);
  }
  // Largest first, each to the lighter part; the second starts with the
  // exported functions' weight.
  llvm::stable_sort(internal, [](auto &a, auto &b) { return a.first > b.first; });
  int64_t weight[2] = {0, 0};
  for (auto fn : whole->getOps<LLVM::LLVMFuncOp>())
    if (second.contains(fn.getName()))
      weight[1] += size(fn);
  llvm::StringSet<> mine[2];
  mine[1] = second;
  for (auto &[n, fn] : internal) {
    int which = weight[0] <= weight[1] ? 0 : 1;
    weight[which] += n;
    mine[which].insert(fn.getName());
  }
  parts.push_back(part(*whole, mine[0], /*keepGlobals=*/false));
  parts.push_back(part(*whole, mine[1], /*keepGlobals=*/true));
  return parts;
}

} // namespace kiln
