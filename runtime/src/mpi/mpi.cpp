//===- mpi.cpp - ProcessGroup over MPI_COMM_WORLD, and main()'s body ------===//
#include "kiln/mpi.h"

#include "kiln/cli.h"

#include <mpi.h>

#include <algorithm>
#include <climits>
#include <cstdio>

namespace kiln {
namespace {

// MPI counts are ints: larger buffers go in pieces.
constexpr int64_t kPiece = int64_t(1) << 30;

void check(int rc, const char *what) {
  if (rc == MPI_SUCCESS)
    return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(rc, text, &length);
  std::fprintf(stderr, "error: %s failed: %.*s\n", what, length, text);
  MPI_Abort(MPI_COMM_WORLD, 1);
}

} // namespace

MpiGroup::MpiGroup() {
  check(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
  check(MPI_Comm_size(MPI_COMM_WORLD, &size_), "MPI_Comm_size");
}

/// `call(offset, n)` over [0, count) in pieces that fit an int.
template <typename Call> void inPieces(int64_t count, Call call) {
  for (int64_t at = 0; at < count; at += kPiece)
    call(at, int(std::min(kPiece, count - at)));
}

void MpiGroup::average(float *data, int64_t count) {
  // A sum is reduced once and broadcast by every MPI_Allreduce algorithm
  // Open MPI has, so every rank gets the same bits.
  inPieces(count, [&](int64_t at, int n) {
    check(MPI_Allreduce(MPI_IN_PLACE, data + at, n, MPI_FLOAT, MPI_SUM,
                        MPI_COMM_WORLD),
          "MPI_Allreduce");
  });
  const float n = float(size_);
  for (int64_t i = 0; i < count; ++i)
    data[i] /= n;
}

void MpiGroup::sum(double *data, int64_t count) {
  inPieces(count, [&](int64_t at, int n) {
    check(MPI_Allreduce(MPI_IN_PLACE, data + at, n, MPI_DOUBLE, MPI_SUM,
                        MPI_COMM_WORLD),
          "MPI_Allreduce");
  });
}

std::vector<uint64_t> MpiGroup::gather(uint64_t value) {
  std::vector<uint64_t> all(size_);
  check(MPI_Allgather(&value, 1, MPI_UINT64_T, all.data(), 1, MPI_UINT64_T,
                      MPI_COMM_WORLD),
        "MPI_Allgather");
  return all;
}

void MpiGroup::broadcast(void *data, int64_t bytes) {
  inPieces(bytes, [&](int64_t at, int n) {
    check(MPI_Bcast(static_cast<char *>(data) + at, n, MPI_BYTE, 0, MPI_COMM_WORLD),
          "MPI_Bcast");
  });
}

int runMpiCli(const kiln_model_api &api, int argc, char **argv) {
  if (MPI_Init(&argc, &argv) != MPI_SUCCESS) {
    std::fprintf(stderr, "error: MPI_Init failed\n");
    return 1;
  }
  // Errors come back to check(), which names the call before aborting.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  MpiGroup group;
  int rc = runCli(api, argc, argv, group.size() > 1 ? &group : nullptr);
  std::fflush(stdout);
  std::fflush(stderr);
  if (rc != 0 && group.size() > 1 && !group.failedTogether)
    MPI_Abort(MPI_COMM_WORLD, rc); // the others may be waiting for this one
  MPI_Finalize();
  return rc;
}

} // namespace kiln
