//===- PrintModule.cpp - Functions, kernel names, ABI wrappers, the module -===//
#include "compiler/codegen/cpp/Printer.h"
#include "compiler/codegen/Codegen.h"
#include "kiln/abi.h"
#include "compiler/codegen/ParallelLoops.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/ADT/StringExtras.h"

#include <cstdio>
#include <functional>

using namespace mlir;

namespace kiln::cpp {

namespace {

/// A C identifier from a manifest name: "dense_0.weight" -> "dense_0_weight".
std::string identifier(StringRef name) {
  std::string s;
  for (char c : name)
    s += isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (s.empty() || isdigit(static_cast<unsigned char>(s[0])))
    s = "t_" + s;
  return s;
}

std::string cppString(StringRef text) {
  std::string out = "\"";
  int column = 0;
  for (char c : text) {
    if (column >= 90) {
      out += "\"\n    \"";
      column = 0;
    }
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\t': out += "\\t"; break;
    default:
      if (static_cast<unsigned char>(c) < 0x20) {
        char octal[8];
        std::snprintf(octal, sizeof octal, "\\%03o", static_cast<unsigned char>(c));
        out += octal;
      } else {
        out += c;
      }
    }
    ++column;
  }
  return out + "\"";
}

} // namespace

// --- Functions and the module ------------------------------------------------

std::optional<std::string> Printer::boundName(func::FuncOp fn, unsigned i) {
  auto bindings = fn->getAttrOfType<ArrayAttr>("kiln.bindings");
  auto abi = module->getAttrOfType<DictionaryAttr>("kiln.abi");
  if (!bindings || i >= bindings.size())
    return std::nullopt;
  auto b = cast<DictionaryAttr>(bindings[i]);
  StringRef table = b.getAs<StringAttr>("table").getValue();
  auto index = b.getAs<IntegerAttr>("index");
  auto list = abi ? abi.getAs<ArrayAttr>(table) : nullptr;
  if (!list || !index || index.getInt() >= (int64_t)list.size())
    return table.str(); // lr, step, seed, workspace, context
  auto d = cast<DictionaryAttr>(list[index.getInt()]);
  std::string n = table.str();
  if (auto slot = d.getAs<StringAttr>("slot"))
    n = identifier(d.getAs<StringAttr>("param").getValue()) + "_" + slot.getValue().str();
  else if (auto nm = d.getAs<StringAttr>("name"))
    n = identifier(nm.getValue());
  if (table == "targets" || table == "outputs" || table == "inputs")
    n = table.drop_back().str() + "_" + n;
  return n;
}

FailureOr<std::string> Printer::signature(func::FuncOp fn) {
  auto entry = fn->getAttrOfType<DictionaryAttr>("kiln.entry");
  std::string params = entry ? "const kiln_context *ctx" : "";
  for (auto [i, arg] : llvm::enumerate(fn.getArguments())) {
    auto type = cppType(arg.getType(), fn);
    if (failed(type))
      return failure();
    // Entry points' arguments are named after their manifest entries, a
    // kernel's after what its caller passes, when that is one of those.
    std::string n = "a" + std::to_string(i);
    if (auto it = argNames.find({fn.getOperation(), (unsigned)i}); it != argNames.end())
      n = it->second;
    if (fn->hasAttr(kParallelTripsAttr) && i + 2 >= fn.getNumArguments())
      n = i + 2 == fn.getNumArguments() ? "begin" : "end"; // the trips to run
    if (auto bound = boundName(fn, i))
      n = *bound;
    // A vector by const reference: g++ passes one wider than the target's
    // registers in memory, and crashed reading a 64-byte one (AVX2).
    std::string decl = isa<VectorType>(arg.getType()) ? "const " + *type + " &" : *type + " ";
    if (isMulti(arg.getType())) { // one parameter per piece
      Strings list;
      for (int64_t k = 0; k < pieces(arg.getType()); ++k) {
        list.push_back(n + "_" + std::to_string(k));
        params += (params.empty() ? "" : ", ") + decl + list.back();
      }
      rows[arg] = list;
      continue;
    }
    names[arg] = n;
    params += (params.empty() ? "" : ", ") + (type->back() == '*' ? *type : decl) + n;
  }
  std::string result = "void";
  if (resultStruct(fn)) {
    result = cppName(fn.getSymName()) + "_result";
  } else if (fn.getNumResults() == 1) {
    auto r = cppType(fn.getResultTypes()[0], fn);
    if (failed(r))
      return failure();
    result = *r;
  }
  std::string qualifiers = entry ? "static " : "static KILN_NOINLINE ";
  return qualifiers + result + " " + cppName(fn.getSymName()) + "(" + params + ")";
}

