#!/usr/bin/python3
"""Kiln near the machine's limit: one table of every target, in one run.

Runs, each side by side with its reference in the same run (see each
script's docstring and bench/README.md):
  bench/matmul.py       fp32 matmul 512/1024/2048 vs the FMA peak, OpenBLAS
                        (best core type) and PyTorch, 1 and 2 threads
  bench/train.py        fashion_mlp and fashion_cnn training throughput vs
                        tuned PyTorch, 1 and 2 threads (fashion_mlp's also as
                        each side's share of the FMA peak in its products)
  bench/stocks_lstm.py, bench/char_transformer.py
                        LSTM and transformer training throughput, 1 and 2 threads
  bench/predict.sh      batch-1 forward latency of fashion_mlp and fashion_cnn, 1 and 2 threads
                        vs PyTorch
  bench/latency_floor.sh  the floor under fashion_mlp's: its weights streamed once
                        (one core; all cores apart; all cores meeting once a pass)
  kilnc                 compile time of every example (--emit=obj), the best of the rounds
and prints one table. About 15 minutes with the defaults; --quick for a look
(1 round, fewer steps: about 5).
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
from train import cpu_name, git_revision  # noqa: E402

PY = "/usr/bin/python3"


def dense_train_flops(example):
    """FLOPs of one sample's training step in a model of dense layers alone:
    the products only (forward, weight gradients, and input gradients of
    every layer but the first); None when the model has other layers."""
    spec = json.load(open(os.path.join(ROOT, "examples", example, "model.json")))
    width, flops = spec["input"]["shape"][-1], 0
    for i, layer in enumerate(spec["layers"]):
        if layer["type"] != "dense":
            return None
        macs = width * layer["units"]
        flops += 2 * macs * (3 if i > 0 else 2)
        width = layer["units"]
    return flops


def script(name, *args):
    p = subprocess.run([PY, os.path.join(ROOT, "bench", name), *args], capture_output=True,
                       text=True)
    if p.returncode != 0:
        sys.exit(f"table: bench/{name} failed:\n{p.stdout}{p.stderr}")
    return p.stdout


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--kilnc", default=os.path.join(ROOT, "build", "bin", "kilnc"))
    args = p.parse_args()
    rounds = "1" if args.quick else "3"
    rows = []  # (what, measured, reference, ratio, required, aim)

    with tempfile.TemporaryDirectory(prefix="kiln-table-") as work:
        mm = os.path.join(work, "matmul.json")
        script("matmul.py", "--rounds", rounds, "--kilnc", args.kilnc, "--json", mm)
        peaks = {}  # threads -> the FMA peak matmul.py measured, GFLOP/s
        for r in json.load(open(mm)):
            s, t = r["size"], r["threads"]
            if t not in peaks:
                # The ceiling of any matmul's inner loop on this core: what
                # the FMA peak is worth with loads feeding the FMAs.
                rows.append((f"matmul register block on panels in L1, {t} thread(s): / FMA peak",
                             f"{r['block']:.0f} GFLOP/s", f"{r['peak']:.0f}",
                             r["block"] / r["peak"], "", ""))
            peaks[t] = r["peak"]
            rows.append((f"matmul {s}, {t} thread(s): Kiln / FMA peak",
                         f"{r['kiln']:.0f} GFLOP/s", f"{r['peak']:.0f}", r["kiln"] / r["peak"],
                         "0.85" if t == 1 else "", "0.90" if t == 1 else ""))
            rows.append((f"matmul {s}, {t} thread(s): Kiln / register block in L1", "",
                         f"{r['block']:.0f}", r["kiln"] / r["block"], "", ""))
            rows.append((f"matmul {s}, {t} thread(s): Kiln / OpenBLAS", "",
                         f"{r['openblas']:.0f}", r["kiln"] / r["openblas"], "", "> 1"))
            # Intel's own kernels: how far the vendor gets toward the peak here.
            rows.append((f"matmul {s}, {t} thread(s): oneDNN / FMA peak", f"{r['onednn']:.0f} GFLOP/s",
                         f"{r['peak']:.0f}", r["onednn"] / r["peak"], "", ""))
            rows.append((f"matmul {s}, {t} thread(s): Kiln / oneDNN", "",
                         f"{r['onednn']:.0f}", r["kiln"] / r["onednn"], "", ""))
            # Kiln packs a layer's W once (prepare); a library's sgemm packs
            # on every call: the same work, W changed before every call.
            rows.append((f"matmul {s}, {t} thread(s): Kiln with W changed every call / oneDNN",
                         f"{r['kiln_w_per_call']:.0f} GFLOP/s", f"{r['onednn']:.0f}",
                         r["kiln_w_per_call"] / r["onednn"], "", ""))
            if r["scaling"]:
                rows.append((f"matmul {s}: Kiln {t} threads / 1 thread", "", "",
                             r["scaling"], "1.7", "1.85"))
        steps = "100,600" if args.quick else "200,2000"
        for example, cnn_steps in (("fashion_mlp", steps),
                                   ("fashion_cnn", "50,200" if args.quick else "100,600")):
            for t in (1, 2):
                out = os.path.join(work, f"{example}-{t}.json")
                script("train.py", "--example", example, "--threads", str(t), "--rounds", rounds,
                       "--steps", cnn_steps, "--kilnc", args.kilnc, "--json", out)
                r = json.load(open(out))
                rows.append((f"{example} training, {t} thread(s): Kiln / PyTorch",
                             f"{r['kiln'][2]:.0f} samples/s", f"{r['pytorch'][2]:.0f}",
                             r["ratio"][2], "2", "3"))
                # How far 2x is from the machine: each side's products as a
                # share of the FMA peak (Kiln's ratio is at most 1 / PyTorch's).
                flops = dense_train_flops(example)
                if flops and t in peaks:
                    share = [r[side][2] * flops / (peaks[t] * 1e9) for side in ("kiln", "pytorch")]
                    rows.append((f"{example} training, {t} thread(s): share of the FMA peak in its "
                                 f"products ({flops / 1e6:.2f} MFLOP a sample), Kiln / PyTorch",
                                 f"{share[0]:.2f}", f"{share[1]:.2f}", None, "", ""))
        for name, unit in (("stocks_lstm.py", "windows/s"), ("char_transformer.py", "tokens/s")):
            for t in (1, 2):
                out = script(name, "--rounds", rounds, "--kilnc", args.kilnc, "--threads", str(t))
                k = re.search(r"\| Kiln \| ([0-9,]+) \|", out).group(1)
                pt = re.search(r"\| PyTorch \(tuned\) \| ([0-9,]+) \|", out).group(1)
                ratio = float(re.search(r"\| Kiln / PyTorch \| ([0-9.]+) \|", out).group(1))
                rows.append((f"{name[:-3]} training, {t} thread(s): Kiln / PyTorch", f"{k} {unit}",
                             pt, ratio, "1.5", "2"))
        for example, req, aim, threads in (("fashion_mlp", "<= 10 us", "<= 5 us", "1"),
                                           ("fashion_mlp", "<= 10 us", "<= 5 us", "2"),
                                           ("fashion_cnn", "<= 60 us", "<= 30 us", "1"),
                                           ("fashion_cnn", "<= 60 us", "<= 30 us", "2")):
            p = subprocess.run([os.path.join(ROOT, "bench", "predict.sh"), rounds, example, threads],
                               capture_output=True, text=True,
                               env=dict(os.environ,
                                        KILN_BUILD=os.path.dirname(os.path.dirname(args.kilnc))))
            if p.returncode != 0:
                sys.exit(f"table: bench/predict.sh failed:\n{p.stdout}{p.stderr}")
            km = float(re.search(r"kiln predict\(1\): median ([0-9.]+) us", p.stdout).group(1))
            tm = float(re.search(r"torch forward\(1\): median ([0-9.]+) us", p.stdout).group(1))
            plural = "s" if threads != "1" else ""
            rows.append((f"{example} batch-1 forward latency, {threads} thread{plural} (PyTorch / Kiln)",
                         f"{km:.1f} us",
                         f"{tm:.1f}", tm / km, req, aim))
        # The floor under fashion_mlp's latency: its weights streamed once, nothing else.
        p = subprocess.run([os.path.join(ROOT, "bench", "latency_floor.sh")],
                           capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit(f"table: bench/latency_floor.sh failed:\n{p.stdout}{p.stderr}")
        means = [float(m) for m in re.findall(r"mean ([0-9.]+) us", p.stdout)]
        rows.append(("floor: fashion_mlp's weights streamed once, no model, 1 core (mean)",
                     f"{means[0]:.1f} us", "", None, "", ""))
        cores = len(means) - 2
        rows.append((f"floor: the same split over {cores} cores at once, slowest core (mean)",
                     f"{max(means[1:-1]):.1f} us", "", None, "", ""))
        rows.append((f"floor: about the same split over {cores} threads that meet once per pass (mean)",
                     f"{means[-1]:.1f} us", "", None, "", ""))
        # Compile time: the best of the rounds (other load only ever adds time).
        for model in sorted(glob.glob(os.path.join(ROOT, "examples", "*", "model.json"))):
            name = os.path.basename(os.path.dirname(model))
            times = []
            for _ in range(int(rounds)):
                start = time.perf_counter()
                subprocess.run([args.kilnc, model, "--emit=obj", "-o", os.path.join(work, name + ".o")],
                               check=True, capture_output=True)
                times.append(time.perf_counter() - start)
            rows.append((f"kilnc {name} (best of {rounds})", f"{min(times):.2f} s", "", None,
                         "<= 5 s", "<= 2 s"))

    print(f"kiln {git_revision()}; {cpu_name()}, {os.cpu_count()} cores; "
          f"{'quick' if args.quick else 'full'} run")
    print()
    print("| what | Kiln | reference | ratio | required | aim |")
    print("|---|---|---|---|---|---|")
    for what, measured, ref, ratio, req, aim in rows:
        print(f"| {what} | {measured} | {ref} | {'' if ratio is None else f'{ratio:.2f}'} "
              f"| {req} | {aim} |")


if __name__ == "__main__":
    main()
