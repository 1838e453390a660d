//===- Codegen.h - LLVM dialect to object file, header and executable -----===//
#ifndef KILN_COMPILER_CODEGEN_CODEGEN_H
#define KILN_COMPILER_CODEGEN_CODEGEN_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/SmallVector.h"
#include "mlir/Support/Timing.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/ToolOutputFile.h"
#include <string>
#include <vector>

namespace kiln {

/// The CPU that code is generated for, and what the schedules need of it.
struct Target {
  std::string triple, cpu, features;
  int64_t vectorBits = 256;
  /// Per-core data caches and cores, for the schedules.
  int64_t l1Bytes = 32 * 1024, l2Bytes = 512 * 1024, cores = 1;
  /// Vector registers a register tile may accumulate in (ScheduleTarget).
  int64_t accumulators = 16;
  /// The machine kilnc runs on (caches from Linux's sysfs, else CPUID,
  /// else the defaults above).
  static Target host();
};

/// Translates an LLVM-dialect module to LLVM IR, optimizes it at -O2 for
/// `target`, and writes it as text (`--emit=llvm-ir`).
bool emitLLVMIR(mlir::ModuleOp module, const Target &target, const std::string &path,
                std::string &error, mlir::TimingScope &timing);

/// The module in `count` parts for parallel code generation, balanced by
/// function size: each defines its functions; internal functions called from
/// another part become hidden `__kiln_<symbol>_<name>` symbols the other
/// parts declare. Exported functions, globals and the functions that use
/// them are in the last. One part when fewer than two functions can move.
/// Partition.cpp.
llvm::SmallVector<mlir::OwningOpRef<mlir::ModuleOp>>
partitionForCodegen(mlir::ModuleOp module, llvm::StringRef symbol, int count);

/// Translates, optimizes at -O2 for `target` and compiles the parts of
/// partitionForCodegen in two (or one), one thread each, into objects
/// `stem.<i>.o` (listed in `paths`, written even on failure so the caller
/// can remove them): link them all.
bool emitObjects(mlir::ModuleOp module, const Target &target,
                 llvm::StringRef symbol, const std::string &stem,
                 std::vector<std::string> &paths, std::string &error,
                 mlir::TimingScope &timing);

/// The ABI's tables of pointers (runtime/include/kiln/abi.h): params,
/// buffers, state and derived in kiln_bindings; inputs, targets, outputs in
/// kiln_call.
inline constexpr llvm::StringLiteral kTableNames[] = {
    "params", "buffers", "state", "inputs", "targets", "outputs", "derived"};

/// The entry points a kiln_model_api has, in its field order.
inline constexpr llvm::StringLiteral kEntryNames[] = {
    "train_step", "eval_step", "eval_step_1", "forward", "forward_1",
    "check_step", "prepare"};

/// The manifest (docs/abi.md) of a module after kiln-buffer-abi and
/// kiln-workspace: tables from `kiln.abi`, entry points from the functions'
/// `kiln.entry` and `kiln.workspace_bytes`, the rest from the frontend's
/// `kiln.name`, `kiln.layers`, `kiln.optimizer` and `kiln.training`.
std::string buildManifest(mlir::ModuleOp module);

/// The entry points a compiled module exports, in kEntryNames order.
std::vector<std::string> entryPoints(mlir::ModuleOp module);

/// Writes the C++ header that embeds a model compiled with symbol `symbol`
/// and the given entry points.
bool emitHeader(const std::string &path, const std::string &symbol,
                const std::string &className,
                const std::vector<std::string> &entries, std::string &error,
                const std::string &howToLink =
                    "Link that object with libkiln_runtime.a; see docs/embedding.md.");

/// Flushes `out` and keeps the file, or sets `error` (a full disk, a closed
/// pipe) and lets the file be removed: a write error is a message, never
/// LLVM's fatal "IO failure on output stream".
bool finishOutput(llvm::ToolOutputFile &out, const std::string &path, std::string &error);

} // namespace kiln

#endif // KILN_COMPILER_CODEGEN_CODEGEN_H
