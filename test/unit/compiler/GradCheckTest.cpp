//===- GradCheckTest.cpp - Every VJP against central finite differences ---===//
//
// Each case is a small f64 model (a dense layer on a random input, then the
// op under test; an embedding takes int32 ids instead), trained one SGD step with lr = 1 through the full pipeline
// (autodiff, lowering, tiling, vectorization, workspace, LLVM, the ABI v3
// wrappers) and JIT-compiled at 128-, 256- and 512-bit vectors: the update
// p - (p - g) recovers the gradient g, which must match central differences
// of the loss computed here from train_step's own prediction at lr 0 (training
// mode, so dropout masks are the same). The differences are computed once per
// case, at the first width; every width's gradient and prediction are held to
// them.
//
#include "GradCheck.h"
#include "compiler/pipeline/InitAll.h"
#include "compiler/pipeline/Pipeline.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/TargetSelect.h"

#include "kiln/abi.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

using namespace mlir;

namespace {

using namespace kiln::gradcheck;

bool takesLabels(const Case &c) {
  return c.loss.empty() ? c.crossEntropy : c.loss == "ce_smooth";
}

/// The @loss body line for `c`, computing %l from %p and %t.
std::string lossLine(const Case &c, const std::string &pred,
                     const std::string &labels) {
  const std::string f = " -> tensor<f64>";
  if (c.loss == "mae")
    return "%l = nn.mae_loss %p, %t : " + pred + f;
  if (c.loss == "huber")
    return "%l = nn.huber_loss %p, %t {delta = 0.5} : " + pred + f;
  if (c.loss == "bce")
    return "%l = nn.binary_cross_entropy %p, %t : " + pred + f;
  if (c.loss == "kl")
    return "%l = nn.kl_divergence %p, %t : " + pred + f;
  if (c.loss == "ce_smooth")
    return "%l = nn.softmax_cross_entropy %p, %t {label_smoothing = 0.2} : " +
           pred + ", " + labels + f;
  if (c.loss == "ce_soft")
    return "%l = nn.softmax_cross_entropy %p, %t {label_smoothing = 0.1} : " +
           pred + ", " + pred + f;
  if (c.crossEntropy)
    return "%l = nn.softmax_cross_entropy %p, %t : " + pred + ", " + labels + f;
  return "%l = nn.mse_loss %p, %t : " + pred + f;
}

std::string moduleText(const Case &c) {
  std::string args = "%x: " + tensorType(c.in, c.ids ? "i32" : "f64") +
                     " {kiln.input = {name = \"x\"}}";
  for (size_t i = 0; i < c.params.size(); ++i)
    args += ", %p" + std::to_string(i) + ": " + tensorType(c.params[i]) +
            " {kiln.param = {name = \"p" + std::to_string(i) +
            "\", trainable = true}}";
  std::string results = tensorType(c.out);
  for (size_t i = 0; i < c.buffers.size(); ++i) {
    std::string name = "b" + std::to_string(i);
    args += ", %" + name + ": " + tensorType({c.buffers[i]}) +
            " {kiln.buffer = {name = \"" + name + "\", init = \"" +
            (i % 2 ? "ones" : "zeros") + "\"}}";
    results += ", " + tensorType({c.buffers[i]}) + " {kiln.buffer_update = \"" + name + "\"}";
  }
  std::string body = c.body;
  if (c.l1 || c.l2) {
    // The term joins the return: "return %y : T" -> "return %y, %r : T, f64".
    size_t ret = body.rfind("return ");
    size_t colon = body.find(" : ", ret);
    body = body.substr(0, ret) + "%r = nn.weight_penalty %p0 {l1 = " +
           std::to_string(c.l1) + ", l2 = " + std::to_string(c.l2) + "} : " +
           tensorType(c.params[0]) + " -> tensor<f64>\n  " +
           body.substr(ret, colon - ret) + ", %r : " + body.substr(colon + 3) +
           ", tensor<f64>";
    results += ", tensor<f64> {kiln.regularization}";
  }
  if (!c.buffers.empty() || c.l1 || c.l2)
    results = "(" + results + ")";
  std::string pred = tensorType(c.out);
  std::string labels = "tensor<" + std::to_string(kBatch) + "xi32>";
  std::string loss = lossLine(c, pred, labels);
  std::string target = takesLabels(c) ? labels : pred;
  std::string opt = "{type = \"sgd\"" +
                    (c.clipNorm ? ", clip_norm = " + std::to_string(c.clipNorm) : "") +
                    "}";
  return "module attributes {kiln.optimizer = " + opt + "} {\n"
         "func.func @model(" + args + ") -> " + results + " {\n" + body +
         "\n}\nfunc.func @loss(%p: " + pred + ", %t: " + target +
         " {kiln.target = {name = \"y\"}}) -> tensor<f64> {\n" + loss +
         "\nreturn %l : tensor<f64>\n}\n}\n";
}

/// The largest workspace any entry point asks for in the manifest.
int64_t workspaceBytes(const char *manifest) {
  auto parsed = llvm::json::parse(manifest);
  if (!parsed)
    return -1;
  int64_t bytes = 0;
  for (const llvm::json::Value &e :
       *parsed->getAsObject()->getArray("entry_points"))
    bytes = std::max(bytes, *e.getAsObject()->getInteger("workspace_bytes"));
  return bytes;
}

/// Storage for the manifest's derived tensors (what prepare computes from
/// the params for the eval-mode entry points), a double per element.
std::vector<std::vector<double>> derivedOf(const char *manifest) {
  std::vector<std::vector<double>> derived;
  auto parsed = llvm::json::parse(manifest);
  const llvm::json::Array *list = parsed ? parsed->getAsObject()->getArray("derived") : nullptr;
  for (const llvm::json::Value &d : list ? *list : llvm::json::Array()) {
    int64_t n = 1;
    for (const llvm::json::Value &dim : *d.getAsObject()->getArray("shape"))
      n *= *dim.getAsInteger();
    derived.emplace_back(n);
  }
  return derived;
}

/// A case's buffers as they start (zeros, ones, zeros...), fresh for each
/// call so that every call sees the same state, and their table.
struct Buffers {
  explicit Buffers(const Case &c) {
    for (size_t i = 0; i < c.buffers.size(); ++i)
      data.emplace_back(c.buffers[i], i % 2 ? 1.0 : 0.0);
    for (auto &v : data)
      table.push_back(reinterpret_cast<float *>(v.data()));
  }
  std::vector<std::vector<double>> data;
  std::vector<float *> table;
};

/// The ids of a case with an ids input: (3 b + 4 (t mod 3)) mod n at sample
/// b, position t. Positions t and t + 3 of a sample share an id and samples
/// share ids, so the weight gradient's scatter-add accumulates both ways.
std::vector<int32_t> idsOf(const Case &c) {
  std::vector<int32_t> ids(c.ids ? numel(c.in) : 0);
  int64_t sample = numel(c.in) / kBatch;
  for (size_t i = 0; i < ids.size(); ++i)
    ids[i] = int32_t((3 * (i / sample) + 4 * (i % sample % 3)) % c.ids);
  return ids;
}

/// Sample b of a buffer of kBatch samples.
template <typename T>
std::vector<T> sampleOf(const std::vector<T> &v, int64_t b) {
  size_t n = v.size() / kBatch;
  return std::vector<T>(v.begin() + b * n, v.begin() + (b + 1) * n);
}

/// The loss of `pred` (what train_step outputs: probabilities for the
/// losses on logits) in f64, as the op defines it.
double hostLoss(const Case &c, const std::vector<double> &pred,
                const std::vector<double> &target,
                const std::vector<int32_t> &labels) {
  int64_t n = pred.size(), classes = c.out.back();
  double l = 0;
  if (c.loss == "mae" || c.loss == "huber" || c.loss == "bce" ||
      (c.loss.empty() && !c.crossEntropy)) {
    for (int64_t i = 0; i < n; ++i) {
      double d = pred[i] - target[i], a = std::fabs(d), t = target[i];
      if (c.loss == "mae")
        l += a;
      else if (c.loss == "huber")
        l += a < 0.5 ? 0.5 * d * d : 0.5 * (a - 0.25);
      else if (c.loss == "bce")
        l -= t * std::log(pred[i]) + (1 - t) * std::log(1 - pred[i]);
      else
        l += d * d;
    }
    return l / n;
  }
  // Softmax losses, per row: -Σ t' log p (+ Σ t log t for KL).
  double s = c.loss == "ce_smooth" ? 0.2 : c.loss == "ce_soft" ? 0.1 : 0.0;
  for (int64_t b = 0; b < kBatch; ++b)
    for (int64_t j = 0; j < classes; ++j) {
      double t = takesLabels(c) ? (j == labels[b] ? 1.0 : 0.0)
                                : target[b * classes + j];
      double tp = (1 - s) * t + s / classes;
      l -= tp * std::log(pred[b * classes + j]);
      if (c.loss == "kl" && t > 0)
        l += t * std::log(t);
    }
  return l / kBatch;
}

/// What the first vector width computes and the others are held to: the
/// central differences of the loss (a property of the model, not of the
/// width, so they are computed once per case) and train_step's prediction.
struct Reference {
  std::vector<std::vector<double>> fds;
  std::vector<double> trainPred;
  int64_t bits = 0;
};

void checkAt(const Case &c, int64_t vectorBits, Reference &ref) {
  DialectRegistry registry;
  kiln::registerDialects(registry);
  MLIRContext ctx(registry);
  registerBuiltinDialectTranslation(ctx);
  registerLLVMDialectTranslation(ctx);
  // Compiles `text` through every stage and JITs it; null on failure.
  auto build = [&](const std::string &text, std::unique_ptr<ExecutionEngine> &engine)
      -> const kiln_model_api * {
    OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(text, &ctx);
    kiln::PipelineOptions po;
    po.symbol = "gc";
    po.vectorBits = vectorBits;
    po.cores = c.cores;
    PassManager toLinalg(&ctx), toLLVM(&ctx);
    kiln::populateStages(toLinalg, kiln::Stage::Graph, kiln::Stage::Linalg, po);
    kiln::populateStages(toLLVM, kiln::Stage::Linalg, kiln::Stage::LLVM, po);
    if (!module || failed(toLinalg.run(*module)))
      return nullptr;
    // Compiled for several cores, a recurrence runs its batch in a loop over
    // blocks, marked for threads (at this stage, the only such loops).
    if (c.cores > 1) {
      bool blocks = false;
      module->walk([&](scf::ForOp loop) { blocks |= loop->hasAttr("kernel.parallel"); });
      if (!blocks) {
        ADD_FAILURE() << c.name << ": compiled for " << c.cores << " cores, no loop over blocks";
        return nullptr;
      }
    }
    if (failed(toLLVM.run(*module)))
      return nullptr;
    // ExecutionEngineOptions keeps a function_ref: the function must outlive
    // create() (found by ASan).
    std::function<llvm::Error(llvm::Module *)> optimize = makeOptimizingTransformer(2, 0, nullptr);
    ExecutionEngineOptions eo;
    eo.transformer = optimize;
    auto created = ExecutionEngine::create(*module, eo);
    if (!created)
      return nullptr;
    engine = std::move(*created);
    auto abiSym = engine->lookup("gc_abi");
    return abiSym ? reinterpret_cast<const kiln_model_api *(*)()>(*abiSym)() : nullptr;
  };
  std::string text = moduleText(c);
  std::unique_ptr<ExecutionEngine> engine;
  const kiln_model_api *api = build(text, engine);
  ASSERT_TRUE(api) << text;
  ASSERT_TRUE(api->train_step && api->forward);
  int64_t wsBytes = workspaceBytes(api->manifest());
  ASSERT_GE(wsBytes, 0) << api->manifest();
  std::vector<double> workspace(wsBytes / sizeof(double) + 8);
  std::vector<std::vector<double>> derived = derivedOf(api->manifest());
  std::vector<float *> derivedTable;
  for (auto &d : derived)
    derivedTable.push_back(reinterpret_cast<float *>(d.data()));
  // The eval-mode entry points read what prepare computed from the same
  // params; train_step and check_step compute their own.
  auto prepare = [&](kiln_entry_fn entry, const kiln_bindings &bindings) {
    if (api->prepare && entry != api->train_step && entry != api->check_step) {
      kiln_call none{nullptr, nullptr, nullptr, 0, 0, 0};
      api->prepare(&bindings, &none);
    }
  };

  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> uni(-1.0, 1.0);
  std::vector<std::vector<double>> params;
  for (auto &s : c.params) {
    params.emplace_back(numel(s));
    for (double &v : params.back())
      v = uni(rng);
  }
  std::vector<double> x(numel(c.in)), target(numel(c.out));
  for (double &v : x)
    v = uni(rng);
  for (double &v : target)
    v = uni(rng);
  if (c.loss == "bce")
    for (double &v : target)
      v = (v + 1) / 2; // probabilities (and 0/1 would do too)
  if (c.loss == "kl" || c.loss == "ce_soft") {
    // Probability rows, one zero per row (0 log 0 = 0 in KL).
    int64_t classes = c.out.back();
    for (int64_t b = 0; b < kBatch; ++b) {
      double sum = 0;
      for (int64_t j = 0; j < classes; ++j)
        sum += target[b * classes + j] = j == b % classes ? 0 : std::exp(uni(rng));
      for (int64_t j = 0; j < classes; ++j)
        target[b * classes + j] /= sum;
    }
  }
  std::vector<int32_t> labels(kBatch);
  for (int64_t b = 0; b < kBatch; ++b)
    labels[b] = int32_t((b * 7) % c.out.back());
  std::vector<int32_t> ids = idsOf(c);
  const void *input = c.ids ? (const void *)ids.data() : (const void *)x.data();

  // Calls `entry` with `ps` as the parameter table, writing `pred`.
  auto call = [&](kiln_entry_fn entry, std::vector<std::vector<double>> &ps,
                  std::vector<double> &pred, float lr, int64_t step = 1,
                  void *out = nullptr) {
    std::vector<float *> table;
    for (auto &p : ps)
      table.push_back(reinterpret_cast<float *>(p.data()));
    Buffers bufs(c);
    kiln_bindings bindings{table.data(), bufs.table.data(), nullptr, workspace.data(), nullptr,
                           derivedTable.data()};
    prepare(entry, bindings);
    const void *inputs[] = {input};
    const void *targets[] = {takesLabels(c) ? (const void *)labels.data()
                                            : (const void *)target.data()};
    void *outputs[] = {out ? out : pred.data()};
    kiln_call args{inputs, targets, outputs, lr, step, /*seed=*/7};
    return entry(&bindings, &args);
  };
  // The loss in training mode, in f64: train_step's prediction (before its
  // update, which lr = 0 makes a no-op on a copy).
  auto lossAt = [&](std::vector<std::vector<double>> &ps) {
    std::vector<double> pred(numel(c.out));
    std::vector<std::vector<double>> copy = ps;
    call(api->train_step, copy, pred, 0);
    double l = 0;
    for (size_t i = 0; i < ps[0].size(); ++i)
      l += c.l1 * std::fabs(ps[0][i]) + c.l2 * ps[0][i] * ps[0][i];
    return l + hostLoss(c, pred, target, labels);
  };

  // One SGD step with lr = 1 on a copy: g = p - p'.
  std::vector<std::vector<double>> stepped = params;
  std::vector<double> trainPred(numel(c.out));
  float loss = call(api->train_step, stepped, trainPred, 1.0f);
  EXPECT_NEAR(loss, lossAt(params), 1e-5 * (1 + std::fabs(loss)));
  // Every width computes the same function: only the order of its sums
  // differs (dropout masks depend on the seed, step and element alone).
  if (ref.trainPred.empty()) {
    ref.trainPred = trainPred;
    ref.bits = vectorBits;
  }
  for (size_t i = 0; i < trainPred.size(); ++i)
    EXPECT_NEAR(trainPred[i], ref.trainPred[i], 1e-10 * (1 + std::fabs(ref.trainPred[i])))
        << "train_step's prediction " << i << " at " << vectorBits << " bits, against "
        << ref.bits << " bits";
  if (c.sameAsOneTile) {
    // Tiles of attention change the order of sums, not the values: the same
    // step (dropout masks included) from the op in one tile.
    std::string whole = text;
    for (size_t at; (at = whole.find(", block = ")) != std::string::npos;)
      whole.erase(at, whole.find('}', at) - at);
    std::unique_ptr<ExecutionEngine> wholeEngine;
    const kiln_model_api *wholeApi = build(whole, wholeEngine);
    ASSERT_TRUE(wholeApi) << whole;
    workspace.resize(std::max<size_t>(workspace.size(),
                                      workspaceBytes(wholeApi->manifest()) / sizeof(double) + 8));
    std::vector<std::vector<double>> wholeStepped = params;
    std::vector<double> wholePred(numel(c.out));
    float wholeLoss = call(wholeApi->train_step, wholeStepped, wholePred, 1.0f);
    EXPECT_NEAR(wholeLoss, loss, 1e-6 * (1 + std::fabs(loss)));
    for (size_t i = 0; i < wholePred.size(); ++i)
      EXPECT_NEAR(wholePred[i], trainPred[i], 1e-10 * (1 + std::fabs(trainPred[i])))
          << "prediction " << i << " in one tile";
    for (size_t k = 0; k < params.size(); ++k)
      for (size_t i = 0; i < params[k].size(); ++i)
        EXPECT_NEAR(wholeStepped[k][i], stepped[k][i], 1e-10 * (1 + std::fabs(stepped[k][i])))
            << "param " << k << " element " << i << " after the step in one tile";
  }
  std::vector<double> pred(numel(c.out));
  call(api->forward, params, pred, 0);
  if (!c.buffers.empty()) {
    // Batch statistics in training, the (initial) running ones in forward.
  } else if (c.randomInside) {
    EXPECT_NE(trainPred, pred) << "training mode drops no attention weight";
  } else if (!c.dropout) {
    for (size_t i = 0; i < pred.size(); ++i)
      EXPECT_NEAR(trainPred[i], pred[i], 1e-12) << "train_step's prediction " << i;
  } else {
    // Training mode keeps each value scaled by 1 / (1 - 0.3) or zeroes it,
    // about 30% of them; the mask is a function of (seed, step) alone.
    int64_t dropped = 0;
    for (size_t i = 0; i < pred.size(); ++i) {
      if (trainPred[i] == 0) {
        ++dropped;
        continue;
      }
      EXPECT_NEAR(trainPred[i], pred[i] / 0.7, 1e-12 * (1 + std::fabs(pred[i])))
          << "kept value " << i;
    }
    double fraction = double(dropped) / pred.size();
    EXPECT_GT(fraction, 0.15);
    EXPECT_LT(fraction, 0.45);
    std::vector<double> again(pred.size()), nextStep(pred.size());
    std::vector<std::vector<double>> copy = params;
    call(api->train_step, copy, again, 0, 1);
    copy = params;
    call(api->train_step, copy, nextStep, 0, 2);
    EXPECT_EQ(again, trainPred) << "the same (seed, step) gives the same mask";
    EXPECT_NE(nextStep, trainPred) << "the next step draws another mask";
  }

  // forward_1 (its own lowering: dot products along W's rows) gives each
  // sample's row of forward's prediction.
  ASSERT_TRUE(api->forward_1);
  int64_t width = numel(c.out) / kBatch;
  for (int64_t b = 0; b < kBatch; ++b) {
    std::vector<double> row(width), xs = sampleOf(x, b);
    std::vector<int32_t> idsB = sampleOf(ids, b);
    std::vector<float *> table;
    for (auto &p : params)
      table.push_back(reinterpret_cast<float *>(p.data()));
    Buffers bufs(c);
    kiln_bindings bindings{table.data(), bufs.table.data(), nullptr, workspace.data(), nullptr,
                           derivedTable.data()};
    prepare(api->forward_1, bindings);
    const void *inputs[] = {c.ids ? (const void *)idsB.data() : (const void *)xs.data()};
    void *outputs[] = {row.data()};
    kiln_call args{inputs, nullptr, outputs, 0, 0, 0};
    api->forward_1(&bindings, &args);
    for (int64_t i = 0; i < width; ++i)
      EXPECT_NEAR(row[i], pred[b * width + i], 1e-12 * (1 + std::fabs(pred[b * width + i])))
          << "forward_1 of sample " << b << ", output " << i;
  }

  // check_step (train_step's forward and backward passes, with the same
  // kernels, without the update) counts the non-finite elements of what it
  // checks: none here, and it changes no parameter. Its loss is train_step's,
  // bit for bit, so a replayed step diverges there too. A NaN in the input
  // is one element of it, and reaches the loss unless a dropout mask drops
  // it.
  ASSERT_TRUE(api->check_step);
  {
    std::vector<std::string> checks;
    auto parsed = llvm::json::parse(api->manifest());
    ASSERT_TRUE(bool(parsed));
    for (const llvm::json::Value &e : *parsed->getAsObject()->getArray("entry_points"))
      if (*e.getAsObject()->getString("name") == "check_step")
        for (const llvm::json::Value &k : *e.getAsObject()->getArray("checks"))
          checks.push_back((*k.getAsObject()->getString("layer") + " " +
                            *k.getAsObject()->getString("value")).str());
    auto countsNow = [&] {
      std::vector<float> counts(checks.size(), -1.0f);
      std::vector<std::vector<double>> copy = params;
      std::vector<double> unused;
      call(api->check_step, copy, unused, 0, 1, counts.data());
      EXPECT_EQ(copy, params) << "check_step changed a parameter";
      return counts;
    };
    auto index = [&](const std::string &name) {
      return size_t(llvm::find(checks, name) - checks.begin());
    };
    ASSERT_LT(index("loss value"), checks.size());
    for (auto [i, n] : llvm::enumerate(countsNow()))
      EXPECT_EQ(n, 0.0f) << c.name << ": check " << checks[i];
    {
      std::vector<float> counts(checks.size());
      std::vector<std::vector<double>> copy = params;
      std::vector<double> unused;
      float checked = call(api->check_step, copy, unused, 0, 1, counts.data());
      EXPECT_EQ(checked, loss) << c.name << ": check_step's loss is not train_step's";
    }
    if (!c.ids) {
      ASSERT_LT(index("input value"), checks.size());
      double saved = x[4];
      x[4] = std::nan("");
      std::vector<float> counts = countsNow();
      x[4] = saved;
      EXPECT_EQ(counts[index("input value")], 1.0f) << c.name;
      if (!c.dropout && !c.randomInside)
        EXPECT_EQ(counts[index("loss value")], 1.0f) << c.name;
    }
  }

  const double h = 1e-6;
  if (ref.fds.empty()) {
    std::vector<std::vector<double>> probe = params;
    for (size_t p = 0; p < params.size(); ++p) {
      ref.fds.emplace_back(params[p].size());
      for (size_t i = 0; i < params[p].size(); ++i) {
        probe[p][i] = params[p][i] + h;
        double up = lossAt(probe);
        probe[p][i] = params[p][i] - h;
        double down = lossAt(probe);
        probe[p][i] = params[p][i];
        ref.fds[p][i] = (up - down) / (2 * h);
      }
    }
  }
  const std::vector<std::vector<double>> &fds = ref.fds;
  double norm = 0;
  for (auto &f : fds)
    for (double v : f)
      norm += v * v;
  // clip_norm scales every gradient by min(1, max / (|g| + 1e-6)).
  double scale = c.clipNorm ? std::min(1.0, c.clipNorm / (std::sqrt(norm) + 1e-6)) : 1.0;
  if (c.clipNorm)
    EXPECT_LT(scale, 0.9) << "the case must clip";
  for (size_t p = 0; p < params.size(); ++p)
    for (size_t i = 0; i < params[p].size(); ++i) {
      double grad = params[p][i] - stepped[p][i], fd = fds[p][i] * scale;
      EXPECT_NEAR(grad, fd, 1e-7 + 1e-5 * std::fabs(fd))
          << c.name << " at " << vectorBits << " bits: d loss / d p" << p
          << "[" << i << "]";
    }
  // Exactly zero, not just within the tolerance: nothing reaches these, so
  // the step leaves them bit for bit (p - 1 * 0).
  for (auto [p, from] : c.unused)
    for (size_t i = from; i < params[p].size(); ++i)
      EXPECT_EQ(stepped[p][i], params[p][i])
          << c.name << " at " << vectorBits << " bits: unused p" << p << "[" << i << "]";
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
  Reference ref;
  for (int64_t bits : {128, 256, 512}) {
    SCOPED_TRACE(std::to_string(bits) + "-bit vectors");
    checkAt(GetParam(), bits, ref);
    if (HasFatalFailure())
      return;
  }
}

INSTANTIATE_TEST_SUITE_P(Ops, GradCheck, ::testing::ValuesIn(allCases()),
                         [](const ::testing::TestParamInfo<Case> &info) {
                           return info.param.name;
                         });

} // namespace
