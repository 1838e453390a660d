"""e2e: Kiln's compiled train_step against PyTorch, step for step.

Usage: torch_reference.py KILNC SRC WORKDIR CONFIG [--perturb KEY=VALUE ...]
(SRC, the source tree, is not read today: the models are defined below.)

CONFIG is one of the CONFIGS below: an optimizer configuration (sgd, sgd with
weight decay, momentum, Nesterov momentum, Adam, Adam with L2 weight decay,
AdamW) on a small model with one of the two losses. PyTorch initializes the
model and writes its weights as safetensors; Kiln compiles the same model and
trains it one step per process (`train --load` for the first step, then
`train --resume` with `--steps k`), saving a checkpoint after every step. For
every step k this script loads Kiln's state after step k-1 (weights,
optimizer state, step count) into torch.optim, runs the same batch through
PyTorch and compares, per tensor, the update Kiln made with the update
PyTorch makes: parameters (p_k - p_{k-1}) and optimizer state (s_k - s_{k-1}),
plus the loss of the step and the step counter. Starting every step from
Kiln's state keeps rounding differences from accumulating, so the tolerances
can be tight and a mismatch names its step. At the end an independent PyTorch
run of all the steps from the initial weights is compared with Kiln's final
state (total update since the start).

--perturb KEY=VALUE changes a hyper-parameter on the PyTorch side only (e.g.
--perturb momentum=0.91): the test must then fail. It is how the test's
sensitivity was checked; ctest never passes it.

A missing torch or numpy is a failure, not a skip: scripts/test.sh installs
Debian's python3-torch and python3-numpy.
"""
import collections, gzip, json, os, struct, subprocess, sys, time

try:
    import numpy as np
    import torch
except ImportError as e:
    sys.exit(f"torch_reference.py: {e}: these tests need Debian's python3-torch and python3-numpy "
             "(scripts/install-deps.sh --test installs them)")

STEPS = 20
FASHION = "/usr/share/datasets/fashion-mnist"

# Two models, both with widths and batch sizes that are not multiples of the
# vector width, so the compiled code's peeled remainders take part.
MODELS = {
    # Fashion-MNIST classification: 784 -> 37 (relu) -> 19 (tanh) -> 10.
    "softmax_cross_entropy": dict(
        batch=13,
        layers=[{"type": "dense", "units": 37, "activation": "relu"},
                {"type": "dense", "units": 19, "activation": "tanh"},
                {"type": "dense", "units": 10}]),
    # Synthetic regression: 11 -> 29 (sigmoid) -> 17 -> leaky_relu(0.1) -> 3.
    "mse": dict(
        batch=9,
        layers=[{"type": "dense", "units": 29, "activation": "sigmoid"},
                {"type": "dense", "units": 17},
                {"type": "leaky_relu", "alpha": 0.1},
                {"type": "dense", "units": 3}]),
}

# Tolerances. Every update, of a parameter (p_k - p_{k-1}) or of optimizer
# state (s_k - s_{k-1}), is compared per tensor and per step:
#   raw    = ||update_kiln - update_torch||_2 / ||update_torch||_2
#   excess = the same after taking off, element by element, a difference of
#            up to one float32 ulp of the new value.
# Both sides store the new value in float32 and either may round it
# differently (p - lr*g with or without an FMA, the terms in another
# order). Where an update is small against the weight it changes (momentum
# here: |update| ~ 4e-4 |p| at step 1) one ulp of the weight is already
# 1e-4 of the update, so that rounding alone shows in the raw error
# (measured up to 7e-6 for momentum). Only the excess says how well the
# update itself agrees, and it gets the tight bound:
#
# SGD and momentum are linear in the gradient, so their updates inherit only
# the gradient's rounding: float32 sums of up to 784 products in another
# order (tiling, vector lanes) differ by a few 1e-7 per tensor. Measured
# excess: at most 4.6e-7 over all steps and tensors. EXCESS_TOL_LINEAR = 1e-5
# leaves 20x for other vector widths; a 1e-4 relative change of lr, or 1e-3
# of momentum or weight decay, already fails it.
#
# Adam's update divides by the gradient's own running size, so where a
# gradient element is tiny (it cancels over the batch, or few inputs are
# non-zero) its rounding error is amplified in m / (sqrt(v) + eps), up to a
# sign flip that moves the element by 2 lr. Measured excess: at most 5.8e-6
# (dense_0.weight with eps = 1e-6, the sparse Fashion-MNIST pixels).
# EXCESS_TOL_ADAM = 1e-4 leaves 17x; a 1e-3 relative change of lr, beta1,
# beta2 or eps (0.1 for eps), 1e-2 of weight decay, or L2 decay instead of
# decoupled (and back) fails it.
#
# Every raw error must also stay within the bound RAW_TOL = 1e-3.
# The loss is float32 computed from outputs that carry the forward pass's
# rounding: LOSS_TOL = 2e-6 relative, about 30 ulps (measured: at most
# 3.3e-7). The free run (PyTorch alone over all the steps, never resynced)
# lets differences compound along the trajectory: it gets FREE_RUN_FACTOR
# times the per-step tolerance (measured: at most 8.6e-7).
EXCESS_TOL_LINEAR, EXCESS_TOL_ADAM, RAW_TOL, LOSS_TOL = 1e-5, 1e-4, 1e-3, 2e-6
FREE_RUN_FACTOR = 10

