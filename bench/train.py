#!/usr/bin/python3
"""Kiln vs PyTorch: training throughput of an example, in one run.

Compiles examples/<EXAMPLE>/model.json (--example fashion_mlp or fashion_cnn)
with kilnc into a temporary directory, then, alternating the two and
repeating for --rounds rounds, runs
  Kiln:    <EXAMPLE> train --data DIR --steps N --no-shuffle --seed 1
  PyTorch: bench/torch_train.py --model EXAMPLE --data DIR --steps N (1 thread)
for N = N1 and N2. Throughput = (N2 - N1) * 64 samples / (time(N2) - time(N1)),
so start-up, data loading and the final test evaluation cancel out. Prints
the medians over rounds and the ratio Kiln / PyTorch. See bench/README.md.
"""
import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYTHON = "/usr/bin/python3"  # Debian's python3-torch installs for this one
BATCH = 64

# The strong PyTorch configuration (see the project's benchmarking notes):
# OpenMP OpenBLAS, glibc malloc that keeps memory, one thread. Both sides run
# under the same environment; Kiln uses none of these libraries.
ENV = {
    "LD_LIBRARY_PATH": "/usr/lib/x86_64-linux-gnu/openblas-openmp",
    "MALLOC_MMAP_THRESHOLD_": "33554432",
    "MALLOC_TRIM_THRESHOLD_": "68719476736",
    "MALLOC_TOP_PAD_": "268435456",
    "OMP_NUM_THREADS": "1",
}


def bench_env():
    # Without the pinned OpenBLAS, PyTorch falls back to the reference BLAS
    # (10x slower): install it as the README's set-up does, or stop.
    blas = os.path.join(ENV["LD_LIBRARY_PATH"], "libblas.so.3")
    if not os.path.exists(blas):
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        subprocess.run([os.path.join(root, "scripts", "install-deps.sh"), "--bench"], check=False)
        if not os.path.exists(blas):
            sys.exit(f"bench: {blas} is missing; run scripts/install-deps.sh --bench")
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)  # these machines force Haswell (AVX2)
    env.update(ENV)
    if os.environ.get("LD_LIBRARY_PATH"):
        env["LD_LIBRARY_PATH"] += ":" + os.environ["LD_LIBRARY_PATH"]
    return env


def run(cmd, env):
    """Runs `cmd`; returns (wall seconds, stdout)."""
    start = time.perf_counter()
    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if p.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed ({p.returncode}):\n{p.stdout}{p.stderr}")
    return wall, p.stdout


def accuracy(stdout):
    m = re.search(r"^test: .*accuracy ([0-9.]+)", stdout, re.M)
    return float(m.group(1)) if m else float("nan")


def kiln_run(exe, data, steps, work, env, threads=1):
    metrics = os.path.join(work, f"metrics-{steps}.json")
    wall, out = run([exe, "train", "--data", data, "--steps", str(steps), "--no-shuffle",
                     "--seed", "1", "--threads", str(threads), "--metrics-json", metrics], env)
    with open(metrics) as f:
        loop = sum(e["seconds"] for e in json.load(f)["history"])
    return wall, loop, accuracy(out)


DESCRIPTION = {
    "fashion_mlp": "fashion_mlp 784-512-256-10 relu",
    "fashion_cnn": "fashion_cnn conv32 3x3-pool-conv64 3x3-pool-dense128-dense10",
}


def torch_run(example, data, steps, env, threads=1):
    wall, out = run([PYTHON, os.path.join(ROOT, "bench", "torch_train.py"), "--model", example,
                     "--data", data, "--steps", str(steps), "--threads", str(threads)],
                    dict(env, OMP_NUM_THREADS=str(threads)))
    loop = float(re.search(r"([0-9.]+) s in the loop", out).group(1))
    return wall, loop, accuracy(out)


def compile_model(kilnc, example, work):
    exe = os.path.join(work, example)
    start = time.perf_counter()
    subprocess.run([kilnc, os.path.join(ROOT, "examples", example, "model.json"), "-o", exe],
                   check=True)
    return exe, time.perf_counter() - start


