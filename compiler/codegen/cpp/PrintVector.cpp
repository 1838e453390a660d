//===- PrintVector.cpp - vector ops as GCC/Clang vector extensions --------===//
//
// After convert-vector-to-scf{full-unroll}, transfers are 1-D and n-D
// values are assembled from rows by vector.insert/extract, which here only
// rename pieces (Printer.h). Padding lanes (a piece of P lanes holding
// N < P) are never read back: loads and stores move N lanes, reductions fold
// N.
//
#include "compiler/codegen/cpp/Printer.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "llvm/ADT/StringExtras.h"

#include <functional>

using namespace mlir;

namespace kiln::cpp {

namespace {
/// Lane `lane` of the piece `piece`, whose C++ type is `type`.
struct Lane {
  std::string piece;
  int64_t lane;
  std::string type;
};
} // namespace

/// The positions of a vector.extract/insert, or of its -element form.
static SmallVector<OpFoldResult> positionsOf(Operation *op) {
  if (auto e = dyn_cast<vector::ExtractOp>(op))
    return e.getMixedPosition();
  if (auto i = dyn_cast<vector::InsertOp>(op))
    return i.getMixedPosition();
  Value p = isa<vector::ExtractElementOp>(op) ? cast<vector::ExtractElementOp>(op).getPosition()
                                              : cast<vector::InsertElementOp>(op).getPosition();
  if (!p)
    return {};
  return {getAsOpFoldResult(p)};
}

void Printer::setPieces(Value v, const Strings &list) {
  if (isMulti(v.getType()))
    rows[v] = list;
  else
    names[v] = list.front();
}

std::string Printer::positionText(OpFoldResult p) {
  if (auto a = dyn_cast<Attribute>(p))
    return std::to_string(cast<IntegerAttr>(a).getInt());
  return name(cast<Value>(p));
}

std::optional<int64_t> Printer::rowIndex(VectorType type, ArrayRef<OpFoldResult> position,
                                         size_t count) {
  ArrayRef<int64_t> lead = type.getShape().drop_back();
  int64_t row = 0;
  for (size_t k = 0; k < lead.size(); ++k) {
    int64_t stride = 1;
    for (size_t j = k + 1; j < lead.size(); ++j)
      stride *= lead[j];
    if (k >= count)
      continue;
    auto a = dyn_cast<Attribute>(position[k]);
    if (!a)
      return std::nullopt;
    row += cast<IntegerAttr>(a).getInt() * stride;
  }
  return row;
}

namespace {

/// Pieces of one row of `lanes` lanes, `width` per piece, from `from` (one
/// entry per lane).
struct RowBuilder {
  int64_t width;
  std::function<FailureOr<std::string>(const std::string &type, const std::string &expr)> declare;

  FailureOr<SmallVector<std::string>> build(ArrayRef<Lane> from, const std::string &pieceType,
                                            int64_t pieceLanes) {
    SmallVector<std::string> out;
    for (size_t start = 0; start < from.size(); start += width) {
      ArrayRef<Lane> part = from.slice(start, std::min<size_t>(width, from.size() - start));
      // The same piece, lane for lane: reuse it.
      bool same = llvm::all_of(llvm::enumerate(part), [&](auto e) {
        return e.value().piece == part[0].piece && e.value().lane == (int64_t)e.index() &&
               e.value().type == pieceType;
      });
      if (same) {
        out.push_back(part[0].piece);
        continue;
      }
      SmallVector<std::string> sources;
      for (const Lane &l : part)
        if (!llvm::is_contained(sources, l.piece))
          sources.push_back(l.piece);
      bool shuffle = sources.size() <= 2 && llvm::all_of(part, [&](const Lane &l) {
                       return l.type == part[0].type;
                     });
      std::string expr;
      if (shuffle) {
        int64_t in = std::stoll(part[0].type.substr(part[0].type.find('x') + 1));
        std::string x = sources[0], y = sources.size() > 1 ? sources[1] : sources[0];
        std::string idx;
        for (int64_t i = 0; i < pieceLanes; ++i) {
          const Lane &l = part[std::min<int64_t>(i, part.size() - 1)];
          idx += ", " + std::to_string(l.piece == x ? l.lane : in + l.lane);
        }
        expr = "__builtin_shufflevector(" + x + ", " + y + idx + ")";
      } else {
        std::string lanes;
        for (const Lane &l : part)
          lanes += (lanes.empty() ? "" : ", ") + parenthesized(l.piece) + "[" +
                   std::to_string(l.lane) + "]";
        expr = pieceType + "{" + lanes + "}";
      }
      auto n = declare(pieceType, expr);
      if (failed(n))
        return failure();
      out.push_back(*n);
    }
    return out;
  }

