"""e2e: Kiln's compiled train_step against PyTorch, step for step.

Usage: torch_reference.py KILNC SRC WORKDIR CONFIG [--perturb KEY=VALUE ...]
(SRC, the source tree, is read by the example configs only: the other models
are defined in torch_configs.py.)

CONFIG is one of the CONFIGS of torch_configs.py: an optimizer configuration (sgd, sgd with
weight decay, momentum, Nesterov momentum, Adam, Adam with L2 weight decay,
AdamW, Adagrad, RMSprop plain and centered with momentum) on a small model
with softmax cross entropy or mse; another loss (mae, huber, bce,
kl_divergence, label smoothing, soft targets: see make_data for their
data); gradient clipping (clip_norm, clip_value); kernel regularizers
(`regularizers`: their terms are in the loss PyTorch minimizes and
compares); per-layer lr_scale and weight_decay with bias_weight_decay
(`param_groups*`: one torch.optim param group per distinct lr and weight
decay); or `dropout`: sgd on the
classifier with two dropout layers (see DROPOUT in torch_models.py), or a `cnn*` config:
small convolutional models on Fashion-MNIST images (conv2d with strides,
padding, dilation, groups; max, average and global pooling; batch norm,
`cnn_bn`; local response norm, `lrn`), or a sequence or graph model on
synthetic data (`embedding_text`: int32 token ids, embedding, mean over
time; `layer_norm_gelu`: dense on [steps, features] with GELU, layer
norm, max over time; `graph_merge`: position embedding, branches merged
by add, multiply (a softmax) and concat, root key "output";
`max_pool1d_ties`: concat over time and the first maximum of tied values
taking the gradient; `attention`: causal multi_head_attention on embedded
token ids, as nn.MultiheadAttention; `attention_long`: the same over 150 steps
(several attention tiles), causal then not; `transformer`: two transformer_block
layers, post-norm relu and pre-norm gelu causal, as
nn.TransformerEncoderLayer, dropout 0; `lstm`: an LSTM regression,
output[:, -1], as nn.LSTM; `lstm_stacked_bidirectional`: two stacked
bidirectional LSTM layers, every step's output, mean over time;
`lstm_bidirectional_last`: a bidirectional LSTM's output[:, -1]; `gru`:
a GRU regression, output[:, -1], as nn.GRU; `gru_rnn_bidirectional`: a
bidirectional simple_rnn (nn.RNN, tanh), every step's output, into a
bidirectional GRU's output[:, -1]), or an example config,
`fashion_cnn` or `fashion_cnn_bn`: the model of SRC/examples/NAME/model.json
as it is (layers, input shape, loss, optimizer, batch size; read at run
time, so the test follows the example). PyTorch initializes the
model and writes its weights as safetensors; Kiln compiles the same model and
trains it one step per process (`train --load` for the first step, then
`train --resume` with `--steps k`), saving a checkpoint after every step. For
every step k this script loads Kiln's state after step k-1 (weights,
optimizer state, step count) into torch.optim, runs the same batch through
PyTorch and compares, per tensor, the update Kiln made with the update
PyTorch makes: parameters (p_k - p_{k-1}), optimizer state (s_k - s_{k-1})
and buffers (batch norm's running statistics, b_k - b_{k-1}, and its
num_batches_tracked, which must grow by exactly one), plus the loss of the
step and the step counter. Starting every step from
Kiln's state keeps rounding differences from accumulating, so the tolerances
can be tight and a mismatch names its step. At the end an independent PyTorch
run of all the steps from the initial weights is compared with Kiln's final
state (total update since the start). Models with normalization layers are
then checked in eval mode (check_eval_mode). For the example configs a
failing step is retried with near decisions (a relu input or a max-pool
tie within rounding, or a relu input just below 0 that is the largest of
its max-pool window) taken the other way on the PyTorch side, and a
tensor still failing is compared with PyTorch in float64 too, taking the
same decisions (see NEAR DECISIONS in torch_models.py, FLOAT64 and RELU INTO
MAX POOL in near_decisions.py); what
that took is printed.

--perturb KEY=VALUE changes a hyper-parameter on the PyTorch side only (e.g.
--perturb momentum=0.91): the test must then fail. It is how the test's
sensitivity was checked; ctest never passes it. Keys dropout.rate (every
dropout layer's rate), dropout.seed, dropout.step and dropout.stream (added to
the step and to every layer's stream) and dropout.order ("F": the element
index taken column-major) change PyTorch's dropout masks instead. Keys
layer.NAME.KEY change a key of layer NAME on the PyTorch side (e.g.
--perturb layer.bn1.momentum=0.303, layer.dense_0.lr_scale=0.505,
'layer.dense_1.kernel_regularizer={"l2": 0.101}', layer.t2.causal=false,
layer.t1.layer_norm_eps=2e-5: a PyTorch-side key of transformer_block;
'layer.lstm.gate_order="ifog"', layer.lstm.bias_hh=false,
layer.lstm.reverse=false, layer.lstm.swap_directions=true,
'layer.bilstm.last="h_n"', layer.gru.reset_after=false,
layer.gru.update_swapped=true, 'layer.rnn.activation="relu"':
PyTorch-side keys of lstm, gru and simple_rnn, see Recurrent in
torch_models.py), loss.KEY a key of the
loss (loss.delta=0.505, loss.label_smoothing=0.101), clip_norm and
clip_value the clipping.

A missing torch or numpy is a failure, not a skip: scripts/test.sh installs
Debian's python3-torch and python3-numpy.
"""
import gzip, json, os, subprocess, sys, time

