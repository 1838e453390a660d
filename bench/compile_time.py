#!/usr/bin/env python3
"""Compile time of kilnc: the examples, and deep stacks of small dense layers.

Prints one table: wall seconds and peak memory of `kilnc MODEL -o EXE` per
model (the best of --rounds), and for the deep stacks the seconds per layer,
which stays flat when compile time is linear in depth. Not part of the test
suite; see bench/README.md.
"""
import argparse, json, os, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def deep(n):
    """n dense layers of 16 (relu), then 4 classes: softmax cross-entropy, SGD."""
    layers = [{"type": "dense", "units": 16, "activation": "relu"} for _ in range(n)]
    layers.append({"type": "dense", "units": 4})
    return {"name": "deep", "input": {"shape": [16]}, "layers": layers,
            "training": {"loss": "softmax_cross_entropy", "batch_size": 8, "epochs": 1,
                         "optimizer": {"type": "sgd", "lr": 0.01}}}


def timed(cmd):
    """Wall seconds and peak RSS (MiB) of one run of cmd."""
    # /usr/bin/time reports this child's own peak; getrusage would give the
    # largest of all children so far.
    start = time.monotonic()
    out = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, check=True,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - start
    return wall, int(out.stderr.strip().splitlines()[-1]) / 1024


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kilnc", default=os.path.join(ROOT, "build/bin/kilnc"))
    p.add_argument("--depths", default="100,250,500,1000")
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--no-examples", action="store_true")
    a = p.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        models = []
        if not a.no_examples:
            for name in sorted(os.listdir(os.path.join(ROOT, "examples"))):
                path = os.path.join(ROOT, "examples", name, "model.json")
                if os.path.exists(path):
                    models.append((name, path, None))
        for n in [int(d) for d in a.depths.split(",") if d]:
            path = os.path.join(tmp, f"deep{n}.json")
            with open(path, "w") as f:
                json.dump(deep(n), f)
            models.append((f"{n} dense layers", path, n))
        for name, path, n in models:
            best = None
            for _ in range(a.rounds):
                r = timed([a.kilnc, path, "-o", os.path.join(tmp, "exe")])
                best = r if best is None or r[0] < best[0] else best
            rows.append((name, best[0], best[1], n))
            per = f"{1000 * best[0] / n:8.1f}" if n else " " * 8
            print(f"{name:<24} {best[0]:7.2f} s {best[1]:7.0f} MiB {per}", file=sys.stderr)
    print(f"\nkilnc compile time, best of {a.rounds}; {os.cpu_count()} cores")
    print(f"{'model':<24} {'seconds':>8} {'peak MiB':>9} {'ms/layer':>9}")
    for name, wall, mib, n in rows:
        per = f"{1000 * wall / n:9.1f}" if n else ""
        print(f"{name:<24} {wall:8.2f} {mib:9.0f} {per}")


if __name__ == "__main__":
    main()
