"""PyTorch counterparts of Kiln's layers for the e2e comparisons
(torch_reference.py): models built from Kiln's layer lists (sequential or
graph), Kiln's dropout hash, relu/max-pool decisions that can be flipped,
synthetic data for the sequence and graph models (attention, transformer
blocks, LSTM, GRU and RNN layers as PyTorch's own modules),
safetensors I/O, and the mapping between PyTorch state and Kiln's
checkpoint names."""
import collections, json, struct

import numpy as np
import torch

# DROPOUT. Kiln's mask is no generator's state but a hash of (the run's seed,
# the optimizer step from 1, the layer's index in "layers", the element's
# row-major index in the [batch, features...] tensor the layer receives)
# (kiln::dropout in dialects/NN/IR/LinalgBuilders.cpp); PyTorch's nn.Dropout
# draws other masks, so the PyTorch side recomputes Kiln's here, in numpy
# uint64 (which wraps mod 2^64, as the generated i64 arithmetic does), and
# applies them as x * mask * float32(1 / (1 - rate)). The seed reaches
# train_step from `train --seed` with --load and from the checkpoint's
# data_seed with --resume (runtime/src/commands.cpp); the step from the
# checkpoint's step + 1 (Model::trainBatch).
M64 = (1 << 64) - 1
GOLDEN, STEP_MUL, STREAM_MUL = 0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9