def git_revision():
    try:
        rev = subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty"],
                             capture_output=True, text=True, check=True).stdout.strip()
        return rev
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            return re.search(r"model name\s*:\s*(.*)", f.read()).group(1)
    except (OSError, AttributeError):
        return platform.processor() or "unknown CPU"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--example", choices=sorted(DESCRIPTION), default="fashion_mlp")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--steps", default="200,2000", help="N1,N2 (default: 200,2000)")
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--kilnc", default=os.path.join(ROOT, "build", "bin", "kilnc"))
    p.add_argument("--threads", type=int, default=1, help="threads of both (default: 1)")
    p.add_argument("--json", help="also write the results here")
    p.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = p.parse_args()
    n1, n2 = (int(s) for s in args.steps.split(","))
    if not 0 < n1 < n2:
        sys.exit("bench: --steps needs 0 < N1 < N2")
    samples = (n2 - n1) * BATCH

    env = bench_env()
    work = tempfile.mkdtemp(prefix="kiln-bench-")
    try:
        exe, compile_seconds = compile_model(args.kilnc, args.example, work)
        print(f"kiln {git_revision()}, compiled in {compile_seconds:.1f} s; "
              f"{cpu_name()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}")
        print(f"each rate: ({n2} - {n1}) steps x {BATCH} = {samples} samples / "
              f"(time of {n2} steps - time of {n1} steps)")
        times = {name: [] for name in ("Kiln", "PyTorch")}  # per round: (w1, w2, l1, l2)
        acc = {name: [] for name in ("Kiln", "PyTorch")}
        runners = {"Kiln": lambda n: kiln_run(exe, args.data, n, work, env, args.threads),
                   "PyTorch": lambda n: torch_run(args.example, args.data, n, env, args.threads)}
        for r in range(args.rounds):
            order = ["Kiln", "PyTorch"] if r % 2 == 0 else ["PyTorch", "Kiln"]
            line = []
            for name in order:
                w1, l1, _ = runners[name](n1)
                w2, l2, a2 = runners[name](n2)
                times[name].append((w1, w2, l1, l2))
                acc[name].append(a2)
                line.append(f"{name} {samples / (w2 - w1):.0f}/s ({n1}: {w1:.2f} s, {n2}: {w2:.2f} s)")
            print(f"round {r + 1}/{args.rounds}: " + ", ".join(line), flush=True)

        # Per method: the median over rounds of each round's rate, and the
        # rate from the best (smallest) time of each step count: other load on
        # the machine only ever adds time.
        def rates(name, i):
            t = times[name]
            per_round = [samples / (x[i + 1] - x[i]) for x in t]
            best = samples / (min(x[i + 1] for x in t) - min(x[i] for x in t))
            return statistics.median(per_round), best

        print()
        print(f"{DESCRIPTION[args.example]}, Adam 1e-3, batch {BATCH}, {args.threads} thread(s), "
              f"{args.rounds} rounds; samples/s")
        print(f"{'':13}{'whole process':>24}{'train loop':>24}{'test acc':>10}")
        print(f"{'':13}{'median':>12}{'best':>12}{'median':>12}{'best':>12}{'@' + str(n2):>10}")
        result = {}
        for name in ("Kiln", "PyTorch"):
            wm, wb = rates(name, 0)
            lm, lb = rates(name, 2)
            result[name] = (wm, wb, lm, lb)
            print(f"{name:13}{wm:12.0f}{wb:12.0f}{lm:12.0f}{lb:12.0f}"
                  f"{statistics.median(acc[name]):10.4f}")
        ratio = [k / p for k, p in zip(result["Kiln"], result["PyTorch"])]
        print(f"{'Kiln/PyTorch':13}" + "".join(f"{x:12.2f}" for x in ratio))
        print(f"load at the end: {os.getloadavg()[0]:.2f}")
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"example": args.example, "threads": args.threads,
                           "compile_seconds": compile_seconds,
                           "kiln": result["Kiln"], "pytorch": result["PyTorch"],
                           "ratio": ratio}, f, indent=1)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
