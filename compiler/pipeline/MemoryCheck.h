//===- MemoryCheck.h - What a compiled model needs in memory --------------===//
#ifndef KILN_COMPILER_PIPELINE_MEMORYCHECK_H
#define KILN_COMPILER_PIPELINE_MEMORYCHECK_H

#include "mlir/IR/BuiltinOps.h"

#include <cstdint>
#include <optional>
#include <string>

namespace kiln {

/// Bytes of a size such as "512M", "16G" or "1048576" (K, M, G, T: powers
/// of 1024), or nothing when it is not one.
std::optional<int64_t> parseByteSize(const std::string &text);

/// "1.5 GiB", "12 KiB", "100 B".
std::string formatByteSize(int64_t bytes);

/// The machine's physical memory in bytes (0 when unknown).
int64_t physicalMemoryBytes();

/// Reads the manifest the ABI pass embedded (`<symbol>_manifest_text`) and
/// totals what the runtime allocates for the model: params, buffers,
/// optimizer state and the workspace. Above `limit` it is an error (returns
/// false, sets `error`); above half of it, a warning on stderr. `limitName`
/// says where the limit came from.
bool checkModelMemory(mlir::ModuleOp module, const std::string &symbol, int64_t limit,
                      const std::string &limitName, const std::string &input,
                      std::string &error);

} // namespace kiln

#endif // KILN_COMPILER_PIPELINE_MEMORYCHECK_H
