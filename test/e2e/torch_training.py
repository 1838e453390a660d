"""The PyTorch side of Kiln's training config for the e2e comparisons
(torch_reference.py): torch.optim optimizers with Kiln's per-layer lr and
weight decay, Kiln's optimizer state loaded into them, losses, kernel
regularizers and gradient clipping. The layers themselves are in
torch_models.py."""
import torch

from torch_models import layer_names


# Kiln's default lr per optimizer (Adam's 1e-3; PyTorch's 0.01 for Adagrad and RMSprop).
DEFAULT_LR = {"sgd": 0.01, "momentum": 0.01, "adam": 1e-3, "adamw": 1e-3, "adagrad": 0.01,
              "rmsprop": 0.01}


def param_hyper(opt, layers, p_name):
    """(lr, weight_decay) of parameter p_name (Kiln's name, <layer>.<param>)
    under optimizer config `opt` and the layer list: lr * the layer's
    lr_scale; the layer's weight_decay (every parameter of it, bias
    included), else bias_weight_decay for a bias (`bias`, `in_proj_bias`,
    `bias_ih_l0`, ...), else the optimizer's."""
    kind = opt["type"]
    layer = dict(zip(layer_names(layers), layers)).get(p_name.rsplit(".", 1)[0], {})
    lr = opt.get("lr", DEFAULT_LR[kind]) * layer.get("lr_scale", 1.0)
    if "weight_decay" in layer:
        wd = layer["weight_decay"]
    elif is_bias(p_name) and "bias_weight_decay" in opt:
        wd = opt["bias_weight_decay"]
    else:
        wd = opt.get("weight_decay", 0.01 if kind == "adamw" else 0.0)
    return lr, wd


def is_bias(name):
    last = name.rsplit(".", 1)[-1]
    return last == "bias" or last.startswith("bias_") or last.endswith("_bias")


def torch_optimizer(opt, named_params, layers=()):
    """torch.optim for Kiln's optimizer config `opt` over named_params (a
    dict or (name, param) pairs, Kiln's names) of the model built from
    `layers` (Kiln's layer list: lr_scale and weight_decay per layer): one
    param group per distinct (lr, weight_decay), see param_hyper."""
    named = list(named_params.items() if isinstance(named_params, dict) else named_params)
    groups = {}
    for p_name, p in named:
        groups.setdefault(param_hyper(opt, layers, p_name), []).append(p)
    param_groups = [{"params": ps, "lr": lr, "weight_decay": wd} for (lr, wd), ps in groups.items()]
    kind = opt["type"]
    lr = opt.get("lr", DEFAULT_LR[kind])  # every group sets its own
    if kind == "sgd":
        return torch.optim.SGD(param_groups, lr=lr, foreach=False)
    if kind == "momentum":
        return torch.optim.SGD(param_groups, lr=lr, momentum=opt.get("momentum", 0.9),
                               nesterov=opt.get("nesterov", False), foreach=False)
    if kind == "adagrad":
        return torch.optim.Adagrad(param_groups, lr=lr, lr_decay=opt.get("lr_decay", 0.0),
                                   initial_accumulator_value=opt.get("initial_accumulator_value", 0.0),
                                   eps=opt.get("eps", 1e-10), foreach=False)
    if kind == "rmsprop":
        return torch.optim.RMSprop(param_groups, lr=lr, alpha=opt.get("alpha", 0.99),
                                   eps=opt.get("eps", 1e-8), momentum=opt.get("momentum", 0.0),
                                   centered=opt.get("centered", False), foreach=False)
    cls = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW}[kind]
    return cls(param_groups, lr=lr, betas=(opt.get("beta1", 0.9), opt.get("beta2", 0.999)),
               eps=opt.get("eps", 1e-8), foreach=False)


def optimizer_slots(opt):
    """Kiln's optimizer state per parameter (checkpoint optimizer.<param>.<slot>),
    named as torch.optim's state: none for sgd, momentum_buffer, Adam's
    exp_avg and exp_avg_sq, Adagrad's sum, RMSprop's square_avg, then
    momentum_buffer with momentum > 0 and grad_avg when centered."""
    kind = opt["type"]
    if kind == "rmsprop":
        return (["square_avg"] + (["momentum_buffer"] if opt.get("momentum", 0.0) > 0 else [])
                + (["grad_avg"] if opt.get("centered", False) else []))
    return {"sgd": [], "momentum": ["momentum_buffer"], "adagrad": ["sum"]}.get(
        kind, ["exp_avg", "exp_avg_sq"])


def slot_initial(opt, slot):
    """A slot's value before the first step: Adagrad's sum starts at
    initial_accumulator_value, everything else at 0."""
    return opt.get("initial_accumulator_value", 0.0) if slot == "sum" else 0.0


