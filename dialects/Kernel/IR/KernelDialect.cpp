//===- KernelDialect.cpp - kernel dialect registration and verifiers ------===//
#include "dialects/Kernel/IR/KernelDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace kiln::kernel;

#include "dialects/Kernel/IR/KernelDialect.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/Kernel/IR/KernelAttrDefs.cpp.inc"

void KernelDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/Kernel/IR/KernelOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/Kernel/IR/KernelAttrDefs.cpp.inc"
      >();
}

#define GET_OP_CLASSES
#include "dialects/Kernel/IR/KernelOps.cpp.inc"

//===----------------------------------------------------------------------===//
// #kernel.schedule
//===----------------------------------------------------------------------===//

// `<tile = [..], reduce = [..], cache = [..], order = [..], lanes = N,
// packed = "rhs", epilogue = [..]>`, every key optional, in this order;
// empty lists and default values are not printed.

Attribute ScheduleAttr::parse(AsmParser &p, Type) {
  SmallVector<int64_t> lists[4], epilogue;
  static constexpr StringLiteral keys[] = {"tile", "reduce", "cache", "order"};
  int64_t lanes = 0;
  std::string packed;
  if (p.parseLess())
    return {};
  if (succeeded(p.parseOptionalGreater()))
    return get(p.getContext(), {}, {}, {}, {}, 0, "", {});
  int next = 0; // keys come in order, each at most once
  do {
    StringRef key;
    SMLoc at = p.getCurrentLocation();
    if (p.parseKeyword(&key) || p.parseEqual())
      return {};
    const auto *known = llvm::find(keys, key);
    int index = known != std::end(keys) ? known - keys
                : key == "lanes"       ? 4
                : key == "packed"      ? 5
                : key == "epilogue"    ? 6
                                       : -1;
    if (index < 0) {
      p.emitError(at, "unknown schedule key '") << key << "'";
      return {};
    }
    if (index < next) {
      p.emitError(at, "schedule key '") << key << "' out of order or repeated";
      return {};
    }
    next = index + 1;
    if (index < 4 || index == 6) {
      SmallVector<int64_t> &list = index < 4 ? lists[index] : epilogue;
      if (p.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&] {
            return p.parseInteger(list.emplace_back());
          }))
        return {};
    } else if (index == 4 ? p.parseInteger(lanes) : p.parseString(&packed)) {
      return {};
    }
  } while (succeeded(p.parseOptionalComma()));
  if (p.parseGreater())
    return {};
  return getChecked([&] { return p.emitError(p.getNameLoc()); }, p.getContext(),
                    lists[0], lists[1], lists[2], lists[3], lanes, packed, epilogue);
}

void ScheduleAttr::print(AsmPrinter &p) const {
  bool first = true;
  auto key = [&](StringRef k) {
    p << (first ? "" : ", ") << k << " = ";
    first = false;
  };
  auto list = [&](StringRef k, ArrayRef<int64_t> v) {
    if (v.empty())
      return;
    key(k);
    p << '[';
    llvm::interleaveComma(v, p);
    p << ']';
  };
  p << '<';
  list("tile", getTile());
  list("reduce", getReduce());
  list("cache", getCache());
  list("order", getOrder());
  if (getLanes() != 0) {
    key("lanes");
    p << getLanes();
  }
  if (!getPacked().empty()) {
    key("packed");
    p.printString(getPacked());
  }
  list("epilogue", getEpilogue());
  p << '>';
}

LogicalResult ScheduleAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                   ArrayRef<int64_t> tile, ArrayRef<int64_t> reduce,
                                   ArrayRef<int64_t> cache, ArrayRef<int64_t> order,
                                   int64_t lanes, StringRef packed,
                                   ArrayRef<int64_t> epilogue) {
  for (auto [name, sizes] : {std::pair{"tile", tile}, {"reduce", reduce}, {"cache", cache},
                             {"epilogue", epilogue}})
    for (int64_t s : sizes)
      if (s < 0)
        return emitError() << name << " sizes must be non-negative, got " << s;
  if (!epilogue.empty() && ((cache.size() != tile.size() &&
                             cache.size() != tile.size() + reduce.size()) ||
                            !order.empty()))
    return emitError() << "an epilogue schedule needs cache tiles over the "
                       << tile.size() << " tiled loops (and optionally chunks of the "
                       << reduce.size() << " reduced) and no order, got " << cache.size()
                       << " cache tiles";
  if (!order.empty()) {
    SmallVector<int64_t> sorted(order);
    llvm::sort(sorted);
    if (order.size() != cache.size() ||
        !llvm::equal(sorted, llvm::seq<int64_t>(0, order.size())))
      return emitError() << "order must be a permutation of the " << cache.size()
                         << " cache loops";
  }
  if (lanes < 0)
    return emitError() << "lanes must be non-negative, got " << lanes;
  if (!packed.empty() && packed != "rhs")
    return emitError() << "packed must be \"rhs\" or empty, got \"" << packed << "\"";
  return success();
}

//===----------------------------------------------------------------------===//
// kernel.group
//===----------------------------------------------------------------------===//

LogicalResult GroupOp::verify() {
  auto yield = cast<YieldOp>(getBody().front().getTerminator());
  if (yield.getValues().getTypes() != getResultTypes())
    return emitOpError("yields ")
           << yield.getValues().size() << " values whose types differ from the "
           << getNumResults() << " results";
  return success();
}