def dropout_keep(seed, step, stream, rate, shape, order="C"):
    """Kiln's keep mask (bool, `shape`) for one dropout layer and step."""
    key = (seed * GOLDEN + step * STEP_MUL + stream * STREAM_MUL) & M64  # Python ints: mod 2^64 here
    index = np.arange(int(np.prod(shape)), dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = np.uint64(key) + index * np.uint64(GOLDEN)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    threshold = int(rate * float(1 << 24) + 0.5)  # C's uint64_t(rate * 2^24 + 0.5), not round()
    return ((z >> np.uint64(40)) >= np.uint64(threshold)).reshape(shape, order=order)


class HashDropout(torch.nn.Module):
    """Kiln's dropout layer in training mode. `counters` is shared by the
    model's layers: seed and step (set before each step) and the PyTorch-side
    perturbations (rate, step, stream, order; see --perturb)."""

    def __init__(self, rate, stream, counters):
        super().__init__()
        self.rate, self.stream, self.counters = rate, stream, counters

    def forward(self, x):
        if not self.training:
            return x  # eval mode: the identity, as Kiln's
        c = self.counters
        rate = c.get("rate", self.rate)
        keep = dropout_keep(c["seed"], c["step"] + c.get("step_offset", 0),
                            self.stream + c.get("stream_offset", 0), rate, tuple(x.shape),
                            c.get("order", "C"))
        mask = torch.from_numpy(keep.astype(np.float32))
        scale = torch.tensor(np.float32(1.0 / (1.0 - rate)))  # float32, as Kiln's constant
        return x * mask * scale


# NEAR DECISIONS (the example configs only). A relu whose input is within
# rounding of 0, or a max-pool window whose two largest inputs are within
# rounding of each other, is a decision that float32 rounding can take
# either way: the forward values hardly differ, but the backward pass sends
# the gradient element through or not (relu), or to another input (max
# pool). At batch 64 there are tens of such decisions per step within 1e-5
# of the layer's rms, and one taken the other way moves a tensor's gradient
# by up to 3e-3 of its norm (batch norm's cancelling sums), which Adam's
# m / sqrt(v) can amplify further (its first update is lr * sign(g): 4e-2 of
# conv2d_3's update in fashion_cnn_bn at step 1). Neither side is wrong: PyTorch
# itself, with its channels-last convolution, takes fashion_cnn's max_pool2d_3
# window [44, 23, 1, 1] (inputs 3.0e-8 apart) the other way at step 4,
# exactly as Kiln does (2.6e-3 of conv2d_0's update). So a step that fails
# the tolerances is retried with such decisions taken the other way on the
# PyTorch side (resolve_near_decisions): candidates are those of the step's
# forward pass within NEAR_REL of the rms of the layer's input (|x| for
# relu, the gap between the two largest inputs for max pool) that route a
# non-zero gradient, nearest first, at most NEAR_CANDIDATES of them; each
# round flips the one that lowers the step's worst error (as a multiple of
# its tolerance) most, if it at least halves it, until the worst error is
# below NEAR_DONE or NEAR_MAX_FLIPS are flipped. The step is then judged,
# with the same tolerances, against the best choice, and the flips are
# reported. Measured: Kiln's flips were 3.0e-8..1.1e-6 apart (1.8e-7..1.5e-6
# of the rms); each brought the step from 1.6-526x the tolerance to below it
# (fashion_cnn steps 4 and 9; fashion_cnn_bn steps 1, 10 and 14, two flips
# at step 14). A wrong model (a changed hyper-parameter, mask or layer key)
# changes every step and no few flips explain it.
#
# FLOAT64. A tensor whose update still fails after that is compared with
# PyTorch in float64 as well (same model and decisions, from Kiln's float32
# state): it passes if it meets the tolerances against that. Where a gradient
# element is a few times Adam's eps, float32 rounding of it changes the
# update: at fashion_cnn_bn's step 1, conv2d_8.weight[55, 10, 0, 0] has
# gradient 3.3e-8 (float64), 2.9e-8 in PyTorch's float32, 3.35e-8 in Kiln's:
# 1.96e-4 beyond one ulp from PyTorch's float32 update (twice
# EXCESS_TOL_ADAM), 1.75e-5 from the float64 one (PyTorch float32 against
# float64: 1.79e-4). PyTorch against itself shows the same: 1 thread against
# 4 differs by 2.2e-4 in conv2d_3's update at that step.
NEAR_REL, NEAR_CANDIDATES, NEAR_MAX_FLIPS, NEAR_DONE = 1e-5, 12, 3, 0.1


class Decisions:
    """The near decisions of one step: `flips` (module name -> list of keys)
    to take the other way; when `record` is set, `candidates` collects
    [distance / rms, module name, key, description, weight], weight being
    filled in by the backward pass: |the gradient element that the decision
    routes| / ||the layer output's gradient||."""

    def __init__(self):
        self.flips, self.record, self.candidates = {}, False, []

    def add(self, out, found):
        """Records `found` ([distance, name, key, description, output element
        index]) of a layer output `out`."""
        entries = [c[:4] + [0.0] for c in found]
        self.candidates += entries
        if entries and out.requires_grad:
            def weigh(g):
                flat = g.detach().flatten()
                norm = flat.double().norm().item()
                for entry, c in zip(entries, found):
                    entry[4] = abs(flat[c[4]].item()) / norm if norm else 0.0
            out.register_hook(weigh)


class DecidedReLU(torch.nn.Module):
    """relu; keys are element indices of the flattened input."""

    def __init__(self, name, decisions):
        super().__init__()
        self.name, self.decisions = name, decisions

    def forward(self, x):
        d = self.decisions
        keep = x > 0
        if d.flips.get(self.name):
            flat = keep.flatten().clone()
            for i in d.flips[self.name]:
                flat[i] = ~flat[i]
            keep = flat.view_as(keep)
        out = torch.where(keep, x, torch.zeros((), dtype=x.dtype))
        if d.record:
            xd = x.detach()
            scale = xd.double().pow(2).mean().sqrt().item()
            near = ((xd.abs() < NEAR_REL * scale) & (xd != 0)).flatten().nonzero().flatten()
            found = []
            for i in near.tolist():
                v = xd.flatten()[i].item()
                found.append([abs(v) / scale, self.name, i,
                              f"{self.name} element {list(np.unravel_index(i, x.shape))}: input {v:.3g}", i])
            d.add(out, found)
        return out


class DecidedMaxPool2d(torch.nn.Module):
    """max_pool2d (no dilation); keys are (output element index, input
    element index in its [H, W] plane) pairs: the window's gradient goes to
    that input element instead."""

    def __init__(self, kernel, strides, padding, name, decisions):
        super().__init__()
        self.kernel, self.strides, self.padding = kernel, strides, padding
        self.name, self.decisions = name, decisions

    def forward(self, x):
        d = self.decisions
        out, idx = torch.nn.functional.max_pool2d(x, self.kernel, self.strides, self.padding,
                                                  return_indices=True)
        if d.flips.get(self.name):
            flat = idx.flatten().clone()
            for o, i in d.flips[self.name]:
                flat[o] = i
            idx = flat.view_as(idx)
        if d.record:
            (kh, kw), (sh, sw), (ph, pw) = self.kernel, self.strides, self.padding
            xd = x.detach()
            scale = xd.double().pow(2).mean().sqrt().item()
            padded = torch.nn.functional.pad(xd, (pw, pw, ph, ph), value=float("-inf"))
            win = padded.unfold(2, kh, sh).unfold(3, kw, sw).flatten(4)  # [N, C, OH, OW, kh*kw]
            top, pos = win.topk(2, dim=-1)
            gap = (top[..., 0] - top[..., 1]).flatten()
            near = ((gap > 0) & (gap < NEAR_REL * scale)).nonzero().flatten()
            oh, ow, w = out.shape[2], out.shape[3], x.shape[3]
            found = []
            for o in near.tolist():
                p = pos.flatten(0, 3)[o, 1].item()
                r, c = (o // ow) % oh * sh + p // kw - ph, o % ow * sw + p % kw - pw
                found.append([gap[o].item() / scale, self.name, (o, r * w + c),
                              f"{self.name} window {list(np.unravel_index(o, out.shape))}: the two "
                              f"largest inputs {gap[o].item():.3g} apart", o])
        out = x.flatten(2).gather(2, idx.flatten(2)).view_as(out)
        if d.record:
            d.add(out, found)
        return out


def read_safetensors(path):
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    out = {}
    for name, info in header.items():
        dtype = {"F32": "<f4", "I64": "<i8"}[info["dtype"]]
        b, e = info["data_offsets"]
        out[name] = np.frombuffer(raw[8 + n + b:8 + n + e], dtype).reshape(info["shape"])
    return out, meta


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        integer = np.issubdtype(np.asarray(t).dtype, np.integer)
        data = np.ascontiguousarray(t, "<i8" if integer else "<f4").tobytes()
        header[name] = {"dtype": "I64" if integer else "F32", "shape": list(np.shape(t)),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def pair(v):
    """An int or [h, w] of the model format, as (h, w)."""
    return (v, v) if isinstance(v, int) else tuple(v)


def window_padding(layer, h, w, kernel, strides, dilation):
    """Kiln's padding (top, left, bottom, right) of a conv2d or pool layer
    on an [h, w] input: "valid", an int or [ph, pw] on both sides, or
    "same": ceil(in / stride) outputs, the odd pixel at the bottom/right."""
    p = layer.get("padding", "valid")
    if p == "valid":
        return 0, 0, 0, 0
    if p != "same":
        ph, pw = pair(p)
        return ph, pw, ph, pw
    def total(n, k, s, d):
        return max((-(-n // s) - 1) * s + (k - 1) * d + 1 - n, 0)
    th, tw = (total(h, kernel[0], strides[0], dilation[0]),
              total(w, kernel[1], strides[1], dilation[1]))
    return th // 2, tw // 2, th - th // 2, tw - tw // 2


def window_out(n, k, s, d, before, after):
    return (n + before + after - d * (k - 1) - 1) // s + 1


class PositionEmbedding(torch.nn.Module):
    """Kiln's position_embedding: x + weight[:T] on [N, T, dim], weight
    [max_len, dim] (normal init); rows T and after get no gradient."""

    def __init__(self, max_len, dim):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.randn(max_len, dim))

    def forward(self, x):
        return x + self.weight[:x.shape[1]]


class GlobalPool1d(torch.nn.Module):
    """global_avg_pool1d / global_max_pool1d over the time axis of [N, T, F]:
    [N, F]. max is x.max(dim=1), whose gradient goes to the first maximum,
    as Kiln's (amax would split it between ties)."""

    def __init__(self, kind):
        super().__init__()
        self.max = kind == "global_max_pool1d"

    def forward(self, x):
        return x.max(dim=1).values if self.max else x.mean(dim=1)


def causal_mask(t):
    """PyTorch's float attention mask for causal self-attention over t
    steps: 0 on and below the diagonal, -inf above it (position i attends
    to positions j <= i)."""
    return torch.triu(torch.full((t, t), float("-inf")), diagonal=1)


def no_dropout(layer, default):
    """A multi_head_attention or transformer_block layer's dropout rate,
    which must be 0 here: Kiln's masks are its own hash (see DROPOUT), and
    these layers' masks are not recomputed on the PyTorch side."""
    rate = layer.get("dropout", default)
    assert rate == 0, f"{layer.get('name', layer['type'])}: dropout {rate}: the comparison needs 0"
    return 0.0


class SelfAttention(torch.nn.MultiheadAttention):
    """Kiln's multi_head_attention on [N, T, E]: PyTorch's own
    MultiheadAttention(E, num_heads, batch_first=True) called as
    mha(x, x, x, attn_mask=causal_mask(T) or None, need_weights=False), its
    parameters (in_proj_weight, in_proj_bias, out_proj.weight,
    out_proj.bias) under the layer's name. In training mode (and with
    parameters that require grad) torch 1.13 never takes its fused "fast
    path". The biases start away from PyTorch's zeros, so that an ignored
    or misplaced bias shows from the first step."""

    def __init__(self, dim, layer):
        super().__init__(dim, layer["num_heads"], dropout=no_dropout(layer, 0.0), batch_first=True)
        self.causal = layer.get("causal", False)
        with torch.no_grad():
            self.in_proj_bias.normal_(0.0, 0.2)
            self.out_proj.bias.normal_(0.0, 0.2)

    def forward(self, x):
        mask = causal_mask(x.shape[1]).to(x.dtype) if self.causal else None
        return super().forward(x, x, x, attn_mask=mask, need_weights=False)[0]


class TransformerBlock(torch.nn.TransformerEncoderLayer):
    """Kiln's transformer_block on [N, T, E]: PyTorch's own
    TransformerEncoderLayer(E, num_heads, dim_feedforward, dropout 0,
    activation, batch_first=True, norm_first) with src_mask = causal_mask(T)
    when causal, its parameters (self_attn.*, linear1, linear2, norm1,
    norm2) under the layer's name. "layer_norm_eps" is a PyTorch-side key
    only (Kiln's is 1e-5), for --perturb. In training mode torch 1.13 never
    takes the fused fast path (why_not_sparsity_fast_path: "training is
    enabled"). The norms' weights and biases and the attention's biases
    start away from PyTorch's ones and zeros."""

    def __init__(self, dim, layer):
        super().__init__(dim, layer["num_heads"], layer.get("dim_feedforward", 2048),
                         no_dropout(layer, 0.1), layer.get("activation", "relu"),
                         layer_norm_eps=layer.get("layer_norm_eps", 1e-5), batch_first=True,
                         norm_first=layer.get("norm_first", False))
        self.causal = layer.get("causal", False)
        with torch.no_grad():
            for norm in (self.norm1, self.norm2):
                norm.weight.normal_(1.0, 0.2)
                norm.bias.normal_(0.0, 0.2)
            self.self_attn.in_proj_bias.normal_(0.0, 0.2)
            self.self_attn.out_proj.bias.normal_(0.0, 0.2)

    def forward(self, x):
        mask = causal_mask(x.shape[1]).to(x.dtype) if self.causal else None
        return super().forward(x, src_mask=mask)


class Recurrent:
    """Kiln's lstm, gru and simple_rnn on [N, T, F], the mixin of LSTM, GRU
    and SimpleRNN below: PyTorch's own nn.LSTM, nn.GRU or nn.RNN (tanh)
    (F, units, num_layers, batch_first=True, bidirectional) with zero
    initial states, its parameters (weight_ih_l<k>, weight_hh_l<k>,
    bias_ih_l<k>, bias_hh_l<k>, _reverse for the second direction) under
    the layer's name; the output [N, T, D * units] with return_sequences,
    else output[:, -1] (for the reverse direction that is its state after
    step T - 1 alone, the first it takes, not h_n). PyTorch's default init,
    uniform in +-1/sqrt(units), biases included. GATES names the row blocks
    of the weights and biases in PyTorch's order: LSTM "ifgo", GRU "rzn"
    (n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), h = (1 - z) n + z h),
    SimpleRNN "h" (h = tanh(W_ih x + b_ih + W_hh h + b_hh)).
    PyTorch-side keys, for --perturb (any of them runs the cells step by
    step here, `manual`; see forward_manual): gate_order (the row blocks
    read as these gates instead of GATES), bias_ih and bias_hh (false: that
    bias left out), reverse (false: the second direction runs forward in
    time too), last ("h_n": each direction's final state instead of
    output[:, -1]) and swap_directions (true: the reverse direction's
    features first); GRU only: reset_after (false: the other GRU
    formulation, n = tanh(W_in x + b_in + W_hn (r * h) + b_hn), r outside
    the product) and update_swapped (true: h = z n + (1 - z) h); any kind:
    activation ("relu", "sigmoid": instead of the tanh of the candidate,
    g, n or h)."""

    PERTURB = ("manual", "gate_order", "bias_ih", "bias_hh", "reverse", "last", "swap_directions",
               "reset_after", "update_swapped", "activation")

    def __init__(self, features, layer):
        super().__init__(features, layer["units"], layer.get("num_layers", 1), batch_first=True,
                         bidirectional=layer.get("bidirectional", False))
        self.return_sequences = layer.get("return_sequences", False)
        self.perturb = {k: layer[k] for k in self.PERTURB if k in layer}

    def forward(self, x):
        if self.perturb:
            return self.forward_manual(x)
        out = super().forward(x)[0]
        return out if self.return_sequences else out[:, -1]

    def cell(self, gi, gh, h, c, w):
        """One step from the input's and the state's products gi = x W_ih^T
        (+ b_ih) and gh = h W_hh^T (+ b_hh), both [N, len(GATES) * units],
        and the direction's parameters w: the new (h, c) (c: the LSTM's cell
        state, else None)."""
        p = self.perturb
        order = p.get("gate_order", self.GATES)
        assert sorted(order) == sorted(self.GATES), order
        act = {"tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid}[p.get("activation", "tanh")]
        if self.GATES == "rzn":
            i, s = dict(zip(order, gi.chunk(3, 1))), dict(zip(order, gh.chunk(3, 1)))
            r, z = torch.sigmoid(i["r"] + s["r"]), torch.sigmoid(i["z"] + s["z"])
            if p.get("reset_after", True):
                n = act(i["n"] + r * s["n"])
            else:  # the rows of W_hh (and b_hh) that make n, applied to r * h
                rows = slice(order.index("n") * self.hidden_size, (order.index("n") + 1) * self.hidden_size)
                n = i["n"] + (r * h) @ w["weight_hh"][rows].t()
                if p.get("bias_hh", True):
                    n = n + w["bias_hh"][rows]
                n = act(n)
            return (z * n + (1 - z) * h if p.get("update_swapped") else (1 - z) * n + z * h), None
        pre = gi + gh
        if self.GATES == "h":
            return act(pre), None
        gate = dict(zip(order, pre.chunk(4, 1)))
        i, f = torch.sigmoid(gate["i"]), torch.sigmoid(gate["f"])
        g, o = act(gate["g"]), torch.sigmoid(gate["o"])
        c = f * c + i * g
        return o * torch.tanh(c), c

    def forward_manual(self, x):
        """The same network one cell at a time, with the perturbations."""
        p = self.perturb
        h_n = []
        for k in range(self.num_layers):
            outs = []
            for sfx in ["", "_reverse"][:2 if self.bidirectional else 1]:
                w = {n: getattr(self, f"{n}_l{k}{sfx}") for n in ("weight_ih", "weight_hh",
                                                                   "bias_ih", "bias_hh")}
                steps = range(x.shape[1])
                if sfx and p.get("reverse", True):
                    steps = reversed(steps)
                h = c = torch.zeros(x.shape[0], self.hidden_size, dtype=x.dtype)
                hs = {}
                for t in steps:
                    gi, gh = x[:, t] @ w["weight_ih"].t(), h @ w["weight_hh"].t()
                    if p.get("bias_ih", True):
                        gi = gi + w["bias_ih"]
                    if p.get("bias_hh", True):
                        gh = gh + w["bias_hh"]
                    h, c = self.cell(gi, gh, h, c, w)
                    hs[t] = h
                outs.append(torch.stack([hs[t] for t in range(x.shape[1])], 1))
                h_n.append(h)
            x = torch.cat(outs[::-1] if p.get("swap_directions") else outs, 2)
        if self.return_sequences:
            return x
        if p.get("last") == "h_n":
            last = h_n[-len(outs):]
            return torch.cat(last[::-1] if p.get("swap_directions") else last, 1)
        return x[:, -1]


class LSTM(Recurrent, torch.nn.LSTM):
    GATES = "ifgo"


class GRU(Recurrent, torch.nn.GRU):
    GATES = "rzn"


class SimpleRNN(Recurrent, torch.nn.RNN):  # nn.RNN's default nonlinearity: tanh
    GATES = "h"


RECURRENT = {"lstm": LSTM, "gru": GRU, "simple_rnn": SimpleRNN}


class Graph(torch.nn.Module):
    """A graph model (layers with "inputs"): `steps` are (layer name, its
    inputs' names, the keys of its modules, applied in order, or for a
    merge layer the function of its inputs' list), in an order where every
    layer comes after its inputs; "input" is the model's input. Modules are
    registered under their own names, so the state_dict has Kiln's names."""

    def __init__(self, modules, steps, output):
        super().__init__()
        for key, module in modules.items():
            self.add_module(key, module)
        self.steps, self.output = steps, output

    def forward(self, x):
        values = {"input": x}
        for name, inputs, keys, merge in self.steps:
            ins = [values[n] for n in inputs]
            if merge is not None:
                values[name] = merge(ins)
                continue
            y = ins[0]
            for key in keys:
                y = self._modules[key](y)
            values[name] = y
        return values[self.output]


def merge_fn(kind, axis):
    """The function of an add, multiply or concat layer on its inputs' list:
    add and multiply fold left to right (as Kiln's, and in its float order);
    concat's axis is Keras's (-1 the last, 1 the first after the batch),
    which is torch's dim."""
    if kind == "concat":
        return lambda ins: torch.cat(ins, dim=axis)
    op = torch.add if kind == "add" else torch.mul
    def fold(ins):
        y = ins[0]
        for other in ins[1:]:
            y = op(y, other)
        return y
    return fold


def torch_model(spec, in_shape, counters=None, decisions=None, output=None):
    """The PyTorch twin of a Kiln layer list; parameter names are Kiln's.
    `in_shape` is the per-sample input shape (an int: a flat input).
    Dropout layers (training mode) read the step's counters from `counters`.
    Convolutions and pools take symmetric padding as their own `padding`,
    asymmetric padding as an explicit pad before them (zeros, or -inf for
    max pooling). With `decisions` (a Decisions), relu and max_pool2d are
    DecidedReLU and DecidedMaxPool2d (see NEAR DECISIONS). A layer list
    where no layer names its "inputs" is a torch.nn.Sequential; otherwise
    (or with an `output` layer named, Kiln's root key "output") a Graph,
    its layers in Kiln's order (each after its inputs, file order where the
    graph allows), dense and layer_norm on the last axis of any rank."""
    acts = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid,
            "leaky_relu": lambda: torch.nn.LeakyReLU(0.01),
            "gelu": torch.nn.GELU,  # exact (erf), as Kiln's
            "softmax": lambda: torch.nn.Softmax(-1)}
    modules = collections.OrderedDict()

    def activation(name, act):
        if act == "relu" and decisions is not None:
            return DecidedReLU(name, decisions)
        return acts[act]()

    names = layer_names(spec)
    inputs_of = {}
    for i, (name, layer) in enumerate(zip(names, spec)):
        ins = layer.get("inputs", ["input"] if i == 0 else [names[i - 1]])
        inputs_of[name] = [ins] if isinstance(ins, str) else list(ins)
    order, placed = [], {"input"}
    while len(order) < len(spec):  # Kahn's algorithm, the first ready layer in file order
        i = next(i for i, n in enumerate(names)
                 if n not in placed and all(p in placed for p in inputs_of[n]))
        placed.add(names[i])
        order.append(i)
    shapes = {"input": [in_shape] if isinstance(in_shape, int) else list(in_shape)}
    steps = []
    for i in order:
        layer, name = spec[i], names[i]
        kind = layer["type"]
        shape = list(shapes[inputs_of[name][0]])
        first, merge = len(modules), None
        if kind in ("add", "multiply", "concat"):
            axis = layer.get("axis", -1)
            merge = merge_fn(kind, axis)
            if kind == "concat":
                shape[axis if axis < 0 else axis - 1] = sum(
                    shapes[n][axis if axis < 0 else axis - 1] for n in inputs_of[name])
        elif kind == "dense":
            modules[name] = torch.nn.Linear(shape[-1], layer["units"], bias=layer.get("use_bias", True))
            shape = shape[:-1] + [layer["units"]]
            act = layer.get("activation", "linear")
            if act != "linear":
                modules[f"{name}_{act}"] = activation(f"{name}_{act}", act)
        elif kind in ("conv2d", "max_pool2d", "avg_pool2d"):
            c, h, w = shape
            conv = kind == "conv2d"
            kernel = pair(layer["kernel_size" if conv else "pool_size"])
            strides = pair(layer.get("strides", 1 if conv else kernel))
            dilation = pair(layer.get("dilation", 1))
            top, left, bottom, right = window_padding(layer, h, w, kernel, strides, dilation)
            padding = (top, left)
            if (top, left) != (bottom, right):
                fill = float("-inf") if kind == "max_pool2d" else 0.0
                modules[f"{name}_pad"] = torch.nn.ConstantPad2d((left, right, top, bottom), fill)
                padding = (0, 0)
            if conv:
                modules[name] = torch.nn.Conv2d(c, layer["filters"], kernel, stride=strides,
                                                padding=padding, dilation=dilation,
                                                groups=layer.get("groups", 1),
                                                bias=layer.get("use_bias", True))
                c = layer["filters"]
                act = layer.get("activation", "linear")
                if act != "linear":
                    modules[f"{name}_{act}"] = activation(f"{name}_{act}", act)
            elif kind == "max_pool2d":
                assert decisions is None or dilation == (1, 1), layer
                modules[name] = (torch.nn.MaxPool2d(kernel, strides, padding) if decisions is None
                                 else DecidedMaxPool2d(kernel, strides, padding, name, decisions))
            else:
                modules[name] = torch.nn.AvgPool2d(kernel, strides, padding, count_include_pad=True)
            shape = [c, window_out(h, kernel[0], strides[0], dilation[0], top, bottom),
                     window_out(w, kernel[1], strides[1], dilation[1], left, right)]
        elif kind in ("global_avg_pool2d", "global_max_pool2d"):
            # A pool over the whole [h, w]: max_pool2d sends the gradient to
            # one position (the first maximum), as Kiln does.
            c, h, w = shape
            modules[name] = (torch.nn.MaxPool2d((h, w)) if kind == "global_max_pool2d"
                             else torch.nn.AvgPool2d((h, w)))
            modules[f"{name}_flatten"] = torch.nn.Flatten()
            shape = [c]
        elif kind in ("global_avg_pool1d", "global_max_pool1d"):
            modules[name] = GlobalPool1d(kind)
            shape = shape[1:]
        elif kind == "embedding":
            modules[name] = torch.nn.Embedding(layer["input_dim"], layer["output_dim"])
            shape = shape + [layer["output_dim"]]
        elif kind == "position_embedding":
            modules[name] = PositionEmbedding(layer.get("max_len", shape[0]), shape[1])
        elif kind == "multi_head_attention":
            modules[name] = SelfAttention(shape[-1], layer)
        elif kind == "transformer_block":
            modules[name] = TransformerBlock(shape[-1], layer)
        elif kind in RECURRENT:
            modules[name] = RECURRENT[kind](shape[-1], layer)
            width = layer["units"] * (2 if layer.get("bidirectional", False) else 1)
            shape = [shape[0], width] if layer.get("return_sequences", False) else [width]
        elif kind == "layer_norm":
            affine = layer.get("affine", True)
            modules[name] = torch.nn.LayerNorm(shape[-1], eps=layer.get("epsilon", 1e-5),
                                               elementwise_affine=affine)
            if affine:
                # Away from PyTorch's ones and zeros, so that an ignored or
                # swapped weight or bias shows from the first step.
                with torch.no_grad():
                    modules[name].weight.normal_(1.0, 0.2)
                    modules[name].bias.normal_(0.0, 0.2)
        elif kind == "batch_norm":
            # PyTorch's own layer, buffers included (num_batches_tracked too).
            cls = torch.nn.BatchNorm2d if len(shape) == 3 else torch.nn.BatchNorm1d
            modules[name] = cls(shape[0], eps=layer.get("epsilon", 1e-5),
                                momentum=layer.get("momentum", 0.1),
                                affine=layer.get("affine", True))
        elif kind == "local_response_norm":
            modules[name] = torch.nn.LocalResponseNorm(layer["size"], alpha=layer.get("alpha", 1e-4),
                                                       beta=layer.get("beta", 0.75),
                                                       k=layer.get("k", 1.0))
        elif kind == "leaky_relu":
            modules[name] = torch.nn.LeakyReLU(layer["alpha"])
        elif kind == "dropout":
            modules[name] = HashDropout(layer["rate"], i, counters)
        elif kind == "reshape":
            modules[name] = torch.nn.Unflatten(1, layer["shape"])
            shape = list(layer["shape"])
        elif kind == "flatten":
            modules[name] = torch.nn.Flatten()
            shape = [int(np.prod(shape))]
        else:
            modules[name] = activation(name, kind)
        steps.append((name, inputs_of[name], list(modules)[first:], merge))
        shapes[name] = shape
    if output is None and not any("inputs" in layer for layer in spec):
        return torch.nn.Sequential(modules)
    return Graph(modules, steps, output or names[-1])


def synthetic_data(data, in_shape, n):
    """n rows of inputs (flat) and targets for a model with its own data
    (MODELS' "data"): int token ids in [0, data["ids"]) drawn with
    replacement (so ids repeat within a row and across the batch), or
    standard normal features; targets that depend on them: int labels in
    [0, data["classes"]) or data["targets"] regression columns."""
    rng = np.random.default_rng(3)
    width = int(np.prod(in_shape))
    if "ids" in data:
        x = rng.integers(0, data["ids"], (n, width))
        feats = np.stack([(x % 7 == c).sum(1) for c in range(7)], 1).astype(np.float64)
    else:
        x = rng.standard_normal((n, width)).astype(np.float32)
        feats = x.astype(np.float64)
    feats -= feats.mean(0)  # balanced classes
    a = rng.standard_normal((feats.shape[1], 8)) / np.sqrt(feats.shape[1])
    h = np.tanh(feats @ a)
    if "classes" in data:
        return x, np.argmax(h @ rng.standard_normal((8, data["classes"])), 1).astype(np.int64)
    z = h @ rng.standard_normal((8, data["targets"])) + 0.1 * rng.standard_normal((n, data["targets"]))
    return x, z.astype(np.float32)


def kiln_state(module):
    """A PyTorch module's state as Kiln names it (params and buffers, as numpy
    arrays): its state_dict, BatchNorm's int64 num_batches_tracked included."""
    return {k: v.detach().numpy().copy() for k, v in module.state_dict().items()}


def load_kiln_state(module, tensors):
    """Kiln's params and buffers (numpy, optimizer state ignored) into a
    PyTorch module, strictly: every tensor of the module and nothing else."""
    state = {k: torch.from_numpy(v.copy()) for k, v in tensors.items() if not k.startswith("optimizer.")}
    module.load_state_dict(state, strict=True)


def layer_names(layers):
    """The names of a Kiln layer list: "name", or <type>_<index>."""
    return [layer.get("name", f"{layer['type']}_{i}") for i, layer in enumerate(layers)]


def check_test_set(model, metrics_json, what, dataset="/usr/share/datasets/fashion-mnist"):
    """PyTorch's accuracy and loss of `model` on the Fashion-MNIST test split
    against the `test` entry Kiln wrote to `metrics_json`."""
    import gzip
    images = np.frombuffer(gzip.open(f"{dataset}/t10k-images-idx3-ubyte.gz").read()[16:], np.uint8)
    labels = np.frombuffer(gzip.open(f"{dataset}/t10k-labels-idx1-ubyte.gz").read()[8:], np.uint8)
    xs = torch.from_numpy(images.reshape(-1, 1, 28, 28).astype(np.float32) / np.float32(255))
    ys = torch.from_numpy(labels.astype(np.int64))
    with torch.no_grad():
        out = torch.cat([model(xs[i:i + 1000]) for i in range(0, len(xs), 1000)])
    acc = (out.argmax(1) == ys).double().mean().item()
    loss = torch.nn.functional.cross_entropy(out.double(), ys).item()
    kiln = json.load(open(metrics_json))["test"]
    print(f"{what}: PyTorch accuracy {acc:.4f} loss {loss:.6f}, Kiln accuracy "
          f"{kiln['accuracy']:.4f} loss {kiln['loss']:.6f}")
    assert abs(acc - kiln["accuracy"]) <= 1e-4, (acc, kiln)  # a near tie may flip one sample
    assert abs(loss - kiln["loss"]) <= 1e-4 * loss, (loss, kiln)
