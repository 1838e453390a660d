//===- MemoryCheck.cpp - What a compiled model needs in memory ------------===//
//
// A model too large for the machine should be refused by the compiler, with
// the numbers, not by the kernel's out-of-memory killer an hour into
// training. The totals are the runtime's (Manifest::memory): the model
// state and one workspace, the largest entry point's; data come on top.
//
#include "compiler/pipeline/MemoryCheck.h"
#include "compiler/codegen/Codegen.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <cinttypes>
#include <cstdio>
#include <unistd.h>

namespace kiln {
namespace json = llvm::json;

std::optional<int64_t> parseByteSize(const std::string &text) {
  size_t digits = 0;
  while (digits < text.size() && isdigit(static_cast<unsigned char>(text[digits])))
    ++digits;
  if (digits == 0 || digits > 15)
    return std::nullopt;
  int64_t value = std::stoll(text.substr(0, digits));
  std::string unit = text.substr(digits);
  if (!unit.empty() && (unit.back() == 'B' || unit.back() == 'b'))
    unit.pop_back(); // "16GB", "16G" and "16GiB" alike
  if (unit.size() == 2 && (unit[1] == 'i' || unit[1] == 'I'))
    unit.pop_back();
  int shift = unit.empty()                     ? 0
              : unit == "K" || unit == "k"     ? 10
              : unit == "M" || unit == "m"     ? 20
              : unit == "G" || unit == "g"     ? 30
              : unit == "T" || unit == "t"     ? 40
                                               : -1;
  if (shift < 0 || value > (INT64_MAX >> shift) || value == 0)
    return std::nullopt;
  return value << shift;
}

std::string formatByteSize(int64_t bytes) {
  const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double v = double(bytes);
  int u = 0;
  while (v >= 1024 && u < 6)
    v /= 1024, ++u;
  char text[32];
  std::snprintf(text, sizeof(text), u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
  return text;
}

int64_t physicalMemoryBytes() {
  long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && pageSize > 0 ? int64_t(pages) * pageSize : 0;
}

namespace {

/// Σ elements × bytes of the tensors in `table` (f32 unless "dtype" says
/// i64 / i32), saturating.
int64_t tableBytes(const json::Object &manifest, llvm::StringRef table) {
  const json::Array *entries = manifest.getArray(table);
  int64_t total = 0;
  for (const json::Value &entry : entries ? *entries : json::Array()) {
    const json::Object *o = entry.getAsObject();
    const json::Array *shape = o ? o->getArray("shape") : nullptr;
    if (!shape)
      continue;
    std::optional<llvm::StringRef> dtype = o->getString("dtype");
    int64_t bytes = dtype && *dtype == "i64" ? 8 : 4;
    for (const json::Value &dim : *shape)
      if (__builtin_mul_overflow(bytes, dim.getAsInteger().value_or(0), &bytes))
        return INT64_MAX;
    if (__builtin_add_overflow(total, bytes, &total))
      return INT64_MAX;
  }
  return total;
}

} // namespace

bool checkModelMemory(mlir::ModuleOp module, const std::string &symbol, int64_t limit,
                      const std::string &limitName, const std::string &input,
                      std::string &error) {
  // The object backend's manifest global, or (C++ backend, still func
  // ops) the manifest built from the module.
  auto global = module.lookupSymbol<mlir::LLVM::GlobalOp>(symbol + "_manifest_text");
  auto text = global ? llvm::dyn_cast_or_null<mlir::StringAttr>(global.getValueOrNull())
                     : mlir::StringAttr();
  if (global && !text) {
    error = input + ": internal error: " + symbol + "_manifest_text has no text";
    return false;
  }
  std::string built = text ? text.getValue().rtrim('\0').str() : buildManifest(module);
  llvm::Expected<json::Value> parsed = json::parse(built);
  if (!parsed) {
    llvm::consumeError(parsed.takeError());
    return true;
  }
  const json::Object &manifest = *parsed->getAsObject();
  int64_t params = tableBytes(manifest, "params"), buffers = tableBytes(manifest, "buffers"),
          state = tableBytes(manifest, "state"), derived = tableBytes(manifest, "derived"),
          workspace = 0;
  if (const json::Array *entries = manifest.getArray("entry_points"))
    for (const json::Value &e : *entries)
      if (const json::Object *o = e.getAsObject())
        workspace = std::max(workspace, o->getInteger("workspace_bytes").value_or(0));
  int64_t total = 0;
  for (int64_t part : {params, buffers, state, derived, workspace})
    if (__builtin_add_overflow(total, part, &total))
      total = INT64_MAX;
  std::string parts = "params " + formatByteSize(params) + ", buffers " +
                      formatByteSize(buffers) + ", optimizer state " + formatByteSize(state) +
                      (derived ? ", prepared for inference " + formatByteSize(derived) : "") +
                      ", workspace " + formatByteSize(workspace);
  if (total > limit) {
    error = input + ": the model needs " + formatByteSize(total) + " of memory (" + parts +
            "), more than " + limitName + " (" + formatByteSize(limit) + "); " +
            (limitName == "--max-memory" ? "raise --max-memory to compile it anyway"
                                         : "give --max-memory SIZE to compile it for a "
                                           "larger machine");
    return false;
  }
  if (total > limit / 2)
    llvm::errs() << "kilnc: warning: " << input << ": the model needs "
                 << formatByteSize(total) << " of memory (" << parts << "), more than half of "
                 << limitName << " (" << formatByteSize(limit) << ")\n";
  return true;
}

} // namespace kiln
