"""e2e: examples/char_transformer against PyTorch: the same byte-level
language model (2 causal transformer blocks, d 128, 4 heads, ff 512, T 64,
batch 32, Adam 1e-3, dropout 0.1) trained 300 steps on the same batches in
the same order reaches a validation loss within 5% of PyTorch's.

Usage: char_transformer.py KILNC SRC WORKDIR [STEPS]

The windows of /usr/share/common-licenses (symlinks skipped) are written as
CSVs of byte ids: 64 inputs, then the 64 next bytes. Every tenth window is
validation; the rest are shuffled once (seed 0) and trained in that order
(`train --no-shuffle`). Initial weights and dropout masks differ (each its
own generator), so the two losses agree statistically, not bit for bit. The
throughput of both is printed (not asserted: bench/ is for speed).
"""
import json, os, subprocess, sys, time

import numpy as np
import torch
from torch import nn

T, D, BATCH = 64, 128, 32


def windows(src_dir):
    xs, ys = [], []
    for name in sorted(os.listdir(src_dir)):
        path = os.path.join(src_dir, name)
        if os.path.islink(path) or not os.path.isfile(path) or name.startswith("."):
            continue
        data = np.frombuffer(open(path, "rb").read(), dtype=np.uint8)
        for w in range((len(data) - 1) // T):
            xs.append(data[w * T:(w + 1) * T])
            ys.append(data[w * T + 1:(w + 1) * T + 1])
    return np.array(xs, dtype=np.int64), np.array(ys, dtype=np.int64)


def write_csv(path, x, y):
    with open(path, "w") as f:
        for a, b in zip(x, y):
            f.write(",".join(map(str, a)) + "," + ",".join(map(str, b)) + "\n")


class CharLM(nn.Module):
    def __init__(self, spec):
        super().__init__()
        layers = {l["name"]: l for l in spec["layers"]}
        self.embed = nn.Embedding(256, D)
        self.pos = nn.Parameter(torch.randn(T, D))
        self.blocks = nn.ModuleList(
            nn.TransformerEncoderLayer(D, layers[n]["num_heads"], layers[n]["dim_feedforward"],
                                       0.1, batch_first=True)
            for n in ("block0", "block1"))
        self.head = nn.Linear(D, 256)
        self.register_buffer("mask", torch.triu(torch.full((T, T), float("-inf")), 1))

    def forward(self, x):
        h = self.embed(x) + self.pos
        for block in self.blocks:
            h = block(h, src_mask=self.mask)
        return self.head(h)


def torch_run(spec, xtr, ytr, xva, yva, steps):
    torch.manual_seed(0)
    torch.set_num_threads(1)
    model = CharLM(spec)
    opt = torch.optim.Adam(model.parameters(), lr=spec["training"]["optimizer"]["lr"])
    loss_fn = nn.CrossEntropyLoss()
    batches = len(xtr) // BATCH
    xt, yt = torch.from_numpy(xtr), torch.from_numpy(ytr)
    model.train()
    start = time.perf_counter()
    for k in range(steps):
        i = (k % batches) * BATCH
        opt.zero_grad()
        loss = loss_fn(model(xt[i:i + BATCH]).reshape(-1, 256), yt[i:i + BATCH].reshape(-1))
        loss.backward()
        opt.step()
    seconds = time.perf_counter() - start
    model.eval()
    with torch.no_grad():
        val = loss_fn(model(torch.from_numpy(xva)).reshape(-1, 256),
                      torch.from_numpy(yva).reshape(-1)).item()
    return val, seconds


def main():
    kilnc, src, work = sys.argv[1:4]
    steps = int(sys.argv[4]) if len(sys.argv) > 4 else 300
    os.makedirs(work, exist_ok=True)
    x, y = windows("/usr/share/common-licenses")
    val = np.arange(len(x)) % 10 == 9
    rng = np.random.default_rng(0)
    order = rng.permutation(np.flatnonzero(~val))
    xtr, ytr, xva, yva = x[order], y[order], x[val], y[val]
    write_csv(f"{work}/train.csv", xtr, ytr)
    write_csv(f"{work}/val.csv", xva, yva)
    spec = json.load(open(f"{src}/examples/char_transformer/model.json"))

    exe = f"{work}/ct"
    subprocess.run([kilnc, f"{src}/examples/char_transformer/model.json", "-o", exe], check=True)
    start = time.perf_counter()
    subprocess.run([exe, "train", "--data", f"{work}/train.csv", "--no-shuffle",
                    "--validation-split", "0", "--steps", str(steps),
                    "--save", f"{work}/w.safetensors"], check=True, stdout=subprocess.DEVNULL)
    kiln_seconds = time.perf_counter() - start
    subprocess.run([exe, "eval", "--data", f"{work}/val.csv", "--load", f"{work}/w.safetensors",
                    "--metrics-json", f"{work}/val.json"], check=True, stdout=subprocess.DEVNULL)
    kiln_val = json.load(open(f"{work}/val.json"))["test"]["loss"]

    torch_val, torch_seconds = torch_run(spec, xtr, ytr, xva, yva, steps)
    tokens = steps * BATCH * T
    print(f"char_transformer, {steps} steps: validation loss Kiln {kiln_val:.4f}, "
          f"PyTorch {torch_val:.4f} nats/byte ({len(xva)} windows)")
    # (PyTorch in its default configuration, Kiln with start-up and data
    # loading: bench/char_transformer.sh compares with tuned PyTorch.)
    print(f"throughput, 1 thread, untuned PyTorch: Kiln {tokens / kiln_seconds:.0f} "
          f"tokens/s, PyTorch {tokens / torch_seconds:.0f} tokens/s")
    rel = abs(kiln_val - torch_val) / torch_val
    assert rel <= 0.05, f"validation losses differ by {rel:.1%} (more than 5%)"


if __name__ == "__main__":
    main()
