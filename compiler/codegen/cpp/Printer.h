//===- Printer.h - The C++ backend's printer (internal) -------------------===//
//
// Values print as C++ variables or inline expressions:
//   - a scalar constant is its literal, printed where it is used;
//   - a memref is a pointer to its first element, its strides static (type);
//   - a 1-D vector<N x T> is a kiln::vec<T, P> (kiln_vec.h), P the power of
//     two >= N;
//   - a vector wider than `width` lanes, or n-D, is a list of C++ vectors
//     ("pieces": its rows, each cut in chunks of `width` lanes), one variable
//     each: elementwise ops print one statement per piece, and taking or
//     replacing a row prints nothing. Kept apart, the pieces stay in
//     registers (GCC keeps a struct of vectors, or a vector wider than the
//     machine's, in memory).
//
#ifndef KILN_COMPILER_CODEGEN_CPP_PRINTER_H
#define KILN_COMPILER_CODEGEN_CPP_PRINTER_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace kiln::cpp {

int64_t powerOfTwoAtLeast(int64_t n);

class Printer {
public:
  /// `width`: lanes per C++ vector, the schedule's vector width in f32
  /// lanes (wider vectors are split: GCC keeps vectors wider than the
  /// machine's in memory).
  Printer(mlir::ModuleOp module, llvm::raw_ostream &os, int64_t width)
      : module(module), os(os), width(width) {}

  mlir::LogicalResult printModule(const std::string &symbol);

private:
  using Strings = llvm::SmallVector<std::string>;

  // --- Types (Printer.cpp) -----------------------------------------------
  mlir::FailureOr<std::string> scalarType(mlir::Type t, mlir::Operation *at);
  /// The C++ type of a scalar, memref or 1-D vector; of one row of an n-D
  /// vector.
  mlir::FailureOr<std::string> cppType(mlir::Type t, mlir::Operation *at);
  static bool isVector(mlir::Type t); // rank >= 1
  /// A vector printed as several C++ vectors: n-D, or wider than `width`.
  bool isMulti(mlir::Type t) { return isVector(t) && pieces(t) > 1; }
  static int64_t rowCount(mlir::VectorType v);
  /// C++ vectors per row (of the last dimension), and in all.
  int64_t chunks(mlir::VectorType v) { return (v.getShape().back() + width - 1) / width; }
  int64_t pieces(mlir::Type t) {
    auto v = mlir::cast<mlir::VectorType>(t);
    return rowCount(v) * chunks(v);
  }

  // --- Values ------------------------------------------------------------
  std::string name(mlir::Value v);
  /// `v` as an operand of an operator: inline expressions in parentheses.
  std::string operand(mlir::Value v) { return paren(name(v)); }
  static std::string paren(const std::string &s);
  /// The texts of `values`, a multi-piece vector's pieces in its place (as
  /// arguments, results and yields carry them).
  Strings flat(mlir::ValueRange values);
  /// Records `list` as the pieces of vector `v` (its name when one).
  void setPieces(mlir::Value v, const Strings &list);
  /// The pieces of vector `v`; a scalar or one-piece vector `count` times.
  Strings piecesOf(mlir::Value v, int64_t count);
  std::string fresh(const char *prefix = "v") { return prefix + std::to_string(nextId++); }
  void line(const std::string &text) { os.indent(indent) << text << "\n"; }
  /// Declares `result` = expr of its operands' texts; for an n-D result one
  /// variable per row, expr of the operands' rows.
  mlir::LogicalResult define(mlir::Value result, mlir::ValueRange operands,
                             mlir::Operation *at,
                             llvm::function_ref<std::string(llvm::ArrayRef<std::string>)> expr);
  /// A new variable of `type` holding `expr`, which is the value's own.
  mlir::FailureOr<std::string> declare(mlir::Type type, const std::string &expr,
                                       mlir::Operation *at);
  mlir::LogicalResult assign(mlir::Value result, const std::string &expr, mlir::Operation *at);
  mlir::FailureOr<std::string> literal(mlir::Attribute a, mlir::Type type, mlir::Operation *at);
  mlir::LogicalResult printConstant(mlir::Operation *op);