try:
    import numpy as np
    import torch
except ImportError as e:
    sys.exit(f"torch_reference.py: {e}: these tests need Debian's python3-torch and python3-numpy "
             "(scripts/install-deps.sh --test installs them)")

STEPS = 20
FASHION = "/usr/share/datasets/fashion-mnist"

# The models, configurations and tolerances: torch_configs.py.
from torch_configs import (MODELS, CONFIGS, example_arch, EXCESS_TOL_LINEAR, EXCESS_TOL_ADAM,
                           RAW_TOL, LOSS_TOL, FREE_RUN_FACTOR, EVAL_LOGITS_TOL)


# The PyTorch side of each layer (and Kiln's dropout hash) lives in torch_models.py.
from torch_models import (NEAR_CANDIDATES, NEAR_MAX_FLIPS, NEAR_DONE, Decisions,
                          read_safetensors,
                          write_safetensors, torch_model, kiln_state, load_kiln_state,
                          synthetic_data)
# Its optimizers, losses, regularizers and clipping in torch_training.py.
from torch_training import (torch_optimizer, optimizer_slots, slot_initial, load_optimizer_state,
                            loss_targets, torch_loss_fn, regularization, clip_gradients)


# Near decisions: a relu into a max pool, float64 with float32's decisions.
from near_decisions import relu_pool_hooks, with_decisions


def update_errors(got, ref, before):
    """(raw, excess) relative errors of the update got - before against
    ref - before; see the tolerances in torch_configs.py."""
    got, ref = np.asarray(got, np.float64), np.asarray(ref, np.float64)
    diff = np.abs(got - ref)  # = |update_got - update_ref|, exactly
    ulp = np.spacing(np.abs(ref).astype(np.float32)).astype(np.float64)
    den = np.linalg.norm(ref - before)
    raw, excess = np.linalg.norm(diff), np.linalg.norm(np.maximum(diff - ulp, 0))
    if den == 0:
        return (0.0, 0.0) if raw == 0 else (float("inf"), float("inf"))
    return raw / den, excess / den


def fashion(n):
    """The first n Fashion-MNIST training images (flat, /255) and labels."""
    images = np.frombuffer(gzip.open(f"{FASHION}/train-images-idx3-ubyte.gz").read()[16:], np.uint8)
    labels = np.frombuffer(gzip.open(f"{FASHION}/train-labels-idx1-ubyte.gz").read()[8:], np.uint8)
    return images[:n * 784].reshape(n, 784).astype(np.float32) / np.float32(255), labels[:n].astype(np.int64)


def make_data(loss, batch, work, arch):
    """Writes STEPS batches as a CSV for Kiln (the inputs, then the label or
    the f32 target columns); returns them as Kiln parses them. A model with
    "data" has its own (synthetic_data: int token ids or features). Else by
    the loss's targets (loss_targets): labels, Fashion-MNIST with its int labels;
    probabilities, Fashion-MNIST with rows over the 10 classes, 0.8 one-hot
    of the label + 0.2 softmax of random logits, every 5th row exactly
    one-hot (zeros: t log t must be 0); regression, 11 random features and
    3 targets; binary, the same features, two 0/1 targets and a probability."""
    n = STEPS * batch
    targets = loss_targets(loss)
    if "data" in arch:
        x, y = synthetic_data(arch["data"], arch["input"], n)
        columns = [x, y[:, None] if y.ndim == 1 else y]
    elif targets in ("labels", "probabilities"):
        x, y = fashion(n)
        if targets == "probabilities":
            logits = np.random.default_rng(2).standard_normal((n, 10)) * 1.5
            smooth = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
            one_hot = np.eye(10)[y]
            rows = np.where((np.arange(n) % 5 == 0)[:, None], one_hot, 0.8 * one_hot + 0.2 * smooth)
            y = rows.astype(np.float32)
            assert np.abs(y.astype(np.float64).sum(1) - 1).max() < 1e-6
            columns = [x, y]
        else:
            columns = [x, y[:, None]]
    else:
        rng = np.random.default_rng(1)
        x = rng.standard_normal((n, 11)).astype(np.float32)
        a, b = rng.standard_normal((11, 7)), rng.standard_normal((7, 3))
        z = np.tanh(x @ a / 3) @ b + 0.1 * rng.standard_normal((n, 3))
        if targets == "binary":
            z = np.stack([z[:, 0] > 0, z[:, 1] > 0.5, 1 / (1 + np.exp(-2 * z[:, 2]))], 1)
        y = z.astype(np.float32)
        columns = [x, y]
    path = f"{work}/train.csv"
    with open(path, "w") as f:
        for row in zip(*columns):
            f.write(",".join(f"{v:.9g}" if c.dtype == np.float32 else str(v)
                             for c in row for v in c) + "\n")
    # Read back the way Kiln reads it (decimal -> double -> float), so both
    # sides see bit-identical inputs whatever the formatting did.
    table = np.loadtxt(path, delimiter=",", dtype=np.float64, ndmin=2)
    nx = x.shape[1]
    xs = torch.from_numpy(table[:, :nx].astype(np.int64 if x.dtype == np.int64 else np.float32))
    if targets == "labels":
        ys = torch.from_numpy(table[:, nx].astype(np.int64))
    else:
        ys = torch.from_numpy(table[:, nx:].astype(np.float32))
    return path, xs, ys


