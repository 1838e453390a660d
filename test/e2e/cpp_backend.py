#!/usr/bin/env python3
"""e2e: the C++ backend (kilnc --emit=cpp) trains as the object backend does.

  cpp_backend.py KILNC SRC WORK RUNTIME_LIB MAIN_LIB EXAMPLE

examples/EXAMPLE (or test/e2e/models/EXAMPLE.json, a model no example
covers: padded_panels, dense widths that are not whole panels) is compiled
by both backends; the C++ is built with g++ and
with clang++ (-O2 -march=native -fno-math-errno -ffp-contract=off -fno-strict-aliasing, as its
CMakeLists.txt does; linked with the runtime of this build). The three executables train 20 steps on the example's data
from the same seed, writing each step's loss (--loss-log): every step's loss
must agree with the object backend's within a relative 1e-5 (and, for the
MLP and CNN, be the same with --threads 2), the code must
be as clang-format lays it out (with the folder's .clang-format), and the C++
build must take no more than 10 s for fashion_mlp with g++ -O2 (the
issue's bound, checked here because a slower compile means an output
the compilers choke on). For fashion_mlp, also kilnc --mpi --emit=cpp: 2
ranks (mpirun) of its C++ build give the object code's 10 losses. Needs g++,
clang++, clang-format and Open MPI (scripts/install-deps.sh --test).
"""
import os
import shutil
import subprocess
import sys
import time

KILNC, SRC, WORK, RUNTIME_LIB, MAIN_LIB, EXAMPLE = sys.argv[1:7]
STEPS = 20

# How each example trains (its README's command), with small data.
FASHION = ["--data", "fashion"]
DATA = {
    "fashion_mlp": FASHION,
    "fashion_mlp_tuned": FASHION,
    "fashion_cnn": FASHION,
    "fashion_cnn_bn": FASHION,
    "cars_huber": ["--data", "cars"],
    "seattle_rain": ["--data", "rain"],
    "stocks_lstm": ["--data", "ibm.csv", "--series", "price"],
    "license_classifier": ["--text", "--data", "/usr/share/common-licenses"],
    "char_transformer": ["--text", "--data", "/usr/share/common-licenses"],
    "padded_panels": FASHION,
}


def run(cmd, **kw):
    p = subprocess.run(cmd, cwd=WORK, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {p.returncode}\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}")
    return p


def prepare_data():
    py = "/usr/bin/python3"
    if DATA[EXAMPLE] is FASHION:
        run([py, f"{SRC}/test/e2e/fashion_subset.py", "fashion", "2560", "64"])
    elif EXAMPLE == "cars_huber":
        run([py, f"{SRC}/examples/cars_huber/prepare.py", "cars"])
    elif EXAMPLE == "seattle_rain":
        run([py, f"{SRC}/examples/seattle_rain/prepare.py", "rain"])
    elif EXAMPLE == "stocks_lstm":
        run([py, f"{SRC}/examples/stocks_lstm/prepare.py", ".", "IBM"])


# A sanitizer build's runtime links with its sanitizers, by the compiler
# that built it (scripts/test.sh --sanitize sets these).
SANITIZE = bool(os.environ.get("KILN_SANITIZE"))
SANITIZE_CXX = os.environ.get("KILN_TEST_CXX", "clang++-19")
LINK_FLAGS = os.environ.get("KILN_LINK_FLAGS", "").split()


def build_cpp(folder, compiler):
    """The emitted C++ and a main() shim, linked with this build's runtime."""
    exe = f"{folder}-{os.path.basename(compiler)}"
    name = os.path.basename(folder)
    with open(f"{WORK}/{name}_main.cpp", "w") as f:
        f.write('#include "kiln/abi.h"\n'
                f'extern "C" const kiln_model_api *{name}_abi(void);\n'
                'extern "C" const kiln_model_api *kiln_model_abi(void) '
                f'{{ return {name}_abi(); }}\n')
    flags = ["-std=c++17", "-O2", "-march=native", "-fno-math-errno", "-ffp-contract=off", "-fno-strict-aliasing",
             f"-I{SRC}/runtime/include"]
    start = time.monotonic()
    run([compiler, *flags, "-c", f"{folder}/{name}.cpp", "-o", f"{exe}.o"])
    seconds = time.monotonic() - start
    run([compiler, *flags, f"{exe}.o", f"{name}_main.cpp", MAIN_LIB, RUNTIME_LIB, "-lz", *LINK_FLAGS,
         "-o", exe])
    return exe, seconds