CONFIGS = {
    "sgd": dict(loss="softmax_cross_entropy", tol=EXCESS_TOL_LINEAR,
                opt={"type": "sgd", "lr": 0.1}),
    "sgd_weight_decay": dict(loss="mse", tol=EXCESS_TOL_LINEAR,
                             opt={"type": "sgd", "lr": 0.05, "weight_decay": 0.3}),
    "momentum": dict(loss="mse", tol=EXCESS_TOL_LINEAR,
                     opt={"type": "momentum", "lr": 0.02, "momentum": 0.9,
                          "weight_decay": 0.01}),
    "momentum_nesterov": dict(loss="softmax_cross_entropy", tol=EXCESS_TOL_LINEAR,
                              opt={"type": "momentum", "lr": 0.05, "momentum": 0.8,
                                   "nesterov": True}),
    "adam": dict(loss="softmax_cross_entropy", tol=EXCESS_TOL_ADAM,
                 opt={"type": "adam", "lr": 0.002, "beta1": 0.8, "beta2": 0.99,
                      "eps": 1e-6}),
    "adam_weight_decay": dict(loss="mse", tol=EXCESS_TOL_ADAM,
                              opt={"type": "adam", "lr": 0.01, "weight_decay": 0.2}),
    "adamw": dict(loss="softmax_cross_entropy", tol=EXCESS_TOL_ADAM,
                  opt={"type": "adamw", "lr": 0.003, "weight_decay": 0.5}),
}


def read_safetensors(path):
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    out = {}
    for name, info in header.items():
        assert info["dtype"] == "F32", (name, info)
        b, e = info["data_offsets"]
        out[name] = np.frombuffer(raw[8 + n + b:8 + n + e], "<f4").reshape(info["shape"])
    return out, meta


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = np.ascontiguousarray(t, "<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def torch_model(spec, in_features):
    """The PyTorch twin of a Kiln layer list; parameter names are Kiln's."""
    acts = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid}
    modules, width = collections.OrderedDict(), in_features
    for i, layer in enumerate(spec):
        name = layer.get("name", f"{layer['type']}_{i}")
        if layer["type"] == "dense":
            modules[name] = torch.nn.Linear(width, layer["units"])
            width = layer["units"]
            act = layer.get("activation", "linear")
            if act != "linear":
                modules[f"{name}_{act}"] = acts[act]()
        elif layer["type"] == "leaky_relu":
            modules[name] = torch.nn.LeakyReLU(layer["alpha"])
        else:
            modules[name] = acts[layer["type"]]()
    return torch.nn.Sequential(modules)


def torch_optimizer(opt, params):
    kind, wd = opt["type"], opt.get("weight_decay", 0.0)
    if kind == "sgd":
        return torch.optim.SGD(params, lr=opt["lr"], weight_decay=wd, foreach=False)
    if kind == "momentum":
        return torch.optim.SGD(params, lr=opt["lr"], momentum=opt["momentum"],
                               nesterov=opt.get("nesterov", False), weight_decay=wd, foreach=False)
    cls = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW}[kind]
    return cls(params, lr=opt["lr"], betas=(opt.get("beta1", 0.9), opt.get("beta2", 0.999)),
               eps=opt.get("eps", 1e-8), weight_decay=wd, foreach=False)


