#!/usr/bin/env python3
"""e2e: data-parallel training over MPI (kilnc --mpi, docs/distributed.md).

  distributed.py KILNC SRC WORK

On a Fashion-MNIST subset, for examples/fashion_mlp and examples/fashion_cnn:
  * `mpirun -np 2` with batch B per rank and one process with batch 2B, both
    from the same checkpoint and data order, train 20 steps: the parameters'
    updates agree (relative error <= 1e-5 per tensor), and so do the losses;
  * the --mpi executable run alone (no mpirun) trains as the plain one does;
  * only the --mpi executable links libmpi.
For the MLP, what must fail fails, on every rank, with the rank named and
never a hang (each run has a time limit):
  * ranks running different models, or started with different arguments;
  * one rank's data file broken (the same relative path in another
    directory);
  * one rank killed mid-run;
  * an executable built without --mpi started by mpirun.
A distributed run interrupted after 10 steps and resumed (--resume) ends with
the same checkpoint as one run of 20 steps. examples/fashion_cnn_bn (batch
norm, dropout) trains to its end on 2 ranks with validation driving
reduce_on_plateau and early stopping (that rank 0's running statistics reach
every rank before validation is unit-tested: distributed_test.cpp).
Needs Debian's openmpi-bin and python3-numpy (scripts/install-deps.sh --test).
"""
import os
import signal
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_tool  # noqa: E402

KILNC, SRC, WORK = map(os.path.abspath, sys.argv[1:4])
# CI runs as root, which Open MPI refuses unless told.
os.environ.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
                  OMPI_MCA_rmaps_base_oversubscribe="1")
# Sanitizer build: the slow unwinder, for scripts/lsan.supp's Open MPI lines.
if os.environ.get("KILN_SANITIZE"):
    os.environ["ASAN_OPTIONS"] = os.environ.get("ASAN_OPTIONS", "") + ":fast_unwind_on_malloc=0"
MPIRUN = ["mpirun", "--oversubscribe", "--bind-to", "none"]
LIMIT = 120  # seconds any one run may take: a hang fails the test


def run(cmd, expect_ok=True, cwd=None):
    try:
        p = subprocess.run(cmd, cwd=cwd or WORK, capture_output=True, text=True,
                           timeout=LIMIT)
    except subprocess.TimeoutExpired:
        sys.exit(f"FAIL: hung for {LIMIT} s: {' '.join(cmd)}")
    if expect_ok and p.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {p.returncode}\n{p.stdout}\n{p.stderr}")
    if not expect_ok and p.returncode == 0:
        sys.exit(f"FAIL: {' '.join(cmd)} succeeded; it must fail\n{p.stdout}\n{p.stderr}")
    return p


def tensors(path):
    return {k: np.frombuffer(v[1], dtype=np.float32).reshape(v[0])
            for k, v in safetensors_tool.read(os.path.join(WORK, path))[0].items()
            if len(v[1]) == 4 * int(np.prod(v[0]))}


def epoch_metric(stdout, name):
    for line in stdout.splitlines():
        if line.startswith("epoch "):
            return float(line.split(f" {name} ")[1].split()[0])
    sys.exit(f"FAIL: no epoch line in\n{stdout}")


def compare_updates(name, start, a, b):
    s, x, y = tensors(start), tensors(a), tensors(b)
    worst = 0.0
    for k in s:
        if k not in x or k.endswith("num_batches_tracked"):
            continue
        da, db = x[k].astype(np.float64) - s[k], y[k].astype(np.float64) - s[k]
        norm = np.linalg.norm(db)
        if norm == 0:
            continue
        rel = np.linalg.norm(da - db) / norm
        worst = max(worst, rel)
        if not rel <= 1e-5:
            sys.exit(f"FAIL: {name}: the update of {k} differs by {rel:.3g} (relative)")
    print(f"{name}: 2 ranks x B and 1 process x 2B: updates agree to {worst:.2g}")


