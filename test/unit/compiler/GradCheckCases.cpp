//===- GradCheckCases.cpp - The models of the gradient checks -------------===//
//
// One small f64 model per op (or per variant of one): a dense layer on a
// random input, then the op, at sizes that are not whole vectors.
//
#include "GradCheck.h"

namespace kiln::gradcheck {

int64_t numel(const std::vector<int64_t> &s) {
  int64_t n = 1;
  for (int64_t d : s)
    n *= d;
  return n;
}

std::string tensorType(const std::vector<int64_t> &s,
                       const std::string &elem) {
  std::string t = "tensor<";
  for (int64_t d : s)
    t += std::to_string(d) + "x";
  return t + elem + ">";
}

namespace {

/// A dense layer, then the loss `loss`.
Case lossCase(const std::string &loss) {
  Case c{loss + "_loss", {{kOut, kIn}, {kOut}}, "", {kBatch, kOut}};
  c.body = "  %h = nn.dense %x, %p0, %p1 : (" + tensorType({kBatch, kIn}) +
           ", " + tensorType({kOut, kIn}) + ", " + tensorType({kOut}) + ") -> " +
           tensorType({kBatch, kOut}) + "\n  return %h : " + tensorType({kBatch, kOut});
  c.loss = loss;
  return c;
}

/// Elastic net on the kernel (with mse), and clipping by the global norm.
Case regularized() {
  Case c = lossCase("mse");
  c.name = "weight_penalty";
  c.loss = "";
  c.l1 = 0.01;
  c.l2 = 0.03;
  return c;
}

Case clipped() {
  Case c = lossCase("ce_smooth");
  c.name = "clip_by_global_norm";
  c.l2 = 0.5;
  c.clipNorm = 0.05;
  return c;
}

/// dense(x) of 37 -> 19 features, then `then` applied to %h; every case
/// starts with it so x is a real, non-zero input.
std::string afterDense(const std::string &then, const std::string &result,
                       const std::vector<int64_t> &out) {
  return "  %h = nn.dense %x, %p0, %p1 : (" + tensorType({kBatch, kIn}) + ", " +
         tensorType({kOut, kIn}) + ", " + tensorType({kOut}) + ") -> " +
         tensorType({kBatch, kOut}) + "\n" + then + "\n  return " + result +
         " : " + tensorType(out);
}

std::string unary(const std::string &op, const std::string &attrs = "") {
  return afterDense("  %y = nn." + op + " %h " + attrs + " : " +
                        tensorType({kBatch, kOut}),
                    "%y", {kBatch, kOut});
}

const std::vector<std::vector<int64_t>> kDenseParams = {{kOut, kIn}, {kOut}};

Case unaryCase(const std::string &name, const std::string &op,
               const std::string &attrs = "") {
  return Case{name, kDenseParams, unary(op, attrs), {kBatch, kOut}};
}

/// nn.conv2d of %<in> [batch, c, h, w] by %p<w> (+ %p<w+1>) into %<out>.
std::string conv(const std::string &out, const std::string &in,
                 const std::vector<int64_t> &inShape, int w,
                 const std::vector<int64_t> &wShape, bool bias,
                 const std::vector<int64_t> &outShape, const std::string &attrs) {
  std::string types = tensorType(inShape) + ", " + tensorType(wShape);
  std::string operands = "%" + in + ", %p" + std::to_string(w);
  if (bias) {
    types += ", " + tensorType({wShape[0]});
    operands += ", %p" + std::to_string(w + 1);
  }
  return "  %" + out + " = nn.conv2d " + operands + " {" + attrs + "} : (" +
         types + ") -> " + tensorType(outShape) + "\n";
}

std::string op1(const std::string &out, const std::string &op,
                const std::string &in, const std::vector<int64_t> &shape) {
  return "  %" + out + " = nn." + op + " %" + in + " : " + tensorType(shape) + "\n";
}

std::string pool(const std::string &out, const std::string &op,
                 const std::string &in, const std::vector<int64_t> &inShape,
                 const std::vector<int64_t> &outShape, const std::string &attrs) {
  return "  %" + out + " = nn." + op + " %" + in + " {" + attrs + "} : " +
         tensorType(inShape) + " -> " + tensorType(outShape) + "\n";
}

std::string ret(const std::string &v, const std::vector<int64_t> &shape) {
  return "  return %" + v + " : " + tensorType(shape);
}

// Two convolutions, so the second one's input gradient reaches the first's
// weights: 3 -> 19 channels (not a whole vector) 3x3, stride 2, uneven
// padding; then 19 -> 6, 2x3, dilation 2.
Case convStrideDilation() {
  std::vector<int64_t> x{kBatch, 3, 11, 9}, h{kBatch, 19, 6, 4}, y{kBatch, 6, 6, 2};
  return Case{"conv_stride_dilation",
              {{19, 3, 3, 3}, {19}, {6, 19, 2, 3}, {6}},
              conv("h", "x", x, 0, {19, 3, 3, 3}, true, h,
                   "strides = array<i64: 2, 2>, padding = array<i64: 1, 0, 2, 1>") +
                  op1("t", "tanh", "h", h) +
                  conv("y", "t", h, 2, {6, 19, 2, 3}, true, y,
                       "dilation = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>") +
                  ret("y", y),
              y, false, false, x};
}

// The second convolution has 9 filters, so its input gradient adds each
// tap's share into its window of the padded dx (ConvBuilders.cpp): 3x2
// taps at dilation [2, 1], stride 2, uneven padding, over 5 channels.
Case convScatter() {
  std::vector<int64_t> x{kBatch, 3, 9, 8}, h{kBatch, 5, 9, 8}, y{kBatch, 9, 4, 4};
  return Case{"conv_scatter",
              {{5, 3, 3, 3}, {5}, {9, 5, 3, 2}, {9}},
              conv("h", "x", x, 0, {5, 3, 3, 3}, true, h, "padding = array<i64: 1, 1, 1, 1>") +
                  op1("t", "tanh", "h", h) +
                  conv("y", "t", h, 2, {9, 5, 3, 2}, true, y,
                       "strides = array<i64: 2, 2>, dilation = array<i64: 2, 1>, "
                       "padding = array<i64: 2, 0, 1, 1>") +
                  ret("y", y),
              y, false, false, x};
}

// 2 input channels and 19 filters: the convolution reads its input as 18
// tap planes (ConvBuilders.cpp), forward and weight gradient one
// contraction each; stride [2, 1], dilation [1, 2], uneven padding.
Case convPlanes() {
  std::vector<int64_t> x{kBatch, 2, 7, 6}, y{kBatch, 19, 3, 5};
  return Case{"conv_planes",
              {{19, 2, 3, 3}, {19}},
              conv("y", "x", x, 0, {19, 2, 3, 3}, true, y,
                   "strides = array<i64: 2, 1>, dilation = array<i64: 1, 2>, "
                   "padding = array<i64: 1, 2, 0, 1>") +
                  ret("y", y),
              y, false, false, x};
}

// Groups 2 (2 -> 3 channels per group), then depthwise with stride 2.
Case convGroups() {
  std::vector<int64_t> x{kBatch, 3, 7, 6}, h{kBatch, 4, 7, 6}, g{kBatch, 6, 7, 6},
      y{kBatch, 6, 4, 3};
  return Case{"conv_groups",
              {{4, 3, 3, 3}, {4}, {6, 2, 3, 3}, {6}, {6, 1, 3, 3}},
              conv("h", "x", x, 0, {4, 3, 3, 3}, true, h, "padding = array<i64: 1, 1, 1, 1>") +
                  op1("t", "tanh", "h", h) +
                  conv("g", "t", h, 2, {6, 2, 3, 3}, true, g,
                       "groups = 2, padding = array<i64: 1, 1, 1, 1>") +
                  op1("u", "tanh", "g", g) +
                  conv("y", "u", g, 4, {6, 1, 3, 3}, false, y,
                       "groups = 6, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>") +
                  ret("y", y),
              y, false, false, x};
}

// Max pooling 2x2 stride 2 padded bottom and right, then average pooling
// 3x3 stride 1 padded all round (padded zeros counted).
Case pools() {
  std::vector<int64_t> x{kBatch, 3, 7, 9}, h{kBatch, 17, 5, 7}, m{kBatch, 17, 3, 4};
  return Case{"pools",
              {{17, 3, 3, 3}, {17}},
              conv("h", "x", x, 0, {17, 3, 3, 3}, true, h, "") +
                  pool("m", "max_pool2d", "h", h, m,
                       "window = array<i64: 2, 2>, strides = array<i64: 2, 2>, "
                       "padding = array<i64: 0, 0, 1, 1>") +
                  pool("y", "avg_pool2d", "m", m, m,
                       "window = array<i64: 3, 3>, strides = array<i64: 1, 1>, "
                       "padding = array<i64: 1, 1, 1, 1>") +
                  ret("y", m),
              m, false, false, x};
}

// Global max or average pooling (the window is the whole input).
Case globalPool(bool max) {
  std::vector<int64_t> x{kBatch, 3, 6, 5}, h{kBatch, 18, 6, 5}, g{kBatch, 18, 1, 1},
      y{kBatch, 18};
  return Case{max ? "global_max_pool" : "global_avg_pool",
              {{18, 3, 3, 3}, {18}},
              conv("h", "x", x, 0, {18, 3, 3, 3}, true, h, "padding = array<i64: 1, 1, 1, 1>") +
                  pool("m", max ? "max_pool2d" : "avg_pool2d", "h", h, g,
                       "window = array<i64: 6, 5>, strides = array<i64: 1, 1>") +
                  "  %y = nn.reshape %m : " + tensorType(g) + " -> " + tensorType(y) +
                  "\n" + ret("y", y),
              y, false, false, x};
}

// Batch norm over the 19 channels of a convolution's output (then tanh,
// so the loss is not invariant to the normalization), and over the 23
// features of a dense layer without weight and bias.
Case batchNorm() {
  std::vector<int64_t> x{kBatch, 3, 5, 4}, h{kBatch, 19, 5, 4}, f{kBatch, 380};
  std::string bn4 = "(" + tensorType(h) + ", " + tensorType({19}) + ", " +
                    tensorType({19}) + ", " + tensorType({19}) + ", " +
                    tensorType({19}) + ") -> (" + tensorType(h) + ", " +
                    tensorType({19}) + ", " + tensorType({19}) + ")";
  std::string bn2 = "(" + tensorType({kBatch, 23}) + ", " + tensorType({23}) + ", " +
                    tensorType({23}) + ") -> (" + tensorType({kBatch, 23}) + ", " +
                    tensorType({23}) + ", " + tensorType({23}) + ")";
  return Case{"batch_norm",
              {{19, 3, 3, 3}, {19}, {19}, {19}, {23, 380}},
              conv("h", "x", x, 0, {19, 3, 3, 3}, true, h, "padding = array<i64: 1, 1, 1, 1>") +
                  "  %n:3 = nn.batch_norm %h, %b0, %b1 weight %p2 bias %p3 {momentum = 0.1} : " +
                  bn4 + "\n" + op1("t", "tanh", "n#0", h) +
                  "  %f = nn.reshape %t : " + tensorType(h) + " -> " + tensorType(f) + "\n" +
                  "  %d = nn.dense %f, %p4 : (" + tensorType(f) + ", " + tensorType({23, 380}) +
                  ") -> " + tensorType({kBatch, 23}) + "\n" +
                  "  %m:3 = nn.batch_norm %d, %b2, %b3 {momentum = 0.3} : " + bn2 + "\n" +
                  op1("y", "tanh", "m#0", {kBatch, 23}) +
                  "  return %y, %n#1, %n#2, %m#1, %m#2 : " + tensorType({kBatch, 23}) + ", " +
                  tensorType({19}) + ", " + tensorType({19}) + ", " + tensorType({23}) + ", " +
                  tensorType({23}),
              {kBatch, 23}, false, false, x, {19, 19, 23, 23}};
}

// Local response normalization across 7 channels, window 3, 4 (even) and 16
// (wider than the 13 channels a window can reach: cut to them).
Case localResponseNorm() {
  std::vector<int64_t> x{kBatch, 3, 5, 4}, h{kBatch, 7, 5, 4};
  return Case{"local_response_norm",
              {{7, 3, 3, 3}, {7}},
              conv("h", "x", x, 0, {7, 3, 3, 3}, true, h, "padding = array<i64: 1, 1, 1, 1>") +
                  "  %l = nn.local_response_norm %h {size = 3, alpha = 0.5, beta = 0.75, k = 2.0} : " +
                  tensorType(h) + "\n" +
                  "  %m = nn.local_response_norm %l {size = 4, alpha = 0.3, beta = 0.6, k = 1.0} : " +
                  tensorType(h) + "\n" +
                  "  %y = nn.local_response_norm %m {size = 16, alpha = 0.8, beta = 0.7, k = 1.5} : " +
                  tensorType(h) + "\n" + ret("y", h),
              h, false, false, x};
}

// Sequences: [batch, 5 steps, features]. 5 steps, so the rows [batch * 5,
// features] that dense, softmax and layer_norm work on are 45, no whole
// number of vectors either.
constexpr int64_t kSteps = 5;

std::vector<int64_t> seq(int64_t features) { return {kBatch, kSteps, features}; }

/// nn.dense of %<in> (any rank, on its last axis) by %p<w> [features, in]
/// and %p<w+1> into %<out>.
std::string dense(const std::string &out, const std::string &in,
                  const std::vector<int64_t> &inShape, int w, int64_t features) {
  std::vector<int64_t> outShape = inShape;
  outShape.back() = features;
  return "  %" + out + " = nn.dense %" + in + ", %p" + std::to_string(w) + ", %p" +
         std::to_string(w + 1) + " : (" + tensorType(inShape) + ", " +
         tensorType({features, inShape.back()}) + ", " + tensorType({features}) +
         ") -> " + tensorType(outShape) + "\n";
}

/// Two dense layers of one input [batch, ..., 37]: %p0, %p1 to 19 features
/// (%h), %p2, %p3 to `g` features (%g); a graph, %x feeding both.
std::vector<std::vector<int64_t>> twoDenseParams(int64_t g) {
  return {{kOut, kIn}, {kOut}, {g, kIn}, {g}};
}

std::string twoDense(const std::vector<int64_t> &in, int64_t g) {
  return dense("h", "x", in, 0, kOut) + dense("g", "x", in, 2, g);
}

std::string op2(const std::string &out, const std::string &op, const std::string &a,
                const std::string &b, const std::vector<int64_t> &shape) {
  return "  %" + out + " = nn." + op + " %" + a + ", %" + b + " : " +
         tensorType(shape) + "\n";
}

// Softmax over the last axis of [batch, 5, 19] (rows of one step, not of
// the sample), flattened for the loss.
Case denseSoftmaxRank3() {
  std::vector<int64_t> h = seq(kOut), y{kBatch, kSteps * kOut};
  return Case{"dense_softmax_rank3", kDenseParams,
              dense("h", "x", seq(kIn), 0, kOut) + op1("s", "softmax", "h", h) +
                  "  %y = nn.reshape %s : " + tensorType(h) + " -> " + tensorType(y) +
                  "\n" + ret("y", y),
              y, false, false, seq(kIn)};
}

// Layer norm with weight and bias over the 23 features of each step, and
// without them on [batch, 19].
Case layerNormAffine() {
  std::vector<int64_t> h = seq(23);
  std::string f = tensorType({23});
  return Case{"layer_norm_affine",
              {{23, kIn}, {23}, {23}, {23}},
              dense("h", "x", seq(kIn), 0, 23) +
                  "  %y = nn.layer_norm %h weight %p2 bias %p3 {epsilon = 1.0e-5} : (" +
                  tensorType(h) + ", " + f + ", " + f + ") -> " + tensorType(h) + "\n" +
                  ret("y", h),
              h, false, false, seq(kIn)};
}

Case layerNormPlain() {
  std::string t = tensorType({kBatch, kOut});
  return Case{"layer_norm", kDenseParams,
              afterDense("  %y = nn.layer_norm %h : (" + t + ") -> " + t, "%y",
                         {kBatch, kOut}),
              {kBatch, kOut}};
}

// h + g of two branches; h * g + h, so h's cotangent sums over its two uses.
Case addCase() {
  std::vector<int64_t> y{kBatch, kOut};
  return Case{"add", twoDenseParams(kOut),
              twoDense({kBatch, kIn}, kOut) + op2("y", "add", "h", "g", y) + ret("y", y),
              y};
}

Case multiplyCase() {
  std::vector<int64_t> y{kBatch, kOut};
  return Case{"multiply", twoDenseParams(kOut),
              twoDense({kBatch, kIn}, kOut) + op2("m", "multiply", "h", "g", y) +
                  op2("y", "add", "m", "h", y) + ret("y", y),
              y};
}

// Concat of 19 and 23 features per step (axis 2), and of [batch, 19],
// [batch, 23] and [batch, 19] again (axis 1; h's gradient sums two slices).
Case concatSteps() {
  std::vector<int64_t> y = seq(kOut + 23);
  return Case{"concat_axis2", twoDenseParams(23),
              twoDense(seq(kIn), 23) + "  %y = nn.concat %h, %g {axis = 2} : (" +
                  tensorType(seq(kOut)) + ", " + tensorType(seq(23)) + ") -> " +
                  tensorType(y) + "\n" + ret("y", y),
              y, false, false, seq(kIn)};
}

Case concatFeatures() {
  std::vector<int64_t> h{kBatch, kOut}, y{kBatch, 2 * kOut + 23};
  return Case{"concat_axis1", twoDenseParams(23),
              twoDense({kBatch, kIn}, 23) + "  %y = nn.concat %h, %g, %h {axis = 1} : (" +
                  tensorType(h) + ", " + tensorType({kBatch, 23}) + ", " +
                  tensorType(h) + ") -> " + tensorType(y) + "\n" + ret("y", y),
              y};
}

// The mean or max over the steps (axis 1) or the features (axis 2) of a
// dense layer's [batch, 5, 19]: its values are distinct, so every max is
// unique and its gradient defined. With these draws a max leads the
// runner-up by 0.006 at least (axis 1), far beyond the 1e-6 probes.
Case reduceCase(const std::string &op, int64_t axis) {
  std::vector<int64_t> h = seq(kOut), y = h;
  y.erase(y.begin() + axis);
  return Case{op + "_axis" + std::to_string(axis), kDenseParams,
              dense("h", "x", seq(kIn), 0, kOut) + "  %y = nn." + op + " %h {axis = " +
                  std::to_string(axis) + "} : " + tensorType(h) + " -> " +
                  tensorType(y) + "\n" + ret("y", y),
              y, false, false, seq(kIn)};
}

// Positions 0..4 of a 7-row table (rows 5 and 6 get no gradient), then tanh.
Case positionEmbedding() {
  std::vector<int64_t> h = seq(23);
  Case c{"position_embedding",
         {{23, kIn}, {23}, {7, 23}},
         dense("h", "x", seq(kIn), 0, 23) + "  %e = nn.position_embedding %h, %p2 : " +
             tensorType(h) + ", " + tensorType({7, 23}) + "\n" +
             op1("y", "tanh", "e", h) + ret("y", h),
         h, false, false, seq(kIn)};
  c.unused = {{2, kSteps * 23}};
  return c;
}

// Ids [batch, 5] in [0, 10) (each of them used) into an 11-row table (row
// 10 never read), then the mean over the steps.
Case embedding() {
  std::vector<int64_t> ids{kBatch, kSteps}, e = seq(kOut), y{kBatch, kOut};
  Case c{"embedding",
         {{11, kOut}},
         "  %e = nn.embedding %x, %p0 : (" + tensorType(ids, "i32") + ", " +
             tensorType({11, kOut}) + ") -> " + tensorType(e) + "\n" +
             "  %y = nn.reduce_mean %e {axis = 1} : " + tensorType(e) + " -> " +
             tensorType(y) + "\n" + ret("y", y),
         y, false, false, ids};
  c.ids = 10;
  c.unused = {{0, 10 * kOut}};
  return c;
}

// Self-attention on packed [Q | K | V] rows from a rank-3 dense: 3 heads of
// 4 (width 12), 5 steps, with or without the causal mask; the values' rows
 // get cotangents from the weights' use and from being applied. With `tiled`
// the queries and keys go in tiles of 2 (two tiles and a remainder of 1).
Case attention(bool causal, bool tiled = false) {
  std::vector<int64_t> qkv = seq(36), o = seq(12), lse{kBatch, 3, kSteps},
                       y{kBatch, kSteps * 12};
  Case c{std::string(causal ? "attention_causal" : "attention") + (tiled ? "_tiled" : ""),
              {{36, kIn}, {36}},
              dense("q", "x", seq(kIn), 0, 36) +
                  "  %o, %lse = nn.attention %q {num_heads = 3" + (causal ? ", causal" : "") +
                  (tiled ? ", block = 2" : "") + "} : " + tensorType(qkv) + " -> (" + tensorType(o) + ", " +
                  tensorType(lse) + ")\n  %y = nn.reshape %o : " + tensorType(o) + " -> " +
                  tensorType(y) + "\n" + ret("y", y),
              y, false, false, seq(kIn)};
  c.sameAsOneTile = tiled;
  return c;
}

// The same across the vector width and with dropout on the weights: one
// head of 18 over 20 steps (the dense's 5 steps of 216 regrouped as 20 of
// 54), causal or not, in tiles of 8 (two and a remainder of 4), weights
// dropped at rate 0.3 in training, the mask the same in the forward and the
// backward pass and the same as in one tile.
Case attentionWide(bool causal) {
  std::vector<int64_t> h = seq(216), qkv{kBatch, 20, 54}, o{kBatch, 20, 18},
                       lse{kBatch, 1, 20}, y{kBatch, 360};
  Case c{causal ? "attention_wide_dropout" : "attention_wide_dropout_full",
         {{216, kIn}, {216}},
         dense("h", "x", seq(kIn), 0, 216) + "  %q = nn.reshape %h : " + tensorType(h) +
             " -> " + tensorType(qkv) +
             "\n  %o, %lse = nn.attention %q {num_heads = 1" + (causal ? ", causal" : "") +
             ", rate = 0.3, stream = 9, block = 8} : " +
             tensorType(qkv) + " -> (" + tensorType(o) + ", " + tensorType(lse) +
             ")\n  %y = nn.reshape %o : " + tensorType(o) + " -> " + tensorType(y) + "\n" +
             ret("y", y),
         y, false, false, seq(kIn)};
  c.randomInside = true;
  c.sameAsOneTile = true;
  return c;
}


// One LSTM direction of 19 units over 5 steps of 37 features (a loop):
// forward with the last step as the prediction (gradients reach only
// through the recurrence for the earlier steps), reverse with all steps.
Case lstm(bool reverse) {
  int64_t h = kOut;
  std::vector<int64_t> hs = seq(h), y = reverse ? std::vector<int64_t>{kBatch, kSteps * h}
                                                 : std::vector<int64_t>{kBatch, h};
  std::string out = reverse ? "  %y = nn.reshape %h : " + tensorType(hs) + " -> " + tensorType(y) + "\n"
                            : "  %y = nn.last_step %h : " + tensorType(hs) + " -> " + tensorType(y) + "\n";
  return Case{reverse ? "lstm_reverse" : "lstm",
              {{4 * h, kIn}, {4 * h, h}, {4 * h}, {4 * h}},
              "  %h, %c, %g = nn.lstm %x, %p0, %p1, %p2, %p3 " +
                  std::string(reverse ? "{reverse} " : "") + ": (" + tensorType(seq(kIn)) +
                  ", " + tensorType({4 * h, kIn}) + ", " + tensorType({4 * h, h}) + ", " +
                  tensorType({4 * h}) + ", " + tensorType({4 * h}) + ") -> (" + tensorType(hs) +
                  ", " + tensorType(hs) + ", " + tensorType(seq(4 * h)) + ")\n" + out +
                  ret("y", y),
              y, false, false, seq(kIn)};
}

// A recurrence compiled for 3 cores: its batch in three blocks of three
// rows, the weight gradients summed over them.
Case inBlocks(Case c) {
  c.name += "_in_blocks";
  c.cores = 3;
  return c;
}

// GRU (3 gates, the reset gate inside the candidate) and tanh RNN, 19
// units over 5 steps: forward to the last step, reverse with every step.
Case recurrent(const std::string &op, int64_t gates, bool reverse) {
  int64_t h = kOut;
  std::vector<int64_t> hs = seq(h), y = reverse ? std::vector<int64_t>{kBatch, kSteps * h}
                                                 : std::vector<int64_t>{kBatch, h};
  std::string out = reverse ? "  %y = nn.reshape %h : " + tensorType(hs) + " -> " + tensorType(y) + "\n"
                            : "  %y = nn.last_step %h : " + tensorType(hs) + " -> " + tensorType(y) + "\n";
  std::string results = gates == 3 ? "(" + tensorType(hs) + ", " + tensorType(seq(4 * h)) + ")"
                                   : tensorType(hs);
  std::string lhs = gates == 3 ? "%h, %g" : "%h";
  return Case{op + (reverse ? "_reverse" : ""),
              {{gates * h, kIn}, {gates * h, h}, {gates * h}, {gates * h}},
              "  " + lhs + " = nn." + op + " %x, %p0, %p1, %p2, %p3 " +
                  std::string(reverse ? "{reverse} " : "") + ": (" + tensorType(seq(kIn)) +
                  ", " + tensorType({gates * h, kIn}) + ", " + tensorType({gates * h, h}) + ", " +
                  tensorType({gates * h}) + ", " + tensorType({gates * h}) + ") -> " + results +
                  "\n" + out + ret("y", y),
              y, false, false, seq(kIn)};
}

// Softmax over the steps (axis 1 of [batch, 5, 19]): the axis moves last
// and back around the row softmax.
Case softmaxSteps() {
  std::vector<int64_t> h = seq(kOut), y{kBatch, kSteps * kOut};
  return Case{"softmax_axis1", {{kOut, kIn}, {kOut}},
              dense("h", "x", seq(kIn), 0, kOut) + "  %s = nn.softmax %h {axis = 1} : " +
                  tensorType(h) + "\n  %y = nn.reshape %s : " + tensorType(h) + " -> " +
                  tensorType(y) + "\n" + ret("y", y),
              y, false, false, seq(kIn)};
}

} // namespace

std::vector<Case> allCases() {
  return {
      Case{"dense", kDenseParams, afterDense("", "%h", {kBatch, kOut}),
           {kBatch, kOut}},
      Case{"dense_no_bias", {{kOut, kIn}},
           "  %y = nn.dense %x, %p0 : (" + tensorType({kBatch, kIn}) + ", " +
               tensorType({kOut, kIn}) + ") -> " + tensorType({kBatch, kOut}) +
               "\n  return %y : " + tensorType({kBatch, kOut}),
           {kBatch, kOut}},
      unaryCase("relu", "relu"),
      unaryCase("leaky_relu", "leaky_relu", "{alpha = 0.2}"),
      unaryCase("sigmoid", "sigmoid"),
      unaryCase("tanh", "tanh"),
      unaryCase("softmax", "softmax"),
      Case{"reshape", kDenseParams,
           afterDense("  %y = nn.reshape %h : " + tensorType({kBatch, kOut}) +
                          " -> " + tensorType({kBatch, 1, kOut}),
                      "%y", {kBatch, 1, kOut}),
           {kBatch, 1, kOut}},
      Case{"softmax_cross_entropy", kDenseParams,
           afterDense("", "%h", {kBatch, kOut}), {kBatch, kOut},
           /*crossEntropy=*/true},
      Case{"dense_relu_dense", {{kOut, kIn}, {kOut}, {23, kOut}, {23}},
           afterDense("  %r = nn.relu %h : " + tensorType({kBatch, kOut}) +
                          "\n  %y = nn.dense %r, %p2, %p3 : (" +
                          tensorType({kBatch, kOut}) + ", " +
                          tensorType({23, kOut}) + ", " + tensorType({23}) +
                          ") -> " + tensorType({kBatch, 23}),
                      "%y", {kBatch, 23}),
           {kBatch, 23}},
      Case{"dropout", kDenseParams,
           afterDense("  %y = nn.dropout %h {rate = 0.3, stream = 5} : " +
                          tensorType({kBatch, kOut}),
                      "%y", {kBatch, kOut}),
           {kBatch, kOut}, false, /*dropout=*/true},
      // 150 hidden features: the second layer's batch-1 dot products
      // take 2 x 64 lanes plus a tail of 22.
      Case{"wide_dense", {{150, kIn}, {150}, {kOut, 150}, {kOut}},
           "  %h = nn.dense %x, %p0, %p1 : (" + tensorType({kBatch, kIn}) +
               ", " + tensorType({150, kIn}) + ", " + tensorType({150}) +
               ") -> " + tensorType({kBatch, 150}) +
               "\n  %r = nn.tanh %h : " + tensorType({kBatch, 150}) +
               "\n  %y = nn.dense %r, %p2, %p3 : (" + tensorType({kBatch, 150}) +
               ", " + tensorType({kOut, 150}) + ", " + tensorType({kOut}) +
               ") -> " + tensorType({kBatch, kOut}) + "\n  return %y : " +
               tensorType({kBatch, kOut}),
           {kBatch, kOut}},
      convStrideDilation(), convScatter(), convPlanes(), convGroups(), pools(), globalPool(true),
      globalPool(false), batchNorm(), localResponseNorm(),
      denseSoftmaxRank3(), layerNormAffine(), layerNormPlain(),
      unaryCase("gelu", "gelu"), addCase(), multiplyCase(), concatSteps(),
      concatFeatures(), reduceCase("reduce_mean", 1), reduceCase("reduce_max", 1),
      reduceCase("reduce_max", 2), positionEmbedding(), embedding(),
      attention(false), attention(true), attention(false, true),
      attention(true, true), attentionWide(true), attentionWide(false), lstm(false), lstm(true),
      softmaxSteps(), recurrent("gru", 3, false), recurrent("gru", 3, true),
      recurrent("simple_rnn", 1, false), recurrent("simple_rnn", 1, true),
      inBlocks(lstm(false)), inBlocks(lstm(true)), inBlocks(recurrent("gru", 3, true)),
      inBlocks(recurrent("simple_rnn", 1, false)),
      lossCase("mae"), lossCase("huber"), lossCase("bce"), lossCase("kl"),
      lossCase("ce_smooth"), lossCase("ce_soft"), regularized(), clipped()};
}

} // namespace kiln::gradcheck
