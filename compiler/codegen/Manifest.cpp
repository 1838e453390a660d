//===- Manifest.cpp - The manifest, generated from the compiled module ----===//
//
// The one place the manifest (docs/abi.md) is written. Tables and entry
// points come from the IR itself (kiln-buffer-abi's `kiln.abi`, each entry
// point's `kiln.entry` and `kiln.workspace_bytes`), so the manifest cannot
// disagree with the code it describes.
//
#include "compiler/codegen/Codegen.h"
#include "kiln/abi.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/JSON.h"

using namespace mlir;
namespace json = llvm::json;

namespace kiln {
namespace {

json::Value toJson(Attribute a) {
  if (auto s = dyn_cast<StringAttr>(a))
    return s.getValue().str();
  if (auto flag = dyn_cast<BoolAttr>(a))
    return flag.getValue();
  if (auto i = dyn_cast<IntegerAttr>(a))
    return i.getInt();
  if (auto f = dyn_cast<FloatAttr>(a))
    return f.getValueAsDouble();
  if (auto arr = dyn_cast<ArrayAttr>(a)) {
    json::Array out;
    for (Attribute e : arr)
      out.push_back(toJson(e));
    return out;
  }
  if (auto d = dyn_cast<DictionaryAttr>(a)) {
    json::Object out;
    for (NamedAttribute kv : d)
      out[kv.getName().str()] = toJson(kv.getValue());
    return out;
  }
  if (isa<UnitAttr>(a))
    return true;
  return nullptr;
}

/// Each function of `module` that is an entry point, with its attributes.
template <typename Fn>
void forEachEntry(ModuleOp module, Fn &&fn) {
  for (Operation &op : module.getBody()->getOperations())
    if (auto entry = op.getAttrOfType<DictionaryAttr>("kiln.entry"))
      fn(op, entry);
}

} // namespace

std::vector<std::string> entryPoints(ModuleOp module) {
  std::vector<std::string> names;
  for (llvm::StringRef name : kEntryNames)
    forEachEntry(module, [&](Operation &, DictionaryAttr entry) {
      if (entry.getAs<StringAttr>("name").getValue() == name)
        names.push_back(name.str());
    });
  return names;
}

std::string buildManifest(ModuleOp module) {
  json::Object m{{"abi_version", KILN_ABI_VERSION}};
  if (auto name = module->getAttrOfType<StringAttr>("kiln.name"))
    m["name"] = name.getValue().str();
  auto abi = module->getAttrOfType<DictionaryAttr>("kiln.abi");
  for (llvm::StringRef table : kTableNames)
    m[table] = abi && abi.get(table) ? toJson(abi.get(table)) : json::Array();

  json::Array entries;
  int64_t batch = 0;
  for (llvm::StringRef name : kEntryNames)
    forEachEntry(module, [&](Operation &op, DictionaryAttr entry) {
      if (entry.getAs<StringAttr>("name").getValue() != name)
        return;
      json::Object e = std::move(*toJson(entry).getAsObject());
      auto ws = op.getAttrOfType<IntegerAttr>("kiln.workspace_bytes");
      e["workspace_bytes"] = ws ? ws.getInt() : 0;
      if (!batch)
        batch = entry.getAs<IntegerAttr>("batch").getInt();
      entries.push_back(std::move(e));
    });
  m["entry_points"] = std::move(entries);
  m["batch_size"] = batch;

  if (auto training = module->getAttrOfType<DictionaryAttr>("kiln.training")) {
    json::Value t = toJson(training);
    json::Object &obj = *t.getAsObject();
    if (auto loss = obj.getString("loss"))
      m["loss"] = loss->str();
    obj.erase("loss");
    m["training"] = std::move(t);
  }
  // Class-index targets: the output's last dim is the number of classes
  // (one label per row of classes).
  auto *targets = m.getArray("targets");
  bool labels = targets && !targets->empty() &&
                (*targets)[0].getAsObject()->getString("dtype") ==
                    llvm::StringRef("i32");
  if (labels)
    if (auto *outputs = m.getArray("outputs"); outputs && !outputs->empty())
      if (auto *shape = (*outputs)[0].getAsObject()->getArray("shape");
          shape && !shape->empty())
        m["num_classes"] = shape->back();
  if (auto opt = module->getAttrOfType<DictionaryAttr>("kiln.optimizer"))
    m["optimizer"] = toJson(opt);
  if (auto layers = module->getAttrOfType<ArrayAttr>("kiln.layers"))
    m["layers"] = toJson(layers);
  std::string s;
  llvm::raw_string_ostream os(s);
  os << json::Value(std::move(m));
  return s;
}

} // namespace kiln