/// The layers (frontend names, a parameter's up to its '.') and roles
/// (kiln-autodiff's "backward", "update") of `fn`'s ops, most ops first.
static void layersAndRoles(func::FuncOp fn, SmallVectorImpl<std::string> &layers,
                           SmallVectorImpl<std::string> &roles) {
  llvm::StringMap<int64_t> count;
  std::function<void(Location)> visit = [&](Location loc) {
    if (auto n = dyn_cast<NameLoc>(loc)) {
      std::string layer = n.getName().getValue().split('.').first.str();
      if (count[layer]++ == 0)
        layers.push_back(layer);
      visit(n.getChildLoc());
    } else if (auto f = dyn_cast<FusedLoc>(loc)) {
      if (auto role = dyn_cast_or_null<StringAttr>(f.getMetadata()))
        if (!llvm::is_contained(roles, role.str()))
          roles.push_back(role.str());
      for (Location l : f.getLocations())
        visit(l);
    }
  };
  fn.walk([&](Operation *op) { visit(op->getLoc()); });
  llvm::stable_sort(layers, [&](const std::string &a, const std::string &b) {
    return count[a] > count[b];
  });
}

std::string Printer::summary(func::FuncOp fn) {
  SmallVector<std::string> layers, roles;
  layersAndRoles(fn, layers, roles);
  std::string s = "// " + cppName(fn.getSymName());
  if (fn->hasAttr("kiln.entry"))
    s += " (entry point " + fn.getSymName().str() + ")";
  else
    s += " (" + fn.getSymName().str() + ")";
  if (!layers.empty())
    s += ": layers " + llvm::join(layers, ", ");
  if (!roles.empty())
    s += "; " + llvm::join(roles, ", ");
  // The loop nest (extent/step of each loop down the first chain) and the
  // widest vector: the shapes and tiles the schedule chose.
  std::string loops;
  Block *block = &fn.getBody().front();
  while (block) {
    scf::ForOp loop;
    for (Operation &op : *block)
      if ((loop = dyn_cast<scf::ForOp>(op)))
        break;
    if (!loop)
      break;
    auto constant = [](Value v) -> std::optional<int64_t> {
      if (auto c = v.getDefiningOp<arith::ConstantIndexOp>())
        return c.value();
      return std::nullopt;
    };
    auto lb = constant(loop.getLowerBound()), ub = constant(loop.getUpperBound()),
         step = constant(loop.getStep());
    // A thread-split kernel's outer loop runs trips [begin, end) of its
    // whole extent, trips x step.
    auto trips = fn->getAttrOfType<IntegerAttr>(kParallelTripsAttr);
    std::string extent = lb && ub           ? std::to_string(*ub - *lb)
                         : trips && step && loops.empty() ? std::to_string(trips.getInt() * *step)
                                                          : "?";
    loops += (loops.empty() ? "" : " x ") + extent +
             (step && *step != 1 ? "/" + std::to_string(*step) : "");
    block = loop.getBody();
  }
  int64_t widest = 0;
  fn.walk([&](Operation *op) {
    for (Type t : op->getResultTypes())
      if (auto v = dyn_cast<VectorType>(t); v && v.getRank() > 0)
        widest = std::max(widest, v.getShape().back());
  });
  if (!loops.empty())
    s += "; loops " + loops;
  if (widest)
    s += "; vectors of " + std::to_string(widest) + " lanes";
  if (auto trips = fn->getAttrOfType<IntegerAttr>(kParallelTripsAttr))
    s += "; its outer loop's " + std::to_string(trips.getInt()) +
         " trips are shared by threads (begin, end)";
  return s + "\n";
}