  static std::string parenthesized(const std::string &s) {
    bool simple = llvm::all_of(s, [](char c) { return isalnum(static_cast<unsigned char>(c)) || c == '_'; });
    return simple ? s : "(" + s + ")";
  }
};

} // namespace

LogicalResult Printer::printTransfer(Operation *op, Value memref, ValueRange indices,
                                     VectorType vector, Value stored) {
  auto type = cast<MemRefType>(memref.getType());
  if (vector.getElementType().isInteger(1)) // bytes in memory, 32-bit lanes here
    return op->emitError("kiln C++ backend: vector transfers of i1");
  if (vector.getRank() == 0) {
    SmallVector<OpFoldResult> idx(indices.begin(), indices.end());
    auto off = offset(type, idx, op);
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
  auto addr = address(memref, indices, op);
  auto cpp = cppType(vector, op);
  if (failed(addr) || failed(cpp))
    return failure();
  int64_t lanes = vector.getShape()[0], stride = lastStride(type);
  int64_t count = chunks(vector);
  Strings values = stored ? piecesOf(stored, count) : Strings();
  Strings loaded;
  for (int64_t c = 0; c < count; ++c) {
    std::string n = std::to_string(std::min(width, lanes - c * width));
    std::string at = *addr + (c ? " + " + std::to_string(c * width * stride) : "");
    std::string s = std::to_string(stride);
    if (stored) {
      line(stride == 1 ? "kiln::store<" + n + ">(" + at + ", " + values[c] + ");"
                       : "kiln::store_strided<" + n + ">(" + at + ", " + s + ", " + values[c] + ");");
      continue;
    }
    auto v = declare(vector, stride == 1 ? "kiln::load<" + *cpp + ", " + n + ">(" + at + ")"
                                         : "kiln::load_strided<" + *cpp + ", " + n + ">(" + at +
                                               ", " + s + ")",
                     op);
    if (failed(v))
      return failure();
    owner[*v] = op->getResult(0);
    loaded.push_back(*v);
  }
  if (!stored) {
    if (count == 1)
      names[op->getResult(0)] = loaded[0];
    else
      rows[op->getResult(0)] = loaded;
  }
  return success();
}

LogicalResult Printer::printReduction(Operation *op) {
  auto red = cast<vector::ReductionOp>(op);
  VectorType type = red.getSourceVectorType();
  if (type.getRank() != 1)
    return op->emitError("kiln C++ backend: only 1-D reductions");
  using K = vector::CombiningKind;
  const char *fn = nullptr, *combine = nullptr, *identity = nullptr;
  switch (red.getKind()) {
  case K::ADD: fn = "reduce_add"; combine = "+"; identity = "0"; break;
  case K::MUL: fn = "reduce_mul"; combine = "*"; identity = "1"; break;
  case K::MAXIMUMF: fn = "reduce_max"; combine = "max"; identity = "-__builtin_inff()"; break;
  case K::MINIMUMF: fn = "reduce_min"; combine = "min"; identity = "__builtin_inff()"; break;
  default:
    return op->emitError("kiln C++ backend: reduction kind ")
           << vector::stringifyCombiningKind(red.getKind());
  }
  auto apply = [&](const std::string &a, const std::string &b) {
    return combine[1] ? std::string("kiln::") + combine + "(" + a + ", " + b + ")"
                      : paren(a) + " " + combine + " " + paren(b);
  };
  int64_t lanes = type.getShape()[0], count = chunks(type);
  std::string r;
  if (count == 1) {
    r = std::string("kiln::") + fn + "<" + std::to_string(lanes) + ">(" + name(red.getVector()) + ")";
  } else {
    // The order of one vector of P = 2^k lanes folded in halves (as LLVM's
    // reassociating reduction): pieces in halves, then the lanes of one.
    auto cpp = cppType(type, op);
    if (failed(cpp))
      return failure();
    Strings parts = piecesOf(red.getVector(), count);
    int64_t last = lanes - (count - 1) * width;
    if (last < width) {
      auto padded = declare(type, std::string("kiln::pad<") + std::to_string(last) + ">(" +
                                      parts.back() + ", " + identity + ")", op);
      if (failed(padded))
        return failure();
      parts.back() = *padded;
    }
    std::string none = "kiln::splat<" + *cpp + ">(" + identity + ")";
    while ((int64_t)parts.size() < powerOfTwoAtLeast(count))
      parts.push_back(none);
    for (size_t half = parts.size() / 2; half >= 1; half /= 2)
      for (size_t i = 0; i < half; ++i) {
        auto n = declare(type, apply(parts[i], parts[i + half]), op);
        if (failed(n))
          return failure();
        parts[i] = *n;
      }
    r = std::string("kiln::") + fn + "<" + std::to_string(width) + ">(" + parts[0] + ")";
  }
  if (Value acc = red.getAcc())
    r = apply(name(acc), r);
  return assign(red, r, op);
}

LogicalResult Printer::printVector(Operation *op) {
  auto fail = [&](const Twine &why) {
    return op->emitError("kiln C++ backend: cannot print '") << op->getName() << "': " << why;
  };
  // Every lane of 1-D vector `v`, with its piece.
  auto lanesOf = [&](Value v) -> FailureOr<SmallVector<Lane>> {
    auto type = cast<VectorType>(v.getType());
    auto cpp = cppType(type, op);
    if (failed(cpp))
      return failure();
    Strings parts = piecesOf(v, chunks(type));
    SmallVector<Lane> out;
    for (int64_t l = 0; l < type.getShape()[0]; ++l)
      out.push_back({paren(parts[l / width]), l % width, *cpp});
    return out;
  };
  RowBuilder builder{width, [&](const std::string &type, const std::string &expr)
                                -> FailureOr<std::string> {
                       std::string n = fresh();
                       line(type + " " + n + " = " + expr + ";");
                       return n;
                     }};
  auto buildRow = [&](Value result, ArrayRef<Lane> from) -> LogicalResult {
    auto type = cast<VectorType>(result.getType());
    auto cpp = cppType(type, op);
    if (failed(cpp))
      return failure();
    auto list = builder.build(from, *cpp, std::min(powerOfTwoAtLeast(type.getShape()[0]), width));
    if (failed(list))
      return failure();
    setPieces(result, *list);
    return success();
  };
  if (auto read = dyn_cast<vector::TransferReadOp>(op)) {
    if (read.getMask() || !read.getPermutationMap().isMinorIdentity() ||
        llvm::is_contained(read.getInBoundsValues(), false) ||
        !isa<MemRefType>(read.getSource().getType()))
      return fail("only in-bounds, unmasked, minor-identity reads of memrefs");
    return printTransfer(op, read.getSource(), read.getIndices(), read.getVectorType(), {});
  }
  if (auto write = dyn_cast<vector::TransferWriteOp>(op)) {
    if (write.getMask() || !write.getPermutationMap().isMinorIdentity() ||
        llvm::is_contained(write.getInBoundsValues(), false) ||
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

  // Splats and broadcasts: one variable, repeated.
  auto splat = [&](Value result, Value scalar) -> LogicalResult {
    if (!isVector(result.getType())) {
      names[result] = name(scalar);
      return success();
    }
    auto row = cppType(result.getType(), op);
    if (failed(row))
      return failure();
    std::string value = name(scalar);
    if (getElementTypeOrSelf(result.getType()).isInteger(1)) // masks are -1/0
      value = paren(value) + " ? -1 : 0";
    std::string text = "kiln::splat<" + *row + ">(" + value + ")";
    if (!isMulti(result.getType()))
      return assign(result, text, op);
    auto n = declare(result.getType(), text, op);
    if (failed(n))
      return failure();
    rows[result] = Strings(pieces(result.getType()), *n);
    return success();
  };
  if (auto s = dyn_cast<vector::SplatOp>(op))
    return splat(s, s.getInput());
  if (auto b = dyn_cast<vector::BroadcastOp>(op)) {
    if (!isVector(b.getSourceType()))
      return splat(b, b.getSource());
    VectorType out = b.getResultVectorType();
    auto in = cast<VectorType>(b.getSourceType());
    ArrayRef<int64_t> inShape = in.getShape(), outShape = out.getShape();
    while (inShape.size() > 1 && inShape.front() == 1)
      inShape = inShape.drop_front();
    if (inShape.size() > outShape.size() || outShape.take_back(inShape.size()) != inShape)
      return fail("only broadcasts along new leading dimensions");
    // Row i of the result is row (i mod rows of the source) of the source.
    int64_t c = chunks(out), sourceRows = rowCount(in);
    Strings from = piecesOf(b.getSource(), pieces(in)), to;
    for (int64_t i = 0; i < rowCount(out); ++i)
      for (int64_t j = 0; j < c; ++j)
        to.push_back(from[(i % sourceRows) * c + j]);
    setPieces(b, to);
    return success();
  }
  if (isa<vector::ExtractOp, vector::ExtractElementOp>(op))
    return printExtract(op);
  if (isa<vector::InsertOp, vector::InsertElementOp>(op))
    return printInsert(op);
  if (auto sh = dyn_cast<vector::ShuffleOp>(op)) {
    if (sh.getV1VectorType().getRank() != 1 || sh.getV2VectorType().getRank() != 1)
      return fail("only 1-D shuffles");
    auto a = lanesOf(sh.getV1()), b = lanesOf(sh.getV2());
    if (failed(a) || failed(b))
      return failure();
    SmallVector<Lane> from;
    for (Attribute m : sh.getMask()) {
      int64_t i = cast<IntegerAttr>(m).getInt();
      from.push_back(i < (int64_t)a->size() ? (*a)[i] : (*b)[i - a->size()]);
    }
    return buildRow(sh, from);
  }
  auto unit = [](ArrayAttr strides) {
    return llvm::all_of(strides, [](Attribute s) { return cast<IntegerAttr>(s).getInt() == 1; });
  };
  if (auto ex = dyn_cast<vector::ExtractStridedSliceOp>(op)) {
    if (ex.getSourceVectorType().getRank() != 1 || !unit(ex.getStrides()))
      return fail("only 1-D, unit-stride slices");
    auto all = lanesOf(ex.getVector());
    if (failed(all))
      return failure();
    int64_t off = cast<IntegerAttr>(ex.getOffsets()[0]).getInt();
    return buildRow(ex, ArrayRef<Lane>(*all).slice(off, ex.getType().getShape()[0]));
  }
  if (auto ins = dyn_cast<vector::InsertStridedSliceOp>(op)) {
    if (ins.getDestVectorType().getRank() != 1 || !unit(ins.getStrides()))
      return fail("only 1-D, unit-stride slices");
    auto all = lanesOf(ins.getDest()), part = lanesOf(ins.getSource());
    if (failed(all) || failed(part))
      return failure();
    int64_t off = cast<IntegerAttr>(ins.getOffsets()[0]).getInt();
    std::copy(part->begin(), part->end(), all->begin() + off);
    return buildRow(ins, *all);
  }
  if (auto fma = dyn_cast<vector::FMAOp>(op))
    return define(fma, fma->getOperands(), op, [](ArrayRef<std::string> o) {
      return "kiln::fma(" + llvm::join(o, ", ") + ")";
    });
  if (isa<vector::ReductionOp>(op))
    return printReduction(op);
  if (auto g = dyn_cast<vector::GatherOp>(op)) {
    VectorType vt = g.getVectorType();
    if (rowCount(vt) != 1 || vt.getElementType().isInteger(1))
      return fail("only gathers of one row, not of i1");
    auto addr = address(g.getBase(), g.getIndices(), op);
    if (failed(addr))
      return failure();
    int64_t count = chunks(vt), lanes = vt.getShape().back();
    Strings idx = piecesOf(g.getIndexVec(), count), mask = piecesOf(g.getMask(), count),
            pass = piecesOf(g.getPassThru(), count), out;
    for (int64_t c = 0; c < count; ++c) {
      auto n = declare(vt, "kiln::gather<" + std::to_string(std::min(width, lanes - c * width)) +
                               ">(" + *addr + ", " + idx[c] + ", " + mask[c] + ", " + pass[c] + ")",
                       op);
      if (failed(n))
        return failure();
      out.push_back(*n);
    }
    setPieces(g, out);
    return success();
  }
  return fail("no C++ form");
}

LogicalResult Printer::printExtract(Operation *op) {
  Value result = op->getResult(0), vector = op->getOperand(0);
  auto src = cast<VectorType>(vector.getType());
  SmallVector<OpFoldResult> pos = positionsOf(op);
  size_t rank = src.getRank();
  if (rank == 0 || pos.empty()) {
    setPieces(result, piecesOf(vector, isVector(src) ? pieces(src) : 1));
    return success();
  }
  Strings from = piecesOf(vector, pieces(src));
  int64_t c = chunks(src);
  std::optional<int64_t> row = rowIndex(src, pos, pos.size());
  if (!row)
    return op->emitError("kiln C++ backend: extract at a dynamic row");
  if (pos.size() == rank) { // one lane
    OpFoldResult l = pos.back();
    if (auto a = dyn_cast<Attribute>(l)) {
      int64_t lane = cast<IntegerAttr>(a).getInt();
      return assign(result, paren(from[*row * c + lane / width]) + "[" +
                                std::to_string(lane % width) + "]", op);
    }
    if (c != 1)
      return op->emitError("kiln C++ backend: a dynamic lane of a vector wider than ")
             << width << " lanes";
    return assign(result, paren(from[*row]) + "[" + positionText(l) + "]", op);
  }
  int64_t count = pieces(result.getType());
  setPieces(result, Strings(from.begin() + *row * c, from.begin() + *row * c + count));
  return success();
}

LogicalResult Printer::printInsert(Operation *op) {
  Value result = op->getResult(0), source = op->getOperand(0), dest = op->getOperand(1);
  auto dst = cast<VectorType>(dest.getType());
  SmallVector<OpFoldResult> pos = positionsOf(op);
  size_t rank = dst.getRank();
  if (rank == 0 || pos.empty()) {
    setPieces(result, piecesOf(source, isVector(dst) ? pieces(dst) : 1));
    return success();
  }
  Strings to = piecesOf(dest, pieces(dst));
  // The pieces dest owned are the result's when dest dies here (in this
  // block: a value from outside a loop is read again by the next trip).
  if (dest.hasOneUse() && dest.getParentBlock() == op->getBlock())
    for (const std::string &p : to)
      if (auto it = owner.find(p); it != owner.end() && it->second == dest)
        it->second = result;
  int64_t c = chunks(dst);
  std::optional<int64_t> row = rowIndex(dst, pos, pos.size());
  if (!row)
    return op->emitError("kiln C++ backend: insert at a dynamic row");
  if (pos.size() == rank) { // one lane
    OpFoldResult l = pos.back();
    int64_t piece = *row * c;
    std::string lane = positionText(l);
    if (auto a = dyn_cast<Attribute>(l)) {
      int64_t i = cast<IntegerAttr>(a).getInt();
      piece += i / width;
      lane = std::to_string(i % width);
    } else if (c != 1) {
      return op->emitError("kiln C++ backend: a dynamic lane of a vector wider than ")
             << width << " lanes";
    }
    std::string var = to[piece];
    auto it = owner.find(var);
    if (it == owner.end() || it->second != result || !dest.hasOneUse() ||
        dest.getParentBlock() != op->getBlock()) {
      auto n = declare(dst, var, op);
      if (failed(n))
        return failure();
      var = *n;
      owner[var] = result;
    }
    std::string value = name(source);
    if (dst.getElementType().isInteger(1)) // masks are -1/0
      value = paren(value) + " ? -1 : 0";
    line(var + "[" + lane + "] = " + value + ";");
    to[piece] = var;
  } else {
    Strings part = piecesOf(source, pieces(source.getType()));
    std::copy(part.begin(), part.end(), to.begin() + *row * c);
  }
  setPieces(result, to);
  return success();
}

} // namespace kiln::cpp
