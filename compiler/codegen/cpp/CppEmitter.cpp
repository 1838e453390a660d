//===- CppEmitter.cpp - Scheduled, bufferized IR to C++17 source ----------===//
//
// Kiln's own printer (not EmitC: MLIR 19's EmitC has no vectors and takes no
// memref arguments). It prints the IR the object backend lowers to LLVM, at
// the point where kernels are outlined and vectors are 1-D transfers:
//   - a memref is a pointer to its first element; its strides are static
//     and come from its type, so indexing is `p[i * 784 + j]`;
//   - a vector is a GCC/Clang vector extension (kiln_vec.h), an n-D vector
//     rows of its last dimension; helpers in namespace kiln do what has no
//     operator (fma, compares with their NaN rules, reductions, conversions);
//   - scf.for/scf.if are structured loops and branches, their results
//     variables declared before them;
//   - scalar constants are printed where they are used.
// Entry points take the context first and are wrapped by the ABI v2
// functions; a kernel marked kiln.parallel_trips is called through
// kiln_context.parallel_for as in the object backend.
//
#include "compiler/codegen/cpp/CppEmitter.h"
#include "compiler/codegen/Codegen.h"
#include "compiler/codegen/ParallelLoops.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

using namespace mlir;

namespace kiln {
namespace {

int64_t powerOfTwoAtLeast(int64_t n) {
  int64_t p = 1;
  while (p < n)
    p *= 2;
  return p;
}

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
    if (column >= 100) {
      out += "\"\n    \"";
      column = 0;
    }
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\t': out += "\\t"; break;
    default:
      if (static_cast<unsigned char>(c) < 0x20)
        out += llvm::formatv("\\{0:o3}", (unsigned)c).str();
      else
        out += c;
    }
    ++column;
  }
  return out + "\"";
}

class Printer {
public:
  Printer(ModuleOp module, raw_ostream &os) : module(module), os(os) {}

  LogicalResult printModule(const std::string &symbol, const std::string &header);

private:
  // --- Types -------------------------------------------------------------
  FailureOr<std::string> scalarType(Type t, Operation *at) {
    if (t.isF32())
      return std::string("float");
    if (t.isF64())
      return std::string("double");
    if (t.isIndex())
      return std::string("int64_t");
    if (auto i = dyn_cast<IntegerType>(t)) {
      switch (i.getWidth()) {
      case 1: return std::string("bool");
      case 8: return std::string("int8_t");
      case 16: return std::string("int16_t");
      case 32: return std::string("int32_t");
      case 64: return std::string("int64_t");
      }
    }
    return at->emitError("kiln C++ backend: no C++ type for ") << t, failure();
  }
  /// Lane name of a vector element type in kiln_vec.h ("f32", masks "i32").
  FailureOr<std::string> laneName(Type t, Operation *at) {
    if (t.isF32()) return std::string("f32");
    if (t.isF64()) return std::string("f64");
    if (t.isIndex()) return std::string("i64");
    if (auto i = dyn_cast<IntegerType>(t)) {
      if (i.getWidth() == 1) return std::string("i32");
      if (llvm::is_contained({8u, 16u, 32u, 64u}, i.getWidth()))
        return "i" + std::to_string(i.getWidth());
    }
    return at->emitError("kiln C++ backend: no vector lanes for ") << t, failure();
  }
  FailureOr<std::string> rowType(VectorType v, Operation *at) {
    auto lane = laneName(v.getElementType(), at);
    if (failed(lane))
      return failure();
    int64_t p = powerOfTwoAtLeast(v.getShape().back());
    if (p > 1024)
      return at->emitError("kiln C++ backend: vector of ") << v.getShape().back()
             << " lanes (at most 1024)", failure();
    return *lane + "x" + std::to_string(p);
  }
  int64_t rowCount(VectorType v) {
    int64_t r = 1;
    for (int64_t d : v.getShape().drop_back())
      r *= d;
    return r;
  }
  FailureOr<std::string> cppType(Type t, Operation *at) {
    if (auto v = dyn_cast<VectorType>(t)) {
      if (v.isScalable())
        return at->emitError("kiln C++ backend: scalable vectors"), failure();
      if (v.getRank() == 0)
        return scalarType(v.getElementType(), at);
      auto row = rowType(v, at);
      if (failed(row) || v.getRank() == 1)
        return row;
      return "kiln::rows<" + *row + ", " + std::to_string(rowCount(v)) + ">";
    }
    if (auto m = dyn_cast<MemRefType>(t)) {
      auto e = scalarType(m.getElementType(), at);
      if (failed(e))
        return failure();
      return *e + " *";
    }
    if (isa<LLVM::LLVMPointerType>(t))
      return std::string("const kiln_context *");
    return scalarType(t, at);
  }
  bool isVector(Type t) {
    auto v = dyn_cast<VectorType>(t);
    return v && v.getRank() > 0;
  }

