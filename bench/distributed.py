#!/usr/bin/env python3
"""Data-parallel training throughput: 2 MPI ranks against 1 process.

  bench/distributed.py [--example fashion_cnn] [--rounds R] [--steps N]
                       [--data DIR] [--kilnc PATH] [--keep]

Compiles examples/<example> three ways: with --mpi at its batch B (each rank's
share), and alone at 2B (the same global batch) and at B. Each round runs, in
turn, `mpirun -np 2` of the first (one thread per rank, each bound to a core),
and the others as single processes, for N steps on the same data, and reads
each run's training-loop time from --metrics-json (start-up, data loading and
the test evaluation excluded). Prints the median over rounds of each
configuration's samples per second, its ratio to 1 process at 2B (the issue's
figure: the same global batch), and the all-reduce time per step. Not part of
the test suite (bench/README.md).
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--example", default="fashion_cnn")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--kilnc", default=os.path.join(ROOT, "build/bin/kilnc"))
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    os.environ.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    model = os.path.join(ROOT, "examples", a.example, "model.json")
    batch = json.load(open(model))["training"]["batch_size"]
    work = tempfile.mkdtemp(prefix="kiln-dp-bench-")
    exe = lambda name: os.path.join(work, name)  # noqa: E731
    subprocess.run([a.kilnc, model, "--mpi", "-o", exe("dp")], check=True)
    subprocess.run([a.kilnc, model, "--batch-size", str(2 * batch), "-o", exe("one2b")], check=True)
    subprocess.run([a.kilnc, model, "-o", exe("oneb")], check=True)
    train = ["train", "--data", a.data, "--steps", str(a.steps), "--no-shuffle", "--seed", "1"]
    configs = [
        ("2 ranks x B", ["mpirun", "-np", "2", "--bind-to", "core", exe("dp")], 2 * batch),
        ("1 process x 2B", [exe("one2b")], 2 * batch),
        ("1 process x B", [exe("oneb")], batch),
    ]
    rates = {name: [] for name, _, _ in configs}
    allreduce = []
    for r in range(a.rounds):
        order = configs if r % 2 == 0 else configs[::-1]
        for name, cmd, global_batch in order:
            out = os.path.join(work, "m.json")
            subprocess.run(cmd + train + ["--metrics-json", out], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            m = json.load(open(out))
            seconds = sum(e["seconds"] for e in m["history"])
            rates[name].append(a.steps * global_batch / seconds)
            if "allreduce_seconds_per_step" in m["train"]:
                allreduce.append((m["train"]["allreduce_seconds_per_step"],
                                  seconds / a.steps))
    base = statistics.median(rates["1 process x 2B"])
    print(f"{a.example}: {a.steps} steps, B = {batch}, median of {a.rounds} rounds "
          f"(training loop, samples/s)")
    print(f"{'configuration':<16} {'samples/s':>10} {'vs 1 x 2B':>10}")
    for name, _, _ in configs:
        rate = statistics.median(rates[name])
        print(f"{name:<16} {rate:>10.0f} {rate / base:>9.2f}x")
    per_step = statistics.median(s for s, _ in allreduce)
    share = statistics.median(s / t for s, t in allreduce)
    print(f"all-reduce: {1e3 * per_step:.3f} ms per step ({100 * share:.1f}% of a step)")
    if a.keep:
        print(f"kept {work}")
    else:
        shutil.rmtree(work)


if __name__ == "__main__":
    sys.exit(main())
