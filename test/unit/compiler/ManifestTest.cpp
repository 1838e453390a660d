//===- ManifestTest.cpp - The manifest matches the compiled signatures ----===//
//
// Compiles model files in process and checks the manifest generated from the
// IR against the functions it describes: every argument's table slot has the
// shape and dtype the manifest gives it (with the entry's batch in front for
// inputs, targets and outputs), every manifest entry is bound by some entry
// point, the entry points are the functions, and the workspace sizes are the
// ones planned.
//
#include "compiler/codegen/Codegen.h"
#include "compiler/frontend/JsonFrontend.h"
#include "compiler/frontend/ModelSpec.h"
#include "compiler/pipeline/InitAll.h"
#include "compiler/pipeline/Pipeline.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/JSON.h"

#include <gtest/gtest.h>

#include <set>

using namespace mlir;
namespace json = llvm::json;

namespace {

struct Model {
  std::string name, text;
};

std::string dtypeOf(Type t) {
  if (t.isF32())
    return "f32";
  if (t.isF64())
    return "f64";
  if (t.isInteger(32))
    return "i32";
  if (t.isInteger(64))
    return "i64";
  return "?";
}

std::vector<int64_t> shapeOf(const json::Value &v) {
  std::vector<int64_t> s;
  for (const json::Value &d : *v.getAsObject()->getArray("shape"))
    s.push_back(*d.getAsInteger());
  return s;
}

class ManifestMatches : public ::testing::TestWithParam<Model> {
protected:
  static void SetUpTestSuite() { kiln::registerPasses(); }

  ManifestMatches() : ctx(registry()) {}

  static DialectRegistry registry() {
    DialectRegistry r;
    kiln::registerDialects(r);
    return r;
  }

  /// The parameter's model imported, then run through the bufferized stage
  /// and `extra` (a pass pipeline, may be empty). Null on failure.
  OwningOpRef<ModuleOp> compile(llvm::StringRef extra = "") {
    const Model &m = GetParam();
    kiln::ModelSpec spec;
    std::string error;
    if (!kiln::parseModelSpec(m.text, m.name, spec, error)) {
      ADD_FAILURE() << error;
      return nullptr;
    }
    OwningOpRef<ModuleOp> module = kiln::importModel(ctx, spec, m.name, error);
    if (!module) {
      ADD_FAILURE() << error;
      return nullptr;
    }
    PassManager pm(&ctx);
    kiln::populateStages(pm, kiln::Stage::Graph, kiln::Stage::Bufferized,
                         kiln::PipelineOptions());
    if ((!extra.empty() && failed(parsePassPipeline(extra, pm))) ||
        failed(pm.run(*module))) {
      ADD_FAILURE() << "compiling " << m.name << " failed";
      return nullptr;
    }
    return module;
  }

