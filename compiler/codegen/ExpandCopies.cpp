//===- ExpandCopies.cpp - Strided memref.copy as loops, not a runtime call ===//
//
// finalize-memref-to-llvm lowers a copy between identity layouts to memcpy
// but a strided one to a call of MLIR's `memrefCopy`, which lives in a
// runtime library generated code must never need. Such copies become
// linalg.copy here, and loops with the rest of linalg.
//
#include "compiler/Passes.h"

namespace kiln {
#define GEN_PASS_DEF_EXPANDCOPIESPASS
#include "compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

struct ExpandCopiesPass : kiln::impl::ExpandCopiesPassBase<ExpandCopiesPass> {
  void runOnOperation() override {
    getOperation().walk([](memref::CopyOp copy) {
      auto src = cast<MemRefType>(copy.getSource().getType());
      auto dst = cast<MemRefType>(copy.getTarget().getType());
      if (src.getLayout().isIdentity() && dst.getLayout().isIdentity())
        return; // a memcpy
      OpBuilder b(copy);
      b.create<linalg::CopyOp>(copy.getLoc(), copy.getSource(), copy.getTarget());
      copy.erase();
    });
  }
};

} // namespace
