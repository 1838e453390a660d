//===- Printer.cpp - Types, values, memory, control flow -----------------===//
#include "compiler/codegen/cpp/Printer.h"
#include "compiler/codegen/Codegen.h"
#include "compiler/codegen/ParallelLoops.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <functional>

using namespace mlir;

namespace kiln::cpp {

int64_t powerOfTwoAtLeast(int64_t n) {
  int64_t p = 1;
  while (p < n)
    p *= 2;
  return p;
}


// --- Types -------------------------------------------------------------------

FailureOr<std::string> Printer::scalarType(Type t, Operation *at) {
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

FailureOr<std::string> Printer::cppType(Type t, Operation *at) {
  if (auto v = dyn_cast<VectorType>(t)) {
    if (v.isScalable())
      return at->emitError("kiln C++ backend: scalable vectors"), failure();
    Type e = v.getElementType();
    if (v.getRank() == 0)
      return scalarType(e, at);
    // Lanes: masks (i1) are 32-bit, index is 64-bit.
    std::string lane;
    if (e.isF32())
      lane = "f32";
    else if (e.isF64())
      lane = "f64";
    else if (e.isIndex())
      lane = "i64";
    else if (e.isInteger(1))
      lane = "i32";
    else if (auto i = dyn_cast<IntegerType>(e); i && llvm::is_contained({8u, 16u, 32u, 64u}, i.getWidth()))
      lane = "i" + std::to_string(i.getWidth());
    else
      return at->emitError("kiln C++ backend: no vector lanes for ") << e, failure();
    int64_t p = std::min(powerOfTwoAtLeast(v.getShape().back()), width);
    return lane + "x" + std::to_string(p);
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

bool Printer::isVector(Type t) {
  auto v = dyn_cast<VectorType>(t);
  return v && v.getRank() > 0;
}
int64_t Printer::rowCount(VectorType v) {
  int64_t r = 1;
  for (int64_t d : v.getShape().drop_back())
    r *= d;
  return r;
}

// --- Values ------------------------------------------------------------------

std::string Printer::name(Value v) {
  if (auto r = rows.find(v); r != rows.end() && r->second.size() == 1)
    return r->second.front();
  auto it = names.find(v);
  // Every operand is printed before its use; a miss is a printer bug, made
  // loud in the output (it will not compile).
  return it != names.end() ? it->second : "/*unnamed*/";
}

std::string Printer::paren(const std::string &s) {
  bool simple = llvm::all_of(s, [](char c) {
    return isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
  });
  return simple || s.empty() ? s : "(" + s + ")";
}

Printer::Strings Printer::flat(ValueRange values) {
  Strings out;
  for (Value v : values) {
    if (isMulti(v.getType()))
      llvm::append_range(out, piecesOf(v, pieces(v.getType())));
    else
      out.push_back(name(v));
  }
  return out;
}

Printer::Strings Printer::piecesOf(Value v, int64_t count) {
  auto it = rows.find(v);
  if (it != rows.end())
    return it->second;
  return Strings(count, name(v));
}

FailureOr<std::string> Printer::declare(Type type, const std::string &expr, Operation *at) {
  auto cpp = cppType(type, at);
  if (failed(cpp))
    return failure();
  std::string n = fresh();
  line(*cpp + (cpp->back() == '*' ? "" : " ") + n + " = " + expr + ";");
  return n;
}

LogicalResult Printer::assign(Value result, const std::string &expr, Operation *at) {
  auto n = declare(result.getType(), expr, at);
  if (failed(n))
    return failure();
  names[result] = *n;
  owner[*n] = result;
  return success();
}

LogicalResult Printer::define(Value result, ValueRange operands, Operation *at,
                              function_ref<std::string(ArrayRef<std::string>)> expr) {
  if (!isMulti(result.getType())) {
    Strings texts;
    for (Value v : operands)
      texts.push_back(operand(v));
    return assign(result, expr(texts), at);
  }
  int64_t count = pieces(result.getType());
  SmallVector<Strings> in;
  for (Value v : operands)
    in.push_back(piecesOf(v, count));
  Strings out;
  for (int64_t r = 0; r < count; ++r) {
    Strings texts;
    for (Strings &o : in)
      texts.push_back(paren(o[r]));
    auto n = declare(result.getType(), expr(texts), at);
    if (failed(n))
      return failure();
    owner[*n] = result;
    out.push_back(*n);
  }
  rows[result] = out;
  return success();
}

FailureOr<std::string> Printer::literal(Attribute a, Type type, Operation *at) {
  if (auto f = dyn_cast<FloatAttr>(a)) {
    bool single = type.isF32();
    double d = f.getValueAsDouble();
    if (std::isnan(d))
      return std::string(single ? "__builtin_nanf(\"\")" : "__builtin_nan(\"\")");
    if (std::isinf(d))
      return std::string(d < 0 ? "-" : "") + (single ? "__builtin_inff()" : "__builtin_inf()");
    char buffer[40]; // shortest text that reads back to the same bits
    std::snprintf(buffer, sizeof buffer, single ? "%.9g" : "%.17g", d);
    std::string s = buffer;
    if (s.find_first_of(".e") == std::string::npos)
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

LogicalResult Printer::printConstant(Operation *op) {
  auto c = cast<arith::ConstantOp>(op);
  Type type = c.getType();
  Attribute value = c.getValue();
  if (!isVector(type)) {
    if (auto dense = dyn_cast<DenseElementsAttr>(value)) // 0-D vector
      value = dense.getSplatValue<Attribute>();
    auto text = literal(value, getElementTypeOrSelf(type), op);
    if (failed(text))
      return failure();
    names[c] = *text;
    return success();
  }
  auto vector = cast<VectorType>(type);
  auto dense = dyn_cast<DenseElementsAttr>(value);
  auto row = cppType(type, op);
  if (!dense || failed(row))
    return op->emitError("kiln C++ backend: vector constant is not dense");
  Type element = vector.getElementType();
  auto lane = [&](Attribute a) -> FailureOr<std::string> {
    if (element.isInteger(1)) // masks are -1/0
      return std::string(cast<IntegerAttr>(a).getValue().isZero() ? "0" : "-1");
    return literal(a, element, op);
  };
  int64_t count = pieces(vector);
  if (dense.isSplat()) {
    auto l = lane(dense.getSplatValue<Attribute>());
    if (failed(l))
      return failure();
    std::string splat = "kiln::splat<" + *row + ">(" + *l + ")";
    if (isMulti(type))
      rows[c] = Strings(count, splat);
    else
      names[c] = splat;
    return success();
  }
  // One constant per piece: a row's lanes, cut every `width`.
  int64_t lanes = vector.getShape().back();
  Strings consts;
  std::string text;
  int64_t k = 0;
  for (Attribute a : dense.getValues<Attribute>()) {
    auto l = lane(a);
    if (failed(l))
      return failure();
    text += (text.empty() ? "" : ", ") + *l;
    ++k;
    if (k % lanes == 0 || (k % lanes) % width == 0) {
      std::string n = fresh("k");
      line("const " + *row + " " + n + " = {" + text + "};");
      consts.push_back(n);
      text.clear();
    }
  }
  if (isMulti(type))
    rows[c] = consts;
  else
    names[c] = consts.front();
  return success();
}

// --- Memory ------------------------------------------------------------------

FailureOr<std::string> Printer::offset(MemRefType type, ArrayRef<OpFoldResult> indices,
                                       Operation *at) {
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

int64_t Printer::lastStride(MemRefType type) {
  SmallVector<int64_t> strides;
  int64_t unused;
  if (type.getRank() == 0 || failed(getStridesAndOffset(type, strides, unused)))
    return 1;
  return strides.back();
}

FailureOr<std::string> Printer::address(Value memref, ValueRange indices, Operation *at) {
  SmallVector<OpFoldResult> mixed(indices.begin(), indices.end());
  auto off = offset(cast<MemRefType>(memref.getType()), mixed, at);
  if (failed(off))
    return failure();
  return *off == "0" ? name(memref) : operand(memref) + " + " + *off;
}

LogicalResult Printer::printMemRef(Operation *op) {
  if (auto view = dyn_cast<memref::ViewOp>(op)) {
    auto cpp = cppType(view.getType(), op);
    if (failed(cpp))
      return failure();
    std::string shifted = name(view.getSource());
    if (auto c = view.getByteShift().getDefiningOp<arith::ConstantIndexOp>();
        !(c && c.value() == 0))
      shifted += " + " + operand(view.getByteShift());
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
    SmallVector<OpFoldResult> idx(load.getIndices().begin(), load.getIndices().end());
    auto off = offset(load.getMemRefType(), idx, op);
    if (failed(off))
      return failure();
    return assign(load, operand(load.getMemRef()) + "[" + *off + "]", op);
  }
  if (auto store = dyn_cast<memref::StoreOp>(op)) {
    SmallVector<OpFoldResult> idx(store.getIndices().begin(), store.getIndices().end());
    auto off = offset(store.getMemRefType(), idx, op);
    if (failed(off))
      return failure();
    line(operand(store.getMemRef()) + "[" + *off + "] = " + name(store.getValue()) + ";");
    return success();
  }
  if (auto copy = dyn_cast<memref::CopyOp>(op)) {
    auto from = cast<MemRefType>(copy.getSource().getType());
    auto to = cast<MemRefType>(copy.getTarget().getType());
    if (!from.hasStaticShape() || !to.hasStaticShape())
      return op->emitError("kiln C++ backend: copy of a memref without a static shape");
    auto element = scalarType(from.getElementType(), op);
    if (failed(element))
      return failure();
    auto stridesOf = [](MemRefType t) {
      SmallVector<int64_t> strides;
      int64_t off;
      if (failed(getStridesAndOffset(t, strides, off)))
        strides.assign(t.getRank(), ShapedType::kDynamic);
      return strides;
    };
    auto contiguous = [&](MemRefType t) {
      SmallVector<int64_t> strides = stridesOf(t);
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
    if (llvm::any_of(stridesOf(from), ShapedType::isDynamic) ||
        llvm::any_of(stridesOf(to), ShapedType::isDynamic))
      return op->emitError("kiln C++ backend: copy between memrefs without static strides");
    // Element by element, in loops over the shape.
    Strings ivs;
    for (int64_t d = 0; d < from.getRank(); ++d) {
      std::string iv = "c" + std::to_string(d);
      line("for (int64_t " + iv + " = 0; " + iv + " < " + std::to_string(from.getShape()[d]) +
           "; ++" + iv + ") {");
      indent += 2;
      ivs.push_back(iv);
    }
    auto index = [&](MemRefType t) {
      std::string s;
      for (auto [iv, stride] : llvm::zip(ivs, stridesOf(t)))
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

// --- Control flow ------------------------------------------------------------

LogicalResult Printer::printBlock(Block &block) {
  for (Operation &op : block.without_terminator())
    if (failed(printOp(&op)))
      return failure();
  return success();
}

LogicalResult Printer::printOp(Operation *op) {
  if (isa<arith::ConstantOp>(op))
    return printConstant(op);
  if (auto f = dyn_cast<scf::ForOp>(op))
    return printFor(f);
  if (auto i = dyn_cast<scf::IfOp>(op))
    return printIf(i);
  if (auto call = dyn_cast<func::CallOp>(op))
    return printCall(call);
  if (auto ret = dyn_cast<func::ReturnOp>(op)) {
    Strings values = flat(ret.getOperands());
    if (resultStruct(ret->getParentOfType<func::FuncOp>()))
      line("return {" + llvm::join(values, ", ") + "};");
    else
      line(values.empty() ? "return;" : "return " + values[0] + ";");
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
  return op->emitError("kiln C++ backend: cannot print '") << op->getName() << "'";
}

FailureOr<Printer::Strings> Printer::carried(Value value, Operation *at, const char *prefix,
                                             const std::string &init) {
  Strings vars;
  int64_t count = isMulti(value.getType()) ? pieces(value.getType()) : 1;
  auto type = cppType(value.getType(), at);
  if (failed(type))
    return failure();
  for (int64_t r = 0; r < count; ++r) {
    std::string n = fresh(prefix);
    line(*type + " " + n + (init.empty() ? "" : " = " + init) + ";");
    vars.push_back(n);
  }
  return vars;
}

void Printer::printYield(ValueRange yielded, ArrayRef<std::string> targets) {
  Strings sources = flat(yielded);
  // Parallel assignment: a source that is itself a target is read before
  // any target is written.
  for (size_t i = 0; i < sources.size(); ++i)
    if (sources[i] != targets[i] && llvm::is_contained(targets, sources[i])) {
      std::string tmp = fresh("t");
      line("auto " + tmp + " = " + sources[i] + ";");
      sources[i] = tmp;
    }
  for (auto [s, target] : llvm::zip(sources, targets))
    if (s != target)
      line(target + " = " + s + ";");
}

LogicalResult Printer::printFor(scf::ForOp op) {
  Strings targets;
  for (auto [init, arg, result] :
       llvm::zip(op.getInitArgs(), op.getRegionIterArgs(), op.getResults())) {
    FailureOr<Strings> vars;
    if (isMulti(arg.getType())) {
      vars = carried(arg, op, "r", "");
      if (failed(vars))
        return failure();
      Strings in = piecesOf(init, vars->size());
      for (auto [v, i] : llvm::zip(*vars, in))
        line(v + " = " + i + ";");
      rows[arg] = *vars;
      rows[result] = *vars;
    } else {
      vars = carried(arg, op, "r", name(init));
      if (failed(vars))
        return failure();
      // Two statements: clang evaluates `names[arg]` first in a chained
      // assignment, and inserting `result` may then move the map under it.
      names[arg] = vars->front();
      names[result] = vars->front();
    }
    llvm::append_range(targets, *vars);
  }
  auto ivType = cppType(op.getInductionVar().getType(), op);
  if (failed(ivType))
    return failure();
  std::string iv = "i" + std::to_string(loopDepth);
  names[op.getInductionVar()] = iv;
  std::string step = name(op.getStep());
  line("for (" + *ivType + " " + iv + " = " + name(op.getLowerBound()) + "; " + iv + " < " +
       name(op.getUpperBound()) + "; " + iv + (step == "1" ? "++" : " += " + step) + ") {");
  indent += 2;
  ++loopDepth;
  if (failed(printBlock(*op.getBody())))
    return failure();
  printYield(cast<scf::YieldOp>(op.getBody()->getTerminator()).getOperands(), targets);
  --loopDepth;
  indent -= 2;
  line("}");
  return success();
}

LogicalResult Printer::printIf(scf::IfOp op) {
  Strings targets;
  for (Value r : op.getResults()) {
    auto vars = carried(r, op, "v", "");
    if (failed(vars))
      return failure();
    if (isMulti(r.getType()))
      rows[r] = *vars;
    else
      names[r] = vars->front();
    llvm::append_range(targets, *vars);
  }
  line("if (" + name(op.getCondition()) + ") {");
  indent += 2;
  if (failed(printBlock(op.getThenRegion().front())))
    return failure();
  printYield(op.thenYield().getOperands(), targets);
  indent -= 2;
  if (!op.getElseRegion().empty()) {
    line("} else {");
    indent += 2;
    if (failed(printBlock(op.getElseRegion().front())))
      return failure();
    printYield(op.elseYield().getOperands(), targets);
    indent -= 2;
  }
  line("}");
  return success();
}

LogicalResult Printer::printCall(func::CallOp op) {
  auto callee = module.lookupSymbol<func::FuncOp>(op.getCallee());
  Strings args = flat(op.getOperands());
  // A kernel split for threads, called over all its trips (as
  // kiln-parallel-calls decides for the object backend).
  auto trips = callee ? callee->getAttrOfType<IntegerAttr>(kParallelTripsAttr) : nullptr;
  if (trips && hasContext && op.getNumResults() == 0 && args.size() >= 2 &&
      args[args.size() - 2] == "0" && args.back() == std::to_string(trips.getInt())) {
    args.pop_back();
    args.pop_back();
    line("kiln_parallel(ctx, " + std::to_string(trips.getInt()) +
         ", [&](int64_t begin, int64_t end) { " + cppName(op.getCallee()) + "(" +
         llvm::join(args, ", ") + (args.empty() ? "" : ", ") + "begin, end); });");
    return success();
  }
  std::string call = cppName(op.getCallee()) + "(" + llvm::join(args, ", ") + ")";
  if (callee && resultStruct(callee)) {
    std::string n = fresh();
    line(cppName(op.getCallee()) + "_result " + n + " = " + call + ";");
    for (auto [i, r] : llvm::enumerate(op.getResults())) {
      std::string field = n + ".r" + std::to_string(i);
      if (!isMulti(r.getType())) {
        names[r] = field;
        continue;
      }
      Strings list;
      for (int64_t k = 0; k < pieces(r.getType()); ++k)
        list.push_back(field + "_" + std::to_string(k));
      rows[r] = list;
    }
    return success();
  }
  if (op.getNumResults())
    return assign(op.getResult(0), call, op);
  line(call + ";");
  return success();
}

} // namespace kiln::cpp