def update_errors(got, ref, before):
    """(raw, excess) relative errors of the update got - before against
    ref - before; see the tolerances above."""
    got, ref = np.asarray(got, np.float64), np.asarray(ref, np.float64)
    diff = np.abs(got - ref)  # = |update_got - update_ref|, exactly
    ulp = np.spacing(np.abs(ref).astype(np.float32)).astype(np.float64)
    den = np.linalg.norm(ref - before)
    raw, excess = np.linalg.norm(diff), np.linalg.norm(np.maximum(diff - ulp, 0))
    if den == 0:
        return (0.0, 0.0) if raw == 0 else (float("inf"), float("inf"))
    return raw / den, excess / den


def make_data(loss, batch, work):
    """Writes STEPS batches as a CSV for Kiln; returns them as Kiln parses them."""
    n = STEPS * batch
    if loss == "softmax_cross_entropy":
        images = np.frombuffer(gzip.open(f"{FASHION}/train-images-idx3-ubyte.gz").read()[16:], np.uint8)
        labels = np.frombuffer(gzip.open(f"{FASHION}/train-labels-idx1-ubyte.gz").read()[8:], np.uint8)
        x = images[:n * 784].reshape(n, 784).astype(np.float32) / np.float32(255)
        y = labels[:n].astype(np.int64)
        columns = [x, y[:, None]]
    else:
        rng = np.random.default_rng(1)
        x = rng.standard_normal((n, 11)).astype(np.float32)
        a, b = rng.standard_normal((11, 7)), rng.standard_normal((7, 3))
        y = (np.tanh(x @ a / 3) @ b + 0.1 * rng.standard_normal((n, 3))).astype(np.float32)
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
    xs = torch.from_numpy(table[:, :nx].astype(np.float32))
    if loss == "softmax_cross_entropy":
        ys = torch.from_numpy(table[:, nx].astype(np.int64))
    else:
        ys = torch.from_numpy(table[:, nx:].astype(np.float32))
    return path, xs, ys


