#!/usr/bin/python3
"""Kiln vs tuned PyTorch: training throughput of examples/stocks_lstm.

Usage: bench/stocks_lstm.py [--rounds R] [--steps N1,N2] [--kilnc PATH] [--threads T]

IBM's monthly price (examples/stocks_lstm/prepare.py), windows of 30 months,
LSTM 64 + dense 1, mse, Adam 1e-3, batch 32. Alternating the two for R
rounds, each runs N1 and N2 training steps in its own process on T threads
(default 1; Kiln's --threads, PyTorch's set_num_threads), PyTorch (nn.LSTM,
batch_first) in its strong configuration (bench/train.py's ENV); throughput
= (N2 - N1) * 32 windows / (time(N2) - time(N1)), so start-up and data
loading cancel. Prints the medians and the ratio Kiln / PyTorch.
"""
import os, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
from train import bench_env  # noqa: E402
from sequence_bench import compare, options, threads_env, timed  # noqa: E402

TORCH_STEPS = r"""
import os, sys, numpy as np, torch
steps, csv = int(sys.argv[1]), sys.argv[2]
p = np.array([float(l.split(",")[1]) for l in open(csv).read().splitlines()[1:]])
cut = len(p) * 8 // 10
p = (p - p[:cut].mean()) / p[:cut].std()
idx = [i for i in range(len(p) - 30) if i + 31 <= cut]
x = torch.tensor(np.array([p[i:i + 30] for i in idx]), dtype=torch.float32).unsqueeze(2)
y = torch.tensor(np.array([p[i + 30:i + 31] for i in idx]), dtype=torch.float32)
torch.manual_seed(0); torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))
torch.set_flush_denormal(True)  # as Kiln's runtime runs (kiln/denormals.h)
lstm, head = torch.nn.LSTM(1, 64, batch_first=True), torch.nn.Linear(64, 1)
opt = torch.optim.Adam(list(lstm.parameters()) + list(head.parameters()), lr=1e-3)
batches = len(x) // 32
for k in range(steps):
    i = (k % batches) * 32
    opt.zero_grad()
    out, _ = lstm(x[i:i + 32])
    torch.nn.functional.mse_loss(head(out[:, -1]), y[i:i + 32]).backward()
    opt.step()
"""


def main():
    a = options("100,1100")
    env = threads_env(bench_env(), a.threads)
    with tempfile.TemporaryDirectory() as work:
        subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "examples", "stocks_lstm", "prepare.py"),
                        work, "IBM"], check=True, stdout=subprocess.DEVNULL)
        csv = os.path.join(work, "ibm.csv")
        exe = os.path.join(work, "lstm")
        subprocess.run([a.kilnc, os.path.join(ROOT, "examples", "stocks_lstm", "model.json"),
                        "-o", exe], check=True)
        kiln = lambda n: timed([exe, "train", "--data", csv, "--series", "price", "--no-shuffle",
                                "--threads", str(a.threads),
                                "--steps", str(n)], env)
        torch_ = lambda n: timed(["/usr/bin/python3", "-c", TORCH_STEPS, str(n), csv], env)
        compare("stocks_lstm", "windows/s", 32, a, kiln, torch_)


if __name__ == "__main__":
    main()
