#!/usr/bin/python3
"""The PyTorch reference for bench/train.py: examples/fashion_mlp or
examples/fashion_cnn in PyTorch (--model).

fashion_mlp: 784-512-256-10 relu; fashion_cnn: conv 32 3x3 relu, max pool 2,
conv 64 3x3 relu, max pool 2, flatten, dense 128 relu, dense 10. Adam 1e-3,
batch 64, Kiln's initializers (he_uniform for relu layers, glorot_uniform for
the last, zero biases), batches in file order like `train --no-shuffle`. Trains --steps steps, then evaluates the test
split. Run it with /usr/bin/python3 (Debian's python3-torch) and the
environment bench/train.py sets (OpenMP OpenBLAS, malloc settings, 1 thread).
"""
import argparse
import gzip
import os
import time

import numpy as np
import torch
import torch.nn.functional as F


def load_idx(path):
    """An IDX file (gzip'd or not) as a numpy array; images scaled to [0, 1]."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)
    if ndim == 1:
        return data.astype(np.int64)
    return data.reshape(shape[0], -1).astype(np.float32) / np.float32(255.0)


def split(data_dir, prefix):
    x = load_idx(os.path.join(data_dir, f"{prefix}-images-idx3-ubyte.gz"))
    y = load_idx(os.path.join(data_dir, f"{prefix}-labels-idx1-ubyte.gz"))
    return torch.from_numpy(x), torch.from_numpy(y)


def mlp():
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 512), torch.nn.ReLU(),
        torch.nn.Linear(512, 256), torch.nn.ReLU(),
        torch.nn.Linear(256, 10))
    for layer, init in ((model[0], "he"), (model[2], "he"), (model[4], "glorot")):
        if init == "he":
            torch.nn.init.kaiming_uniform_(layer.weight, nonlinearity="relu")
        else:
            torch.nn.init.xavier_uniform_(layer.weight)
        torch.nn.init.zeros_(layer.bias)
    return model


def init(layer, relu):
    if relu:
        torch.nn.init.kaiming_uniform_(layer.weight, nonlinearity="relu")
    else:
        torch.nn.init.xavier_uniform_(layer.weight)
    torch.nn.init.zeros_(layer.bias)


def cnn():
    nn = torch.nn
    model = nn.Sequential(
        nn.Unflatten(1, (1, 28, 28)),
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(1600, 128), nn.ReLU(), nn.Linear(128, 10))
    for i, relu in ((1, True), (4, True), (8, True), (10, False)):
        init(model[i], relu)
    return model


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--model", choices=["fashion_mlp", "fashion_cnn"], default="fashion_mlp")
    p.add_argument("--steps", type=int, required=True)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    torch.set_flush_denormal(True)  # as Kiln's runtime runs (kiln/denormals.h)
    torch.manual_seed(args.seed)
    x, y = split(args.data, "train")
    xt, yt = split(args.data, "t10k")
    model = mlp() if args.model == "fashion_mlp" else cnn()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    b = args.batch_size
    batches = x.shape[0] // b  # the last partial batch is dropped, as in Kiln

    start = time.perf_counter()
    total = torch.zeros(())
    for step in range(args.steps):
        i = (step % batches) * b
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x[i:i + b]), y[i:i + b])
        loss.backward()
        opt.step()
        total += loss.detach()
    seconds = time.perf_counter() - start

    with torch.no_grad():
        accuracy = (model(xt).argmax(1) == yt).double().mean().item()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s)")
    print(f"train: {args.steps} steps, mean loss {total.item() / max(args.steps, 1):.4f}, "
          f"{seconds:.3f} s in the loop")
    print(f"test: accuracy {accuracy:.4f} ({yt.shape[0]} samples)")


if __name__ == "__main__":
    main()
