//===- NNOps.td - nn dialect operations ------------------------------------===//
#ifndef KILN_NN_OPS
#define KILN_NN_OPS

include "dialects/NN/IR/NNBase.td"
include "dialects/NN/IR/DifferentiableOpInterface.td"
include "dialects/NN/IR/ModeDependentOpInterface.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def NN_FloatTensor : RankedTensorOf<[AnyFloat]>;
def NN_Scalar : 0DTensorOf<[AnyFloat]>;

class NN_DiffOp<string mnemonic, list<Trait> traits = []>
    : NN_Op<mnemonic, !listconcat(traits,
        [Pure, DeclareOpInterfaceMethods<DifferentiableOpInterface>])>;

//===----------------------------------------------------------------------===//
// Layers
//===----------------------------------------------------------------------===//

def NN_DenseOp : NN_DiffOp<"dense", [DeclareOpInterfaceMethods<InferTypeOpInterface>]> {
  let summary = "Fully connected layer: input x weightᵀ (+ bias)";
  let description = [{
    `result[b, o] = sum_i input[b, i] * weight[o, i] + bias[o]`. The weight
    has PyTorch's `Linear` layout `[out, in]`; the bias is optional. An input
    of higher rank `[batch, ..., in]` is transformed along its last axis.

    ```mlir
    %y = nn.dense %x, %w, %b : (tensor<64x784xf32>, tensor<512x784xf32>,
                                tensor<512xf32>) -> tensor<64x512xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$input, NN_FloatTensor:$weight,
                       Optional<NN_FloatTensor>:$bias);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def NN_ReshapeOp : NN_DiffOp<"reshape"> {
  let summary = "Reshape to the result type (same element count); flatten is a reshape";
  let description = [{
    ```mlir
    %f = nn.reshape %x : tensor<64x28x28xf32> -> tensor<64x784xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$input);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def NN_DropoutOp : NN_DiffOp<"dropout", [AttrSizedOperandSegments,
    AllTypesMatch<["input", "result"]>,
    DeclareOpInterfaceMethods<InferTypeOpInterface>,
    DeclareOpInterfaceMethods<ModeDependentOpInterface>]> {
  let summary = "Inverted dropout in training, the identity in evaluation";
  let description = [{
    In training mode (`training`, given the step's `seed` and `step`) each
    element is zeroed with probability `rate` and the others are scaled by
    1 / (1 - rate). The mask is a hash of (seed, step, stream, element index):
    reproducible, recomputed by the backward pass, resumable from (seed,
    step) alone. `stream` tells the layers of a model apart. Without
    `training` (eval mode, or before an entry point gives the op its mode)
    it folds to its input.

    ```mlir
    %y = nn.dropout %x {rate = 0.5, stream = 3} : tensor<64x512xf32>
    %t = nn.dropout %x seed %seed step %step {rate = 0.5, stream = 3, training}
        : tensor<64x512xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$input, Optional<I64>:$seed,
                       Optional<I64>:$step, F64Attr:$rate, I64Attr:$stream,
                       UnitAttr:$training);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = [{
    $input (`seed` $seed^)? (`step` $step^)? attr-dict `:` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def NN_Conv2DOp : NN_DiffOp<"conv2d", [DeclareOpInterfaceMethods<InferTypeOpInterface>]> {
  let summary = "2-D convolution (cross-correlation) of [batch, channels, height, width]";
  let description = [{
    PyTorch's `Conv2d`: `result[n, f, oh, ow] = bias[f] + sum over c, i, j of
    input[n, g*C/G + c, oh*sh + i*dh - top, ow*sw + j*dw - left] *
    weight[f, c, i, j]`, with `g = f / (F/G)` and zeros outside the input.
    The weight is `[filters, channels / groups, kh, kw]`; `padding` is
    `[top, left, bottom, right]`. The internal layout is the lowering's choice.

    ```mlir
    %y = nn.conv2d %x, %w, %b {strides = array<i64: 2, 2>,
                                padding = array<i64: 1, 1, 1, 1>}
        : (tensor<64x1x28x28xf32>, tensor<32x1x3x3xf32>, tensor<32xf32>)
        -> tensor<64x32x14x14xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$input, NN_FloatTensor:$weight,
                       Optional<NN_FloatTensor>:$bias,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilation,
                       DefaultValuedAttr<I64Attr, "1">:$groups);
  let results = (outs NN_FloatTensor:$result);
  let extraClassDeclaration = [{
    /// The kernel size (from the weight), strides, dilation and padding.
    ::kiln::Window2D getGeometry();
  }];
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

class NN_Pool2DOp<string mnemonic, string summaryText, string reduceText>
    : NN_DiffOp<mnemonic, [DeclareOpInterfaceMethods<InferTypeOpInterface>]> {
  let summary = summaryText;
  let description = !strconcat(reduceText, [{ over each window of
    [batch, channels, height, width]. `padding` is `[top, left, bottom,
    right]`. A window equal to the input (no padding) is global pooling.

    ```mlir
    %y = nn.}], mnemonic, [{ %x {window = array<i64: 2, 2>,
                                strides = array<i64: 2, 2>}
        : tensor<64x32x26x26xf32> -> tensor<64x32x13x13xf32>
    ```
  }]);
  let arguments = (ins NN_FloatTensor:$input, DenseI64ArrayAttr:$window,
                       DenseI64ArrayAttr:$strides,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding);
  let results = (outs NN_FloatTensor:$result);
  let extraClassDeclaration = [{
    ::kiln::Window2D getGeometry() {
      auto w = getWindow(), s = getStrides(), p = getPadding();
      return {w[0], w[1], s[0], s[1], 1, 1, p[0], p[1], p[2], p[3]};
    }
  }];
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def NN_MaxPool2DOp : NN_Pool2DOp<"max_pool2d", "2-D max pooling",
    "The maximum (padding never wins; the gradient goes to the first maximum,\n"
    "    in row-major window order, as in PyTorch)">;
def NN_AvgPool2DOp : NN_Pool2DOp<"avg_pool2d", "2-D average pooling",
    "The mean, padded zeros included (PyTorch's `count_include_pad=True`),">;

def NN_BatchNormOp : NN_DiffOp<"batch_norm", [AttrSizedOperandSegments,
    DeclareOpInterfaceMethods<InferTypeOpInterface>,
    DeclareOpInterfaceMethods<ModeDependentOpInterface>]> {
  let summary = "Batch normalization over the channels of [N, C, H, W] or the features of [N, F]";
  let description = [{
    PyTorch's `BatchNorm1d/2d`. In training mode (`training`) each channel
    is normalized with the batch's mean and biased variance over every
    other dim, and the results `new_mean`, `new_var` are the running
    statistics updated with `momentum` (the unbiased variance, as PyTorch):
    `new = (1 - momentum) * running + momentum * batch`. Otherwise the
    running statistics normalize and are returned unchanged. `weight` and
    `bias` (`[C]`, both or neither) scale and shift.

    ```mlir
    %y, %m, %v = nn.batch_norm %x, %mean, %var weight %w bias %b
        {momentum = 0.1, epsilon = 1.0e-5, training}
        : (tensor<64x32x13x13xf32>, tensor<32xf32>, tensor<32xf32>,
           tensor<32xf32>, tensor<32xf32>)
        -> (tensor<64x32x13x13xf32>, tensor<32xf32>, tensor<32xf32>)
    ```
  }];
  let arguments = (ins NN_FloatTensor:$input, NN_FloatTensor:$running_mean,
                       NN_FloatTensor:$running_var,
                       Optional<NN_FloatTensor>:$weight,
                       Optional<NN_FloatTensor>:$bias,
                       DefaultValuedAttr<F64Attr, "0.1">:$momentum,
                       DefaultValuedAttr<F64Attr, "1e-5">:$epsilon,
                       UnitAttr:$training);
  let results = (outs NN_FloatTensor:$result, NN_FloatTensor:$new_mean,
                      NN_FloatTensor:$new_var);
  let assemblyFormat = [{
    $input `,` $running_mean `,` $running_var (`weight` $weight^)? (`bias` $bias^)?
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def NN_CountOp : NN_Op<"count", [Pure, SameOperandsAndResultType,
    InferTypeOpInterface, DeclareOpInterfaceMethods<ModeDependentOpInterface>]> {
  let summary = "A counter of training steps: one more in training mode";
  let description = [{
    Batch norm's `num_batches_tracked` buffer, as PyTorch keeps it: in
    training mode (`training`) the result is the counter plus one; otherwise
    it is the counter, and the op folds away. Not differentiable (integer).

    ```mlir
    %n1 = nn.count %n {training} : tensor<i64>
    ```
  }];
  let arguments = (ins 0DTensorOf<[I64]>:$input, UnitAttr:$training);
  let results = (outs 0DTensorOf<[I64]>:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
  let hasFolder = 1;
}

def NN_LocalResponseNormOp : NN_DiffOp<"local_response_norm",
    [SameOperandsAndResultType, InferTypeOpInterface]> {
  let summary = "Local response normalization across channels (PyTorch's LocalResponseNorm)";
  let description = [{
    `y[n, c] = x[n, c] / (k + alpha / size * sum of x[n, c']^2 over
    c' in [c - size/2, c + (size-1)/2])^beta`, channels at dim 1 of
    [N, C, H, W] (zero outside the channels).

    ```mlir
    %y = nn.local_response_norm %x {size = 5, alpha = 1.0e-4, beta = 0.75, k = 1.0}
        : tensor<64x32x13x13xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$input, I64Attr:$size,
                       DefaultValuedAttr<F64Attr, "1e-4">:$alpha,
                       DefaultValuedAttr<F64Attr, "0.75">:$beta,
                       DefaultValuedAttr<F64Attr, "1.0">:$k);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Sequences and graphs
//===----------------------------------------------------------------------===//

def NN_EmbeddingOp : NN_DiffOp<"embedding", [DeclareOpInterfaceMethods<InferTypeOpInterface>]> {
  let summary = "Rows of a table looked up by integer ids: result[..., d] = weight[ids[...], d]";
  let description = [{
    PyTorch's `Embedding`: `weight` is `[num_embeddings, dim]`; the result
    has the ids' shape plus `dim`. Ids outside `[0, num_embeddings)` read the
    nearest row (the runtime refuses such inputs before they get here). The
    gradient of `weight` is a scatter-add of the result's gradient rows; ids
    get none.

    ```mlir
    %e = nn.embedding %ids, %w : (tensor<32x64xi32>, tensor<256x32xf32>)
        -> tensor<32x64x32xf32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[AnySignlessInteger]>:$ids, NN_FloatTensor:$weight);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = "$ids `,` $weight attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def NN_PositionEmbeddingOp : NN_DiffOp<"position_embedding",
    [AllTypesMatch<["input", "result"]>, DeclareOpInterfaceMethods<InferTypeOpInterface>]> {
  let summary = "Adds a learned vector per position: result[b, t, d] = input[b, t, d] + weight[t, d]";
  let description = [{
    `weight` is `[max_len, dim]`; an input of `[batch, T, dim]` uses its
    first T rows (T ≤ max_len), the others get a zero gradient.

    ```mlir
    %y = nn.position_embedding %x, %w : tensor<32x64x128xf32>, tensor<64x128xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$input, NN_FloatTensor:$weight);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = "$input `,` $weight attr-dict `:` type($input) `,` type($weight)";
  let hasVerifier = 1;
}

def NN_LayerNormOp : NN_DiffOp<"layer_norm", [AttrSizedOperandSegments,
    DeclareOpInterfaceMethods<InferTypeOpInterface>]> {
  let summary = "Layer normalization over the last axis";
  let description = [{
    PyTorch's `LayerNorm(normalized_shape = last dim)`: each row over the
    last axis is normalized with its mean and biased variance,
    `(x - mean) / sqrt(var + epsilon)`, then scaled by `weight` and shifted
    by `bias` (`[F]`, both or neither).

    ```mlir
    %y = nn.layer_norm %x weight %w bias %b {epsilon = 1.0e-5}
        : (tensor<32x64x128xf32>, tensor<128xf32>, tensor<128xf32>) -> tensor<32x64x128xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$input, Optional<NN_FloatTensor>:$weight,
                       Optional<NN_FloatTensor>:$bias,
                       DefaultValuedAttr<F64Attr, "1e-5">:$epsilon);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = [{
    $input (`weight` $weight^)? (`bias` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

class NN_BinaryOp<string mnemonic, string summaryText>
    : NN_DiffOp<mnemonic, [SameOperandsAndResultType, InferTypeOpInterface]> {
  let summary = summaryText;
  let description = [{
    Elementwise, on operands of one shape (a graph model's merge layer).

    ```mlir
    %y = nn.}] # mnemonic # [{ %a, %b : tensor<32x64x128xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$lhs, NN_FloatTensor:$rhs);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($result)";
}

def NN_AddOp : NN_BinaryOp<"add", "lhs + rhs">;
def NN_MultiplyOp : NN_BinaryOp<"multiply", "lhs * rhs">;

def NN_ConcatOp : NN_DiffOp<"concat", [DeclareOpInterfaceMethods<InferTypeOpInterface>]> {
  let summary = "Joins tensors along one axis";
  let description = [{
    The inputs agree on every dim but `axis` (never 0, the batch).

    ```mlir
    %y = nn.concat %a, %b {axis = 2} : (tensor<32x64x16xf32>, tensor<32x64x8xf32>)
        -> tensor<32x64x24xf32>
    ```
  }];
  let arguments = (ins Variadic<NN_FloatTensor>:$inputs, I64Attr:$axis);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

class NN_ReduceOp<string mnemonic, string summaryText, string gradText>
    : NN_DiffOp<mnemonic, [DeclareOpInterfaceMethods<InferTypeOpInterface>]> {
  let summary = summaryText;
  let description = gradText # [{ The axis is dropped from
    the shape; it is never 0 (the batch). Global pooling over time is
    `axis = 1` of `[batch, T, features]`.

    ```mlir
    %y = nn.}] # mnemonic # [{ %x {axis = 1} : tensor<32x64x128xf32> -> tensor<32x128xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$input, I64Attr:$axis);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def NN_ReduceMeanOp : NN_ReduceOp<"reduce_mean", "The mean over one axis", "">;
def NN_ReduceMaxOp : NN_ReduceOp<"reduce_max", "The maximum over one axis",
    "The gradient goes to the first maximum along the axis (as PyTorch's\n"
    "    `max(dim)`).">;

def NN_AttentionOp : NN_DiffOp<"attention", [AttrSizedOperandSegments,
    DeclareOpInterfaceMethods<InferTypeOpInterface>,
    DeclareOpInterfaceMethods<ModeDependentOpInterface>]> {
  let summary = "Fused multi-head self-attention on packed [Q | K | V] rows";
  let description = [{
    `qkv` is `[batch, T, 3E]`: the queries, keys and values of PyTorch's
    `MultiheadAttention` after its input projection, head `h` in columns
    `h*d .. (h+1)*d` of each (`d = E / num_heads`). Per head the weights are
    the softmax over `j` of `q_i · k_j / √d` (`j > i` masked out when
    `causal`), dropped out in training as `nn.dropout` would drop a
    `[batch, num_heads, T, T]` tensor (`rate`, `stream`; `seed` and `step`
    given by the entry point), then applied to the values: `result` is
    `[batch, T, E]`, the heads concatenated, as PyTorch's before its output
    projection. The weights are never a tensor of the program: the lowering
    computes them one head at a time. `logsumexp` `[batch, num_heads, T]`
    (each row's log Σ_j exp) is a residual from which the backward pass
    recomputes them; no gradient flows back through it. `block` is the tile
    size over queries and keys (default 64): no block of weights larger than
    `block x block` exists, as in flash attention.

    ```mlir
    %o, %lse = nn.attention %qkv {num_heads = 4, causal, rate = 0.1, stream = 7}
        : tensor<32x64x384xf32> -> (tensor<32x64x128xf32>, tensor<32x4x64xf32>)
    ```
  }];
  let arguments = (ins NN_FloatTensor:$qkv, Optional<I64>:$seed, Optional<I64>:$step,
                       I64Attr:$num_heads, UnitAttr:$causal,
                       DefaultValuedAttr<F64Attr, "0.0">:$rate,
                       DefaultValuedAttr<I64Attr, "0">:$stream, UnitAttr:$training,
                       DefaultValuedAttr<I64Attr, "64">:$block);
  let results = (outs NN_FloatTensor:$result, NN_FloatTensor:$logsumexp);
  let assemblyFormat = [{
    $qkv (`seed` $seed^)? (`step` $step^)? attr-dict `:` type($qkv) `->` `(` type($result) `,` type($logsumexp) `)`
  }];
  let extraClassDeclaration = [{
    /// Heads, mask and dropout (seed and step only when it drops).
    ::kiln::AttentionConfig getConfig();
  }];
  let hasVerifier = 1;
}

def NN_LSTMOp : NN_DiffOp<"lstm", [DeclareOpInterfaceMethods<InferTypeOpInterface>]> {
  let summary = "One direction of one LSTM layer over [batch, T, features]";
  let description = [{
    PyTorch's `LSTM` (gate order i, f, g, o; zero initial states):
    `weight_ih` `[4H, F]`, `weight_hh` `[4H, H]`, `bias_ih`, `bias_hh` `[4H]`.
    `result` is h at every step `[batch, T, H]`; `reverse` runs from the last
    step to the first (a bidirectional layer's second direction). `cells`
    (c at every step) and `gates` (the gates after their activations,
    `[batch, T, 4H]`) are residuals for the backward pass; no gradient flows
    back through them.

    ```mlir
    %h, %c, %g = nn.lstm %x, %wih, %whh, %bih, %bhh
        : (tensor<32x30x1xf32>, tensor<256x1xf32>, tensor<256x64xf32>, tensor<256xf32>,
           tensor<256xf32>) -> (tensor<32x30x64xf32>, tensor<32x30x64xf32>, tensor<32x30x256xf32>)
    ```
  }];
  let arguments = (ins NN_FloatTensor:$input, NN_FloatTensor:$weight_ih,
                       NN_FloatTensor:$weight_hh, NN_FloatTensor:$bias_ih,
                       NN_FloatTensor:$bias_hh, UnitAttr:$reverse);
  let results = (outs NN_FloatTensor:$result, NN_FloatTensor:$cells, NN_FloatTensor:$gates);
  let assemblyFormat = [{
    $input `,` $weight_ih `,` $weight_hh `,` $bias_ih `,` $bias_hh attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def NN_GRUOp : NN_DiffOp<"gru", [DeclareOpInterfaceMethods<InferTypeOpInterface>]> {
  let summary = "One direction of one GRU layer over [batch, T, features]";
  let description = [{
    PyTorch's `GRU` (gate order r, z, n; zero initial state):
    `n = tanh(W_in x + b_in + r * (W_hn h + b_hn))`, `h' = (1 - z) n + z h`.
    `weight_ih` `[3H, F]`, `weight_hh` `[3H, H]`, biases `[3H]`. `gates`
    (r, z, n and `W_hn h + b_hn` per step, `[batch, T, 4H]`) is a residual
    for the backward pass; no gradient flows back through it.

    ```mlir
    %h, %g = nn.gru %x, %wih, %whh, %bih, %bhh {reverse}
        : (tensor<8x5x3xf32>, tensor<30x3xf32>, tensor<30x10xf32>, tensor<30xf32>,
           tensor<30xf32>) -> (tensor<8x5x10xf32>, tensor<8x5x40xf32>)
    ```
  }];
  let arguments = (ins NN_FloatTensor:$input, NN_FloatTensor:$weight_ih,
                       NN_FloatTensor:$weight_hh, NN_FloatTensor:$bias_ih,
                       NN_FloatTensor:$bias_hh, UnitAttr:$reverse);
  let results = (outs NN_FloatTensor:$result, NN_FloatTensor:$gates);
  let assemblyFormat = [{
    $input `,` $weight_ih `,` $weight_hh `,` $bias_ih `,` $bias_hh attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def NN_SimpleRNNOp : NN_DiffOp<"simple_rnn", [DeclareOpInterfaceMethods<InferTypeOpInterface>]> {
  let summary = "One direction of one tanh RNN layer over [batch, T, features]";
  let description = [{
    PyTorch's `RNN` (tanh, zero initial state): `h' = tanh(W_ih x + b_ih +
    W_hh h + b_hh)`; `weight_ih` `[H, F]`, `weight_hh` `[H, H]`, biases `[H]`.

    ```mlir
    %h = nn.simple_rnn %x, %wih, %whh, %bih, %bhh
        : (tensor<8x5x3xf32>, tensor<10x3xf32>, tensor<10x10xf32>, tensor<10xf32>,
           tensor<10xf32>) -> tensor<8x5x10xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$input, NN_FloatTensor:$weight_ih,
                       NN_FloatTensor:$weight_hh, NN_FloatTensor:$bias_ih,
                       NN_FloatTensor:$bias_hh, UnitAttr:$reverse);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight_ih `,` $weight_hh `,` $bias_ih `,` $bias_hh attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def NN_LastStepOp : NN_DiffOp<"last_step", [DeclareOpInterfaceMethods<InferTypeOpInterface>]> {
  let summary = "The last step of [batch, T, features]: x[:, T-1, :]";
  let description = [{
    A recurrent layer's output without `return_sequences` (PyTorch's
    `output[:, -1]`).

    ```mlir
    %y = nn.last_step %h : tensor<32x30x64xf32> -> tensor<32x64xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$input);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Activations (elementwise, except softmax over the last axis)
//===----------------------------------------------------------------------===//

class NN_ActivationOp<string mnemonic, string summaryText, string example>
    : NN_DiffOp<mnemonic, [SameOperandsAndResultType, InferTypeOpInterface]> {
  let summary = summaryText;
  let description = "```mlir\n" # example # "\n```";
  let arguments = (ins NN_FloatTensor:$input);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
}

def NN_ReluOp : NN_ActivationOp<"relu", "max(x, 0)",
    "%y = nn.relu %x : tensor<64x512xf32>">;
def NN_SigmoidOp : NN_ActivationOp<"sigmoid", "1 / (1 + exp(-x))",
    "%y = nn.sigmoid %x : tensor<64x512xf32>">;
def NN_TanhOp : NN_ActivationOp<"tanh", "tanh(x)",
    "%y = nn.tanh %x : tensor<64x512xf32>">;
def NN_GeluOp : NN_ActivationOp<"gelu", "x Φ(x) = x (1 + erf(x / √2)) / 2 (PyTorch's exact GELU)",
    "%y = nn.gelu %x : tensor<64x512xf32>">;
def NN_SoftmaxOp : NN_ActivationOp<"softmax",
    "exp(x) / sum(exp(x)) over one axis (default the last), computed stably",
    "%p = nn.softmax %logits : tensor<64x10xf32>\n%q = nn.softmax %x {axis = 1} : tensor<8x5x7xf32>"> {
  let arguments = (ins NN_FloatTensor:$input, DefaultValuedAttr<I64Attr, "-1">:$axis);
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The axis in [1, rank).
    int64_t getNormalizedAxis() {
      int64_t a = getAxis();
      return a < 0 ? a + getInput().getType().getRank() : a;
    }
  }];
}

def NN_LeakyReluOp : NN_DiffOp<"leaky_relu", [SameOperandsAndResultType, InferTypeOpInterface]> {
  let summary = "x if x > 0, alpha * x otherwise";
  let description = [{
    ```mlir
    %y = nn.leaky_relu %x {alpha = 0.01} : tensor<64x512xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$input,
                       DefaultValuedAttr<F64Attr, "0.01">:$alpha);
  let results = (outs NN_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
}

//===----------------------------------------------------------------------===//
// Losses (reduce to a scalar: the mean, as PyTorch's default reduction)
//===----------------------------------------------------------------------===//

/// A loss comparing a prediction with a target of the same type.
class NN_PairLossOp<string mnemonic, string summaryText, string formula>
    : NN_DiffOp<mnemonic, [AllTypesMatch<["prediction", "target"]>,
                           DeclareOpInterfaceMethods<InferTypeOpInterface>]> {
  let summary = summaryText;
  let description = formula # [{

    ```mlir
    %l = nn.}] # mnemonic # [{ %pred, %target : tensor<32x3xf32> -> tensor<f32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$prediction, NN_FloatTensor:$target);
  let results = (outs NN_Scalar:$result);
  let assemblyFormat = "$prediction `,` $target attr-dict `:` type($prediction) `->` type($result)";
  let hasVerifier = 1;
}

def NN_MSELossOp : NN_PairLossOp<"mse_loss", "Mean squared error over all elements",
    "`mean((p - t)²)`, as PyTorch's `MSELoss`.">;
def NN_MAELossOp : NN_PairLossOp<"mae_loss", "Mean absolute error over all elements",
    "`mean(|p - t|)`, as PyTorch's `L1Loss` (gradient `sign(p - t)`, 0 at 0).">;
def NN_HuberLossOp : NN_PairLossOp<"huber_loss", "Huber loss, mean over all elements",
    "`mean(|d| < delta ? d²/2 : delta (|d| - delta/2))` with `d = p - t`, as "
    "PyTorch's `HuberLoss(delta)`."> {
  let arguments = (ins NN_FloatTensor:$prediction, NN_FloatTensor:$target,
                       DefaultValuedAttr<F64Attr, "1.0">:$delta);
}
def NN_BinaryCrossEntropyOp : NN_PairLossOp<"binary_cross_entropy",
    "Sigmoid of logits, then binary cross-entropy, mean over all elements",
    "`mean(max(x, 0) - x t + log(1 + exp(-|x|)))` on logits `x` with targets "
    "`t` in [0, 1] (0/1 or probabilities), as PyTorch's `BCEWithLogitsLoss`.">;

def NN_SoftmaxCrossEntropyOp : NN_DiffOp<"softmax_cross_entropy",
    [DeclareOpInterfaceMethods<InferTypeOpInterface>]> {
  let summary = "Softmax of logits, then cross-entropy with class labels or probabilities, mean over the batch";
  let description = [{
    `mean_b(-Σ_c t'[b, c] log_softmax(logits)[b, c])`, as PyTorch's
    `CrossEntropyLoss(label_smoothing = s)`. The targets are integer class
    indices [batch] (`t` one-hot) or probability rows [batch, classes] (soft
    or one-hot); with smoothing `t' = (1 - s) t + s / classes`. Logits of
    higher rank [batch, ..., classes] are rows of classes with labels
    [batch, ...] (or probability rows of the logits' shape); the mean is over
    all rows, as PyTorch's on flattened inputs.

    ```mlir
    %l = nn.softmax_cross_entropy %logits, %labels
        : tensor<64x10xf32>, tensor<64xi32> -> tensor<f32>
    %m = nn.softmax_cross_entropy %logits, %probs {label_smoothing = 0.1}
        : tensor<64x10xf32>, tensor<64x10xf32> -> tensor<f32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$logits,
                       RankedTensorOf<[AnySignlessInteger, AnyFloat]>:$labels,
                       DefaultValuedAttr<F64Attr, "0.0">:$label_smoothing);
  let results = (outs NN_Scalar:$result);
  let assemblyFormat = [{
    $logits `,` $labels attr-dict `:` type($logits) `,` type($labels) `->` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The targets are probability rows, not class indices.
    bool hasSoftTargets() {
      return ::llvm::isa<::mlir::FloatType>(getLabels().getType().getElementType());
    }
  }];
}

def NN_KLDivergenceOp : NN_DiffOp<"kl_divergence",
    [AllTypesMatch<["logits", "target"]>,
     DeclareOpInterfaceMethods<InferTypeOpInterface>]> {
  let summary = "KL divergence of target probabilities from the softmax of logits, mean over the batch";
  let description = [{
    `Σ_{b,c} t log t - t log_softmax(logits) / batch` (0 log 0 = 0), as
    PyTorch's `kl_div(log_softmax(logits), t, reduction="batchmean")`.

    ```mlir
    %l = nn.kl_divergence %logits, %probs : tensor<64x10xf32> -> tensor<f32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$logits, NN_FloatTensor:$target);
  let results = (outs NN_Scalar:$result);
  let assemblyFormat = "$logits `,` $target attr-dict `:` type($logits) `->` type($result)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Regularization
//===----------------------------------------------------------------------===//

def NN_WeightPenaltyOp : NN_DiffOp<"weight_penalty",
    [DeclareOpInterfaceMethods<InferTypeOpInterface>]> {
  let summary = "l1 Σ|w| + l2 Σw², a kernel regularizer's term of the loss";
  let description = [{
    Keras' `L1L2(l1, l2)` regularizer (no factor 1/2 on the squares); the
    gradient is `l1 sign(w) + 2 l2 w` (0 at 0 for the first term).

    ```mlir
    %r = nn.weight_penalty %w {l1 = 1.0e-4, l2 = 1.0e-3} : tensor<64x784xf32> -> tensor<f32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$weight,
                       DefaultValuedAttr<F64Attr, "0.0">:$l1,
                       DefaultValuedAttr<F64Attr, "0.0">:$l2);
  let results = (outs NN_Scalar:$result);
  let assemblyFormat = "$weight attr-dict `:` type($weight) `->` type($result)";
  let hasVerifier = 1;
}

#endif // KILN_NN_OPS
