#!/usr/bin/python3
"""fp32 matmul: Kiln vs the FMA peak, OpenBLAS, oneDNN and PyTorch, in one run.

For each size S (default 512, 1024, 2048) compiles a dense layer without bias
(y = x Wᵀ, batch S, S inputs, S units) with kilnc, links it into
bench/matmul_bench.cpp and times Model::predict, W packed once (prepare) and,
as "Kiln W/call", W changed before every call (packed each time, as the
libraries' sgemm packs its operands on every call); the
same binary times an FMA loop (the peak) and cblas_sgemm(x, Wᵀ) of the
OpenMP OpenBLAS with its best core type and dnnl_sgemm of oneDNN (Intel's
library: its JIT kernels for the host's ISA, what the vendor reaches on this
core); PyTorch times torch.mm(x, w.t()).
Each is run in its own process, alternated, for --rounds rounds at 1 and 2
threads; the table gives the best rate of each (other load only ever slows
a run) and the ratios. See bench/README.md.
"""
import argparse
import ctypes
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
from train import PYTHON, bench_env, cpu_name, git_revision  # noqa: E402

TORCH = r"""
import sys, time, torch
s, t = int(sys.argv[1]), int(sys.argv[2])
torch.set_num_threads(t)
x = torch.full((s, s), 0.5); w = torch.full((s, s), 0.25)
calls = max(1, 2_000_000_000 // (2 * s ** 3))
torch.mm(x, w.t())
best = 1e30
for _ in range(5):
    start = time.perf_counter()
    for _ in range(calls):
        torch.mm(x, w.t())
    best = min(best, (time.perf_counter() - start) / calls)
print(f"{2 * s ** 3 / best * 1e-9:.1f}")
"""


def build(kilnc, size, work):
    d = os.path.join(work, str(size))
    os.makedirs(d)
    model = {"name": "bench_model", "input": {"shape": [size]},
             "layers": [{"type": "dense", "units": size, "use_bias": False}],
             "training": {"loss": "mse", "optimizer": {"type": "sgd", "lr": 0.01},
                          "batch_size": size}}
    with open(os.path.join(d, "model.json"), "w") as f:
        json.dump(model, f)
    subprocess.run([kilnc, os.path.join(d, "model.json"), "--inference", "--emit=obj",
                    "-o", os.path.join(d, "bench_model.o")], check=True)
    exe = os.path.join(d, "matmul_bench")
    subprocess.run(["c++", "-std=c++17", "-O2", "-march=native", "-DKILN_BENCH_MODEL",
                    "-I", os.path.join(ROOT, "runtime", "include"), "-I", d,
                    os.path.join(ROOT, "bench", "matmul_bench.cpp"),
                    os.path.join(d, "bench_model.o"),
                    os.path.join(os.path.dirname(os.path.dirname(kilnc)), "runtime",
                                 "libkiln_runtime.a"),
                    "-lz", "-ldl", "-pthread", "-o", exe], check=True)
    return exe


def need_onednn():
    """oneDNN is a --bench package: install it as bench_env does OpenBLAS."""
    try:
        ctypes.CDLL("libdnnl.so.2")
    except OSError:
        subprocess.run([os.path.join(ROOT, "scripts", "install-deps.sh"), "--bench"], check=False)
        try:
            ctypes.CDLL("libdnnl.so.2")
        except OSError:
            sys.exit("bench: libdnnl.so.2 is missing; run scripts/install-deps.sh --bench")


def rate(cmd, env):
    p = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed:\n{p.stdout}{p.stderr}")
    return float(p.stdout.split()[-1])


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="512,1024,2048")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--threads", default="1,2")
    p.add_argument("--kilnc", default=os.path.join(ROOT, "build", "bin", "kilnc"))
    p.add_argument("--json", help="also write the results here")
    args = p.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    threads = [int(t) for t in args.threads.split(",")]
    env = bench_env()
    need_onednn()
    env.pop("OMP_NUM_THREADS", None)
    print(f"kiln {git_revision()}; {cpu_name()}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.2f}")
    best = {}  # (what, size, threads) -> GFLOP/s
    with tempfile.TemporaryDirectory(prefix="kiln-matmul-") as work:
        exes = {s: build(args.kilnc, s, work) for s in sizes}
        for r in range(args.rounds):
            for t in threads:
                tenv = dict(env, OMP_NUM_THREADS=str(t))
                for what in ("peak", "block"):
                    key = (what, 0, t)
                    best[key] = max(best.get(key, 0), rate([exes[sizes[0]], what, str(t)], tenv))
                for s in sizes:
                    runs = {"kiln": [exes[s], "kiln", str(s), str(t)],
                            "kilnw": [exes[s], "kilnw", str(s), str(t)],
                            "openblas": [exes[s], "blas", str(s), str(t)],
                            "onednn": [exes[s], "dnnl", str(s), str(t)],
                            "pytorch": [PYTHON, "-c", TORCH, str(s), str(t)]}
                    order = list(runs) if r % 2 == 0 else list(reversed(runs))
                    for what in order:
                        k = (what, s, t)
                        best[k] = max(best.get(k, 0), rate(runs[what], tenv))
            print(f"round {r + 1}/{args.rounds} done", flush=True)
    print()
    print("fp32 matmul, GFLOP/s (best of rounds); % of the FMA peak at the same threads;")
    print("block: a register block on panels in L1, the most a matmul's inner loop reaches here")
    for t in threads:
        pk, bl = best[("peak", 0, t)], best[("block", 0, t)]
        print(f"{t} thread(s): FMA peak {pk:.1f}, register block {bl:.1f} ({100 * bl / pk:.0f}%)")
    print(f"{'size':>6}{'thr':>4}{'peak':>8}{'Kiln':>8}{'%peak':>7}{'%block':>7}{'W/call':>8}{'%peak':>7}"
          f"{'OpenBLAS':>10}{'%peak':>7}{'oneDNN':>8}{'%peak':>7}{'PyTorch':>9}{'Kiln/OB':>9}"
          f"{'Kiln/DNNL':>10}{'W/call/DNNL':>12}{'Kiln/PT':>9}{'Kiln 2T/1T':>12}")
    rows = []
    for s in sizes:
        for t in threads:
            pk, k = best[("peak", 0, t)], best[("kiln", s, t)]
            bl = best[("block", 0, t)]
            ob, pt = best[("openblas", s, t)], best[("pytorch", s, t)]
            dn, kw = best[("onednn", s, t)], best[("kilnw", s, t)]
            scale = (k / best[("kiln", s, 1)]) if t != 1 and 1 in threads else None
            rows.append({"size": s, "threads": t, "peak": pk, "block": bl, "kiln": k, "openblas": ob,
                         "onednn": dn, "pytorch": pt, "scaling": scale, "kiln_w_per_call": kw})
            print(f"{s:6}{t:4}{pk:8.1f}{k:8.1f}{100 * k / pk:6.0f}%{100 * k / bl:6.0f}%"
                  f"{kw:8.1f}{100 * kw / pk:6.0f}%"
                  f"{ob:10.1f}{100 * ob / pk:6.0f}%{dn:8.1f}{100 * dn / pk:6.0f}%"
                  f"{pt:9.1f}{k / ob:9.2f}{k / dn:10.2f}{kw / dn:12.2f}{k / pt:9.2f}"
                  + (f"{scale:12.2f}" if scale else f"{'':12}"))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
