//===- ParallelLoops.cpp - Kernels that threads may split -----------------===//
//
// kernel-tile marks the tile loop over a parallel dimension; that alone
// does not make its iterations independent once fused producers, their
// temporaries and the workspace plan are in the picture. The check here is
// on what the loop does to memory: an iteration that reads and writes
// only its own slab of every buffer it writes cannot see or clobber
// another's, so any split of its iterations computes the same bits.
//
#include "compiler/codegen/ParallelLoops.h"
#include "dialects/Kernel/IR/KernelAttrs.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;

namespace kiln {
namespace {

/// A memory access of the loop: its buffer, indices and the extent of each
/// dimension it touches.
struct Access {
  Value memref;
  SmallVector<Value> indices;
  SmallVector<int64_t> extents;
  bool write;
};

/// The access `op` makes, or nullopt for an op that touches memory in a way
/// not described here (a copy, a call: the loop is then not split).
std::optional<std::optional<Access>> accessOf(Operation *op) {
  auto extentsOf = [](MemRefType type, VectorType vector) {
    SmallVector<int64_t> extents(type.getRank(), 1);
    if (vector)
      for (int64_t j = 0; j < vector.getRank(); ++j)
        extents[type.getRank() - vector.getRank() + j] = vector.getDimSize(j);
    return extents;
  };
  auto make = [&](Value memref, ValueRange indices, VectorType vector, bool write)
      -> std::optional<std::optional<Access>> {
    auto type = dyn_cast<MemRefType>(memref.getType());
    if (!type || (vector && vector.getRank() > type.getRank()))
      return std::nullopt;
    return Access{memref, SmallVector<Value>(indices), extentsOf(type, vector), write};
  };
  // A transfer touches, along the memref dim each vector dim maps to, the
  // vector's size (a read across tap planes: a column of a [5, 1] vector).
  auto transfer = [&](VectorTransferOpInterface t, bool write)
      -> std::optional<std::optional<Access>> {
    AffineMap map = t.getPermutationMap();
    auto type = dyn_cast<MemRefType>(t.getSource().getType());
    if (t.getMask() || !type || !map.isProjectedPermutation(/*allowZeroInResults=*/false))
      return std::nullopt;
    if (map.isMinorIdentity())
      return make(t.getSource(), t.getIndices(), t.getVectorType(), write);
    SmallVector<int64_t> extents(type.getRank(), 1);
    for (auto [k, e] : llvm::enumerate(map.getResults()))
      extents[cast<AffineDimExpr>(e).getPosition()] = t.getVectorType().getDimSize(k);
    return Access{t.getSource(), SmallVector<Value>(t.getIndices()), extents, write};
  };
  if (auto w = dyn_cast<vector::TransferWriteOp>(op))
    return transfer(w, true);
  if (auto r = dyn_cast<vector::TransferReadOp>(op))
    return transfer(r, false);
  if (auto s = dyn_cast<vector::StoreOp>(op))
    return make(s.getBase(), s.getIndices(), s.getVectorType(), true);
  if (auto l = dyn_cast<vector::LoadOp>(op))
    return make(l.getBase(), l.getIndices(), l.getVectorType(), false);
  if (auto s = dyn_cast<memref::StoreOp>(op))
    return make(s.getMemRef(), s.getIndices(), nullptr, true);
  if (auto l = dyn_cast<memref::LoadOp>(op))
    return make(l.getMemRef(), l.getIndices(), nullptr, false);
  // A prefetch is a hint: it changes no memory. An alloca makes a buffer
  // (its accesses are checked where they are).
  if (isMemoryEffectFree(op) || op->hasTrait<OpTrait::HasRecursiveMemoryEffects>() ||
      isa<memref::PrefetchOp, memref::AllocaOp>(op))
    return std::optional<Access>(); // touches nothing itself
  return std::nullopt;
}

/// The buffer `memref` is a view of: through subviews, reshapes, casts, up
/// to a kernel argument or a `memref.view` of the workspace. Distinct roots
/// are distinct memory: the workspace plan never lets two temporaries that
/// one top-level loop uses share bytes (Workspace.cpp: lifetimes are whole
/// top-level ops; a temporary made inside a split loop has a slot per trip,
/// each a view of its own), and the runtime's tables point at separate
/// tensors.
Value rootOf(Value memref) {
  while (Operation *def = memref.getDefiningOp()) {
    auto view = dyn_cast<ViewLikeOpInterface>(def);
    if (!view || isa<memref::ViewOp>(def))
      break;
    memref = view.getViewSource();
  }
  return memref;
}

/// `v` as iv * coefficient + [lo, hi]: a linear form in the induction
/// variable `iv` of the loop being split, plus the range of everything else
/// (constants, and induction variables of loops inside it with constant
/// bounds), through affine.apply and integer adds and constant multiplies.
struct Linear {
  int64_t ivCoefficient = 0, lo = 0, hi = 0;
};

std::optional<Linear> linearIn(Value v, Value iv, scf::ForOp loop);

std::optional<Linear> evalAffine(AffineExpr e, ValueRange dims, ValueRange syms,
                                 Value iv, scf::ForOp loop) {
  if (auto c = dyn_cast<AffineConstantExpr>(e))
    return Linear{0, c.getValue(), c.getValue()};
  if (auto d = dyn_cast<AffineDimExpr>(e))
    return linearIn(dims[d.getPosition()], iv, loop);
  if (auto s = dyn_cast<AffineSymbolExpr>(e))
    return linearIn(syms[s.getPosition()], iv, loop);
  auto bin = cast<AffineBinaryOpExpr>(e);
  std::optional<Linear> l = evalAffine(bin.getLHS(), dims, syms, iv, loop);
  std::optional<Linear> r = evalAffine(bin.getRHS(), dims, syms, iv, loop);
  if (!l || !r)
    return std::nullopt;
  if (e.getKind() == AffineExprKind::Add)
    return Linear{l->ivCoefficient + r->ivCoefficient, l->lo + r->lo, l->hi + r->hi};
  if (e.getKind() == AffineExprKind::Mul && r->ivCoefficient == 0 && r->lo == r->hi &&
      r->lo >= 0)
    return Linear{l->ivCoefficient * r->lo, l->lo * r->lo, l->hi * r->lo};
  return std::nullopt;
}

std::optional<Linear> linearIn(Value v, Value iv, scf::ForOp loop) {
  if (v == iv)
    return Linear{1, 0, 0};
  if (std::optional<int64_t> c = getConstantIntValue(v))
    return Linear{0, *c, *c};
  if (auto arg = dyn_cast<BlockArgument>(v)) {
    auto inner = dyn_cast<scf::ForOp>(arg.getOwner()->getParentOp());
    if (!inner || inner == loop || arg != inner.getInductionVar() ||
        !loop->isProperAncestor(inner))
      return std::nullopt;
    std::optional<int64_t> lb = getConstantIntValue(inner.getLowerBound());
    std::optional<int64_t> ub = getConstantIntValue(inner.getUpperBound());
    std::optional<int64_t> step = getConstantIntValue(inner.getStep());
    if (!lb || !ub || *ub <= *lb)
      return std::nullopt;
    // Its last value: a loop over register tiles inside a cache tile
    // reaches the tile's last register tile, not its last element.
    int64_t last = step && *step > 0 ? *lb + (*ub - 1 - *lb) / *step * *step : *ub - 1;
    return Linear{0, *lb, last};
  }
  Operation *def = v.getDefiningOp();
  if (auto apply = dyn_cast_or_null<affine::AffineApplyOp>(def)) {
    AffineMap map = apply.getAffineMap();
    return evalAffine(map.getResult(0), apply.getDimOperands(), apply.getSymbolOperands(),
                      iv, loop);
  }
  if (auto add = dyn_cast_or_null<arith::AddIOp>(def)) {
    std::optional<Linear> l = linearIn(add.getLhs(), iv, loop);
    std::optional<Linear> r = linearIn(add.getRhs(), iv, loop);
    if (!l || !r)
      return std::nullopt;
    return Linear{l->ivCoefficient + r->ivCoefficient, l->lo + r->lo, l->hi + r->hi};
  }
  return std::nullopt;
}

/// Whether the elements of `type` at distinct indices along `dim` are
/// distinct memory: with the identity layout always; with strides, when the
/// stride along `dim` exceeds the span of all the other dims (a pooling
/// tap's window [N, OH, OW, C] at strides 2 in [N, H, W, C], along N).
bool disjointSlabs(MemRefType type, int64_t dim) {
  if (type.getLayout().isIdentity())
    return true;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(getStridesAndOffset(type, strides, offset)) || !type.hasStaticShape())
    return false;
  int64_t span = 0;
  for (auto [d, stride] : llvm::enumerate(strides)) {
    if (type.getDimSize(d) == 1)
      continue;
    if (ShapedType::isDynamic(stride) || stride <= 0)
      return false;
    if ((int64_t)d != dim)
      span += (type.getDimSize(d) - 1) * stride;
  }
  return type.getDimSize(dim) == 1 || strides[dim] > span;
}

/// Whether `v` is a view of the workspace at a byte offset iv * c + k with
/// c * step at least its size: each trip of `loop` has bytes of its own.
bool tripsOwnView(Value v, scf::ForOp loop) {
  auto view = v.getDefiningOp<memref::ViewOp>();
  std::optional<int64_t> step = getConstantIntValue(loop.getStep());
  if (!view || !step || !view.getSizes().empty() || !view.getType().hasStaticShape())
    return false;
  MemRefType type = view.getType();
  if (!type.getElementType().isIntOrFloat())
    return false;
  int64_t bytes = type.getNumElements() * ((type.getElementTypeBitWidth() + 7) / 8);
  std::optional<int64_t> stride = perTripStride(view.getByteShift(), loop);
  return stride && *stride * *step >= bytes;
}

/// Whether every iteration of `loop` reads and writes, of each buffer it
/// writes, only the slab [c * iv, c * (iv + step)) along one dimension.
bool ownSlabsOnly(scf::ForOp loop, int64_t step) {
  SmallVector<Access> accesses;
  bool known = true;
  loop.getBody()->walk([&](Operation *op) {
    std::optional<std::optional<Access>> a = accessOf(op);
    if (!a) {
      known = false;
      return WalkResult::interrupt();
    }
    if (!*a)
      return WalkResult::advance();
    // A stack buffer made inside the loop is each trip's own
    // (kernel-local-scratch; kernel-hoist-allocas gives each thread one), and
    // so is a workspace slot per trip (kiln-workspace).
    Value root = rootOf((*a)->memref);
    if (loop.isDefinedOutsideOfLoop(root) ||
        !(isa_and_nonnull<memref::AllocaOp>(root.getDefiningOp()) || tripsOwnView(root, loop)))
      accesses.push_back(**a);
    return WalkResult::advance();
  });
  if (!known)
    return false;
  Value iv = loop.getInductionVar();
  // A written buffer is accessed, everywhere in the loop, through one view
  // (itself, or a strided window of it such as a pooling's taps write): a
  // second view would index other elements; made in the loop it could be
  // any memory. Slabs along a dimension of that view must be disjoint
  // (below).
  // view -> its slab dim and the multiple c of iv there (one c per view:
  // rows 2 iv + [0, 1] and row iv would meet at row 2 of trips 1 and 2).
  llvm::DenseMap<Value, std::optional<std::pair<int64_t, int64_t>>> slabDim;
  llvm::DenseMap<Value, Value> writtenView;               // buffer -> its view
  for (const Access &a : accesses)
    if (a.write) {
      if (!loop.isDefinedOutsideOfLoop(a.memref) ||
          writtenView.try_emplace(rootOf(a.memref), a.memref).first->second != a.memref)
        return false;
      slabDim.try_emplace(a.memref, std::nullopt);
    }
  for (const Access &a : accesses) {
    auto view = writtenView.find(rootOf(a.memref));
    if (view != writtenView.end() && view->second != a.memref)
      return false; // another view of a written buffer
    auto it = slabDim.find(a.memref);
    if (it == slabDim.end())
      continue; // only read in the loop
    // Along its slab dim an access is c * iv + [lo, hi] with the extent it
    // touches from there inside [c * iv, c * (iv + step)) (c > 1: a loop
    // over blocks of rows, as a recurrence's batch blocks).
    std::optional<std::pair<int64_t, int64_t>> slab;
    for (auto [d, index] : llvm::enumerate(a.indices)) {
      std::optional<Linear> f = linearIn(index, iv, loop);
      if (f && f->ivCoefficient >= 1 && f->lo >= 0 &&
          f->hi + a.extents[d] <= f->ivCoefficient * step) {
        slab = {int64_t(d), f->ivCoefficient};
        break;
      }
    }
    if (!slab || (it->second && *it->second != *slab))
      return false;
    it->second = slab;
  }
  for (auto [view, slab] : slabDim)
    if (!slab || !disjointSlabs(cast<MemRefType>(view.getType()), slab->first))
      return false;
  return true;
}

/// The bytes `op` loads or stores (a vector transfer, load or store, a
/// scalar load or store); 0 for any other op.
int64_t bytesMoved(Operation *op) {
  Type type;
  if (auto t = dyn_cast<VectorTransferOpInterface>(op))
    type = t.getVectorType();
  else if (auto l = dyn_cast<vector::LoadOp>(op))
    type = l.getVectorType();
  else if (auto st = dyn_cast<vector::StoreOp>(op))
    type = st.getVectorType();
  else if (auto l = dyn_cast<memref::LoadOp>(op))
    type = l.getType();
  else if (auto st = dyn_cast<memref::StoreOp>(op))
    type = st.getValueToStore().getType();
  else if (auto l = dyn_cast<affine::AffineLoadOp>(op))
    type = l.getType();
  else if (auto st = dyn_cast<affine::AffineStoreOp>(op))
    type = st.getValueToStore().getType();
  if (!type)
    return 0;
  auto vector = dyn_cast<VectorType>(type);
  Type element = vector ? vector.getElementType() : type;
  if (!element.isIntOrFloat())
    return 0;
  int64_t count = vector ? vector.getNumElements() : 1;
  return (count * element.getIntOrFloatBitWidth() + 7) / 8;
}

/// What one trip of a loop does: ops run and bytes loaded or stored,
/// nested loops with constant bounds counted as often as they run.
struct Work {
  int64_t ops = 0, bytes = 0;
};

Work workPerTrip(scf::ForOp loop) {
  Work w;
  for (Operation &op : *loop.getBody()) {
    if (auto inner = dyn_cast<scf::ForOp>(op)) {
      std::optional<int64_t> lb = getConstantIntValue(inner.getLowerBound());
      std::optional<int64_t> ub = getConstantIntValue(inner.getUpperBound());
      std::optional<int64_t> step = getConstantIntValue(inner.getStep());
      int64_t trips = lb && ub && step && *step > 0 ? (*ub - *lb + *step - 1) / *step : 1;
      Work body = workPerTrip(inner);
      w.ops += std::max<int64_t>(trips, 1) * body.ops;
      w.bytes += std::max<int64_t>(trips, 1) * body.bytes;
      continue;
    }
    int64_t ops = 0;
    op.walk([&](Operation *nested) {
      ++ops;
      w.bytes += bytesMoved(nested);
    });
    w.ops += std::max<int64_t>(ops - 1, 1);
  }
  return w;
}

} // namespace