def main():
    if len(sys.argv) < 5 or sys.argv[4] not in CONFIGS:
        sys.exit(f"usage: {sys.argv[0]} KILNC SRC WORKDIR {{{'|'.join(CONFIGS)}}} [--perturb KEY=VALUE ...]")
    kilnc, src, work, name = sys.argv[1:5]
    config = CONFIGS[name]
    torch_opt = dict(config["opt"])
    rest = sys.argv[5:]
    while rest:
        assert rest[0] == "--perturb" and len(rest) > 1, rest
        key, value = rest[1].split("=", 1)
        torch_opt[key] = json.loads(value)
        print(f"PyTorch side only: {key} = {torch_opt[key]} (Kiln: {config['opt'].get(key)})")
        rest = rest[2:]
    os.makedirs(work, exist_ok=True)
    started = time.time()
    torch.manual_seed(0)
    torch.set_num_threads(1)
    loss_name, tol = config["loss"], config["tol"]
    arch = MODELS[loss_name]
    batch = arch["batch"]
    data, xs, ys = make_data(loss_name, batch, work)
    in_features = xs.shape[1]

    spec = {"name": f"torch_reference_{name}", "input": {"shape": [in_features]},
            "layers": arch["layers"],
            "training": {"loss": loss_name, "optimizer": config["opt"], "batch_size": batch,
                         "epochs": 1, "shuffle": False}}
    json.dump(spec, open(f"{work}/model.json", "w"), indent=1)
    exe = f"{work}/model"
    subprocess.run([kilnc, f"{work}/model.json", "-o", exe], check=True)

    model = torch_model(arch["layers"], in_features)
    init = {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}
    write_safetensors(f"{work}/step0.safetensors", init)
    loss_fn = (torch.nn.functional.cross_entropy if loss_name == "softmax_cross_entropy"
               else torch.nn.functional.mse_loss)

    # Kiln: one process per step, each continuing from the last checkpoint.
    for k in range(1, STEPS + 1):
        start = ["--load", f"{work}/step0.safetensors"] if k == 1 else \
                ["--resume", f"{work}/step{k - 1}.safetensors"]
        subprocess.run([exe, "train", "--data", data, "--no-shuffle", "--steps", str(k), *start,
                        "--save", f"{work}/step{k}.safetensors", "--metrics-json", f"{work}/step{k}.json"],
                       check=True, stdout=subprocess.DEVNULL)

    params = dict(model.named_parameters())
    worst = {}  # what -> [max raw, max excess, excess tolerance]
    failures = []

    def check(what, step, got, ref, before, tol):
        raw, excess = update_errors(got, ref, before)
        w = worst.setdefault(what, [0.0, 0.0, tol])
        w[0], w[1] = max(w[0], raw), max(w[1], excess)
        if not (excess <= tol and raw <= RAW_TOL):
            failures.append(f"step {step}: {what}: relative error of the update {raw:.3e}, "
                            f"{excess:.3e} beyond one ulp (tolerances {RAW_TOL:.0e}, {tol:.0e})")

    def load_state(opt, kiln, meta):
        """Kiln's params, optimizer state and step count into torch.optim."""
        with torch.no_grad():
            for p_name, p in params.items():
                p.copy_(torch.from_numpy(kiln[p_name].copy()))
        opt.state.clear()
        if int(meta.get("step", 0)) == 0:
            return  # no state yet: PyTorch's own first step
        for p_name, p in params.items():
            state = {slot: torch.from_numpy(kiln[f"optimizer.{p_name}.{slot}"].copy())
                     for slot in slots}
            if "exp_avg" in state:
                state["step"] = torch.tensor(float(meta["step"]))
            opt.state[p] = state

    slots = {"sgd": [], "momentum": ["momentum_buffer"]}.get(config["opt"]["type"],
                                                            ["exp_avg", "exp_avg_sq"])
    opt = torch_optimizer(torch_opt, params.values())
    prev, prev_meta = read_safetensors(f"{work}/step0.safetensors")
    worst_loss = 0.0
    for k in range(1, STEPS + 1):
        cur, meta = read_safetensors(f"{work}/step{k}.safetensors")
        if int(meta["step"]) != k:
            failures.append(f"step {k}: Kiln's checkpoint says step {meta['step']}")
        load_state(opt, prev, prev_meta)
        opt.zero_grad()
        rows = slice((k - 1) * batch, k * batch)
        loss = loss_fn(model(xs[rows]), ys[rows])
        loss.backward()
        opt.step()
        history = json.load(open(f"{work}/step{k}.json"))["history"]
        assert len(history) == 1 and history[0]["steps"] == 1, history
        kiln_loss, torch_loss = history[0]["train_loss"], loss.item()
        worst_loss = max(worst_loss, abs(kiln_loss - torch_loss) / abs(torch_loss))
        if not abs(kiln_loss - torch_loss) <= LOSS_TOL * abs(torch_loss):
            failures.append(f"step {k}: loss: kiln {kiln_loss:.8g}, torch {torch_loss:.8g}")
        for p_name, p in params.items():
            check(p_name, k, cur[p_name], p.detach().numpy(), prev[p_name], tol)
            for slot in slots:
                key = f"optimizer.{p_name}.{slot}"
                before = prev[key] if key in prev else 0
                check(key, k, cur[key], opt.state[p][slot].numpy(), before, tol)
        prev, prev_meta = cur, meta

    # The free run: PyTorch alone from the initial weights for all the steps.
    free = torch_model(arch["layers"], in_features)
    free.load_state_dict({k: torch.from_numpy(v) for k, v in init.items()})
    free_params = dict(free.named_parameters())
    free_opt = torch_optimizer(torch_opt, free_params.values())
    for k in range(1, STEPS + 1):
        rows = slice((k - 1) * batch, k * batch)
        free_opt.zero_grad()
        loss_fn(free(xs[rows]), ys[rows]).backward()
        free_opt.step()
    for p_name, p in free_params.items():
        check(f"free run: {p_name}", STEPS, prev[p_name], p.detach().numpy(), init[p_name],
              FREE_RUN_FACTOR * tol)
        for slot in slots:
            key = f"optimizer.{p_name}.{slot}"
            check(f"free run: {key}", STEPS, prev[key], free_opt.state[p][slot].numpy(), 0,
                  FREE_RUN_FACTOR * tol)

    print(f"{name}: {loss_name}, optimizer {json.dumps(config['opt'])}, {STEPS} steps of batch {batch}")
    print(f"  {'loss':45s} max relative error {worst_loss:.2e} (tolerance {LOSS_TOL:.0e})")
    print(f"  {'update of':45s} max relative error, raw and beyond one ulp (tolerances)")
    for what, (raw, excess, limit) in worst.items():
        print(f"  {what:45s} {raw:.2e} {excess:.2e} ({RAW_TOL:.0e}, {limit:.0e})")
    print(f"  ({time.time() - started:.1f} s)")
    for f in failures[:20]:
        print("MISMATCH " + f)
    print("ok" if not failures else f"MISMATCH: {len(failures)} checks failed")
    sys.exit(0 if not failures else 1)


if __name__ == "__main__":
    main()