def check_dropout_mask(kilnc, work, seed, counters, check, failures):
    """Kiln's mask itself, element by element, at step 1: a model whose
    dropout (rate 0.3, stream 2, on a [13, 3, 7] batch) is the last layer
    before an mse loss, trained one sgd step (lr 1) from weight 0 and bias
    0.5 towards targets 1 on inputs x_b = e_b (the rows of the identity).
    Then prediction[b, f] = mask[b, f] * scale * 0.5, and the weight's update
    is -dloss/dW[f, b] = -2/N * mask[b, f] * scale * (prediction[b, f] - 1):
    non-zero exactly where the backward pass keeps element (b, f), and its
    value follows the forward pass's prediction there."""
    batch, units = 13, 21
    layers = [{"type": "dense", "units": units},
              {"type": "reshape", "shape": [3, 7]},
              {"type": "dropout", "rate": 0.3},
              {"type": "flatten"}]
    spec = {"name": "torch_reference_dropout_mask", "input": {"shape": [batch]}, "layers": layers,
            "training": {"loss": "mse", "optimizer": {"type": "sgd", "lr": 1.0},
                         "batch_size": batch, "epochs": 1, "shuffle": False}}
    json.dump(spec, open(f"{work}/mask.json", "w"), indent=1)
    subprocess.run([kilnc, f"{work}/mask.json", "-o", f"{work}/mask"], check=True)
    x, y = np.eye(batch, dtype=np.float32), np.ones((batch, units), np.float32)
    with open(f"{work}/mask.csv", "w") as f:
        for row in np.concatenate([x, y], 1):
            f.write(",".join(f"{v:g}" for v in row) + "\n")
    init = {"dense_0.weight": np.zeros((units, batch), np.float32),
            "dense_0.bias": np.full(units, 0.5, np.float32)}
    write_safetensors(f"{work}/mask0.safetensors", init)
    subprocess.run([f"{work}/mask", "train", "--data", f"{work}/mask.csv", "--no-shuffle", "--steps", "1",
                    "--seed", str(seed), "--load", f"{work}/mask0.safetensors",
                    "--save", f"{work}/mask1.safetensors", "--metrics-json", f"{work}/mask1.json"],
                   check=True, stdout=subprocess.DEVNULL)
    kiln, _ = read_safetensors(f"{work}/mask1.safetensors")
    kiln_keep = (kiln["dense_0.weight"] != init["dense_0.weight"]).T.reshape(batch, 3, 7)
    counters["step"] = 1
    model = torch_model(layers, batch, counters)
    with torch.no_grad():
        for p_name, p in model.named_parameters():
            p.copy_(torch.from_numpy(init[p_name]))
    keep = model.dropout_2(torch.ones(batch, 3, 7)).numpy() != 0  # the mask the PyTorch side applies
    if not np.array_equal(kiln_keep, keep):
        wrong = np.argwhere(kiln_keep != keep)
        failures.append(f"dropout mask at step 1: {len(wrong)} of {keep.size} elements differ "
                        f"(first [b, i, j] = {wrong[0].tolist()}: Kiln "
                        f"{'keeps' if kiln_keep[tuple(wrong[0])] else 'drops'} it); Kiln keeps "
                        f"{kiln_keep.sum()}, the hash {keep.sum()}")
    opt = torch.optim.SGD(model.parameters(), lr=1.0, foreach=False)
    loss = torch.nn.functional.mse_loss(model(torch.from_numpy(x)), torch.from_numpy(y))
    loss.backward()
    opt.step()
    kiln_loss = json.load(open(f"{work}/mask1.json"))["history"][0]["train_loss"]
    if not abs(kiln_loss - loss.item()) <= LOSS_TOL * abs(loss.item()):
        failures.append(f"dropout mask at step 1: loss: kiln {kiln_loss:.8g}, torch {loss.item():.8g}")
    for p_name, p in model.named_parameters():
        check(f"mask model: {p_name}", 1, kiln[p_name], p.detach().numpy(), init[p_name],
              EXCESS_TOL_LINEAR)
    return (f"dropout mask at step 1 ([13, 3, 7], rate 0.3, stream 2, seed {seed}): "
            f"Kiln keeps {kiln_keep.sum()} of {keep.size}, "
            f"{'the same elements as the hash' if np.array_equal(kiln_keep, keep) else 'OTHER ELEMENTS'}")


