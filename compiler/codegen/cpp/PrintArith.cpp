//===- PrintArith.cpp - arith and math ops as C++ expressions -------------===//
//
// Float ops are operators; integer ops that may wrap, unsigned ops, IEEE
// min/max and compares with their NaN rules are kiln_vec.h helpers, which
// take the same C++ for scalars and vectors.
//
#include "compiler/codegen/cpp/Printer.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;

namespace kiln::cpp {

LogicalResult Printer::printArith(Operation *op) {
  Value result = op->getNumResults() ? op->getResult(0) : Value();
  ValueRange operands = op->getOperands();
  auto bin = [&](const char *sym) {
    return define(result, operands, op, [&](ArrayRef<std::string> o) {
      return o[0] + " " + sym + " " + o[1];
    });
  };
  auto helper = [&](const std::string &fn) -> LogicalResult {
    auto type = cppType(operands[0].getType(), op);
    if (failed(type))
      return failure();
    return define(result, operands, op, [&](ArrayRef<std::string> o) {
      return "kiln::" + fn + "<" + *type + ">(" + llvm::join(o, ", ") + ")";
    });
  };
  auto cast = [&](StringRef fn = "convert") -> LogicalResult {
    Value in = operands[0];
    auto to = cppType(result.getType(), op);
    auto from = cppType(in.getType(), op);
    if (failed(to) || failed(from))
      return failure();
    bool truncToMask = getElementTypeOrSelf(result.getType()).isInteger(1) &&
                       !getElementTypeOrSelf(in.getType()).isInteger(1);
    if (*to == *from && !truncToMask) { // index <-> i64
      if (isMulti(in.getType()))
        rows[result] = piecesOf(in, 0);
      else
        names[result] = name(in);
      return success();
    }
    bool vector = isVector(in.getType());
    bool fromMask = getElementTypeOrSelf(in.getType()).isInteger(1) && fn == "convert";
    bool toMask = getElementTypeOrSelf(result.getType()).isInteger(1);
    return define(result, in, op, [&](ArrayRef<std::string> o) {
      if (toMask) // trunci to i1: the low bit, as a mask
        return vector ? "kiln::low_bit_mask<" + *to + ">(" + o[0] + ")" : "bool(" + o[0] + " & 1)";
      if (fromMask && !vector) // extsi, sitofp of i1: true is -1
        return "static_cast<" + *to + ">(" + o[0] + " ? -1 : 0)";
      return vector ? "kiln::" + fn.str() + "<" + *to + ">(" + o[0] + ")"
                    : "static_cast<" + *to + ">(" + o[0] + ")";
    });
  };
  // Vector division: padding lanes (never read back) may hold 0.
  auto divide = [&](const char *sym) -> LogicalResult {
    bool vector = isVector(result.getType());
    return define(result, operands, op, [&](ArrayRef<std::string> o) {
      return o[0] + " " + sym + " " + (vector ? "kiln::nonzero(" + o[1] + ")" : o[1]);
    });
  };
  auto divideHelper = [&](const std::string &fn) -> LogicalResult {
    auto type = cppType(operands[0].getType(), op);
    if (failed(type))
      return failure();
    bool vector = isVector(result.getType());
    return define(result, operands, op, [&](ArrayRef<std::string> o) {
      return "kiln::" + fn + "<" + *type + ">(" + o[0] + ", " +
             (vector ? "kiln::nonzero(" + o[1] + ")" : o[1]) + ")";
    });
  };
  bool indexLike = result && getElementTypeOrSelf(result.getType()).isIndex();
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case<arith::AddFOp>([&](auto) { return bin("+"); })
      .Case<arith::SubFOp>([&](auto) { return bin("-"); })
      .Case<arith::MulFOp>([&](auto) { return bin("*"); })
      .Case<arith::DivFOp>([&](auto) { return bin("/"); })
      .Case<arith::NegFOp>([&](auto) {
        return define(result, operands, op, [](ArrayRef<std::string> o) { return "-" + o[0]; });
      })
      .Case<arith::AddIOp>([&](auto) { return indexLike ? bin("+") : helper("addi"); })
      .Case<arith::SubIOp>([&](auto) { return indexLike ? bin("-") : helper("subi"); })
      .Case<arith::MulIOp>([&](auto) { return indexLike ? bin("*") : helper("muli"); })
      .Case<arith::DivSIOp>([&](auto) { return divide("/"); })
      .Case<arith::RemSIOp>([&](auto) { return divide("%"); })
      .Case<arith::DivUIOp>([&](auto) { return divideHelper("divui"); })
      .Case<arith::RemUIOp>([&](auto) { return divideHelper("remui"); })
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
        if (!isVector(o.getType())) { // the ordered ones as operators
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
        bool isUnsigned = llvm::is_contained({P::ult, P::ule, P::ugt, P::uge}, o.getPredicate());
        if (!isVector(o.getType()) && !isUnsigned) {
          static const std::pair<P, const char *> ops[] = {
              {P::eq, "=="}, {P::ne, "!="}, {P::slt, "<"}, {P::sle, "<="}, {P::sgt, ">"}, {P::sge, ">="}};
          for (auto [pred, sym] : ops)
            if (pred == o.getPredicate())
              return bin(sym);
        }
        return helper("cmp_" + arith::stringifyCmpIPredicate(o.getPredicate()).str() +
                      (isUnsigned ? "_i" : ""));
      })
      .Case<arith::SelectOp>([&](arith::SelectOp o) -> LogicalResult {
        bool lanes = isVector(o.getCondition().getType());
        return define(result, operands, op, [&](ArrayRef<std::string> x) {
          return lanes ? "kiln::select(" + llvm::join(x, ", ") + ")"
                       : x[0] + " ? " + x[1] + " : " + x[2];
        });
      })
      .Case<arith::ExtFOp, arith::TruncFOp, arith::SIToFPOp, arith::FPToSIOp, arith::IndexCastOp,
            arith::ExtSIOp, arith::TruncIOp>([&](auto) { return cast(); })
      .Case<arith::ExtUIOp>([&](arith::ExtUIOp o) -> LogicalResult {
        if (getElementTypeOrSelf(o.getIn().getType()).isInteger(1))
          return cast("mask_to_int"); // masks are -1: extui gives 1
        return o.emitError("kiln C++ backend: extui of a wider integer");
      })
      .Case<arith::BitcastOp>([&](arith::BitcastOp o) -> LogicalResult {
        auto to = cppType(o.getType(), op);
        if (failed(to))
          return failure();
        return define(result, operands, op, [&](ArrayRef<std::string> x) {
          return "kiln::bitcast<" + *to + ">(" + x[0] + ")";
        });
      })
      .Default([&](Operation *) {
        return op->emitError("kiln C++ backend: cannot print '") << op->getName() << "'";
      });
}

LogicalResult Printer::printMath(Operation *op) {
  Value result = op->getResult(0);
  auto call = [&](const char *fn) {
    return define(result, op->getOperands(), op, [&](ArrayRef<std::string> o) {
      return std::string("kiln::") + fn + "(" + llvm::join(o, ", ") + ")";
    });
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

} // namespace kiln::cpp
