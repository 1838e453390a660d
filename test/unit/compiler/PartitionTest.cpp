//===- PartitionTest.cpp - An executable's module in two parts -------------===//
//
// partitionForCodegen splits the LLVM-dialect module of an executable so LLVM
// compiles the parts on several threads. Between them the parts must define
// every function exactly once, declare what they call in another part, keep
// the exported symbols and the globals together, and rename the internal
// functions they share to hidden `__kiln_<symbol>_` symbols everywhere they are used.
//
#include "compiler/codegen/Codegen.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

using namespace mlir;

namespace {

// Three kernels of different sizes, one that takes a global's address, an
// entry that calls them, its exported wrapper, and the global, which the
// exported manifest function reads too; a module attribute every part keeps.
constexpr const char *kModule = R"mlir(
module attributes {kiln.name = "m"} {
llvm.mlir.global internal constant @text("{}\00") {addr_space = 0 : i32}
llvm.func internal @big(%a: f32) -> f32 attributes {no_inline} {
  %0 = llvm.fadd %a, %a : f32
  %1 = llvm.fmul %0, %0 : f32
  %2 = llvm.fadd %1, %0 : f32
  %3 = llvm.fmul %2, %1 : f32
  %4 = llvm.fadd %3, %2 : f32
  llvm.return %4 : f32
}
llvm.func internal @medium(%a: f32) -> f32 attributes {no_inline} {
  %0 = llvm.fadd %a, %a : f32
  %1 = llvm.fmul %0, %0 : f32
  llvm.return %1 : f32
}
llvm.func internal @small(%a: f32) -> f32 attributes {no_inline} {
  llvm.return %a : f32
}
llvm.func internal @reads_text() -> !llvm.ptr attributes {no_inline} {
  %0 = llvm.mlir.addressof @text : !llvm.ptr
  llvm.return %0 : !llvm.ptr
}
llvm.func internal @train_step(%a: f32) -> f32 {
  %p = llvm.call @reads_text() : () -> !llvm.ptr
  %0 = llvm.call @big(%a) : (f32) -> f32
  %1 = llvm.call @medium(%0) : (f32) -> f32
  %2 = llvm.call @small(%1) : (f32) -> f32
  llvm.return %2 : f32
}
llvm.func @kiln_model_train_step(%a: f32) -> f32 {
  %0 = llvm.call @train_step(%a) : (f32) -> f32
  llvm.return %0 : f32
}
llvm.func @kiln_model_manifest() -> !llvm.ptr {
  %0 = llvm.mlir.addressof @text : !llvm.ptr
  llvm.return %0 : !llvm.ptr
}
}
)mlir";

/// In two parts (as kilnc compiles an object) and in three.
class Partition : public testing::TestWithParam<int> {};

TEST_P(Partition, DefinesEachFunctionOnceAndDeclaresTheRest) {
  MLIRContext ctx;
  ctx.loadDialect<LLVM::LLVMDialect>();
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(kModule, &ctx);
  ASSERT_TRUE(module);
  const int count = GetParam();
  auto parts = kiln::partitionForCodegen(*module, "m", count);
  ASSERT_EQ(parts.size(), size_t(count));

  auto base = [](StringRef name) {
    name.consume_front("__kiln_m_");
    return name.str();
  };
  std::map<std::string, int> definitions;
  int firstPart = 0; // the biggest kernel goes to the first part
  for (auto fn : parts[0]->getOps<LLVM::LLVMFuncOp>())
    firstPart += !fn.isExternal();
  EXPECT_GT(firstPart, 0);
  int declared = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    ModuleOp p = *parts[i];
    ASSERT_TRUE(succeeded(verify(p))) << "part " << i;
    EXPECT_TRUE(p->hasAttr("kiln.name")) << "part " << i; // the module's attributes stay
    for (auto fn : p.getOps<LLVM::LLVMFuncOp>()) {
      std::string name = fn.getName().str();
      bool renamed = name.rfind("__kiln_m_", 0) == 0;
      if (!fn.isExternal())
        ++definitions[base(fn.getName())];
      if (fn.isExternal()) {
        // What a part calls in another: renamed, defined there hidden.
        ++declared;
        EXPECT_TRUE(renamed) << name;
        int defined = 0;
        for (size_t j = 0; j < parts.size(); ++j) {
          auto def = dyn_cast_or_null<LLVM::LLVMFuncOp>(
              SymbolTable::lookupSymbolIn(*parts[j], fn.getName()));
          if (j == i || !def || def.isExternal())
            continue;
          ++defined;
          EXPECT_EQ(def.getVisibility_(), LLVM::Visibility::Hidden) << name;
        }
        EXPECT_EQ(defined, 1) << name;
      } else if (!renamed && name.rfind("kiln_model_", 0) != 0) {
        // Used in its own part only: still internal.
        EXPECT_EQ(fn.getLinkage(), LLVM::Linkage::Internal) << name;
      }
    }
    // Every callee is in the part, defined or declared.
    p.walk([&](LLVM::CallOp call) {
      EXPECT_TRUE(SymbolTable::lookupSymbolIn(p, *call.getCallee())) << call.getCallee()->str();
    });
    // The global lives with the functions that take its address.
    bool hasGlobal = !p.getOps<LLVM::GlobalOp>().empty();
    for (auto fn : p.getOps<LLVM::LLVMFuncOp>())
      if (base(fn.getName()) == "kiln_model_manifest" || base(fn.getName()) == "reads_text")
        EXPECT_EQ(hasGlobal, !fn.isExternal()) << fn.getName().str() << " in part " << i;
  }
  EXPECT_GT(declared, 0); // the split cuts some call
  for (const char *name : {"big", "medium", "small", "reads_text", "train_step",
                           "kiln_model_train_step", "kiln_model_manifest"})
    EXPECT_EQ(definitions[name], 1) << name;
  EXPECT_EQ(definitions.size(), 7u);
}

INSTANTIATE_TEST_SUITE_P(Parts, Partition, testing::Values(2, 3));

TEST(PartitionWhole, OneInternalFunctionStaysWhole) {
  MLIRContext ctx;
  ctx.loadDialect<LLVM::LLVMDialect>();
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(R"mlir(
llvm.func internal @forward(%a: f32) -> f32 {
  llvm.return %a : f32
}
llvm.func @kiln_model_forward(%a: f32) -> f32 {
  %0 = llvm.call @forward(%a) : (f32) -> f32
  llvm.return %0 : f32
}
)mlir",
                                                             &ctx);
  ASSERT_TRUE(module);
  auto parts = kiln::partitionForCodegen(*module, "m", 2);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_TRUE(SymbolTable::lookupSymbolIn(*parts[0], "forward"));
}

} // namespace
