"""Shared by bench/char_transformer.py and bench/stocks_lstm.py: options
(--threads T: both sides on T threads), timing of one process, and the
alternating Kiln/PyTorch comparison with its table (medians of the per-round
rates)."""
import argparse, os, statistics, subprocess, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def options(default_steps):
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--steps", default=default_steps)
    ap.add_argument("--kilnc", default=os.path.join(ROOT, "build", "bin", "kilnc"))
    ap.add_argument("--threads", type=int, default=1, help="threads of both (default: 1)")
    a = ap.parse_args()
    a.n1, a.n2 = map(int, a.steps.split(","))
    return a


def threads_env(env, threads):
    """`env` for a run on `threads` threads: PyTorch's OpenMP pool that size
    (its script calls set_num_threads from it); Kiln takes --threads."""
    env = dict(env, OMP_NUM_THREADS=str(threads))
    env.pop("KILN_NUM_THREADS", None)
    return env


def timed(cmd, env):
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def compare(title, unit, per_step, a, kiln, torch_):
    """kiln(n), torch_(n): seconds for n steps; per_step: units per step."""
    rates = {"Kiln": [], "PyTorch": []}
    amount = (a.n2 - a.n1) * per_step
    for _ in range(a.rounds):
        for name, fn in (("Kiln", kiln), ("PyTorch", torch_)):
            rates[name].append(amount / (fn(a.n2) - fn(a.n1)))
    k, p = statistics.median(rates["Kiln"]), statistics.median(rates["PyTorch"])
    print(f"| {title}, {a.threads} thread(s) | {unit} (median of {a.rounds}) |")
    print("|---|---|")
    print(f"| Kiln | {k:,.0f} |")
    print(f"| PyTorch (tuned) | {p:,.0f} |")
    print(f"| Kiln / PyTorch | {k / p:.2f} |")
