#!/usr/bin/python3
"""PyTorch reference for bench/predict.sh: one-sample inference latency of
examples/fashion_mlp (784-512-256-10 relu, softmax) or, with a third
argument fashion_cnn, of examples/fashion_cnn (bench/torch_train.py's
model, softmax), inference mode, on THREADS threads (default 1).
Usage: predict_torch.py [ROUNDS] [CALLS] [EXAMPLE] [THREADS]
Prints "<median us> <best us>" over rounds of calls."""
import os
import sys
import time

import torch

rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 7
calls = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
example = sys.argv[3] if len(sys.argv) > 3 else "fashion_mlp"
threads = int(sys.argv[4]) if len(sys.argv) > 4 else 1
torch.set_num_threads(threads)
torch.set_flush_denormal(True)  # as Kiln's runtime runs (kiln/denormals.h)
if example == "fashion_cnn":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from torch_train import cnn
    model = torch.nn.Sequential(cnn(), torch.nn.Softmax(dim=1)).eval()
    x = torch.full((1, 784), 0.5)  # cnn() unflattens
else:
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 512), torch.nn.ReLU(),
        torch.nn.Linear(512, 256), torch.nn.ReLU(),
        torch.nn.Linear(256, 10), torch.nn.Softmax(dim=1)).eval()
    x = torch.full((1, 784), 0.5)
with torch.inference_mode():
    for _ in range(calls):
        model(x)
    per_call = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(calls):
            model(x)
        per_call.append((time.perf_counter() - start) / calls * 1e6)
per_call.sort()
print(f"{per_call[len(per_call) // 2]:.3f} {per_call[0]:.3f}")