def check_max_ties(kilnc, work, check, failures):
    """Which position of a tied maximum gets the gradient: the first in the
    window, in row-major order, as PyTorch's max_pool2d. Inputs are small
    integers and the conv2d's weights are integers too (channel 0: [1, 0],
    channel 1: [0, 2]; no bias), so every value up to the pools is exact on
    both sides, and ties, between patches that differ in the pixel of
    weight 0, are plentiful. A batch of 6: [1, 4, 7] -> conv2d t (2
    filters, [1, 2]) [2, 4, 6] -> max_pool2d 2, stride 1 (overlapping
    windows) [2, 3, 5] -> global_max_pool2d [2] -> dense out (3) -> mse,
    one sgd step with lr 1. t.weight's gradient is the sum of the input patches at
    the positions the pools chose, so another choice among tied positions
    (with other patches) changes it."""
    batch, units = 6, 3
    layers = [{"type": "conv2d", "name": "t", "filters": 2, "kernel_size": [1, 2], "use_bias": False},
              {"type": "max_pool2d", "name": "mp", "pool_size": 2, "strides": 1},
              {"type": "global_max_pool2d", "name": "gmp"},
              {"type": "dense", "name": "out", "units": units}]
    in_shape = [1, 4, 7]
    spec = {"name": "torch_reference_max_ties", "input": {"shape": in_shape}, "layers": layers,
            "training": {"loss": "mse", "optimizer": {"type": "sgd", "lr": 1.0},
                         "batch_size": batch, "epochs": 1, "shuffle": False}}
    json.dump(spec, open(f"{work}/ties.json", "w"), indent=1)
    subprocess.run([kilnc, f"{work}/ties.json", "-o", f"{work}/ties"], check=True)
    rng = np.random.default_rng(7)
    x = rng.integers(0, 3, (batch, 28)).astype(np.float32)
    y = rng.standard_normal((batch, units)).astype(np.float32)
    with open(f"{work}/ties.csv", "w") as f:
        for row in np.concatenate([x, y], 1):
            f.write(",".join(f"{v:.9g}" for v in row) + "\n")
    y = np.loadtxt(f"{work}/ties.csv", delimiter=",", dtype=np.float64, ndmin=2)[:, 28:].astype(np.float32)
    model = torch_model(layers, in_shape)
    init = {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}
    init["t.weight"] = np.array([1, 0, 0, 2], np.float32).reshape(2, 1, 1, 2)
    write_safetensors(f"{work}/ties0.safetensors", init)
    subprocess.run([f"{work}/ties", "train", "--data", f"{work}/ties.csv", "--no-shuffle", "--steps", "1",
                    "--load", f"{work}/ties0.safetensors", "--save", f"{work}/ties1.safetensors"],
                   check=True, stdout=subprocess.DEVNULL)
    kiln, _ = read_safetensors(f"{work}/ties1.safetensors")

    def step(flip):
        """One PyTorch step; flip=True reverses the image's rows and columns
        around the pools, so they pick the last maximum instead."""
        net = torch_model(layers, in_shape)
        net.load_state_dict({k: torch.from_numpy(v) for k, v in init.items()})
        f = (lambda t: t.flip(2, 3)) if flip else (lambda t: t)
        h = f(net.t(torch.from_numpy(x).reshape(batch, *in_shape)))
        h = net.gmp_flatten(net.gmp(net.mp(h)))
        loss = torch.nn.functional.mse_loss(net.out(h), torch.from_numpy(y))
        loss.backward()
        torch.optim.SGD(net.parameters(), lr=1.0, foreach=False).step()
        return {k: p.detach().numpy() for k, p in net.named_parameters()}

    first, last = step(False), step(True)
    for p_name in first:
        check(f"max ties model: {p_name}", 1, kiln[p_name], first[p_name], init[p_name],
              EXCESS_TOL_LINEAR)
    by_last = update_errors(last["t.weight"], first["t.weight"], init["t.weight"])[0]
    if by_last == 0:
        failures.append("max ties model: the last maximum gives the same t.weight update as the "
                        "first: the data has no ties that matter")
    return (f"max pooling ties: taking the last maximum instead of the first changes "
            f"t.weight's update by {by_last:.2f} (relative)")


def check_eval_mode(kilnc, work, spec, exe, data, xs, ys, model, loss_fn, final, failures):
    """Eval mode after training, for models whose layers differ between the
    modes (batch norm: running statistics instead of the batch's). PyTorch's
    model in eval() with Kiln's final params and buffers against
      * `eval` of Kiln's final checkpoint (eval_step: 20 batches of 13, then
        eval_step_1: 3 samples) on the training rows and their first 3 again:
        the mean loss, within LOSS_TOL;
      * the logits a "training": false build of the same layers prints for
        the first 16 rows (forward: one batch of 13, forward_1: 3 samples),
        6 significant digits: within EVAL_LOGITS_TOL of max(1, |logit|).
    Eval mode must not depend on the batch: forward_1 and forward agree with
    the same per-sample function. Also reports how far the training-mode
    (batch statistics) logits of those rows are from the eval-mode ones, so
    the comparison is known to tell the two apart."""
    final_ck = f"{work}/step{STEPS}.safetensors"
    lines = open(data).read().splitlines(True)
    open(f"{work}/eval.csv", "w").write("".join(lines + lines[:3]))
    subprocess.run([exe, "eval", "--load", final_ck, "--data", f"{work}/eval.csv",
                    "--metrics-json", f"{work}/eval.json"], check=True, stdout=subprocess.DEVNULL)
    kiln_loss = json.load(open(f"{work}/eval.json"))["test"]["loss"]
    load_kiln_state(model, final)
    x_eval, y_eval = torch.cat([xs, xs[:3]]), torch.cat([ys, ys[:3]])
    model.eval()
    with torch.no_grad():
        eval_out = model(x_eval)
        torch_loss = loss_fn(eval_out.double(), y_eval.double() if y_eval.is_floating_point() else y_eval).item()
        model.train()
        train_out = model(xs[:16]).numpy()  # batch statistics (updates the buffers: loaded again below)
        model.eval()
    load_kiln_state(model, final)
    loss_err = abs(kiln_loss - torch_loss) / abs(torch_loss)
    if not loss_err <= LOSS_TOL:
        failures.append(f"eval mode after step {STEPS}: loss: kiln {kiln_loss:.8g}, torch {torch_loss:.8g}")

    inference = dict(spec, name=spec["name"] + "_inference", training=False)
    json.dump(inference, open(f"{work}/inference.json", "w"), indent=1)
    batch = spec["training"]["batch_size"]
    subprocess.run([kilnc, f"{work}/inference.json", "--batch-size", str(batch), "-o", f"{work}/inference"],
                   check=True)
    np.save(f"{work}/x16.npy", xs[:16].numpy())
    out = subprocess.run([f"{work}/inference", "predict", "--load", final_ck, "--input", f"{work}/x16.npy"],
                         check=True, capture_output=True, text=True).stdout
    kiln_logits = np.array([[float(v) for v in line.split()[1:]] for line in out.splitlines()])
    ref = eval_out[:16].double().numpy()
    logit_err = (np.abs(kiln_logits - ref) / np.maximum(1, np.abs(ref))).max()
    if not logit_err <= EVAL_LOGITS_TOL:
        failures.append(f"eval mode after step {STEPS}: logits of the first 16 rows differ by {logit_err:.2e} "
                        f"relative (tolerance {EVAL_LOGITS_TOL:.0e})")
    lines = [f"{'eval-mode loss after training':45s} relative error {loss_err:.2e} (tolerance {LOSS_TOL:.0e})",
             f"{'eval-mode logits (forward, forward_1)':45s} relative error {logit_err:.2e} "
             f"(tolerance {EVAL_LOGITS_TOL:.0e})"]
    if any(layer["type"] == "batch_norm" for layer in spec["layers"]):
        modes = (np.abs(train_out - ref) / np.maximum(1, np.abs(ref))).max()
        lines.append(f"{'':45s} (batch statistics instead would differ by {modes:.2e})")
    return lines


