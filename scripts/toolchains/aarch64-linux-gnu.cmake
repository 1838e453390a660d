# Cross-compiling for 64-bit Arm Linux with Debian's g++-aarch64-linux-gnu
# (and zlib1g-dev:arm64 for the runtime): used for the C++ that kilnc
# --emit=cpp writes (docs/cpp-output.md), built with the runtime's sources:
#   cmake -S OUT -B OUT/arm64 -DCMAKE_TOOLCHAIN_FILE=<kiln>/scripts/toolchains/aarch64-linux-gnu.cmake \
#         -DKILN_RUNTIME_SOURCE=<kiln>/runtime
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
# Libraries and headers of the target; CMake packages (header-only fmt and
# nlohmann_json) may come from the host.
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
# One static executable: it runs under qemu-aarch64 without a sysroot.
set(CMAKE_EXE_LINKER_FLAGS_INIT -static)
set(ZLIB_USE_STATIC_LIBS ON)
# Debian's fmt package config lives in the host's multiarch folder; the
# runtime uses fmt header-only.
if(NOT fmt_DIR)
  file(GLOB KILN_HOST_FMT /usr/lib/*-linux-gnu/cmake/fmt)
  list(FILTER KILN_HOST_FMT EXCLUDE REGEX aarch64)
  if(KILN_HOST_FMT)
    list(GET KILN_HOST_FMT 0 KILN_HOST_FMT)
    set(fmt_DIR ${KILN_HOST_FMT} CACHE PATH "fmt's CMake package (header-only use)")
  endif()
endif()
