#!/usr/bin/python3
"""Kiln vs tuned PyTorch: training throughput of examples/char_transformer.

Usage: bench/char_transformer.py [--rounds R] [--steps N1,N2] [--kilnc PATH] [--threads T]

The data and the PyTorch model are test/e2e/char_transformer.py's (byte
windows of /usr/share/common-licenses, 2 causal transformer blocks, d 128,
4 heads, ff 512, T 64, batch 32, Adam 1e-3). Alternating the two for R
rounds, each runs N1 and N2 training steps in its own process on T threads
(default 1; Kiln's --threads, PyTorch's set_num_threads),
PyTorch in its strong configuration (bench/train.py's ENV); throughput =
(N2 - N1) * 32 * 64 tokens / (time(N2) - time(N1)), so start-up and data
loading cancel. Prints the medians and the ratio Kiln / PyTorch.
"""
import os, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
sys.path.insert(0, os.path.join(ROOT, "test", "e2e"))
from train import bench_env  # noqa: E402
from sequence_bench import compare, options, threads_env, timed  # noqa: E402
import char_transformer as ct  # noqa: E402

TORCH_STEPS = r"""
import json, os, sys, numpy as np, torch
sys.path.insert(0, sys.argv[1])
import char_transformer as ct
steps, csv = int(sys.argv[2]), sys.argv[3]
d = np.loadtxt(csv, delimiter=",", dtype=np.int64)
spec = json.load(open(sys.argv[4]))
torch.manual_seed(0); torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))
torch.set_flush_denormal(True)  # as Kiln's runtime runs (kiln/denormals.h)
model = ct.CharLM(spec); opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = torch.nn.CrossEntropyLoss()
x, y = torch.from_numpy(d[:, :ct.T]), torch.from_numpy(d[:, ct.T:])
batches = len(x) // ct.BATCH
for k in range(steps):
    i = (k % batches) * ct.BATCH
    opt.zero_grad()
    loss_fn(model(x[i:i + ct.BATCH]).reshape(-1, 256), y[i:i + ct.BATCH].reshape(-1)).backward()
    opt.step()
"""


def main():
    a = options("20,120")
    env = threads_env(bench_env(), a.threads)
    with tempfile.TemporaryDirectory() as work:
        x, y = ct.windows("/usr/share/common-licenses")
        ct.write_csv(f"{work}/train.csv", x, y)
        model = os.path.join(ROOT, "examples", "char_transformer", "model.json")
        exe = f"{work}/ct"
        subprocess.run([a.kilnc, model, "-o", exe], check=True)
        kiln = lambda n: timed([exe, "train", "--data", f"{work}/train.csv", "--no-shuffle",
                                "--threads", str(a.threads),
                                "--validation-split", "0", "--steps", str(n)], env)
        torch_ = lambda n: timed(["/usr/bin/python3", "-c", TORCH_STEPS,
                                  os.path.join(ROOT, "test", "e2e"), str(n),
                                  f"{work}/train.csv", model], env)
        compare("char_transformer", "tokens/s", ct.BATCH * ct.T, a, kiln, torch_)


if __name__ == "__main__":
    main()
