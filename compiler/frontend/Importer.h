//===- Importer.h - The model importer, shared by its source files --------===//
//
// Private to compiler/frontend, not installed. One class across four files,
// so each family of layers reads on its own: JsonFrontend.cpp (the model
// function, layer order, parameters, the manifest's attributes),
// ImportLayers.cpp (the layers, one at a time), ImportSequence.cpp
// (attention, transformer blocks, recurrent layers), ImportLoss.cpp.
//
#ifndef KILN_COMPILER_FRONTEND_IMPORTER_H
#define KILN_COMPILER_FRONTEND_IMPORTER_H

#include "compiler/frontend/ModelSpec.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/JSON.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kiln::importer {

/// The element count, saturated at kMaxSize + 1 (sizes are each at most
/// kMaxSize, so no step overflows).
inline int64_t product(const std::vector<int64_t> &s) {
  int64_t n = 1;
  for (int64_t d : s)
    n = std::min(n * d, kMaxSize + 1);
  return n;
}

inline std::string showShape(const std::vector<int64_t> &s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i)
    out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

struct Param {
  std::string name, init;
  std::vector<int64_t> shape;
  int64_t fanIn, fanOut;
  bool trainable;
  unsigned arg; // @model's argument
  double lrScale;
  std::optional<double> weightDecay; // the layer's or bias_weight_decay
  double l1 = 0, l2 = 0;             // a kernel regularizer on this weight
};

/// State a layer keeps outside the parameters (batch norm's running
/// statistics): an argument of @model, and the result that updates it.
struct Buffer {
  std::string name, init;
  unsigned arg;
  mlir::Value update;
};

/// Floating-point operations of one sample's forward pass through `l`
/// (ImportLayers.cpp).
int64_t flopsPerSample(const LayerSpec &l, const std::vector<int64_t> &in,
                       const std::vector<int64_t> &out);

class Importer {
public:
  Importer(mlir::MLIRContext &ctx, const ModelSpec &spec, std::string file)
      : ctx(ctx), spec(spec), file(std::move(file)), b(&ctx) {}

  mlir::OwningOpRef<mlir::ModuleOp> run(std::string &error);

private:
  bool fail(const LayerSpec &l, const std::string &msg) {
    err = file + ": " + l.path + ": layer \"" + l.name + "\": " + msg;
    return false;
  }
  mlir::RankedTensorType batched(const std::vector<int64_t> &sample) {
    mlir::SmallVector<int64_t> shape{spec.batchSize};
    shape.append(sample.begin(), sample.end());
    return mlir::RankedTensorType::get(shape, b.getF32Type());
  }
  /// The per-sample shape of a batched value.
  static std::vector<int64_t> sampleShape(mlir::Value v) {
    auto shape = mlir::cast<mlir::RankedTensorType>(v.getType()).getShape();
    return std::vector<int64_t>(shape.begin() + 1, shape.end());
  }

  // JsonFrontend.cpp
  bool orderLayers(std::vector<const LayerSpec *> &order);
  bool buildModel(mlir::ModuleOp module);
  mlir::Value addParam(const std::string &name, std::vector<int64_t> s,
                       const std::string &init, int64_t fanIn, int64_t fanOut);
  mlir::Attribute toAttr(const llvm::json::Value &v);
  void describe(mlir::ModuleOp module);

  // ImportLayers.cpp
  bool buildLayer(const LayerSpec &l, mlir::Location loc,
                  mlir::ArrayRef<mlir::Value> ins, mlir::Value &x,
                  std::vector<int64_t> &shape);
  mlir::Value activation(mlir::Location loc, const std::string &act,
                         double alpha, mlir::Value x);
  template <typename AddParam>
  bool buildWindowLayer(const LayerSpec &l, mlir::Location loc, mlir::Value &x,
                        const std::vector<int64_t> &shape, AddParam addParam);

  // ImportSequence.cpp
  mlir::Value attention(const LayerSpec &l, mlir::Location loc, mlir::Value x,
                        const std::string &prefix);
  mlir::Value transformerBlock(const LayerSpec &l, mlir::Location loc,
                               mlir::Value x);
  mlir::Value dropoutOf(const LayerSpec &l, mlir::Location loc, mlir::Value x,
                        int64_t part);
  mlir::Value recurrent(const LayerSpec &l, mlir::Location loc, mlir::Value x);

  // ImportLoss.cpp
  void buildLoss(mlir::ModuleOp module, mlir::Type predType);
  bool checkLossFits();

  mlir::MLIRContext &ctx;
  const ModelSpec &spec;
  std::string file, err;
  mlir::OpBuilder b;
  std::vector<Param> params;
  std::vector<Buffer> buffers;
  // The kernel regularizers' terms of the loss.
  mlir::SmallVector<mlir::Value> penalties;
  llvm::json::Array layerInfo;
  std::vector<int64_t> outputShape;
  // The graph: each layer's input names ("input": the model's input), the
  // layers by name, and the output layer.
  std::map<std::string, std::vector<std::string>> inputsOf;
  std::map<std::string, const LayerSpec *> byName;
  const LayerSpec *output = nullptr;
  // While building: where addParam adds arguments, for which layer.
  mlir::Block *entry = nullptr;
  const LayerSpec *layer = nullptr;
};

} // namespace kiln::importer

#endif // KILN_COMPILER_FRONTEND_IMPORTER_H
