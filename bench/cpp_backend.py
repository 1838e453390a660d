#!/usr/bin/env python3
"""Training throughput of the C++ backend against the object backend.

  bench/cpp_backend.py [--examples fashion_mlp,fashion_cnn] [--rounds R]
                       [--steps N] [--data DIR] [--kilnc PATH] [--keep]

Compiles each example with `kilnc -o` (object code) and `kilnc --emit=cpp`,
builds the C++ with g++ and clang++ (-O3 -march=native -fno-math-errno
-ffp-contract=off -fno-strict-aliasing, as the emitted CMakeLists.txt does) against this build's
runtime, and times g++ -O2 on the model's source. Each round runs the three
executables in turn (the order alternating) for N steps on the same data and
reads each run's training-loop time from --metrics-json. Prints the median
samples per second of each and the C++ builds' ratios to the object code,
measured side by side. Not part of the test suite (bench/README.md).
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FLAGS = ["-std=c++17", "-O3", "-march=native", "-fno-math-errno", "-ffp-contract=off", "-fno-strict-aliasing",
         f"-I{ROOT}/runtime/include"]


def build(work, name, compiler, libs):
    exe = os.path.join(work, f"{name}-{os.path.basename(compiler)}")
    main = os.path.join(work, "main.cpp")
    with open(main, "w") as f:
        f.write('#include "kiln/abi.h"\n'
                f'extern "C" const kiln_model_api *{name}_abi(void);\n'
                'extern "C" const kiln_model_api *kiln_model_abi(void) '
                f'{{ return {name}_abi(); }}\n')
    subprocess.run([compiler, *FLAGS, "-c", f"{work}/{name}/{name}.cpp", "-o", exe + ".o"],
                   check=True, stderr=subprocess.DEVNULL)
    subprocess.run([compiler, *FLAGS, exe + ".o", main, *libs, "-lz", "-o", exe], check=True)
    return exe


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--examples", default="fashion_mlp,fashion_cnn")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--kilnc", default=os.path.join(ROOT, "build/bin/kilnc"))
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    libs = [os.path.join(ROOT, "build/runtime/libkiln_main.a"),
            os.path.join(ROOT, "build/runtime/libkiln_runtime.a")]
    clang = shutil.which("clang++") or "clang++-19"
    work = tempfile.mkdtemp(prefix="kiln-cpp-bench-")
    print("| example | object (samples/s) | C++ g++ | C++ clang++ | g++ / object | clang++ / object "
          "| g++ -O2 compile |")
    print("|---|---|---|---|---|---|---|")
    for example in a.examples.split(","):
        model = os.path.join(ROOT, "examples", example, "model.json")
        obj = os.path.join(work, f"{example}-obj")
        subprocess.run([a.kilnc, model, "-o", obj], check=True)
        subprocess.run([a.kilnc, model, "--emit=cpp", "-o", os.path.join(work, example)], check=True)
        start = time.monotonic()
        subprocess.run(["g++", "-std=c++17", "-O2", "-march=native", "-fno-math-errno",
                        "-ffp-contract=off", "-fno-strict-aliasing", f"-I{ROOT}/runtime/include", "-c",
                        f"{work}/{example}/{example}.cpp", "-o", os.path.join(work, "o2.o")],
                       check=True, stderr=subprocess.DEVNULL)
        compile_seconds = time.monotonic() - start
        exes = [("object", obj), ("g++", build(work, example, "g++", libs)),
                ("clang++", build(work, example, clang, libs))]
        rates = {name: [] for name, _ in exes}
        train = ["train", "--data", a.data, "--steps", str(a.steps), "--seed", "1"]
        for r in range(a.rounds):
            for name, exe in (exes if r % 2 == 0 else exes[::-1]):
                out = os.path.join(work, "m.json")
                subprocess.run([exe, *train, "--metrics-json", out], check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                rates[name].append(json.load(open(out))["train"]["samples_per_second"])
        med = {name: statistics.median(v) for name, v in rates.items()}
        print(f"| {example} | {med['object']:.0f} | {med['g++']:.0f} | {med['clang++']:.0f} "
              f"| {med['g++'] / med['object']:.2f} | {med['clang++'] / med['object']:.2f} "
              f"| {compile_seconds:.1f} s |", flush=True)
    if a.keep:
        print(f"kept {work}")
    else:
        shutil.rmtree(work)


main()