  // --- Values --------------------------------------------------------------
  std::string name(Value v) {
    auto it = names.find(v);
    if (it != names.end())
      return it->second;
    // Not yet printed: a constant defined later in the block cannot be
    // used earlier, so this is a printer bug; make it loud in the output.
    return "/*unnamed*/";
  }
  /// `v` as an operand of an operator: inline expressions in parentheses.
  std::string operand(Value v) {
    std::string s = name(v);
    bool simple = llvm::all_of(s, [](char c) { return isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'; });
    return simple ? s : "(" + s + ")";
  }
  std::string fresh(const char *prefix = "v") { return prefix + std::to_string(nextId++); }

  /// Declares `result` = `expr` as a new variable.
  LogicalResult assign(Value result, const std::string &expr, Operation *at) {
    auto type = cppType(result.getType(), at);
    if (failed(type))
      return failure();
    std::string n = fresh();
    line(*type + " " + n + " = " + expr + ";");
    names[result] = n;
    return success();
  }
  void line(const std::string &text) {
    os.indent(indent) << text << "\n";
  }

  FailureOr<std::string> literal(Attribute a, Type type, Operation *at);
  FailureOr<std::string> constant(arith::ConstantOp op);

  /// Linear element offset of `indices` in a memref of `type`.
  FailureOr<std::string> offset(MemRefType type, ValueRange indices, Operation *at) {
    SmallVector<OpFoldResult> mixed(indices.begin(), indices.end());
    return offset(type, mixed, at);
  }
  FailureOr<std::string> offset(MemRefType type, ArrayRef<OpFoldResult> indices, Operation *at) {
    SmallVector<int64_t> strides;
    int64_t unused;
    if (failed(getStridesAndOffset(type, strides, unused)) ||
        llvm::any_of(strides, ShapedType::isDynamic))
      return at->emitError("kiln C++ backend: memref without static strides: ") << type, failure();
    std::string s;
    int64_t constant = 0;
    for (auto [index, stride] : llvm::zip(indices, strides)) {
      if (auto attr = dyn_cast<Attribute>(index)) {
        constant += cast<IntegerAttr>(attr).getInt() * stride;
        continue;
      }
      Value v = cast<Value>(index);
      if (auto c = v.getDefiningOp<arith::ConstantIndexOp>()) {
        constant += c.value() * stride;
        continue;
      }
      if (!s.empty())
        s += " + ";
      s += stride == 1 ? operand(v) : operand(v) + " * " + std::to_string(stride);
    }
    if (constant || s.empty())
      s += (s.empty() ? "" : " + ") + std::to_string(constant);
    return s;
  }
  int64_t lastStride(MemRefType type) {
    SmallVector<int64_t> strides;
    int64_t unused;
    if (type.getRank() == 0 || failed(getStridesAndOffset(type, strides, unused)))
      return 1;
    return strides.back();
  }
  /// Address of element `indices` of `memref`.
  FailureOr<std::string> address(Value memref, ValueRange indices, Operation *at) {
    auto off = offset(cast<MemRefType>(memref.getType()), indices, at);
    if (failed(off))
      return failure();
    return *off == "0" ? name(memref) : operand(memref) + " + " + *off;
  }

  // --- Ops ---------------------------------------------------------------
  LogicalResult printFunction(func::FuncOp fn);
  /// The declaration of `fn`; names its arguments.
  FailureOr<std::string> signature(func::FuncOp fn);
  LogicalResult printBlock(Block &block);
  LogicalResult printOp(Operation *op);
  LogicalResult printFor(scf::ForOp op);
  LogicalResult printIf(scf::IfOp op);
  void printYield(ValueRange yielded, ArrayRef<std::string> targets);
  LogicalResult printCall(func::CallOp op);
  LogicalResult printArith(Operation *op);
  LogicalResult printVector(Operation *op);
  LogicalResult printMemRef(Operation *op);
  LogicalResult printMath(Operation *op);
  LogicalResult printTransfer(Operation *op, Value memref, ValueRange indices,
                              VectorType vector, Value stored);
  /// Positions in an n-D vector: the row (flat) and lane expressions.
  std::string rowIndex(VectorType type, ArrayRef<OpFoldResult> position, size_t count);
  std::string positionText(OpFoldResult p) {
    if (auto a = dyn_cast<Attribute>(p))
      return std::to_string(cast<IntegerAttr>(a).getInt());
    return name(cast<Value>(p));
  }
  /// A variable for the value `dest` updated in place: dest's own when this
  /// is its only use, else a copy.
  FailureOr<std::string> updatable(Value dest, Value result, Operation *at);

  LogicalResult printEntryWrapper(func::FuncOp fn, const std::string &symbol);

  ModuleOp module;
  raw_ostream &os;
  unsigned indent = 0;
  unsigned nextId = 0;
  unsigned loopDepth = 0;
  bool hasContext = false; // the function being printed has `ctx`
  llvm::DenseMap<Value, std::string> names;
};

FailureOr<std::string> Printer::literal(Attribute a, Type type, Operation *at) {
  if (auto f = dyn_cast<FloatAttr>(a)) {
    bool single = type.isF32();
    double d = f.getValueAsDouble();
    if (std::isnan(d))
      return std::string(single ? "__builtin_nanf(\"\")" : "__builtin_nan(\"\")");
    if (std::isinf(d))
      return std::string(d < 0 ? "-" : "") + (single ? "__builtin_inff()" : "__builtin_inf()");
    std::string s = llvm::formatv(single ? "{0}" : "{0}", "").str();
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, single ? "%.9g" : "%.17g",
                  single ? (double)f.getValue().convertToFloat() : d);
    s = buffer;
    if (s.find_first_of(".en") == std::string::npos)
      s += ".0";
    return single ? s + "f" : s;
  }
  if (auto i = dyn_cast<IntegerAttr>(a)) {
    if (type.isInteger(1))
      return std::string(i.getValue().isZero() ? "false" : "true");
    int64_t v = type.isIndex() ? i.getInt() : i.getValue().getSExtValue();
    if (v == INT64_MIN)
      return std::string("INT64_MIN");
    std::string s = std::to_string(v);
    if (type.isIndex() || type.isInteger(32))
      return s;
    auto t = scalarType(type, at);
    if (failed(t))
      return failure();
    return *t + "(" + s + ")";
  }
  return at->emitError("kiln C++ backend: cannot print constant ") << a, failure();
}

FailureOr<std::string> Printer::constant(arith::ConstantOp op) {
  Type type = op.getType();
  if (!isVector(type)) {
    Attribute value = op.getValue();
    if (auto dense = dyn_cast<DenseElementsAttr>(value)) // 0-D vector
      value = dense.getSplatValue<Attribute>();
    return literal(value, getElementTypeOrSelf(type), op);
  }
  auto vector = cast<VectorType>(type);
  auto dense = dyn_cast<DenseElementsAttr>(op.getValue());
  if (!dense)
    return op.emitError("kiln C++ backend: vector constant is not dense"), failure();
  auto cpp = cppType(type, op);
  if (failed(cpp))
    return failure();
  Type element = vector.getElementType();
  auto lane = [&](Attribute a) -> FailureOr<std::string> {
    if (element.isInteger(1)) // masks are -1/0
      return std::string(cast<IntegerAttr>(a).getValue().isZero() ? "0" : "-1");
    return literal(a, element, op);
  };
  if (dense.isSplat()) {
    auto l = lane(dense.getSplatValue<Attribute>());
    if (failed(l))
      return failure();
    return "kiln::splat<" + *cpp + ">(" + *l + ")";
  }
  // Rows of lanes, in braces.
  int64_t width = vector.getShape().back();
  std::string rowsText, row;
  int64_t k = 0;
  for (Attribute a : dense.getValues<Attribute>()) {
    auto l = lane(a);
    if (failed(l))
      return failure();
    row += (row.empty() ? "" : ", ") + *l;
    if (++k % width == 0) {
      rowsText += (rowsText.empty() ? "{" : ", {") + row + "}";
      row.clear();
    }
  }
  std::string v = fresh("k");
  if (vector.getRank() == 1)
    line("const " + *cpp + " " + v + " = " + rowsText + ";");
  else
    line("const " + *cpp + " " + v + " = {{" + rowsText + "}};");
  return v;
}

std::string Printer::rowIndex(VectorType type, ArrayRef<OpFoldResult> position,
                              size_t count) {
  // Flat row of the first `count` positions over the leading dimensions.
  ArrayRef<int64_t> lead = type.getShape().drop_back();
  int64_t constant = 0;
  std::string dynamic;
  for (size_t k = 0; k < lead.size(); ++k) {
    int64_t stride = 1;
    for (size_t j = k + 1; j < lead.size(); ++j)
      stride *= lead[j];
    if (k >= count)
      continue;
    OpFoldResult p = position[k];
    if (auto a = dyn_cast<Attribute>(p)) {
      constant += cast<IntegerAttr>(a).getInt() * stride;
    } else {
      dynamic += (dynamic.empty() ? "" : " + ") + operand(cast<Value>(p)) +
                 (stride == 1 ? "" : " * " + std::to_string(stride));
    }
  }
  if (dynamic.empty())
    return std::to_string(constant);
  return constant ? dynamic + " + " + std::to_string(constant) : dynamic;
}

FailureOr<std::string> Printer::updatable(Value dest, Value result, Operation *at) {
  Operation *def = dest.getDefiningOp();
  if (dest.hasOneUse() && def && def->getBlock() == at->getBlock() &&
      !isa<arith::ConstantOp>(def) && names.count(dest)) {
    std::string var = names.lookup(dest); // a copy: names may grow below
    names[result] = var;
    return var;
  }
  if (failed(assign(result, name(dest), at)))
    return failure();
  return names.lookup(result);
}

LogicalResult Printer::printBlock(Block &block) {
  for (Operation &op : block.without_terminator())
    if (failed(printOp(&op)))
      return failure();
  return success();
}

LogicalResult Printer::printOp(Operation *op) {
  if (auto c = dyn_cast<arith::ConstantOp>(op)) {
    auto text = constant(c);
    if (failed(text))
      return failure();
    names[c.getResult()] = *text;
    return success();
  }
  if (auto f = dyn_cast<scf::ForOp>(op))
    return printFor(f);
  if (auto i = dyn_cast<scf::IfOp>(op))
    return printIf(i);
  if (auto call = dyn_cast<func::CallOp>(op))
    return printCall(call);
  if (auto ret = dyn_cast<func::ReturnOp>(op)) {
    if (ret.getNumOperands() > 1)
      return op->emitError("kiln C++ backend: a function returns one value at most");
    line(ret.getNumOperands() ? "return " + name(ret.getOperand(0)) + ";" : "return;");
    return success();
  }
  Dialect *dialect = op->getDialect();
  if (isa<arith::ArithDialect>(dialect))
    return printArith(op);
  if (isa<vector::VectorDialect>(dialect))
    return printVector(op);
  if (isa<memref::MemRefDialect>(dialect))
    return printMemRef(op);
  if (isa<math::MathDialect>(dialect))
    return printMath(op);
  return op->emitError("kiln C++ backend: cannot print '")
         << op->getName() << "'";
}

void Printer::printYield(ValueRange yielded, ArrayRef<std::string> targets) {
  // Parallel assignment: a yielded value that is itself a target is read
  // before any target is written.
  SmallVector<std::string> sources;
  for (auto [v, target] : llvm::zip(yielded, targets)) {
    std::string s = name(v);
    if (s != target && llvm::is_contained(targets, s)) {
      std::string tmp = fresh("t");
      line("auto " + tmp + " = " + s + ";");
      s = tmp;
    }
    sources.push_back(s);
  }
  for (auto [s, target] : llvm::zip(sources, targets))
    if (s != target)
      line(target + " = " + s + ";");
}

LogicalResult Printer::printFor(scf::ForOp op) {
  SmallVector<std::string> carried;
  for (auto [init, arg, result] :
       llvm::zip(op.getInitArgs(), op.getRegionIterArgs(), op.getResults())) {
    auto type = cppType(arg.getType(), op);
    if (failed(type))
      return failure();
    std::string n = fresh("r");
    line(*type + " " + n + " = " + name(init) + ";");
    names[arg] = n;
    names[result] = n;
    carried.push_back(n);
  }
  auto ivType = cppType(op.getInductionVar().getType(), op);
  if (failed(ivType))
    return failure();
  std::string iv = "i" + std::to_string(loopDepth);
  names[op.getInductionVar()] = iv;
  std::string step = name(op.getStep());
  line("for (" + *ivType + " " + iv + " = " + name(op.getLowerBound()) + "; " + iv +
       " < " + name(op.getUpperBound()) + "; " + iv +
       (step == "1" ? "++" : " += " + step) + ") {");
  indent += 2;
  ++loopDepth;
  if (failed(printBlock(*op.getBody())))
    return failure();
  printYield(cast<scf::YieldOp>(op.getBody()->getTerminator()).getOperands(), carried);
  --loopDepth;
  indent -= 2;
  line("}");
  return success();
}

LogicalResult Printer::printIf(scf::IfOp op) {
  SmallVector<std::string> results;
  for (Value r : op.getResults()) {
    auto type = cppType(r.getType(), op);
    if (failed(type))
      return failure();
    std::string n = fresh();
    line(*type + " " + n + ";");
    names[r] = n;
    results.push_back(n);
  }
  line("if (" + name(op.getCondition()) + ") {");
  indent += 2;
  if (failed(printBlock(op.getThenRegion().front())))
    return failure();
  printYield(op.thenYield().getOperands(), results);
  indent -= 2;
  if (!op.getElseRegion().empty()) {
    line("} else {");
    indent += 2;
    if (failed(printBlock(op.getElseRegion().front())))
      return failure();
    printYield(op.elseYield().getOperands(), results);
    indent -= 2;
  }
  line("}");
  return success();
}

LogicalResult Printer::printCall(func::CallOp op) {
  if (op.getNumResults() > 1)
    return op.emitError("kiln C++ backend: a call returns one value at most");
  auto callee = module.lookupSymbol<func::FuncOp>(op.getCallee());
  SmallVector<std::string> args;
  for (Value a : op.getOperands())
    args.push_back(name(a));
  // A kernel split for threads, called over all its trips (as
  // kiln-parallel-calls decides for the object backend).
  auto trips = callee ? callee->getAttrOfType<IntegerAttr>(kParallelTripsAttr) : nullptr;
  if (trips && hasContext && op.getNumResults() == 0 && args.size() >= 2 &&
      args[args.size() - 2] == "0" && args.back() == std::to_string(trips.getInt())) {
    args.pop_back();
    args.pop_back();
    line("kiln_parallel(ctx, " + std::to_string(trips.getInt()) +
         ", [&](int64_t begin, int64_t end) { " + op.getCallee().str() + "(" +
         llvm::join(args, ", ") + (args.empty() ? "" : ", ") + "begin, end); });");
    return success();
  }
  std::string call = op.getCallee().str() + "(" + llvm::join(args, ", ") + ")";
  if (op.getNumResults())
    return assign(op.getResult(0), call, op);
  line(call + ";");
  return success();
}

LogicalResult Printer::printArith(Operation *op) {
  auto bin = [&](const char *sym) {
    return assign(op->getResult(0),
                  operand(op->getOperand(0)) + " " + sym + " " + operand(op->getOperand(1)), op);
  };
  auto helper = [&](const std::string &fn) -> LogicalResult {
    auto type = cppType(op->getOperand(0).getType(), op);
    if (failed(type))
      return failure();
    std::string args;
    for (Value v : op->getOperands())
      args += (args.empty() ? "" : ", ") + name(v);
    return assign(op->getResult(0), "kiln::" + fn + "<" + *type + ">(" + args + ")", op);
  };
  auto cast = [&](StringRef fn = "convert") -> LogicalResult {
    Value in = op->getOperand(0);
    auto to = cppType(op->getResult(0).getType(), op);
    auto from = cppType(in.getType(), op);
    if (failed(to) || failed(from))
      return failure();
    if (*to == *from) {
      names[op->getResult(0)] = name(in);
      return success();
    }
    if (!isVector(in.getType()))
      return assign(op->getResult(0), "static_cast<" + *to + ">(" + name(in) + ")", op);
    return assign(op->getResult(0), "kiln::" + fn.str() + "<" + *to + ">(" + name(in) + ")", op);
  };
  Type element = getElementTypeOrSelf(op->getResult(0).getType());
  bool indexLike = element.isIndex();
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case<arith::AddFOp>([&](auto) { return bin("+"); })
      .Case<arith::SubFOp>([&](auto) { return bin("-"); })
      .Case<arith::MulFOp>([&](auto) { return bin("*"); })
      .Case<arith::DivFOp>([&](auto) { return bin("/"); })
      .Case<arith::NegFOp>([&](auto o) { return assign(o, "-" + operand(o.getOperand()), op); })
      .Case<arith::AddIOp>([&](auto) { return indexLike ? bin("+") : helper("addi"); })
      .Case<arith::SubIOp>([&](auto) { return indexLike ? bin("-") : helper("subi"); })
      .Case<arith::MulIOp>([&](auto) { return indexLike ? bin("*") : helper("muli"); })
      .Case<arith::DivSIOp>([&](auto) { return bin("/"); })
      .Case<arith::RemSIOp>([&](auto) { return bin("%"); })
      .Case<arith::DivUIOp>([&](auto) { return helper("divui"); })
      .Case<arith::RemUIOp>([&](auto) { return helper("remui"); })
      .Case<arith::AndIOp>([&](auto) { return bin("&"); })
      .Case<arith::OrIOp>([&](auto) { return bin("|"); })
      .Case<arith::XOrIOp>([&](auto) { return bin("^"); })
      .Case<arith::ShLIOp>([&](auto) { return helper("shli"); })
      .Case<arith::ShRUIOp>([&](auto) { return helper("shrui"); })
      .Case<arith::ShRSIOp>([&](auto) { return helper("shrsi"); })
      .Case<arith::MinSIOp>([&](auto) { return helper("minsi"); })
      .Case<arith::MaxSIOp>([&](auto) { return helper("maxsi"); })
      .Case<arith::MaximumFOp>([&](auto) { return helper("max"); })
      .Case<arith::MinimumFOp>([&](auto) { return helper("min"); })
      .Case<arith::MaxNumFOp>([&](auto) { return helper("maxnum"); })
      .Case<arith::MinNumFOp>([&](auto) { return helper("minnum"); })
      .Case<arith::CmpFOp>([&](arith::CmpFOp o) -> LogicalResult {
        using P = arith::CmpFPredicate;
        if (o.getPredicate() == P::AlwaysTrue || o.getPredicate() == P::AlwaysFalse)
          return o.emitError("kiln C++ backend: constant compare");
        if (!isVector(o.getType())) {
          switch (o.getPredicate()) {
          case P::OLT: return bin("<");
          case P::OLE: return bin("<=");
          case P::OGT: return bin(">");
          case P::OGE: return bin(">=");
          case P::OEQ: return bin("==");
          case P::UNE: return bin("!=");
          default: break;
          }
        }
        return helper("cmp_" + arith::stringifyCmpFPredicate(o.getPredicate()).str());
      })
      .Case<arith::CmpIOp>([&](arith::CmpIOp o) -> LogicalResult {
        using P = arith::CmpIPredicate;
        std::string p = arith::stringifyCmpIPredicate(o.getPredicate()).str();
        bool isUnsigned = llvm::is_contained({P::ult, P::ule, P::ugt, P::uge}, o.getPredicate());
        if (!isVector(o.getType()) && !isUnsigned) {
          static const std::pair<P, const char *> ops[] = {
              {P::eq, "=="}, {P::ne, "!="}, {P::slt, "<"},
              {P::sle, "<="}, {P::sgt, ">"}, {P::sge, ">="}};
          for (auto [pred, sym] : ops)
            if (pred == o.getPredicate())
              return bin(sym);
        }
        return helper("cmp_" + p + (isUnsigned ? "_i" : ""));
      })
      .Case<arith::SelectOp>([&](arith::SelectOp o) -> LogicalResult {
        if (!isVector(o.getCondition().getType()))
          return assign(o, operand(o.getCondition()) + " ? " + operand(o.getTrueValue()) +
                               " : " + operand(o.getFalseValue()), op);
        return assign(o, "kiln::select(" + name(o.getCondition()) + ", " +
                             name(o.getTrueValue()) + ", " + name(o.getFalseValue()) + ")", op);
      })
      .Case<arith::ExtFOp, arith::TruncFOp, arith::SIToFPOp, arith::FPToSIOp,
            arith::IndexCastOp, arith::ExtSIOp, arith::TruncIOp>([&](auto) { return cast(); })
      .Case<arith::ExtUIOp>([&](arith::ExtUIOp o) -> LogicalResult {
        if (getElementTypeOrSelf(o.getIn().getType()).isInteger(1))
          return cast(isVector(o.getType()) ? "mask_to_int" : "convert");
        return o.emitError("kiln C++ backend: extui of a wider integer");
      })
      .Case<arith::BitcastOp>([&](arith::BitcastOp o) -> LogicalResult {
        auto to = cppType(o.getType(), op);
        if (failed(to))
          return failure();
        return assign(o, "kiln::bitcast<" + *to + ">(" + name(o.getIn()) + ")", op);
      })
      .Default([&](Operation *) {
        return op->emitError("kiln C++ backend: cannot print '") << op->getName() << "'";
      });
}

LogicalResult Printer::printMath(Operation *op) {
  auto call = [&](const char *fn) {
    std::string args;
    for (Value v : op->getOperands())
      args += (args.empty() ? "" : ", ") + name(v);
    return assign(op->getResult(0), std::string("kiln::") + fn + "(" + args + ")", op);
  };
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case<math::FmaOp>([&](auto) { return call("fma"); })
      .Case<math::SqrtOp>([&](auto) { return call("sqrt"); })
      .Case<math::RsqrtOp>([&](auto) { return call("rsqrt"); })
      .Case<math::AbsFOp>([&](auto) { return call("abs"); })
      .Case<math::FloorOp>([&](auto) { return call("floor"); })
      .Case<math::CeilOp>([&](auto) { return call("ceil"); })
      .Case<math::ExpOp>([&](auto) { return call("exp"); })
      .Case<math::LogOp>([&](auto) { return call("log"); })
      .Case<math::TanhOp>([&](auto) { return call("tanh"); })
      .Case<math::PowFOp>([&](auto o) -> LogicalResult {
        if (isVector(o.getType()))
          return o.emitError("kiln C++ backend: vector powf");
        return call("powf");
      })
      .Default([&](Operation *) {
        return op->emitError("kiln C++ backend: cannot print '") << op->getName() << "'";
      });
}

LogicalResult Printer::printTransfer(Operation *op, Value memref, ValueRange indices,
                                     VectorType vector, Value stored) {
  auto type = cast<MemRefType>(memref.getType());
  auto addr = address(memref, indices, op);
  if (failed(addr))
    return failure();
  if (vector.getRank() == 0) {
    auto off = offset(type, indices, op);
    if (failed(off))
      return failure();
    std::string element = operand(memref) + "[" + *off + "]";
    if (stored) {
      line(element + " = " + name(stored) + ";");
      return success();
    }
    return assign(op->getResult(0), element, op);
  }
  if (vector.getRank() != 1)
    return op->emitError("kiln C++ backend: n-D vector transfer (expected 1-D after "
                         "convert-vector-to-scf)");
  auto cpp = cppType(vector, op);
  if (failed(cpp))
    return failure();
  std::string n = std::to_string(vector.getShape()[0]);
  int64_t stride = lastStride(type);
  if (stored) {
    if (stride == 1)
      line("kiln::store<" + n + ">(" + *addr + ", " + name(stored) + ");");
    else
      line("kiln::store_strided<" + n + ">(" + *addr + ", " + std::to_string(stride) +
           ", " + name(stored) + ");");
    return success();
  }
  if (stride == 1)
    return assign(op->getResult(0), "kiln::load<" + *cpp + ", " + n + ">(" + *addr + ")", op);
  return assign(op->getResult(0), "kiln::load_strided<" + *cpp + ", " + n + ">(" + *addr +
                                      ", " + std::to_string(stride) + ")", op);
}

LogicalResult Printer::printVector(Operation *op) {
  auto fail = [&](const Twine &why) {
    return op->emitError("kiln C++ backend: cannot print '") << op->getName() << "': " << why;
  };
  if (auto read = dyn_cast<vector::TransferReadOp>(op)) {
    if (read.getMask() || !read.getPermutationMap().isMinorIdentity() ||
        llvm::any_of(read.getInBoundsValues(), [](bool b) { return !b; }) ||
        !isa<MemRefType>(read.getSource().getType()))
      return fail("only in-bounds, unmasked, minor-identity reads of memrefs");
    return printTransfer(op, read.getSource(), read.getIndices(), read.getVectorType(), {});
  }
  if (auto write = dyn_cast<vector::TransferWriteOp>(op)) {
    if (write.getMask() || !write.getPermutationMap().isMinorIdentity() ||
        llvm::any_of(write.getInBoundsValues(), [](bool b) { return !b; }) ||
        !isa<MemRefType>(write.getSource().getType()))
      return fail("only in-bounds, unmasked, minor-identity writes to memrefs");
    return printTransfer(op, write.getSource(), write.getIndices(), write.getVectorType(),
                         write.getVector());
  }
  if (auto load = dyn_cast<vector::LoadOp>(op))
    return printTransfer(op, load.getBase(), load.getIndices(), load.getVectorType(), {});
  if (auto store = dyn_cast<vector::StoreOp>(op))
    return printTransfer(op, store.getBase(), store.getIndices(), store.getVectorType(),
                         store.getValueToStore());

  if (auto splat = dyn_cast<vector::SplatOp>(op)) {
    if (!isVector(splat.getType())) {
      names[splat] = name(splat.getInput());
      return success();
    }
    auto cpp = cppType(splat.getType(), op);
    if (failed(cpp))
      return failure();
    return assign(splat, "kiln::splat<" + *cpp + ">(" + name(splat.getInput()) + ")", op);
  }
  if (auto b = dyn_cast<vector::BroadcastOp>(op)) {
    VectorType out = b.getResultVectorType();
    auto cpp = cppType(out, op);
    if (failed(cpp))
      return failure();
    if (!isVector(b.getSourceType()) || !isVector(out)) {
      if (!isVector(out)) {
        names[b] = name(b.getSource());
        return success();
      }
      return assign(b, "kiln::splat<" + *cpp + ">(" + name(b.getSource()) + ")", op);
    }
    auto in = cast<VectorType>(b.getSourceType());
    ArrayRef<int64_t> inShape = in.getShape(), outShape = out.getShape();
    while (!inShape.empty() && inShape.front() == 1 && inShape.size() > 1)
      inShape = inShape.drop_front();
    if (inShape.size() > outShape.size() ||
        outShape.take_back(inShape.size()) != inShape)
      return fail("only broadcasts along new leading dimensions");
    if (out.getRank() == 1) {
      names[b] = name(b.getSource());
      return success();
    }
    return assign(b, "kiln::broadcast<" + *cpp + ">(" + name(b.getSource()) + ")", op);
  }
  if (auto e = dyn_cast<vector::ExtractElementOp>(op)) {
    if (!isVector(e.getSourceVectorType())) {
      names[e] = name(e.getVector());
      return success();
    }
    return assign(e, operand(e.getVector()) + "[" + name(e.getPosition()) + "]", op);
  }
  if (auto ins = dyn_cast<vector::InsertElementOp>(op)) {
    if (!isVector(ins.getDestVectorType())) {
      names[ins] = name(ins.getSource());
      return success();
    }
    auto var = updatable(ins.getDest(), ins, op);
    if (failed(var))
      return failure();
    line(*var + "[" + name(ins.getPosition()) + "] = " + name(ins.getSource()) + ";");
    return success();
  }
  if (auto e = dyn_cast<vector::ExtractOp>(op)) {
    VectorType src = e.getSourceVectorType();
    SmallVector<OpFoldResult> pos = e.getMixedPosition();
    if (src.getRank() == 0 || pos.empty()) {
      names[e] = name(e.getVector());
      return success();
    }
    size_t rank = src.getRank();
    std::string v = operand(e.getVector());
    if (rank == 1)
      return assign(e, v + "[" + positionText(pos[0]) + "]", op);
    std::string row = rowIndex(src, pos, pos.size());
    if (pos.size() == rank)
      return assign(e, v + ".r[" + row + "][" + positionText(pos.back()) + "]", op);
    if (pos.size() == rank - 1)
      return assign(e, v + ".r[" + row + "]", op);
    auto cpp = cppType(e.getType(), op);
    if (failed(cpp))
      return failure();
    return assign(e, "kiln::sub<" + *cpp + ">(" + name(e.getVector()) + ", " + row + ")", op);
  }
  if (auto ins = dyn_cast<vector::InsertOp>(op)) {
    VectorType dst = ins.getDestVectorType();
    SmallVector<OpFoldResult> pos = ins.getMixedPosition();
    if (dst.getRank() == 0 || pos.empty()) {
      names[ins] = name(ins.getSource());
      return success();
    }
    auto var = updatable(ins.getDest(), ins, op);
    if (failed(var))
      return failure();
    size_t rank = dst.getRank();
    std::string s = name(ins.getSource());
    if (rank == 1) {
      line(*var + "[" + positionText(pos[0]) + "] = " + s + ";");
      return success();
    }
    std::string row = rowIndex(dst, pos, pos.size());
    if (pos.size() == rank)
      line(*var + ".r[" + row + "][" + positionText(pos.back()) + "] = " + s + ";");
    else if (pos.size() == rank - 1)
      line(*var + ".r[" + row + "] = " + s + ";");
    else
      line("kiln::set_sub(" + *var + ", " + row + ", " + s + ");");
    return success();
  }
  if (auto sh = dyn_cast<vector::ShuffleOp>(op)) {
    VectorType a = sh.getV1VectorType(), b = sh.getV2VectorType();
    if (a.getRank() != 1 || b.getRank() != 1)
      return fail("only 1-D shuffles");
    auto cpp = cppType(sh.getResultVectorType(), op);
    if (failed(cpp))
      return failure();
    int64_t na = a.getShape()[0], pa = powerOfTwoAtLeast(na);
    int64_t nOut = sh.getResultVectorType().getShape()[0];
    SmallVector<int64_t> mask;
    for (Attribute m : sh.getMask())
      mask.push_back(cast<IntegerAttr>(m).getInt());
    if (a == b) {
      std::string idx;
      for (int64_t i = 0; i < powerOfTwoAtLeast(nOut); ++i) {
        int64_t m = i < nOut ? mask[i] : 0;
        int64_t lane = m < na ? m : pa + (m - na);
        idx += ", " + std::to_string(lane);
      }
      return assign(sh, "__builtin_shufflevector(" + name(sh.getV1()) + ", " +
                            name(sh.getV2()) + idx + ")", op);
    }
    std::string lanes;
    for (int64_t m : mask)
      lanes += (lanes.empty() ? "" : ", ") +
               (m < na ? operand(sh.getV1()) + "[" + std::to_string(m) + "]"
                       : operand(sh.getV2()) + "[" + std::to_string(m - na) + "]");
    return assign(sh, *cpp + "{" + lanes + "}", op);
  }
  if (auto ex = dyn_cast<vector::ExtractStridedSliceOp>(op)) {
    if (ex.getSourceVectorType().getRank() != 1 ||
        llvm::any_of(ex.getStrides(), [](Attribute s) { return cast<IntegerAttr>(s).getInt() != 1; }))
      return fail("only 1-D, unit-stride slices");
    int64_t off = cast<IntegerAttr>(ex.getOffsets()[0]).getInt();
    int64_t n = ex.getType().getShape()[0];
    std::string idx;
    for (int64_t i = 0; i < powerOfTwoAtLeast(n); ++i)
      idx += ", " + std::to_string(i < n ? off + i : 0);
    return assign(ex, "__builtin_shufflevector(" + name(ex.getVector()) + ", " +
                          name(ex.getVector()) + idx + ")", op);
  }
  if (auto ins = dyn_cast<vector::InsertStridedSliceOp>(op)) {
    if (ins.getDestVectorType().getRank() != 1 ||
        llvm::any_of(ins.getStrides(), [](Attribute s) { return cast<IntegerAttr>(s).getInt() != 1; }))
      return fail("only 1-D, unit-stride slices");
    auto var = updatable(ins.getDest(), ins, op);
    if (failed(var))
      return failure();
    int64_t off = cast<IntegerAttr>(ins.getOffsets()[0]).getInt();
    int64_t n = ins.getSourceVectorType().getShape()[0];
    line("kiln::insert_lanes<" + std::to_string(off) + ", " + std::to_string(n) + ">(" +
         *var + ", " + name(ins.getSource()) + ");");
    return success();
  }
  if (auto fma = dyn_cast<vector::FMAOp>(op))
    return assign(fma, "kiln::fma(" + name(fma.getLhs()) + ", " + name(fma.getRhs()) + ", " +
                           name(fma.getAcc()) + ")", op);
  if (auto red = dyn_cast<vector::ReductionOp>(op)) {
    if (red.getSourceVectorType().getRank() != 1)
      return fail("only 1-D reductions");
    using K = vector::CombiningKind;
    const char *fn = nullptr;
    std::string combine;
    switch (red.getKind()) {
    case K::ADD: fn = "reduce_add"; combine = "+"; break;
    case K::MUL: fn = "reduce_mul"; combine = "*"; break;
    case K::MAXIMUMF: fn = "reduce_max"; combine = "max"; break;
    case K::MINIMUMF: fn = "reduce_min"; combine = "min"; break;
    default: return fail("reduction kind " + vector::stringifyCombiningKind(red.getKind()));
    }
    std::string r = std::string("kiln::") + fn + "<" +
                    std::to_string(red.getSourceVectorType().getShape()[0]) + ">(" +
                    name(red.getVector()) + ")";
    if (Value acc = red.getAcc())
      r = combine.size() == 1 ? operand(acc) + " " + combine + " " + r
                              : "kiln::" + combine + "(" + name(acc) + ", " + r + ")";
    return assign(red, r, op);
  }
  if (auto g = dyn_cast<vector::GatherOp>(op)) {
    VectorType vt = g.getVectorType();
    if (rowCount(vt) != 1)
      return fail("only gathers of one row");
    auto addr = address(g.getBase(), g.getIndices(), op);
    auto cpp = cppType(vt, op);
    if (failed(addr) || failed(cpp))
      return failure();
    std::string row = vt.getRank() > 1 ? ".r[0]" : "";
    std::string call = "kiln::gather<" + std::to_string(vt.getShape().back()) + ">(" + *addr +
                       ", " + operand(g.getIndexVec()) + row + ", " + operand(g.getMask()) + row +
                       ", " + operand(g.getPassThru()) + row + ")";
    if (vt.getRank() == 1)
      return assign(g, call, op);
    if (failed(assign(g, name(g.getPassThru()), op)))
      return failure();
    line(names.lookup(g.getResult()) + ".r[0] = " + call + ";");
    return success();
  }
  return fail("no C++ form");
}

LogicalResult Printer::printMemRef(Operation *op) {
  if (auto view = dyn_cast<memref::ViewOp>(op)) {
    auto cpp = cppType(view.getType(), op);
    if (failed(cpp))
      return failure();
    std::string base = name(view.getSource());
    std::string shifted = base;
    if (auto c = view.getByteShift().getDefiningOp<arith::ConstantIndexOp>();
        !(c && c.value() == 0))
      shifted = base + " + " + operand(view.getByteShift());
    return assign(view, "reinterpret_cast<" + *cpp + ">(" + shifted + ")", op);
  }
  if (auto sub = dyn_cast<memref::SubViewOp>(op)) {
    auto off = offset(sub.getSourceType(), sub.getMixedOffsets(), op);
    if (failed(off))
      return failure();
    if (*off == "0") {
      names[sub] = name(sub.getSource());
      return success();
    }
    return assign(sub, operand(sub.getSource()) + " + " + *off, op);
  }
  if (isa<memref::ExpandShapeOp, memref::CollapseShapeOp, memref::CastOp>(op)) {
    names[op->getResult(0)] = name(op->getOperand(0));
    return success();
  }
  if (auto load = dyn_cast<memref::LoadOp>(op)) {
    auto off = offset(load.getMemRefType(), load.getIndices(), op);
    if (failed(off))
      return failure();
    return assign(load, operand(load.getMemRef()) + "[" + *off + "]", op);
  }
  if (auto store = dyn_cast<memref::StoreOp>(op)) {
    auto off = offset(store.getMemRefType(), store.getIndices(), op);
    if (failed(off))
      return failure();
    line(operand(store.getMemRef()) + "[" + *off + "] = " + name(store.getValue()) + ";");
    return success();
  }
  if (auto copy = dyn_cast<memref::CopyOp>(op)) {
    auto from = cast<MemRefType>(copy.getSource().getType());
    auto to = cast<MemRefType>(copy.getTarget().getType());
    auto element = scalarType(from.getElementType(), op);
    if (failed(element))
      return failure();
    auto contiguous = [](MemRefType t) {
      SmallVector<int64_t> strides;
      int64_t off;
      if (failed(getStridesAndOffset(t, strides, off)))
        return false;
      int64_t expect = 1;
      for (int64_t d = t.getRank() - 1; d >= 0; --d) {
        if (t.getShape()[d] != 1 && strides[d] != expect)
          return false;
        expect *= t.getShape()[d];
      }
      return true;
    };
    if (contiguous(from) && contiguous(to)) {
      line("std::memcpy(" + name(copy.getTarget()) + ", " + name(copy.getSource()) + ", " +
           std::to_string(from.getNumElements()) + " * sizeof(" + *element + "));");
      return success();
    }
    // Element by element, in loops over the shape.
    SmallVector<std::string> ivs;
    for (int64_t d = 0; d < from.getRank(); ++d) {
      std::string iv = "c" + std::to_string(d);
      line("for (int64_t " + iv + " = 0; " + iv + " < " + std::to_string(from.getShape()[d]) +
           "; ++" + iv + ") {");
      indent += 2;
      ivs.push_back(iv);
    }
    auto index = [&](MemRefType t) {
      SmallVector<int64_t> strides;
      int64_t off;
      (void)getStridesAndOffset(t, strides, off);
      std::string s;
      for (auto [iv, stride] : llvm::zip(ivs, strides))
        s += (s.empty() ? "" : " + ") + iv + " * " + std::to_string(stride);
      return s.empty() ? std::string("0") : s;
    };
    line(operand(copy.getTarget()) + "[" + index(to) + "] = " + operand(copy.getSource()) + "[" +
         index(from) + "];");
    for (size_t d = 0; d < ivs.size(); ++d) {
      indent -= 2;
      line("}");
    }
    return success();
  }
  return op->emitError("kiln C++ backend: cannot print '") << op->getName() << "'";
}

FailureOr<std::string> Printer::signature(func::FuncOp fn) {
  auto entry = fn->getAttrOfType<DictionaryAttr>("kiln.entry");
  auto bindings = fn->getAttrOfType<ArrayAttr>("kiln.bindings");
  auto abi = module->getAttrOfType<DictionaryAttr>("kiln.abi");
  std::string params = entry ? "const kiln_context *ctx" : "";
  for (auto [i, arg] : llvm::enumerate(fn.getArguments())) {
    auto type = cppType(arg.getType(), fn);
    if (failed(type))
      return failure();
    std::string n = "a" + std::to_string(i);
    if (bindings && i < bindings.size()) {
      auto b = cast<DictionaryAttr>(bindings[i]);
      StringRef table = b.getAs<StringAttr>("table").getValue();
      auto index = b.getAs<IntegerAttr>("index");
      auto list = abi ? abi.getAs<ArrayAttr>(table) : nullptr;
      if (list && index && index.getInt() < (int64_t)list.size()) {
        auto d = cast<DictionaryAttr>(list[index.getInt()]);
        if (auto slot = d.getAs<StringAttr>("slot"))
          n = identifier(d.getAs<StringAttr>("param").getValue()) + "_" + slot.getValue().str();
        else if (auto nm = d.getAs<StringAttr>("name"))
          n = identifier(nm.getValue());
        if (table == "targets" || table == "outputs" || table == "inputs")
          n = table.drop_back().str() + "_" + n;
      } else {
        n = table.str();
      }
    }
    names[arg] = n;
    std::string t = *type;
    params += (params.empty() ? "" : ", ") + t + (t.back() == '*' ? "" : " ") + n;
  }
  std::string result = "void";
  if (fn.getNumResults() == 1) {
    auto r = cppType(fn.getResultTypes()[0], fn);
    if (failed(r))
      return failure();
    result = *r;
  } else if (fn.getNumResults() > 1) {
    return fn.emitError("kiln C++ backend: a function returns one value at most");
  }
  std::string qualifiers = entry ? "static " : "static KILN_NOINLINE ";
  return qualifiers + result + " " + fn.getSymName().str() + "(" + params + ")";
}

LogicalResult Printer::printFunction(func::FuncOp fn) {
  names.clear();
  nextId = 0;
  loopDepth = 0;
  hasContext = fn->hasAttr("kiln.entry");
  auto sig = signature(fn);
  if (failed(sig))
    return failure();
  os << *sig << " {\n";
  indent = 2;
  if (!fn.getBody().hasOneBlock())
    return fn.emitError("kiln C++ backend: a function of more than one block");
  if (failed(printBlock(fn.getBody().front())))
    return failure();
  if (failed(printOp(fn.getBody().front().getTerminator())))
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
  SmallVector<std::string> args{"bindings->context"};
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
      args.push_back("(" + *type + ")" + field + (llvm::is_contained(kTableNames, table) ? slot : ""));
  }
  std::string call = fn.getSymName().str() + "(" + llvm::join(args, ",\n      ") + ")";
  os << "extern \"C\" float " << symbol << "_" << entryName
     << "(const kiln_bindings *bindings, const kiln_call *call) {\n";
  if (fn.getNumResults())
    os << "  return static_cast<float>(" << call << ");\n";
  else
    os << "  " << call << ";\n  return 0;\n";
  os << "}\n\n";
  return success();
}