  MLIRContext ctx;
};

TEST_P(ManifestMatches, CompiledSignature) {
  OwningOpRef<ModuleOp> module = compile();
  ASSERT_TRUE(module);

  llvm::Expected<json::Value> parsed = json::parse(kiln::buildManifest(*module));
  ASSERT_TRUE(bool(parsed));
  const json::Object &manifest = *parsed->getAsObject();
  std::set<std::pair<std::string, int64_t>> bound;
  std::vector<std::string> entries;
  for (auto fn : module->getOps<func::FuncOp>()) {
    auto entry = fn->getAttrOfType<DictionaryAttr>("kiln.entry");
    if (!entry)
      continue;
    std::string name = entry.getAs<StringAttr>("name").str();
    int64_t batch = entry.getAs<IntegerAttr>("batch").getInt();
    entries.push_back(name);
    auto bindings = fn->getAttrOfType<ArrayAttr>("kiln.bindings");
    ASSERT_TRUE(bindings) << name;
    ASSERT_EQ(bindings.size(), fn.getNumArguments()) << name;
    for (auto [i, attr] : llvm::enumerate(bindings)) {
      auto binding = cast<DictionaryAttr>(attr);
      std::string table = binding.getAs<StringAttr>("table").str();
      Type type = fn.getArgumentTypes()[i];
      std::string where = name + " argument " + std::to_string(i) + " (" + table + ")";
      if (table == "lr") {
        EXPECT_TRUE(type.isF32()) << where;
        continue;
      }
      if (table == "step" || table == "seed") {
        EXPECT_TRUE(type.isInteger(64)) << where;
        continue;
      }
      int64_t index = binding.getAs<IntegerAttr>("index").getInt();
      if (name == "check_step" && table == "outputs") {
        // Not a model output: one float per entry of its `checks`.
        auto checks = entry.getAs<ArrayAttr>("checks");
        ASSERT_TRUE(checks) << where;
        EXPECT_EQ(index, 0) << where;
        EXPECT_EQ(cast<MemRefType>(type).getShape(),
                  ArrayRef<int64_t>{int64_t(checks.size())}) << where;
        continue;
      }
      const json::Array *rows = manifest.getArray(table);
      ASSERT_TRUE(rows) << where;
      ASSERT_LT(index, (int64_t)rows->size()) << where;
      bound.insert({table, index});
      auto memref = cast<MemRefType>(type);
      std::vector<int64_t> expected = shapeOf((*rows)[index]);
      if (table == "inputs" || table == "targets" || table == "outputs")
        expected.insert(expected.begin(), batch);
      EXPECT_EQ(std::vector<int64_t>(memref.getShape().begin(), memref.getShape().end()),
                expected) << where;
      EXPECT_EQ(dtypeOf(memref.getElementType()),
                (*rows)[index].getAsObject()->getString("dtype")->str()) << where;
    }
  }
  for (const char *table : {"params", "buffers", "state", "inputs", "targets", "outputs"})
    for (size_t i = 0; i < manifest.getArray(table)->size(); ++i)
      EXPECT_TRUE(bound.count({table, (int64_t)i}))
          << table << "[" << i << "] is bound by no entry point";
  std::vector<std::string> listed;
  for (const json::Value &e : *manifest.getArray("entry_points"))
    listed.push_back(e.getAsObject()->getString("name")->str());
  std::sort(entries.begin(), entries.end());
  std::sort(listed.begin(), listed.end());
  EXPECT_EQ(entries, listed);

  // The rest of the pipeline: the manifest's workspace sizes are the planned ones.
  PassManager rest(&ctx);
  kiln::populateStages(rest, kiln::Stage::Bufferized, kiln::Stage::LLVM,
                       kiln::PipelineOptions());
  ASSERT_TRUE(succeeded(rest.run(*module)));
  llvm::Expected<json::Value> final = json::parse(kiln::buildManifest(*module));
  ASSERT_TRUE(bool(final));
  for (const json::Value &e : *final->getAsObject()->getArray("entry_points")) {
    const json::Object &o = *e.getAsObject();
    auto fn = module->lookupSymbol<LLVM::LLVMFuncOp>(*o.getString("name"));
    ASSERT_TRUE(fn);
    auto bytes = fn->getAttrOfType<IntegerAttr>("kiln.workspace_bytes");
    ASSERT_TRUE(bytes);
    EXPECT_EQ(*o.getInteger("workspace_bytes"), bytes.getInt());
  }
}

/// The workspace plan itself: after kiln-workspace no allocation is left,
/// every view lies inside the entry's kiln.workspace_bytes (what the
/// manifest reports), 64-byte aligned, and the workspace argument of every
/// entry is as large as the largest of them (what the runtime allocates).
TEST_P(ManifestMatches, WorkspaceHoldsEveryTemporary) {
  OwningOpRef<ModuleOp> module =
      compile("func.func(kernel-lower-vectors),kiln-workspace");
  ASSERT_TRUE(module);
  int entries = 0, views = 0;
  int64_t largest = 0;
  for (auto fn : module->getOps<func::FuncOp>())
    if (auto bytes = fn->getAttrOfType<IntegerAttr>("kiln.workspace_bytes"))
      largest = std::max(largest, bytes.getInt());
  for (auto fn : module->getOps<func::FuncOp>()) {
    if (!fn->hasAttr("kiln.entry"))
      continue;
    ++entries;
    auto bytes = fn->getAttrOfType<IntegerAttr>("kiln.workspace_bytes");
    ASSERT_TRUE(bytes) << fn.getName().str();
    auto ws = cast<MemRefType>(fn.getArgumentTypes().back());
    EXPECT_EQ(ws.getDimSize(0), largest) << fn.getName().str();
    fn.walk([&](Operation *op) {
      EXPECT_FALSE(isa<memref::AllocOp>(op)) << fn.getName().str();
      auto view = dyn_cast<memref::ViewOp>(op);
      if (!view)
        return;
      ++views;
      EXPECT_EQ(view.getSource(), fn.getArguments().back());
      auto offset = view.getByteShift().getDefiningOp<arith::ConstantIndexOp>();
      ASSERT_TRUE(offset);
      MemRefType t = view.getType();
      int64_t size = t.getNumElements() * t.getElementTypeBitWidth() / 8;
      EXPECT_EQ(offset.value() % 64, 0);
      EXPECT_LE(offset.value() + size, bytes.getInt()) << fn.getName().str();
    });
  }
  // An entry point may have none: inference's forward computes in the
  // output, on the weight prepare transposed.
  EXPECT_GT(views, 0) << "no temporaries in any entry point?";
  EXPECT_GE(entries, 2);
}

INSTANTIATE_TEST_SUITE_P(
    Models, ManifestMatches,
    ::testing::Values(
        Model{"mlp_adam", R"({"input": {"shape": [28, 28]}, "layers": [
              {"type": "flatten"}, {"type": "dense", "units": 37, "activation": "relu"},
              {"type": "dropout", "rate": 0.2}, {"type": "dense", "units": 10}],
              "training": {"batch_size": 9, "optimizer": "adam"}})"},
        Model{"frozen_momentum_mse", R"({"input": {"shape": [11]}, "layers": [
              {"type": "dense", "units": 70, "activation": "tanh", "trainable": false},
              {"type": "dense", "units": 3, "use_bias": false}],
              "training": {"loss": "mse", "batch_size": 4,
                           "optimizer": {"type": "momentum", "nesterov": true}}})"},
        Model{"inference", R"({"input": {"shape": [100]}, "layers": [
              {"type": "dense", "units": 65}, {"type": "sigmoid"}],
              "training": false})"}),
    [](const ::testing::TestParamInfo<Model> &info) { return info.param.name; });

} // namespace
