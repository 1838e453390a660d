//===- GradCheckTest.cpp - Every VJP against central finite differences ---===//
//
// Each case is a tiny f64 model whose operands are all parameters, trained
// one SGD step with lr = 1 through the full pipeline (autodiff, lowering,
// tiling, vectorization, LLVM) and JIT-compiled: the update p - (p - g)
// recovers the gradient g, which must match central differences of the loss
// computed here from `forward`.
//
#include "compiler/pipeline/InitAll.h"
#include "compiler/pipeline/Pipeline.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "llvm/Support/TargetSelect.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

using namespace mlir;

namespace {

using TrainStep = float (*)(double *const *, double *const *, const double *,
                            const void *, float, int64_t, double *);
using Forward = void (*)(double *const *, const double *, double *);

struct Case {
  std::string name;
  std::vector<std::vector<int64_t>> params; // shapes, in @model order
  std::string body;                          // @model's body; params %p0...
  std::vector<int64_t> out;                  // prediction shape
  bool crossEntropy = false;
};

int64_t numel(const std::vector<int64_t> &s) {
  int64_t n = 1;
  for (int64_t d : s)
    n *= d;
  return n;
}

std::string tensorType(const std::vector<int64_t> &s) {
  std::string t = "tensor<";
  for (int64_t d : s)
    t += std::to_string(d) + "x";
  return t + "f64>";
}

std::string moduleText(const Case &c) {
  std::string args = "%x: tensor<4x3xf64>";
  for (size_t i = 0; i < c.params.size(); ++i)
    args += ", %p" + std::to_string(i) + ": " + tensorType(c.params[i]);
  std::string pred = tensorType(c.out);
  std::string loss =
      c.crossEntropy
          ? "%l = nn.softmax_cross_entropy %p, %t : " + pred +
                ", tensor<4xi32> -> tensor<f64>"
          : "%l = nn.mse_loss %p, %t : " + pred + " -> tensor<f64>";
  std::string target = c.crossEntropy ? "tensor<4xi32>" : pred;
  return "module attributes {kiln.optimizer = {type = \"sgd\"}, "
         "kiln.manifest = \"{}\"} {\n"
         "func.func @model(" + args + ") -> " + pred + " {\n" + c.body +
         "\n}\nfunc.func @loss(%p: " + pred + ", %t: " + target +
         ") -> tensor<f64> {\n" + loss + "\nreturn %l : tensor<f64>\n}\n}\n";
}

class GradCheck : public ::testing::TestWithParam<Case> {
protected:
  static void SetUpTestSuite() {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    kiln::registerPasses();
  }
};

TEST_P(GradCheck, MatchesFiniteDifferences) {
  const Case &c = GetParam();
  DialectRegistry registry;
  kiln::registerDialects(registry);
  MLIRContext ctx(registry);
  registerBuiltinDialectTranslation(ctx);
  registerLLVMDialectTranslation(ctx);
  std::string text = moduleText(c);
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(text, &ctx);
  ASSERT_TRUE(module) << text;
  PassManager pm(&ctx);
  kiln::PipelineOptions po;
  po.symbol = "gc";
  kiln::populateStages(pm, kiln::Stage::Graph, kiln::Stage::LLVM, po);
  ASSERT_TRUE(succeeded(pm.run(*module))) << text;

  ExecutionEngineOptions eo;
  eo.transformer = makeOptimizingTransformer(2, 0, nullptr);
  auto engine = ExecutionEngine::create(*module, eo);
  ASSERT_TRUE(bool(engine));
  auto trainSym = (*engine)->lookup("gc_train_step");
  auto forwardSym = (*engine)->lookup("gc_forward");
  ASSERT_TRUE(bool(trainSym) && bool(forwardSym));
  auto train = reinterpret_cast<TrainStep>(*trainSym);
  auto forward = reinterpret_cast<Forward>(*forwardSym);

  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> uni(-1.0, 1.0);
  std::vector<std::vector<double>> params;
  for (auto &s : c.params) {
    params.emplace_back(numel(s));
    for (double &v : params.back())
      v = uni(rng);
  }
  std::vector<double> x(12, 0.0), target(numel(c.out));
  for (double &v : target)
    v = uni(rng);
  std::vector<int32_t> labels{0, 2, 1, 2};

  auto pointers = [](std::vector<std::vector<double>> &ps) {
    std::vector<double *> out;
    for (auto &p : ps)
      out.push_back(p.data());
    return out;
  };
  auto lossAt = [&](std::vector<std::vector<double>> &ps) {
    std::vector<double> pred(numel(c.out));
    forward(pointers(ps).data(), x.data(), pred.data());
    double l = 0;
    if (c.crossEntropy) {
      int64_t classes = c.out[1];
      for (int b = 0; b < 4; ++b)
        l -= std::log(pred[b * classes + labels[b]]);
      return l / 4;
    }
    for (size_t i = 0; i < pred.size(); ++i)
      l += (pred[i] - target[i]) * (pred[i] - target[i]);
    return l / pred.size();
  };

  // One SGD step with lr = 1 on a copy: g = p - p'.
  std::vector<std::vector<double>> stepped = params;
  const void *y = c.crossEntropy ? (const void *)labels.data() : target.data();
  std::vector<double> trainPred(numel(c.out));
  float loss = train(pointers(stepped).data(), nullptr, x.data(), y, 1.0f, 1,
                     trainPred.data());
  EXPECT_NEAR(loss, lossAt(params), 1e-5 * (1 + std::fabs(loss)));
  std::vector<double> pred(numel(c.out));
  forward(pointers(params).data(), x.data(), pred.data());
  for (size_t i = 0; i < pred.size(); ++i)
    EXPECT_NEAR(trainPred[i], pred[i], 1e-12) << "train_step's prediction " << i;

  const double h = 1e-6;
  for (size_t p = 0; p < params.size(); ++p)
    for (size_t i = 0; i < params[p].size(); ++i) {
      double grad = params[p][i] - stepped[p][i];
      std::vector<std::vector<double>> probe = params;
      probe[p][i] = params[p][i] + h;
      double up = lossAt(probe);
      probe[p][i] = params[p][i] - h;
      double down = lossAt(probe);
      double fd = (up - down) / (2 * h);
      EXPECT_NEAR(grad, fd, 1e-7 + 1e-5 * std::fabs(fd))
          << c.name << ": d loss / d p" << p << "[" << i << "]";
    }
}

const char *kDense = R"(
  %y = nn.dense %p0, %p1, %p2 : (tensor<4x3xf64>, tensor<5x3xf64>, tensor<5xf64>) -> tensor<4x5xf64>
  return %y : tensor<4x5xf64>)";