def parity(name, model, batch):
    dp, one, solo = f"{name}_dp", f"{name}_one", f"{name}_b"
    run([KILNC, model, "--mpi", "--batch-size", str(batch), "-o", dp])
    run([KILNC, model, "--batch-size", str(2 * batch), "-o", one])
    run([KILNC, model, "--batch-size", str(batch), "-o", solo])
    # Only --mpi executables depend on MPI.
    if "libmpi" in run(["ldd", solo]).stdout or "libmpi" not in run(["ldd", dp]).stdout:
        sys.exit(f"FAIL: {name}: only the --mpi executable may link libmpi")
    # A common start: one step of the single process (params and Adam state).
    run([f"./{one}", "train", "--data", "data", "--steps", "1", "--seed", "3",
         "--save", f"{name}_start.safetensors"])
    common = ["train", "--data", "data", "--steps", "21", "--seed", "7",
              "--load", f"{name}_start.safetensors"]
    a = run(MPIRUN + ["-np", "2", f"./{dp}"] + common + ["--save", f"{name}_dp.safetensors"])
    b = run([f"./{one}"] + common + ["--save", f"{name}_one.safetensors"])
    if f"batch {batch} per process x 2 processes (global batch {2 * batch})" not in a.stdout:
        sys.exit(f"FAIL: the header does not describe the global batch:\n{a.stdout}")
    la, lb = epoch_metric(a.stdout, "loss"), epoch_metric(b.stdout, "loss")
    if abs(la - lb) > 1e-5 * abs(lb):
        sys.exit(f"FAIL: {name}: mean loss {la} on 2 ranks, {lb} on one process")
    # Train accuracy counts both ranks' predictions (printed to 4 digits).
    aa, ab = epoch_metric(a.stdout, "accuracy"), epoch_metric(b.stdout, "accuracy")
    if abs(aa - ab) > 1.5e-4 + 1 / (21 * 2 * batch):
        sys.exit(f"FAIL: {name}: train accuracy {aa} on 2 ranks, {ab} on one process")
    if "all-reduce" not in a.stdout:
        sys.exit(f"FAIL: {name}: no all-reduce time reported:\n{a.stdout}")
    compare_updates(name, f"{name}_start.safetensors", f"{name}_dp.safetensors",
                    f"{name}_one.safetensors")
    # The --mpi executable alone is one process with no context.
    run([f"./{dp}"] + common + ["--save", f"{name}_alone.safetensors"])
    run([f"./{solo}"] + common + ["--save", f"{name}_b.safetensors"])
    if subprocess.run([sys.executable, f"{SRC}/test/e2e/safetensors_tool.py", "same",
                       f"{WORK}/{name}_alone.safetensors", f"{WORK}/{name}_b.safetensors"]).returncode:
        sys.exit(f"FAIL: {name}: the --mpi executable alone trains differently")


def must_fail(what, cmd, *needles, cwd=None):
    p = run(cmd, expect_ok=False, cwd=cwd)
    for needle in needles:
        if needle not in p.stderr:
            sys.exit(f"FAIL: {what}: stderr lacks {needle!r}:\n{p.stderr}")
    print(f"{what}: exit {p.returncode}, {needles[0]!r}")


def rank_pids(parent, timeout=30):
    """{rank: pid} of mpirun's children, from their environment."""
    end = time.time() + timeout
    while time.time() < end:
        found = {}
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{pid}/environ", "rb") as f:
                    env = dict(e.split(b"=", 1) for e in f.read().split(b"\0") if b"=" in e)
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    exe = f.read().split(b"\0")[0]
            except OSError:
                continue
            if exe.endswith(b"mlp_dp") and env.get(b"KILN_TEST_RUN") == parent.encode():
                found[int(env[b"OMPI_COMM_WORLD_RANK"])] = int(pid)
        if len(found) == 2:
            return found
        time.sleep(0.2)
    sys.exit("FAIL: could not find the two ranks' processes")