void Printer::nameFunctions() {
  // Kernel arguments: the entry point's argument names their callers pass
  // (one each), "workspace" included.
  for (auto entry : module.getOps<func::FuncOp>()) {
    if (!entry->hasAttr("kiln.entry"))
      continue;
    llvm::DenseMap<std::pair<Operation *, unsigned>, int> uses;
    entry.walk([&](func::CallOp call) {
      auto callee = module.lookupSymbol<func::FuncOp>(call.getCallee());
      if (!callee)
        return;
      for (auto [i, v] : llvm::enumerate(call.getOperands())) {
        auto arg = dyn_cast<BlockArgument>(v);
        std::optional<std::string> bound;
        if (!arg || arg.getOwner()->getParentOp() != entry || isMulti(arg.getType()) ||
            !(bound = boundName(entry, arg.getArgNumber())))
          continue;
        std::pair<Operation *, unsigned> key{callee.getOperation(), (unsigned)i};
        if (uses[key]++ == 0)
          argNames[key] = *bound;
        else if (argNames[key] != *bound)
          argNames.erase(key); // different callers pass different things
      }
    });
  }
  llvm::StringMap<int64_t> taken;
  for (auto fn : module.getOps<func::FuncOp>()) {
    std::string name = fn.getSymName().str();
    if (!fn->hasAttr("kiln.entry")) {
      // <entry>_<layer>_<role>: train_step_dense_0_backward.
      SmallVector<std::string> layers, roles;
      layersAndRoles(fn, layers, roles);
      StringRef entry = fn.getSymName().rsplit("_k").first;
      std::string role = roles.empty() ? "forward" : llvm::join(roles, "_");
      name = entry.str() + "_" + (layers.empty() ? "kernel" : layers.front()) + "_" + role;
      for (char &c : name)
        if (!isalnum(static_cast<unsigned char>(c)))
          c = '_';
      if (int64_t n = taken[name]++)
        name += "_" + std::to_string(n + 1);
    }
    cppNames[fn.getSymName()] = name;
  }
}

LogicalResult Printer::printFunction(func::FuncOp fn) {
  if (auto count = fn->getAttrOfType<IntegerAttr>("kiln.allreduce")) {
    // kiln-lower-allreduce's helper (its body is LLVM-dialect pointer code):
    // the same call of the context's callback, in C++.
    auto type = dyn_cast<MemRefType>(fn.getNumArguments() == 2 ? fn.getArgumentTypes()[1] : Type());
    if (!type || !type.getElementType().isF32() || fn.getNumResults())
      return fn.emitError("kiln C++ backend: kiln.allreduce expects (context, memref of f32)");
    os << "// " << fn.getSymName() << ": the loss and gradients averaged over the processes\n"
       << "static KILN_NOINLINE void " << fn.getSymName() << "(const kiln_context *ctx, float *data) {\n"
       << "  if (ctx && ctx->allreduce)\n"
       << "    ctx->allreduce(ctx->self, data, " << count.getInt() << ");\n"
       << "}\n\n";
    return success();
  }
  names.clear();
  rows.clear();
  owner.clear();
  nextId = 0;
  loopDepth = 0;
  hasContext = fn->hasAttr("kiln.entry");
  auto sig = signature(fn);
  if (failed(sig))
    return failure();
  if (!fn.getBody().hasOneBlock())
    return fn.emitError("kiln C++ backend: a function of more than one block");
  os << summary(fn) << *sig << " {\n";
  indent = 2;
  if (failed(printBlock(fn.getBody().front())) ||
      failed(printOp(fn.getBody().front().getTerminator())))
    return failure();
  indent = 0;
  os << "}\n\n";
  return success();
}

LogicalResult Printer::printEntryWrapper(func::FuncOp fn, const std::string &symbol) {
  auto entry = fn->getAttrOfType<DictionaryAttr>("kiln.entry");
  auto bindings = fn->getAttrOfType<ArrayAttr>("kiln.bindings");
  StringRef entryName = entry.getAs<StringAttr>("name").getValue();
  if (!bindings || bindings.size() != fn.getNumArguments())
    return fn.emitError("kiln C++ backend: kiln.bindings does not match the arguments");
  Strings args{"bindings->context"};
  for (auto [i, attr] : llvm::enumerate(bindings)) {
    auto b = cast<DictionaryAttr>(attr);
    StringRef table = b.getAs<StringAttr>("table").getValue();
    auto type = cppType(fn.getArgument(i).getType(), fn);
    if (failed(type))
      return failure();
    auto index = b.getAs<IntegerAttr>("index");
    std::string slot = index ? "[" + std::to_string(index.getInt()) + "]" : "";
    bool inCall = llvm::is_contained({"inputs", "targets", "outputs", "lr", "step", "seed"}, table);
    std::string field = (inCall ? "call->" : "bindings->") + table.str();
    if (table == "lr" || table == "step" || table == "seed")
      args.push_back("static_cast<" + *type + ">(" + field + ")");
    else if (table == "context")
      args.push_back(field);
    else
      args.push_back("(" + *type + ")" + field +
                     (llvm::is_contained(kTableNames, table) ? slot : ""));
  }
  // One argument a line, aligned after the parenthesis (clang-format's
  // layout).
  std::string head = fn.getNumResults() ? "  return static_cast<float>(" : "  ";
  head += cppName(fn.getSymName()) + "(";
  std::string call = head + llvm::join(args, ",\n" + std::string(head.size(), ' ')) + ")";
  os << "extern \"C\" float " << symbol << "_" << entryName
     << "(const kiln_bindings *bindings, const kiln_call *call) {\n";
  if (fn.getNumResults())
    os << call << ");\n";
  else
    os << call << ";\n  return 0;\n";
  os << "}\n\n";
  return success();
}