LogicalResult Printer::printModule(const std::string &symbol, const std::string &header) {
  os << "// Generated by kilnc --emit=cpp from model \""
     << (module->getAttrOfType<StringAttr>("kiln.name")
             ? module->getAttrOfType<StringAttr>("kiln.name").getValue()
             : "model")
     << "\". Kiln ABI v2: " << symbol << "_abi() (kiln/abi.h).\n"
     << "// Build: any C++17 compiler with GCC vector extensions, e.g.\n"
     << "//   g++ -std=c++17 -O3 -march=native -fno-math-errno -c " << header
     << ".cpp\n"
     << "#include \"kiln/abi.h\"\n"
     << "#include \"kiln_vec.h\"\n\n"
     << "namespace {\n\n"
     << "// Runs body over [0, n) through the runtime's threads, when it has any.\n"
     << "template <class F> void kiln_parallel(const kiln_context *ctx, int64_t n, F &&body) {\n"
     << "  if (!ctx || !ctx->parallel_for) {\n"
     << "    body(int64_t(0), n);\n"
     << "    return;\n"
     << "  }\n"
     << "  ctx->parallel_for(\n"
     << "      ctx->self, n,\n"
     << "      [](void *arg, int64_t begin, int64_t end) { (*static_cast<F *>(arg))(begin, end); },\n"
     << "      &body);\n"
     << "}\n\n";
  SmallVector<func::FuncOp> functions, entries;
  for (auto fn : module.getOps<func::FuncOp>()) {
    if (fn.isExternal())
      return fn.emitError("kiln C++ backend: external function '")
             << fn.getSymName() << "'";
    functions.push_back(fn);
    if (fn->hasAttr("kiln.entry"))
      entries.push_back(fn);
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
  for (StringRef e : kEntryNames) {
    bool has = llvm::is_contained(present, e.str());
    os << "      " << (has ? symbol + "_" + e.str() : std::string("nullptr")) << ", // " << e
       << "\n";
  }
  os << "  };\n  return &api;\n}\n";
  return success();
}

} // namespace

LogicalResult printCpp(ModuleOp module, const std::string &symbol, const std::string &header,
                       raw_ostream &os) {
  Printer printer(module, os);
  return printer.printModule(symbol, header);
}

} // namespace kiln