def losses(exe, extra=()):
    log = f"{exe}.losses"
    run([f"./{exe}", "train", *DATA[EXAMPLE], "--steps", str(STEPS), "--seed", "3",
         "--loss-log", log, *extra])
    with open(f"{WORK}/{log}") as f:
        rows = [line.split() for line in f]
    if [int(r[0]) for r in rows] != list(range(1, STEPS + 1)):
        sys.exit(f"FAIL: {exe}: --loss-log has steps {[r[0] for r in rows]}")
    return [float(r[1]) for r in rows]


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    prepare_data()
    model = f"{SRC}/examples/{EXAMPLE}/model.json"
    if not os.path.isfile(model):
        model = f"{SRC}/test/e2e/models/{EXAMPLE}.json"
    run([KILNC, model, "-o", "obj"])
    run([KILNC, model, "--emit=cpp", "-o", "cpp"])
    for f in ["cpp.cpp", "cpp.h", "kiln_vec.h", "CMakeLists.txt"]:
        if not os.path.isfile(f"{WORK}/cpp/{f}"):
            sys.exit(f"FAIL: --emit=cpp wrote no {f}")
    # The code is laid out as clang-format --style=file (the folder's
    # .clang-format) would.
    fmt = shutil.which("clang-format-19") or "clang-format"
    for f in ["cpp.cpp", "cpp.h", "kiln_vec.h"]:
        p = subprocess.run([fmt, "--style=file", "--dry-run", "-Werror", f"cpp/{f}"], cwd=WORK,
                           capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit(f"FAIL: {fmt} would change cpp/{f}:\n{p.stderr[:3000]}")
    reference = losses("obj")
    print(f"object backend: losses {reference[0]:.6g} .. {reference[-1]:.6g}")
    compilers = ["g++", shutil.which("clang++") or "clang++-19"]
    if SANITIZE:
        compilers = [SANITIZE_CXX]
    for compiler in compilers:
        exe, seconds = build_cpp("cpp", compiler)
        got = losses(exe)
        worst = max(abs(a - b) / max(abs(a), 1e-30) for a, b in zip(reference, got))
        print(f"C++ with {os.path.basename(compiler)}: compiled in {seconds:.1f} s; "
              f"largest relative loss difference over {STEPS} steps {worst:.2e}")
        if worst > 1e-5:
            for i, (a, b) in enumerate(zip(reference, got)):
                print(f"  step {i + 1}: object {a:.9g}  C++ {b:.9g}")
            sys.exit(f"FAIL: {EXAMPLE}: the C++ backend ({compiler}) differs from the object "
                     f"backend by {worst:.2e} > 1e-5")
        if EXAMPLE == "fashion_mlp" and compiler == "g++" and seconds > 10:
            sys.exit(f"FAIL: fashion_mlp's C++ took {seconds:.1f} s with g++ -O2 (bound: 10 s)")
        if EXAMPLE in ("fashion_mlp", "fashion_cnn") and compiler == compilers[0]:
            # Kernels split for threads go through the runtime's pool: the
            # same bits with 2 threads.
            threaded = losses(exe, ["--threads", "2"])
            if threaded != got:
                sys.exit(f"FAIL: {EXAMPLE}: the C++ build's losses differ with --threads 2: "
                         f"{threaded} vs {got}")
            print(f"C++ with {os.path.basename(compiler)}, --threads 2: the same losses")
    if EXAMPLE == "fashion_mlp":
        data_parallel()
    print("PASS")


def data_parallel():
    """kilnc --mpi --emit=cpp: 2 ranks of the C++ build (mpicxx, the MPI
    runtime) train as 2 ranks of the object code."""
    os.environ.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    if SANITIZE:
        os.environ["OMPI_CXX"] = SANITIZE_CXX  # mpicxx's compiler
    model = f"{SRC}/examples/{EXAMPLE}/model.json"
    if not os.path.isfile(model):
        model = f"{SRC}/test/e2e/models/{EXAMPLE}.json"
    run([KILNC, model, "--mpi", "-o", "obj_mpi"])
    run([KILNC, model, "--mpi", "--emit=cpp", "-o", "cpp_mpi"])
    with open(f"{WORK}/cpp_mpi/CMakeLists.txt") as f:
        if "COMPONENTS mpi" not in f.read() or "Kiln::main_mpi" not in open(f.name).read():
            sys.exit("FAIL: the --mpi folder's CMakeLists.txt does not link the MPI runtime")
    with open(f"{WORK}/mpi_main.cpp", "w") as f:
        f.write('#include "kiln/abi.h"\n'
                'extern "C" const kiln_model_api *cpp_mpi_abi(void);\n'
                'extern "C" const kiln_model_api *kiln_model_abi(void) { return cpp_mpi_abi(); }\n')
    libs = os.path.dirname(RUNTIME_LIB)
    run(["mpicxx", "-std=c++17", "-O2", "-march=native", "-fno-math-errno", "-ffp-contract=off",
         "-fno-strict-aliasing", "-Wno-psabi", f"-I{SRC}/runtime/include", "cpp_mpi/cpp_mpi.cpp",
         "mpi_main.cpp", f"{libs}/libkiln_main_mpi.a", f"{libs}/libkiln_runtime_mpi.a", RUNTIME_LIB,
         "-lz", *LINK_FLAGS, "-o", "cpp_mpi_exe"])
    if SANITIZE:
        # The slow unwinder, for scripts/lsan.supp's Open MPI lines.
        os.environ["ASAN_OPTIONS"] = os.environ.get("ASAN_OPTIONS", "") + ":fast_unwind_on_malloc=0"
    got = {}
    for exe in ["obj_mpi", "cpp_mpi_exe"]:
        run(["mpirun", "--oversubscribe", "--bind-to", "none", "-np", "2", f"./{exe}", "train",
             *DATA[EXAMPLE], "--steps", "10", "--seed", "3", "--loss-log", f"{exe}.losses"],
            timeout=300)
        with open(f"{WORK}/{exe}.losses") as f:
            got[exe] = [float(line.split()[1]) for line in f]
    if len(got["obj_mpi"]) != 10 or got["obj_mpi"] != got["cpp_mpi_exe"]:
        sys.exit(f"FAIL: 2 ranks of the C++ build: losses {got['cpp_mpi_exe']}, "
                 f"of the object code: {got['obj_mpi']}")
    print("--mpi: 2 ranks of the C++ build give the object code's 10 losses")


main()