def main():
    if len(sys.argv) < 5 or sys.argv[4] not in CONFIGS:
        sys.exit(f"usage: {sys.argv[0]} KILNC SRC WORKDIR {{{'|'.join(CONFIGS)}}} [--perturb KEY=VALUE ...]")
    kilnc, src, work, name = sys.argv[1:5]
    config = CONFIGS[name]
    if "example" in config:
        example, loss_name, opt = example_arch(src, config["example"])
        config = dict(config, loss=loss_name, opt=opt)
    torch_opt = dict(config["opt"])
    # Clipping (training.clip_norm / clip_value) and the loss, PyTorch's side.
    torch_training = {k: config[k] for k in ("clip_norm", "clip_value") if k in config}
    torch_loss_config = dict(config["loss"]) if isinstance(config["loss"], dict) else config["loss"]
    seed = config.get("seed")  # given: `train --seed`, and dropout's counters
    counters = {"seed": seed, "step": 0}
    layer_perturb = {}  # layer name -> {key: value}, the PyTorch side's layers only
    rest = sys.argv[5:]
    while rest:
        assert rest[0] == "--perturb" and len(rest) > 1, rest
        key, value = rest[1].split("=", 1)
        if key.startswith("dropout."):
            key = key[len("dropout."):]
            assert key in ("rate", "seed", "step", "stream", "order"), key
            key = {"step": "step_offset", "stream": "stream_offset"}.get(key, key)
            counters[key] = value if key == "order" else json.loads(value)
            print(f"PyTorch side only: dropout {key} = {counters[key]}")
        elif key in ("clip_norm", "clip_value"):
            torch_training[key] = json.loads(value)
            print(f"PyTorch side only: {key} = {torch_training[key]} (Kiln: {config.get(key)})")
        elif key.startswith("loss."):
            field = key[len("loss."):]
            if isinstance(torch_loss_config, str):
                torch_loss_config = {"type": torch_loss_config}
            torch_loss_config[field] = json.loads(value)
            print(f"PyTorch side only: loss {field} = {torch_loss_config[field]}")
        elif key.startswith("layer."):
            layer, field = key[len("layer."):].rsplit(".", 1)
            layer_perturb.setdefault(layer, {})[field] = json.loads(value)
            print(f"PyTorch side only: layer {layer}: {field} = {json.loads(value)}")
        else:
            torch_opt[key] = json.loads(value)
            print(f"PyTorch side only: {key} = {torch_opt[key]} (Kiln: {config['opt'].get(key)})")
        rest = rest[2:]
    os.makedirs(work, exist_ok=True)
    started = time.time()
    torch.manual_seed(0)
    torch.set_num_threads(1)
    loss_name, tol = config["loss"], config["tol"]
    targets = loss_targets(loss_name)
    arch = example if "example" in config else MODELS[config.get("model", (
        "softmax_cross_entropy" if targets in ("labels", "probabilities") else "mse"))]
    batch = arch["batch"]
    # The config's layer keys (lr_scale, weight_decay, kernel_regularizer) on both sides.
    layer_keys = dict(config.get("layer_keys", {}))
    layers = [dict(layer, **layer_keys.pop(layer.get("name", f"{layer['type']}_{i}"), {}))
              for i, layer in enumerate(arch["layers"])]
    assert not layer_keys, f"layer_keys: no layer {sorted(layer_keys)}"
    torch_layers = [dict(layer, **layer_perturb.pop(layer.get("name", f"{layer['type']}_{i}"), {}))
                    for i, layer in enumerate(layers)]
    assert not layer_perturb, f"--perturb layer.NAME.KEY: no layer {sorted(layer_perturb)}"
    data, xs, ys = make_data(loss_name, batch, work, arch)
    in_shape = arch.get("input", [xs.shape[1]])  # a flat dataset feeds [1, 28, 28] too
    xs = xs.reshape(-1, *in_shape)

    spec = {"name": f"torch_reference_{name}", "input": {"shape": in_shape},
            **({"output": arch["output"]} if "output" in arch else {}), "layers": layers,
            "training": {"loss": loss_name, "optimizer": config["opt"], "batch_size": batch,
                         "epochs": 1, "shuffle": False,
                         **{k: config[k] for k in ("clip_norm", "clip_value") if k in config}}}
    if xs.dtype == torch.int64:
        spec["input"]["dtype"] = "int32"  # token ids
    json.dump(spec, open(f"{work}/model.json", "w"), indent=1)
    exe = f"{work}/model"
    # "cores": compiled for that many cores (recurrences run their batch in
    # as many blocks as divide it: 13 rows in 13 blocks of one; a weight
    # gradient over tap planes sums a part of the batch per core).
    cores = ["--cores", str(config["cores"])] if "cores" in config else []
    # "l2_cache": compiled for that L2 (a convolution's input gradient runs
    # its batch in blocks that fit an eighth of it; tap planes and dy over it
    # are summed in parts).
    l2 = ["--l2-cache", config["l2_cache"]] if "l2_cache" in config else []
    subprocess.run([kilnc, f"{work}/model.json", "-o", exe, *cores, *l2], check=True)

    decisions = Decisions() if "example" in config else None
    output = arch.get("output")  # a graph model's output layer (none: the last)
    model = torch_model(torch_layers, in_shape, counters, decisions, output)
    if decisions is not None:
        relu_pool_hooks(model, decisions)
    init = kiln_state(model)
    for p_name, same in arch.get("tied_init", {}).items():  # exact ties (max_pool1d_ties)
        init[p_name] = init[same]
    write_safetensors(f"{work}/step0.safetensors", init)
    loss_fn = torch_loss_fn(torch_loss_config)

    def objective(net_model, net_params, x, y):
        """The loss that is minimized and that Kiln reports: the batch's
        mean loss plus the layers' kernel_regularizer terms."""
        loss = loss_fn(net_model(x), y)
        penalty = regularization(net_params, torch_layers)
        return loss if penalty is None else loss + penalty

    # Kiln: one process per step, each continuing from the last checkpoint.
    for k in range(1, STEPS + 1):
        start = ["--load", f"{work}/step0.safetensors"] if k == 1 else \
                ["--resume", f"{work}/step{k - 1}.safetensors"]
        if seed is not None and k == 1:
            start += ["--seed", str(seed)]  # --resume takes it from the checkpoint
        subprocess.run([exe, "train", "--data", data, "--no-shuffle", "--steps", str(k), *start,
                        "--save", f"{work}/step{k}.safetensors", "--metrics-json", f"{work}/step{k}.json"],
                       check=True, stdout=subprocess.DEVNULL)

    params = dict(model.named_parameters())
    # Batch norm's running statistics; their update in a step depends on the
    # forward pass alone (no optimizer), so it gets the linear tolerance.
    buffers = dict(model.named_buffers())
    worst = {}  # what -> [max raw, max excess, excess tolerance]
    failures = []

    def check(what, step, got, ref, before, tol):
        raw, excess = update_errors(got, ref, before)
        w = worst.setdefault(what, [0.0, 0.0, tol])
        w[0], w[1] = max(w[0], raw), max(w[1], excess)
        if tol is not None and not (excess <= tol and raw <= RAW_TOL):
            failures.append(f"step {step}: {what}: relative error of the update {raw:.3e}, "
                            f"{excess:.3e} beyond one ulp (tolerances {RAW_TOL:.0e}, {tol:.0e})")

    def load_state(opt, kiln, meta, net_params, net_buffers):
        """Kiln's params, buffers, optimizer state and step count into
        a model (its params and buffers) and torch.optim, in the model's
        dtype."""
        with torch.no_grad():
            for p_name, p in net_params.items():
                p.copy_(torch.from_numpy(kiln[p_name].copy()))
            for b_name, b in net_buffers.items():
                b.copy_(torch.from_numpy(kiln[b_name].copy()))
        load_optimizer_state(opt, torch_opt, slots, net_params, kiln, int(meta.get("step", 0)))

    def net(m):
        """(model, params, buffers, optimizer) for torch_step."""
        return (m, dict(m.named_parameters()),
                dict(m.named_buffers()),
                torch_optimizer(torch_opt, m.named_parameters(), torch_layers))

    near_lines = []  # the near decisions taken the other way, and float64 references, per step
    net64 = []  # the float64 twin of `model`, made when first needed

    def resolve_near_decisions(k, torch_step, badness, refs):
        """A failing step k again with near decisions flipped on the PyTorch
        side, greedily (see NEAR DECISIONS): the references of the best
        choice found (none: the plain ones), and that choice as
        Decisions.flips."""
        base = badness(refs)
        candidates = sorted((c for c in decisions.candidates if c[4] > 0),
                            key=lambda c: c[0])[:NEAR_CANDIDATES]
        chosen, best, best_refs = [], base, refs

        def flips(choice):
            out = {}
            for _, module, key, _, _ in choice:
                # A relu into max pool (RELU INTO MAX POOL): both, each key once.
                for m, one in (zip(module, key) if isinstance(module, tuple) else [(module, key)]):
                    if one not in out.setdefault(m, []):
                        out[m].append(one)
            return out

        while best > NEAR_DONE and len(chosen) < NEAR_MAX_FLIPS:
            trials = []
            for c in candidates:
                if c not in chosen:
                    decisions.flips = flips(chosen + [c])
                    trial_refs = torch_step()[1]
                    trials.append((badness(trial_refs), len(trials), c, trial_refs))
            decisions.flips = {}
            if not trials or min(trials)[0] > best / 2:
                break
            best, _, c, best_refs = min(trials)
            chosen.append(c)
        what = "; ".join(f"{c[3]} ({c[0]:.1e} of the rms; it routes {c[4]:.1e} of the gradient)"
                         for c in chosen)
        if not chosen:
            near_lines.append(f"step {k}: {len(decisions.candidates)} near decisions; none of the "
                              f"{len(candidates)} nearest that route gradient, taken the other way, "
                              f"lowers the worst error ({base:.3g} of the tolerance)")
        else:
            near_lines.append(f"step {k}: {what}: taken the other way on the PyTorch side, the worst "
                              f"error goes from {base:.3g} to {best:.3g} of the tolerance")
        return best_refs, flips(chosen)

    slots = optimizer_slots(config["opt"])
    opt = torch_optimizer(torch_opt, params, torch_layers)
    clip_norms = []  # the gradients' norm before clipping (clip_norm), per step
    prev, prev_meta = read_safetensors(f"{work}/step0.safetensors")
    worst_loss = 0.0
    for k in range(1, STEPS + 1):
        cur, meta = read_safetensors(f"{work}/step{k}.safetensors")
        if int(meta["step"]) != k:
            failures.append(f"step {k}: Kiln's checkpoint says step {meta['step']}")
        expected = set(params) | set(buffers) | {f"optimizer.{p}.{slot}" for p in params for slot in slots}
        if set(cur) != expected:
            sys.exit(f"MISMATCH step {k}: Kiln's checkpoint has {sorted(set(cur) - expected)} more and "
                     f"{sorted(expected - set(cur))} fewer tensors than the model's params, buffers "
                     f"and optimizer state")
        if seed is not None and meta.get("data_seed") != str(seed):
            failures.append(f"step {k}: Kiln's checkpoint says data_seed {meta.get('data_seed')}, "
                            f"not the seed {seed} (the next step's dropout seed)")

        def torch_step(on=None):
            """PyTorch's step k from Kiln's state after step k - 1 (on `model`,
            or on=net(...)): the loss and, per tensor, (the new value, the
            value before, the tolerance)."""
            net_model, net_params, net_buffers, net_opt = on or (model, params, buffers, opt)
            counters["step"] = k
            load_state(net_opt, prev, prev_meta, net_params, net_buffers)
            net_opt.zero_grad()
            rows = slice((k - 1) * batch, k * batch)
            x, y = xs[rows], ys[rows]
            dtype = next(iter(net_params.values())).dtype
            x = x.to(dtype) if x.is_floating_point() else x  # token ids stay ids
            loss = objective(net_model, net_params, x, y.to(dtype) if y.is_floating_point() else y)
            loss.backward()
            norm = clip_gradients(net_params.values(), torch_training)
            if on is None and norm is not None:
                clip_norms.append(norm)
            net_opt.step()
            refs = {}
            for p_name, p in net_params.items():
                refs[p_name] = (p.detach().numpy().copy(), prev[p_name], tol)
                for slot in slots:
                    key = f"optimizer.{p_name}.{slot}"
                    before = prev[key] if key in prev else slot_initial(config["opt"], slot)
                    # A slot PyTorch's optimizer lacks (a --perturb of RMSprop's
                    # momentum or centered): as if unchanged.
                    new = net_opt.state[p].get(slot)
                    new = new.numpy().copy() if new is not None else np.broadcast_to(
                        np.asarray(before, np.float32), p.shape).copy()
                    refs[key] = (new, before, tol)
            for b_name, b in net_buffers.items():
                refs[b_name] = (b.numpy().copy(), prev[b_name], EXCESS_TOL_LINEAR)
            return loss.item(), refs

        def ratio(what, ref, before, limit):
            """The error of one tensor's update as a multiple of its tolerance."""
            raw, excess = update_errors(cur[what], ref, before)
            return max(raw / RAW_TOL, excess / limit)

        def badness(refs):
            """The worst error of the step as a multiple of its tolerance."""
            return max(ratio(what, *r) for what, r in refs.items())

        if decisions is not None:
            decisions.flips, decisions.record, decisions.candidates = {}, True, []
        torch_loss, refs = torch_step()
        if decisions is not None:
            decisions.record = False
        if decisions is not None and badness(refs) > 1:
            refs, flips = resolve_near_decisions(k, torch_step, badness, refs)
            if badness(refs) > 1:
                # PyTorch in float64 (see FLOAT64), with the same decisions
                # (FLOAT64 WITH THE SAME DECISIONS).
                if not net64:
                    net64.append(net(torch_model(torch_layers, in_shape, counters, decisions, output).double()))
                decisions.flips, taken = flips, {}
                with_decisions(model, decisions, torch_step, record=taken)
                refs64 = with_decisions(net64[0][0], decisions, lambda: torch_step(net64[0]),
                                        impose=taken)[1]
                decisions.flips = {}
                for what, r in refs.items():
                    if ratio(what, *r) > 1 and ratio(what, *refs64[what]) <= 1:
                        _, e32 = update_errors(cur[what], *r[:2])
                        _, e64 = update_errors(cur[what], *refs64[what][:2])
                        _, t = update_errors(refs64[what][0], *r[:2])
                        near_lines.append(f"step {k}: {what}: {e32:.2e} beyond one ulp from PyTorch's "
                                          f"float32 update, {e64:.2e} from its float64 update (float32 "
                                          f"and float64 PyTorch differ by {t:.2e}): compared with float64")
                        refs[what] = refs64[what]
        history = json.load(open(f"{work}/step{k}.json"))["history"]
        assert len(history) == 1 and history[0]["steps"] == 1, history
        kiln_loss = history[0]["train_loss"]
        worst_loss = max(worst_loss, abs(kiln_loss - torch_loss) / abs(torch_loss))
        if not abs(kiln_loss - torch_loss) <= LOSS_TOL * abs(torch_loss):
            failures.append(f"step {k}: loss: kiln {kiln_loss:.8g}, torch {torch_loss:.8g}")
        for what, (ref, before, limit) in refs.items():
            check(what, k, cur[what], ref, before, limit)
        prev, prev_meta = cur, meta

    # The free run: PyTorch alone from the initial weights for all the steps
    # (reported only, tolerance None, where the config says free_run=False).
    free_factor = FREE_RUN_FACTOR if config.get("free_run", True) else None
    free = torch_model(torch_layers, in_shape, counters, output=output)
    load_kiln_state(free, init)
    free_params = dict(free.named_parameters())
    free_opt = torch_optimizer(torch_opt, free_params, torch_layers)
    for k in range(1, STEPS + 1):
        rows = slice((k - 1) * batch, k * batch)
        counters["step"] = k
        free_opt.zero_grad()
        objective(free, free_params, xs[rows], ys[rows]).backward()
        clip_gradients(free_params.values(), torch_training)
        free_opt.step()
    for p_name, p in free_params.items():
        check(f"free run: {p_name}", STEPS, prev[p_name], p.detach().numpy(), init[p_name],
              free_factor and free_factor * tol)
        for slot in slots:
            key = f"optimizer.{p_name}.{slot}"
            new = free_opt.state[p].get(slot)
            new = new.numpy() if new is not None else np.full(p.shape, slot_initial(config["opt"], slot),
                                                               np.float32)
            check(f"free run: {key}", STEPS, prev[key], new,
                  slot_initial(config["opt"], slot), free_factor and free_factor * tol)
    for b_name, b in free.named_buffers():
        if b_name in buffers:
            check(f"free run: {b_name}", STEPS, prev[b_name], b.numpy(), init[b_name],
                  free_factor and free_factor * EXCESS_TOL_LINEAR)

    mask_line = None
    if any(layer["type"] == "dropout" for layer in arch["layers"]):
        mask_line = check_dropout_mask(kilnc, work, seed, counters, check, failures)
    ties_line = check_max_ties(kilnc, work, check, failures) if config.get("max_ties") else None
    eval_lines = []
    if any(layer["type"] in ("batch_norm", "local_response_norm") for layer in arch["layers"]):
        eval_lines = check_eval_mode(kilnc, work, spec, exe, data, xs, ys, model, loss_fn, prev,
                                     failures)

    print(f"{name}: {json.dumps(loss_name)}, optimizer {json.dumps(config['opt'])}, {STEPS} steps of batch {batch}")
    for k, v in config.get("layer_keys", {}).items():
        print(f"  layer {k}: {json.dumps(v)}")
    if clip_norms:
        clipped = sum(n > config["clip_norm"] for n in clip_norms)
        print(f"  clip_norm {config['clip_norm']}: the gradients' norm was {min(clip_norms):.3g}.."
              f"{max(clip_norms):.3g}, clipped at {clipped} of {len(clip_norms)} steps")
        if clipped < len(clip_norms) // 2:
            failures.append(f"clip_norm {config['clip_norm']} clips only {clipped} of {len(clip_norms)} "
                            "steps: too large to test clipping")
    print(f"  {'loss':45s} max relative error {worst_loss:.2e} (tolerance {LOSS_TOL:.0e})")
    print(f"  {'update of':45s} max relative error, raw and beyond one ulp (tolerances)")
    for what, (raw, excess, limit) in worst.items():
        print(f"  {what:45s} {raw:.2e} {excess:.2e} " +
              (f"({RAW_TOL:.0e}, {limit:.0e})" if limit is not None else "(reported, not checked)"))
    if mask_line:
        print(f"  {mask_line}")
    if ties_line:
        print(f"  {ties_line}")
    for line in eval_lines:
        print(f"  {line}")
    for line in near_lines:
        print(f"  near decisions: {line}")
    print(f"  ({time.time() - started:.1f} s)")
    for f in failures[:20]:
        print("MISMATCH " + f)
    print("ok" if not failures else f"MISMATCH: {len(failures)} checks failed")
    sys.exit(0 if not failures else 1)


if __name__ == "__main__":
    main()