def robustness():
    train = ["train", "--data", "data", "--steps", "5"]
    must_fail("different models",
              MPIRUN + ["-np", "1", "./mlp_dp"] + train + [":", "-np", "1", "./cnn_dp"] + train,
              "rank 1 of 2 runs a different model than rank 0")
    must_fail("different settings",
              MPIRUN + ["-np", "1", "./mlp_dp"] + train + ["--lr", "0.1", ":", "-np", "1",
                                                           "./mlp_dp"] + train + ["--lr", "0.2"],
              "rank 1 of 2 was started with other settings than rank 0")
    # The same relative path, another directory: rank 1's images are cut short.
    for d in ("a", "b"):
        os.makedirs(f"{WORK}/{d}", exist_ok=True)
        if not os.path.exists(f"{WORK}/{d}/data"):
            os.symlink(f"{WORK}/data" if d == "a" else f"{WORK}/bad", f"{WORK}/{d}/data")
    os.makedirs(f"{WORK}/bad", exist_ok=True)
    for f in os.listdir(f"{WORK}/data"):
        with open(f"{WORK}/data/{f}", "rb") as src, open(f"{WORK}/bad/{f}", "wb") as dst:
            blob = src.read()
            dst.write(blob[:len(blob) // 2] if f.startswith("train-images") else blob)
    must_fail("one rank's data broken",
              MPIRUN + ["-np", "1", "--wdir", f"{WORK}/a", f"{WORK}/mlp_dp"] + train +
              [":", "-np", "1", "--wdir", f"{WORK}/b", f"{WORK}/mlp_dp"] + train,
              "error: rank 1 of 2: ", "train-images")
    must_fail("built without --mpi", MPIRUN + ["-np", "2", "./mlp_b"] + train,
              "built without --mpi, but it is one of 2 processes")
    # One rank killed: all exit, non-zero, in time.
    env = dict(os.environ, KILN_TEST_RUN="kill")
    p = subprocess.Popen(MPIRUN + ["-np", "2", "-x", "KILN_TEST_RUN", "./mlp_dp", "train",
                                   "--data", "data", "--epochs", "100000"],
                         cwd=WORK, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         text=True)
    pids = rank_pids("kill")
    time.sleep(1)
    os.kill(pids[1], signal.SIGKILL)
    try:
        _, err = p.communicate(timeout=LIMIT)
    except subprocess.TimeoutExpired:
        p.kill()
        sys.exit("FAIL: a killed rank left the other running")
    if p.returncode == 0:
        sys.exit("FAIL: a killed rank, yet mpirun exited 0")
    for pid in pids.values():
        if os.path.exists(f"/proc/{pid}") and open(f"/proc/{pid}/stat").read().split()[2] != "Z":
            sys.exit(f"FAIL: rank process {pid} still runs after mpirun ended")
    print(f"one rank killed: mpirun exit {p.returncode}, no rank left running")


def resume():
    base = MPIRUN + ["-np", "2", "./mlp_dp", "train", "--data", "data", "--seed", "11"]
    run(base + ["--steps", "20", "--save", "whole.safetensors"])
    run(base + ["--steps", "10", "--save", "part.safetensors"])
    r = run(base + ["--steps", "20", "--resume", "part.safetensors", "--save", "resumed.safetensors"])
    if "resumed part.safetensors (step 10" not in r.stdout:
        sys.exit(f"FAIL: the resumed run did not say where it started:\n{r.stdout}")
    if subprocess.run([sys.executable, f"{SRC}/test/e2e/safetensors_tool.py", "same",
                       f"{WORK}/whole.safetensors", f"{WORK}/resumed.safetensors"]).returncode:
        sys.exit("FAIL: resumed distributed run differs from the uninterrupted one")
    print("resume: 10 + 10 steps on 2 ranks = 20 steps")
    # Its position counts global batches of 2B: 3 ranks, or 1, cannot go on.
    for ranks in ("3", "1"):
        must_fail(f"resume on {ranks} rank(s)",
                  MPIRUN + ["-np", ranks, "./mlp_dp", "train", "--data", "data", "--seed", "11",
                            "--steps", "20", "--resume", "part.safetensors"],
                  "the checkpoint resumed from was written by a run whose global batch was 64 samples")


def batch_norm():
    """Running statistics are per rank; rank 0's become every rank's before
    validation, so the ranks' validation metrics, and early stopping's and the
    schedule's decisions, agree: a run with both ends, on every rank."""
    run([KILNC, f"{SRC}/examples/fashion_cnn_bn/model.json", "--mpi", "--batch-size", "16",
         "-o", "bn_dp"])
    p = run(MPIRUN + ["-np", "2", "./bn_dp", "train", "--data", "data", "--epochs", "3",
                      "--validation-split", "0.2", "--schedule",
                      '{"type": "reduce_on_plateau", "monitor": "val_loss", "patience": 0}',
                      "--early-stopping", '{"monitor": "val_accuracy", "patience": 0}',
                      "--metrics-json", "bn.json"])
    if "val_loss" not in p.stdout:
        sys.exit(f"FAIL: batch norm: no validation line\n{p.stdout}")
    print("batch norm: validation, reduce_on_plateau and early stopping run on 2 ranks")
    # Rank 0 validates and decides for all: even validation files that
    # differ on one rank (same path, another directory) cannot split them.
    for d, n in (("va", 0), ("vb", 1)):
        os.makedirs(f"{WORK}/{d}", exist_ok=True)
        with open(f"{WORK}/{d}/val.csv", "w") as f:
            f.write("".join(",".join(["0.5"] * 784 + [str((i + n) % 10)]) + "\n"
                            for i in range(40)))
    val = ["train", "--data", f"{WORK}/data", "--epochs", "4", "--val-data", "val.csv",
           "--early-stopping", '{"monitor": "val_loss", "patience": 0}']
    run(MPIRUN + ["-np", "1", "--wdir", f"{WORK}/va", f"{WORK}/mlp_dp"] + val +
        [":", "-np", "1", "--wdir", f"{WORK}/vb", f"{WORK}/mlp_dp"] + val)
    print("validation data differing on one rank: rank 0 decides, no hang")


def main():
    os.makedirs(WORK, exist_ok=True)
    subprocess.run([sys.executable, f"{SRC}/test/e2e/fashion_subset.py", f"{WORK}/data",
                    "4000", "200"], check=True)
    parity("mlp", f"{SRC}/examples/fashion_mlp/model.json", 32)
    parity("cnn", f"{SRC}/examples/fashion_cnn/model.json", 16)
    batch_norm()
    robustness()
    resume()
    print("PASS")


main()