Value perTripOffset(OpBuilder &b, Location loc, Value iv, int64_t stride, Value base) {
  Value c = b.create<arith::ConstantIndexOp>(loc, stride);
  return b.create<arith::AddIOp>(loc, b.create<arith::MulIOp>(loc, iv, c), base);
}

std::optional<int64_t> perTripStride(Value shift, scf::ForOp loop) {
  auto add = shift.getDefiningOp<arith::AddIOp>();
  if (!add)
    return std::nullopt;
  for (auto [product, base] : {std::pair(add.getLhs(), add.getRhs()),
                               std::pair(add.getRhs(), add.getLhs())}) {
    auto mul = product.getDefiningOp<arith::MulIOp>();
    if (!mul || !loop.isDefinedOutsideOfLoop(base))
      continue;
    for (auto [iv, c] : {std::pair(mul.getLhs(), mul.getRhs()), std::pair(mul.getRhs(), mul.getLhs())})
      if (iv == loop.getInductionVar())
        if (std::optional<int64_t> stride = getConstantIntValue(c); stride && *stride > 0)
          return stride;
  }
  return std::nullopt;
}

std::optional<int64_t> splitForThreads(scf::ForOp loop, Block &body) {
  if (!loop->hasAttr(kernel::kParallelAttr) || loop.getNumResults() != 0)
    return std::nullopt;
  std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound());
  std::optional<int64_t> ub = getConstantIntValue(loop.getUpperBound());
  std::optional<int64_t> step = getConstantIntValue(loop.getStep());
  if (!lb || !ub || !step || *step <= 0 || *ub <= *lb)
    return std::nullopt;
  int64_t trips = (*ub - *lb + *step - 1) / *step;
  // Below this much work, waking threads costs more than it saves.
  // Memory counts as work: a copy is one load and one store per vector,
  // yet its time is the bytes it moves.
  Work w = workPerTrip(loop);
  if (trips < 2 || trips * (w.ops * kBytesPerOp + w.bytes) < kMinParallelOps * kBytesPerOp ||
      !ownSlabsOnly(loop, *step))
    return std::nullopt;
  // lb' = lb + begin * step, ub' = min(ub, lb + end * step).
  OpBuilder b(loop);
  Location loc = loop.getLoc();
  Value begin = body.addArgument(b.getIndexType(), loc);
  Value end = body.addArgument(b.getIndexType(), loc);
  Value stepValue = loop.getStep(), base = loop.getLowerBound();
  auto at = [&](Value trip) {
    return b.create<arith::AddIOp>(loc, base, b.create<arith::MulIOp>(loc, trip, stepValue));
  };
  Value first = at(begin);
  Value last = b.create<arith::MinSIOp>(loc, at(end), loop.getUpperBound());
  loop.getLowerBoundMutable().assign(first);
  loop.getUpperBoundMutable().assign(last);
  return trips;
}

} // namespace kiln
