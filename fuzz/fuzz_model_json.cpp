//===- fuzz_model_json.cpp - The model file through the frontend ----------===//
// parseModelSpec, then the import to the nn dialect and the verifiers of
// every op it built: what `kilnc model.json --compile-to=graph` runs.
#include "compiler/frontend/JsonFrontend.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // One context for the whole run (the importer loads its dialects); it
  // keeps what it uniqued, so memory grows slowly over a long run.
  static mlir::MLIRContext *ctx = [] {
    auto *c = new mlir::MLIRContext(mlir::MLIRContext::Threading::DISABLED);
    // Diagnostics are expected; keep the output quiet.
    c->getDiagEngine().registerHandler([](mlir::Diagnostic &) { return mlir::success(); });
    return c;
  }();
  std::string text(reinterpret_cast<const char *>(data), size), error;
  kiln::ModelSpec spec;
  if (!kiln::parseModelSpec(text, "model.json", spec, error))
    return 0;
  mlir::OwningOpRef<mlir::ModuleOp> module = kiln::importModel(*ctx, spec, "model.json", error);
  // A file the frontend accepts must give valid IR: kilnc's passes would
  // otherwise fail on it without naming the place in the file.
  if (module && mlir::failed(mlir::verify(*module)))
    std::abort();
  return 0;
}