  // --- Memory ------------------------------------------------------------
  mlir::FailureOr<std::string> offset(mlir::MemRefType type,
                                      llvm::ArrayRef<mlir::OpFoldResult> indices,
                                      mlir::Operation *at);
  mlir::FailureOr<std::string> address(mlir::Value memref, mlir::ValueRange indices,
                                       mlir::Operation *at);
  static int64_t lastStride(mlir::MemRefType type);
  mlir::LogicalResult printMemRef(mlir::Operation *op);

  // --- Control flow and functions (Printer.cpp) ----------------------------
  mlir::LogicalResult printFunction(mlir::func::FuncOp fn);
  /// The comment line before a function: what it computes.
  std::string summary(mlir::func::FuncOp fn);
  /// C++ names of the module's functions: entry points keep theirs,
  /// kernels are named after their layer and role.
  void nameFunctions();
  std::string cppName(llvm::StringRef symbol) {
    auto it = cppNames.find(symbol);
    return it == cppNames.end() ? symbol.str() : it->second;
  }
  mlir::FailureOr<std::string> signature(mlir::func::FuncOp fn);
  /// An entry point's argument `i` named after its manifest entry
  /// ("dense_0_weight", "input_x", "workspace"); none for other functions.
  std::optional<std::string> boundName(mlir::func::FuncOp fn, unsigned i);
  /// Whether `fn` returns a struct: several results, or a multi-piece one.
  bool resultStruct(mlir::func::FuncOp fn) {
    return fn.getNumResults() > 1 ||
           (fn.getNumResults() == 1 && isMulti(fn.getResultTypes()[0]));
  }
  mlir::LogicalResult printBlock(mlir::Block &block);
  mlir::LogicalResult printOp(mlir::Operation *op);
  mlir::LogicalResult printFor(mlir::scf::ForOp op);
  mlir::LogicalResult printIf(mlir::scf::IfOp op);
  /// Variables for a region's results: one per scalar, one per row.
  mlir::FailureOr<Strings> carried(mlir::Value value, mlir::Operation *at, const char *prefix,
                                   const std::string &init);
  void printYield(mlir::ValueRange yielded, llvm::ArrayRef<std::string> targets);
  mlir::LogicalResult printCall(mlir::func::CallOp op);
  mlir::LogicalResult printEntryWrapper(mlir::func::FuncOp fn, const std::string &symbol);

  // --- Ops (PrintArith.cpp, PrintVector.cpp) ---------------------------------
  mlir::LogicalResult printArith(mlir::Operation *op);
  mlir::LogicalResult printMath(mlir::Operation *op);
  mlir::LogicalResult printVector(mlir::Operation *op);
  mlir::LogicalResult printTransfer(mlir::Operation *op, mlir::Value memref,
                                    mlir::ValueRange indices, mlir::VectorType vector,
                                    mlir::Value stored);
  mlir::LogicalResult printExtract(mlir::Operation *op);
  mlir::LogicalResult printInsert(mlir::Operation *op);
  std::string positionText(mlir::OpFoldResult p);
  /// The flat row of the first `count` positions (over the leading dims).
  std::optional<int64_t> rowIndex(mlir::VectorType type,
                                  llvm::ArrayRef<mlir::OpFoldResult> position, size_t count);
  mlir::LogicalResult printReduction(mlir::Operation *op);

  mlir::ModuleOp module;
  llvm::raw_ostream &os;
  unsigned indent = 0;
  unsigned nextId = 0;
  unsigned loopDepth = 0;
  bool hasContext = false; // the function being printed has `ctx`
  llvm::DenseMap<mlir::Value, std::string> names;
  int64_t width;
  llvm::DenseMap<mlir::Value, Strings> rows; // multi-piece vectors
  /// Variables that belong to one value alone (not a row or alias shared
  /// with another value): that value may be updated in place.
  llvm::StringMap<mlir::Value> owner;
  llvm::StringMap<std::string> cppNames;
  /// Kernel parameters named after the entry-point argument callers pass.
  llvm::DenseMap<std::pair<mlir::Operation *, unsigned>, std::string> argNames;
};

} // namespace kiln::cpp

#endif // KILN_COMPILER_CODEGEN_CPP_PRINTER_H