LogicalResult Printer::printModule(const std::string &symbol) {
  auto modelName = module->getAttrOfType<StringAttr>("kiln.name");
  std::string shown = modelName ? modelName.getValue().str() : "model";
  for (char &c : shown) // a comment line: no line breaks or control bytes
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      c = ' ';
  os << "// Generated by kilnc --emit=cpp from model \"" << shown << "\": Kiln ABI v" << KILN_ABI_VERSION << ", " << symbol
     << "_abi() (kiln/abi.h).\n"
     << "// Build with any C++17 compiler with GCC vector extensions (docs/cpp-output.md):\n"
     << "//   g++ -std=c++17 -O3 -march=native -fno-math-errno -ffp-contract=off -fno-strict-aliasing -c " << symbol
     << ".cpp\n"
     << "#include \"kiln/abi.h\"\n"
     << "#include \"kiln_vec.h\"\n\n"
     << "namespace {\n\n"
     << "// Runs body over [0, n) through the runtime's threads, when it has any.\n"
     << "template <class F>\n"
     << "void kiln_parallel(const kiln_context *ctx, int64_t n, F &&body) {\n"
     << "  if (!ctx || !ctx->parallel_for) {\n"
     << "    body(int64_t(0), n);\n"
     << "    return;\n"
     << "  }\n"
     << "  ctx->parallel_for(\n"
     << "      ctx->self, n,\n"
     << "      [](void *arg, int64_t begin, int64_t end) { (*static_cast<F *>(arg))(begin, end); },\n"
     << "      &body);\n"
     << "}\n\n";
  nameFunctions();
  for (auto fn : module.getOps<func::FuncOp>())
    if (fn->hasAttr("kiln.allreduce"))
      cppNames[fn.getSymName()] = fn.getSymName().str();
  SmallVector<func::FuncOp> functions, entries;
  for (auto fn : module.getOps<func::FuncOp>()) {
    if (fn.isExternal())
      return fn.emitError("kiln C++ backend: external function '") << fn.getSymName() << "'";
    functions.push_back(fn);
    if (fn->hasAttr("kiln.entry"))
      entries.push_back(fn);
  }
  // Functions of several results return a struct of them.
  for (func::FuncOp fn : functions) {
    if (!resultStruct(fn))
      continue;
    std::string fields;
    for (auto [i, t] : llvm::enumerate(fn.getResultTypes())) {
      auto type = cppType(t, fn);
      if (failed(type))
        return failure();
      std::string field = " r" + std::to_string(i);
      if (!isMulti(t)) {
        fields += "  " + *type + field + ";\n";
        continue;
      }
      for (int64_t k = 0; k < pieces(t); ++k)
        fields += "  " + *type + field + "_" + std::to_string(k) + ";\n";
    }
    os << "struct " << cppName(fn.getSymName()) << "_result {\n" << fields << "};\n";
  }
  // Every function is declared before any is defined: calls need no order.
  for (func::FuncOp fn : functions) {
    auto sig = signature(fn);
    if (failed(sig))
      return failure();
    os << *sig << ";\n";
  }
  os << "\n";
  for (func::FuncOp fn : functions)
    if (failed(printFunction(fn)))
      return failure();
  os << "} // namespace\n\n";
  for (func::FuncOp fn : entries)
    if (failed(printEntryWrapper(fn, symbol)))
      return failure();
  os << "static const char " << symbol << "_manifest_text[] =\n    "
     << cppString(buildManifest(module)) << ";\n\n";
  os << "extern \"C\" const char *" << symbol << "_manifest(void) { return " << symbol
     << "_manifest_text; }\n\n";
  os << "extern \"C\" const kiln_model_api *" << symbol << "_abi(void) {\n"
     << "  static const kiln_model_api api = {\n"
     << "      " << symbol << "_manifest,\n";
  std::vector<std::string> present = entryPoints(module);
  SmallVector<std::string> fields;
  size_t longest = 0;
  for (StringRef e : kEntryNames) {
    fields.push_back((llvm::is_contained(present, e.str()) ? symbol + "_" + e.str()
                                                           : std::string("nullptr")) + ",");
    longest = std::max(longest, fields.back().size());
  }
  for (auto [field, e] : llvm::zip(fields, kEntryNames)) // comments aligned
    os << "      " << field << std::string(longest - field.size() + 1, ' ') << "// " << e
       << "\n";
  os << "  };\n  return &api;\n}\n";
  return success();
}

} // namespace kiln::cpp