def load_optimizer_state(optimizer, opt, slots, named_params, state, step):
    """Kiln's optimizer state after `step` steps (the checkpoint's tensors
    `state`: optimizer.<param>.<slot> for each of Kiln's `slots`) into
    torch.optim `optimizer`, built from config `opt` (PyTorch's side). A
    slot PyTorch's config has and Kiln's lacks (a --perturb of RMSprop's
    momentum or centered) starts from zeros. Step 0: no state, except
    Adagrad's, which torch 1.13 creates in its constructor (sum =
    initial_accumulator_value, step 0) and expects."""
    optimizer.state.clear()
    kind = opt["type"]
    for p_name, p in named_params.items():
        if step == 0:
            if kind == "adagrad":
                optimizer.state[p] = {"step": torch.tensor(0.0),
                                      "sum": torch.full_like(p.detach(), opt.get("initial_accumulator_value", 0.0))}
            continue
        s = {slot: torch.zeros_like(p.detach()) for slot in optimizer_slots(opt)}
        s.update({slot: torch.from_numpy(state[f"optimizer.{p_name}.{slot}"].copy()).to(p.dtype)
                  for slot in slots})
        if kind in ("adam", "adamw", "adagrad"):
            s["step"] = torch.tensor(float(step))  # a tensor: Adam's bias correction, Adagrad's lr_decay
        elif kind == "rmsprop":
            s["step"] = step  # an int (unused by the update)
        optimizer.state[p] = s


def loss_config(loss):
    """A loss as Kiln's model.json gives it ("mse" or {"type": "huber", ...})
    as a dict."""
    return {"type": loss} if isinstance(loss, str) else dict(loss)


def loss_targets(loss):
    """What a loss trains on: "labels" (int class indices, softmax cross
    entropy), "probabilities" (f32 rows over the classes: kl_divergence,
    softmax cross entropy with "targets": "probabilities"), "binary" (f32
    0/1 or probabilities per output: binary_cross_entropy) or "regression"
    (mse, mae, huber)."""
    cfg = loss_config(loss)
    kind = cfg["type"]
    if kind in ("softmax_cross_entropy", "cross_entropy"):
        return "probabilities" if cfg.get("targets", "labels") == "probabilities" else "labels"
    return {"kl_divergence": "probabilities", "binary_cross_entropy": "binary"}.get(kind, "regression")


def torch_loss_fn(loss):
    """PyTorch's batch-mean loss fn(outputs, targets) for a Kiln loss config.
    The outputs are the last layer's (logits for the cross entropies and
    kl_divergence)."""
    F = torch.nn.functional
    cfg = loss_config(loss)
    kind = cfg["type"]
    if kind == "mse":
        return F.mse_loss
    if kind == "mae":
        return F.l1_loss
    if kind == "huber":
        delta = cfg.get("delta", 1.0)
        return lambda out, y: F.huber_loss(out, y, delta=delta)
    if kind == "binary_cross_entropy":
        return F.binary_cross_entropy_with_logits  # mean over all elements
    if kind == "kl_divergence":
        return lambda out, y: F.kl_div(F.log_softmax(out, 1), y, reduction="batchmean")
    assert kind in ("softmax_cross_entropy", "cross_entropy"), kind
    smoothing = cfg.get("label_smoothing", 0.0)
    return lambda out, y: F.cross_entropy(out, y, label_smoothing=smoothing)  # y: labels or rows


def regularization(named_params, layers):
    """The layers' kernel_regularizer terms, l1 * sum|W| + l2 * sum(W^2) of
    each such layer's <name>.weight, summed in layer order (None: no layer
    has one). Added to the loss; d|w|/dw is sign(w), 0 at 0."""
    total = None
    for name, layer in zip(layer_names(layers), layers):
        reg = layer.get("kernel_regularizer")
        if not reg:
            continue
        w = named_params[f"{name}.weight"]
        if reg.get("l1"):
            total = reg["l1"] * w.abs().sum() if total is None else total + reg["l1"] * w.abs().sum()
        if reg.get("l2"):
            total = reg["l2"] * w.pow(2).sum() if total is None else total + reg["l2"] * w.pow(2).sum()
    return total


def clip_gradients(params, training):
    """training.clip_norm (over all the params' gradients together) or
    training.clip_value, as torch.nn.utils does it, after backward and
    before the optimizer's step. Returns the gradients' total norm before
    clipping by norm (else None)."""
    if training.get("clip_norm"):
        return torch.nn.utils.clip_grad_norm_(list(params), training["clip_norm"]).item()
    if training.get("clip_value"):
        torch.nn.utils.clip_grad_value_(list(params), training["clip_value"])
    return None
