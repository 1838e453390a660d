#!/usr/bin/env bash
# e2e: `cmake --install` gives a runtime an application finds with
# find_package(Kiln): the prefix holds the runtime libraries, the kiln/*.h
# headers and lib/cmake/Kiln, and none of the compiler's libraries;
# examples/embedding configures against it with CMake (its CMakeLists.txt),
# links the fashion MLP that kilnc --emit=obj compiled, and trains it.
# The folder kilnc --emit=cpp writes builds against it too (its
# CMakeLists.txt), and its executable trains. COMPONENTS mpi gives the MPI
# runtime's targets when Kiln was built with MPI.
set -euo pipefail
kilnc=$1 src=$2 build=$3 work=$4
rm -rf "$work" && mkdir -p "$work" && cd "$work"
cmake --install "$build" --prefix "$work/prefix" > install.log
for f in lib/libkiln_runtime.a lib/libkiln_main.a include/kiln/abi.h include/kiln/model.h \
         lib/cmake/Kiln/KilnConfig.cmake lib/cmake/Kiln/KilnConfigVersion.cmake \
         lib/cmake/Kiln/KilnTargets.cmake; do
  [ -f "prefix/$f" ] || { echo "FAIL: the install lacks $f"; cat install.log; exit 1; }
done
if ls prefix/lib | grep -q '^libKiln'; then
  echo "FAIL: the compiler's libraries were installed:"; ls prefix/lib; exit 1
fi
mkdir -p model && "$kilnc" "$src/examples/fashion_mlp/model.json" --emit=obj -o model/fashion_mlp.o
# A sanitizer build's runtime links with its sanitizers, by the compiler that
# built it (scripts/test.sh --sanitize).
consumer=()
[ -n "${KILN_SANITIZE:-}" ] && consumer=(-DCMAKE_CXX_COMPILER="${KILN_TEST_CXX:-clang++-19}"
                                         -DCMAKE_EXE_LINKER_FLAGS="${KILN_LINK_FLAGS:-}")
cmake -S "$src/examples/embedding" -B consumer -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$work/prefix" -DKILN_MODEL="$work/model/fashion_mlp.o" "${consumer[@]}" > configure.log ||
  { echo "FAIL: configuring examples/embedding against the install"; cat configure.log; exit 1; }
cmake --build consumer > build.log || { echo "FAIL: building it"; cat build.log; exit 1; }
grep -q "$work/prefix/lib/libkiln_runtime.a" consumer/build.ninja ||
  { echo "FAIL: the consumer does not link the installed runtime"; exit 1; }
./consumer/embed /usr/share/datasets/fashion-mnist > run.log
cat run.log
acc=$(sed -n 's/^test accuracy after 600 steps: \([0-9.]*\).*/\1/p' run.log)
python3 -c "import sys; sys.exit(0 if float('$acc') > 0.8 else 1)" ||
  { echo "FAIL: test accuracy $acc after 600 steps"; exit 1; }
# kilnc --emit=cpp: the folder's CMakeLists.txt builds the model's static
# library and executable against the install, and the executable trains.
"$kilnc" "$src/examples/fashion_mlp/model.json" --emit=cpp -o cpp/fashion_mlp
cmake -S cpp/fashion_mlp -B cpp/build -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" "${consumer[@]}" \
  > cpp-configure.log ||
  { echo "FAIL: configuring the emitted C++ against the install"; cat cpp-configure.log; exit 1; }
cmake --build cpp/build > cpp-build.log || { echo "FAIL: building the emitted C++"; cat cpp-build.log; exit 1; }
[ -f cpp/build/libfashion_mlp.a ] || { echo "FAIL: no libfashion_mlp.a"; exit 1; }
grep -q "$work/prefix/lib/libkiln_runtime.a" cpp/build/build.ninja ||
  { echo "FAIL: the emitted C++ does not link the installed runtime"; exit 1; }
./cpp/build/fashion_mlp train --data /usr/share/datasets/fashion-mnist --steps 300 > cpp-run.log
tail -1 cpp-run.log
acc=$(sed -n 's/^test: loss [0-9.]* accuracy \([0-9.]*\).*/\1/p' cpp-run.log)
python3 -c "import sys; sys.exit(0 if float('$acc') > 0.75 else 1)" ||
  { echo "FAIL: the C++ build's test accuracy $acc after 300 steps"; exit 1; }
# The MPI component, when this Kiln has it.
if [ -f prefix/lib/cmake/Kiln/KilnMpiTargets.cmake ]; then
  mkdir -p mpi && cat > mpi/CMakeLists.txt <<'CMAKE'
cmake_minimum_required(VERSION 3.20)
project(mpi_consumer LANGUAGES C CXX)
find_package(Kiln REQUIRED COMPONENTS mpi)
foreach(t Kiln::runtime_mpi Kiln::main_mpi)
  if(NOT TARGET ${t})
    message(FATAL_ERROR "no ${t}")
  endif()
endforeach()
CMAKE
  cmake -S mpi -B mpi/build -DCMAKE_PREFIX_PATH="$work/prefix" > mpi.log ||
    { echo "FAIL: find_package(Kiln COMPONENTS mpi)"; cat mpi.log; exit 1; }
  echo "COMPONENTS mpi: Kiln::runtime_mpi and Kiln::main_mpi found"
fi
echo PASS
