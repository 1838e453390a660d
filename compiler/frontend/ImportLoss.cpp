//===- ImportLoss.cpp - The @loss function and its fit to the model -------===//
//
// Built after @model: the loss's checks need the output layer's shape.
//
#include "compiler/frontend/Importer.h"
#include "dialects/NN/IR/NNDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

using namespace mlir;

namespace kiln::importer {

void Importer::buildLoss(ModuleOp module, Type predType) {
  Location loc = FileLineColLoc::get(&ctx, file, 0, 0);
  b.setInsertionPointToEnd(module.getBody());
  auto scalar = RankedTensorType::get({}, b.getF32Type());
  const LossSpec &loss = spec.loss;
  // Labels: one per row of classes ([batch] for [batch, C] logits, [batch,
  // T] for [batch, T, C]).
  auto predShape = cast<RankedTensorType>(predType).getShape();
  Type target = loss.takesLabels()
                    ? Type(RankedTensorType::get(predShape.drop_back(), b.getI32Type()))
                    : predType;
  auto fn = b.create<func::FuncOp>(loc, "loss",
                                   b.getFunctionType({predType, target}, {scalar}));
  Block *entry = fn.addEntryBlock();
  b.setInsertionPointToStart(entry);
  fn.setArgAttr(1, "kiln.target",
                b.getDictionaryAttr(b.getNamedAttr("name", b.getStringAttr("y"))));
  Value p = entry->getArgument(0), t = entry->getArgument(1), l;
  if (loss.type == "softmax_cross_entropy")
    l = b.create<nn::SoftmaxCrossEntropyOp>(loc, p, t,
                                            b.getF64FloatAttr(loss.labelSmoothing));
  else if (loss.type == "kl_divergence")
    l = b.create<nn::KLDivergenceOp>(loc, p, t);
  else if (loss.type == "binary_cross_entropy")
    l = b.create<nn::BinaryCrossEntropyOp>(loc, p, t);
  else if (loss.type == "mae")
    l = b.create<nn::MAELossOp>(loc, p, t);
  else if (loss.type == "huber")
    l = b.create<nn::HuberLossOp>(loc, p, t, b.getF64FloatAttr(loss.delta));
  else
    l = b.create<nn::MSELossOp>(loc, p, t);
  b.create<func::ReturnOp>(loc, l);
}

/// The loss fits the last layer: class rows for the softmax losses, and
/// logits (no softmax or sigmoid already applied) for the losses that apply
/// one themselves.
bool Importer::checkLossFits() {
  const LossSpec &loss = spec.loss;
  const LayerSpec &last = *output;
  bool softmax = loss.type == "softmax_cross_entropy" || loss.type == "kl_divergence";
  // top-k accuracy ranks the classes of a softmax row: more than k of them.
  for (size_t i = 0; i < spec.metrics.size(); ++i) {
    llvm::StringRef m = spec.metrics[i];
    if (!m.starts_with("top_"))
      continue;
    int64_t k = m[4] - '0';
    if (!softmax || outputShape.size() != 1 || outputShape[0] <= k) {
      err = file + ": /training/metrics/" + std::to_string(i) + ": " + m.str() +
            " needs a softmax loss over more than " + std::to_string(k) +
            " classes; " + loss.type + " gives " + showShape(outputShape);
      return false;
    }
  }
  // Cross-entropy with labels also takes rows of classes per position
  // ([T, C], one label per step).
  bool rows = loss.takesLabels() && outputShape.size() > 1;
  // Per-position labels get loss and accuracy; the class report (precision,
  // recall, F1, AUC, confusion matrix) is per sample.
  for (size_t i = 0; rows && i < spec.metrics.size(); ++i)
    if (spec.metrics[i] != "accuracy") {
      err = file + ": /training/metrics/" + std::to_string(i) + ": " + spec.metrics[i] +
            " is reported per sample; with one label per position " +
            showShape(outputShape) + " only accuracy is";
      return false;
    }
  if (softmax && ((outputShape.size() != 1 && !rows) || outputShape.back() < 2))
    return fail(last, loss.type + " expects the last layer to output [classes] "
                                  "with at least 2 classes, got " +
                          showShape(outputShape) +
                          (outputShape.size() > 1
                               ? " (dense works on the last axis: flatten or "
                                 "pool the other axes first)"
                               : ""));
  if (!softmax && loss.type != "binary_cross_entropy")
    return true;
  const char *applied = softmax ? "softmax" : "sigmoid";
  // Back from the output through the layers that keep values in place
  // (reshapes, dropout, activations): a softmax or sigmoid anywhere there
  // reaches the loss.
  for (const LayerSpec *it = output; it;) {
    if (it->type == applied || it->activation == applied)
      return fail(*it, loss.type + " applies " + applied +
                           " itself; remove this layer's " + applied +
                           " so the model outputs logits");
    bool inPlace = it->type == "flatten" || it->type == "reshape" ||
                   it->type == "dropout" || it->type == "relu" ||
                   it->type == "sigmoid" || it->type == "tanh" ||
                   it->type == "leaky_relu" || it->type == "softmax" ||
                   it->type == "gelu";
    const std::vector<std::string> &from = inputsOf[it->name];
    if (!inPlace || from.size() != 1 || from[0] == "input")
      break;
    it = byName[from[0]];
  }
  return true;
}

} // namespace kiln::importer