std::string unary(const std::string &op, const std::string &attrs = "") {
  return "  %y = nn." + op + " %p0 " + attrs +
         " : tensor<4x5xf64>\n  return %y : tensor<4x5xf64>";
}

INSTANTIATE_TEST_SUITE_P(
    Ops, GradCheck,
    ::testing::Values(
        Case{"dense", {{4, 3}, {5, 3}, {5}}, kDense, {4, 5}},
        Case{"dense_no_bias", {{4, 3}, {5, 3}},
             "  %y = nn.dense %p0, %p1 : (tensor<4x3xf64>, tensor<5x3xf64>) -> tensor<4x5xf64>\n"
             "  return %y : tensor<4x5xf64>",
             {4, 5}},
        Case{"relu", {{4, 5}}, unary("relu"), {4, 5}},
        Case{"leaky_relu", {{4, 5}}, unary("leaky_relu", "{alpha = 0.2}"), {4, 5}},
        Case{"sigmoid", {{4, 5}}, unary("sigmoid"), {4, 5}},
        Case{"tanh", {{4, 5}}, unary("tanh"), {4, 5}},
        Case{"softmax", {{4, 5}}, unary("softmax"), {4, 5}},
        Case{"reshape", {{4, 2, 3}},
             "  %y = nn.reshape %p0 : tensor<4x2x3xf64> -> tensor<4x6xf64>\n"
             "  return %y : tensor<4x6xf64>",
             {4, 6}},
        Case{"mse_loss", {{4, 5}}, "  return %p0 : tensor<4x5xf64>", {4, 5}},
        Case{"softmax_cross_entropy", {{4, 3}}, "  return %p0 : tensor<4x3xf64>",
             {4, 3}, /*crossEntropy=*/true},
        Case{"dense_relu_dense", {{4, 3}, {6, 3}, {6}, {5, 6}, {5}},
             "  %h = nn.dense %p0, %p1, %p2 : (tensor<4x3xf64>, tensor<6x3xf64>, tensor<6xf64>) -> tensor<4x6xf64>\n"
             "  %r = nn.relu %h : tensor<4x6xf64>\n"
             "  %y = nn.dense %r, %p3, %p4 : (tensor<4x6xf64>, tensor<5x6xf64>, tensor<5xf64>) -> tensor<4x5xf64>\n"
             "  return %y : tensor<4x5xf64>",
             {4, 5}}),
    [](const ::testing::TestParamInfo<Case> &info) { return info.param.name; });

} // namespace
