"""Near decisions on the PyTorch side of torch_reference.py: a relu input
just below 0 that tops its max-pool window (flipped with the window), and
the float64 reference taking the float32 reference's decisions. The flips
themselves (DecidedReLU, DecidedMaxPool2d, Decisions) are in torch_models.py.
"""
import numpy as np
import torch

from torch_models import NEAR_REL, DecidedReLU, DecidedMaxPool2d


# RELU INTO MAX POOL. A relu input within rounding below 0 that is the
# largest of its max-pool window (the window's other inputs below 0 too) is
# a near decision that DecidedReLU's flip alone cannot take the other way:
# PyTorch's window is all zeros, its gradient goes to the first of them and
# stops at that relu; where the input rounds to above 0 (Kiln's side) the
# window's maximum is that element and its gradient reaches the batch norm
# and convolution before it. The flipped relu passes the gradient but keeps
# its (negative) value, below the window's zeros, and its candidate routes
# no gradient. So such a relu and its window are one candidate of their
# own, flipped together and weighed by the window's gradient
# (relu_pool_hooks: a relu whose output is the max pool's input). Measured:
# fashion_cnn_bn's step 11 on AVX2 (relu_5 element [6, 5, 27, 15], input
# -2.7e-8, 2.7e-8 of the rms): from 2.04x the tolerance
# (optimizer.batch_norm_4.bias.exp_avg_sq; conv2d_3.weight.exp_avg 1.14x)
# to 0.021x; no single flip had lowered it.
def relu_pool_hooks(net_model, decisions):
    """Forward hooks on net_model that, while decisions.record is set, add
    to it a candidate [distance / rms, (relu name, pool name), (relu key,
    pool key), description, window] for every max-pool window fed by a
    DecidedReLU whose largest relu input is below 0 by less than NEAR_REL
    of that input's rms."""
    fed = []  # (relu output, relu name, relu input) in this forward pass

    def on_start(m, args):
        fed.clear()

    def on_relu(m, args, out):
        if decisions.record:
            fed.append((out, m.name, args[0].detach()))

    def on_pool(m, args, out):
        src = [f for f in fed if f[0] is args[0]]
        if not decisions.record or not src:
            return
        _, relu, x = src[0]
        (kh, kw), (sh, sw), (ph, pw) = m.kernel, m.strides, m.padding
        scale = x.double().pow(2).mean().sqrt().item()
        padded = torch.nn.functional.pad(x, (pw, pw, ph, ph), value=float("-inf"))
        top, pos = padded.unfold(2, kh, sh).unfold(3, kw, sw).flatten(4).max(-1)
        found = []
        for o in ((top < 0) & (top > -NEAR_REL * scale)).flatten().nonzero().flatten().tolist():
            n, c, i, j = (int(v) for v in np.unravel_index(o, top.shape))
            p, v = pos.flatten()[o].item(), top.flatten()[o].item()
            r, col = i * sh + p // kw - ph, j * sw + p % kw - pw
            found.append([abs(v) / scale, (relu, m.name),
                          (int(np.ravel_multi_index((n, c, r, col), x.shape)), (o, r * x.shape[3] + col)),
                          f"{relu} element {[n, c, r, col]}: input {v:.3g}, the largest of "
                          f"{m.name} window {[n, c, i, j]}", o])
        decisions.add(out, found)

    net_model.register_forward_pre_hook(on_start)
    for m in net_model.modules():
        if isinstance(m, DecidedReLU):
            m.register_forward_hook(on_relu)
        elif isinstance(m, DecidedMaxPool2d):
            m.register_forward_hook(on_pool)


# FLOAT64 WITH THE SAME DECISIONS. The float64 reference takes the float32
# reference's decisions (every relu's and max pool's, flips included), so
# that only the arithmetic differs: with the flips alone it would take its
# own near decisions, which float64 rounding takes either way too.
# Measured: fashion_cnn_bn's step 1 on AVX2 with the flips alone, float64
# PyTorch differed from float32 PyTorch by 1.2e-1 (conv2d_0.weight) and
# from Kiln by 147x the tolerance (conv2d_8.weight); with the decisions
# imposed conv2d_8.weight is 1.75e-5 beyond one ulp from float64 (2.78e-4
# from float32 PyTorch: its gradient element [55, 10, 0, 0] is 3.35e-8 in
# Kiln, 2.74e-8 in float32 PyTorch, 3.3e-8 in float64).
def decision(m, x, keys):
    """What DecidedReLU or DecidedMaxPool2d `m` decides for input x with
    `keys` (as in Decisions.flips) taken the other way: the flattened keep
    mask or window indices."""
    if isinstance(m, DecidedReLU):
        keep = (x > 0).flatten().clone()
        for i in keys:
            keep[i] = ~keep[i]
        return keep
    idx = torch.nn.functional.max_pool2d(x, m.kernel, m.strides, m.padding, return_indices=True)[1]
    idx = idx.flatten().clone()
    for o, i in keys:
        idx[o] = i
    return idx


def with_decisions(net_model, decisions, run, record=None, impose=None):
    """run() with the decisions of net_model's DecidedReLU and
    DecidedMaxPool2d modules (module name -> decision) recorded into
    `record` (those of decisions.flips) or imposed from `impose`
    (decisions.flips set, module by module, to where its own differ)."""
    def pre(m, args):
        x = args[0].detach()
        if record is not None:
            record[m.name] = decision(m, x, decisions.flips.get(m.name, []))
        if impose is not None:
            differ = (decision(m, x, []) != impose[m.name]).nonzero().flatten().tolist()
            decisions.flips[m.name] = (differ if isinstance(m, DecidedReLU)
                                       else [(o, impose[m.name][o].item()) for o in differ])

    saved = dict(decisions.flips)
    hooks = [m.register_forward_pre_hook(pre) for m in net_model.modules()
             if isinstance(m, (DecidedReLU, DecidedMaxPool2d))]
    try:
        return run()
    finally:
        for h in hooks:
            h.remove()
        decisions.flips = saved
