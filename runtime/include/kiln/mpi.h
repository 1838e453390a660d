//===- mpi.h - Data-parallel training over MPI (kiln_runtime_mpi) ---------===//
//
// Only executables built with `kilnc --mpi` (and applications that link
// kiln_runtime_mpi themselves) depend on MPI. docs/distributed.md.
//
#ifndef KILN_MPI_H
#define KILN_MPI_H

#include "kiln/abi.h"
#include "kiln/distributed.h"

namespace kiln {

/// The processes of MPI_COMM_WORLD. MPI must be initialized.
class MpiGroup : public ProcessGroup {
public:
  MpiGroup();
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  void average(float *data, int64_t count) override;
  void sum(double *data, int64_t count) override;
  std::vector<uint64_t> gather(uint64_t value) override;
  void broadcast(void *data, int64_t bytes) override;

private:
  int rank_ = 0, size_ = 1;
};

/// main() of an executable built with `kilnc --mpi`: initializes MPI and
/// runs the CLI (runCli) as one process of MPI_COMM_WORLD. When a process
/// fails on its own, it ends all of them (MPI_Abort), so none waits forever
/// for the others.
int runMpiCli(const kiln_model_api &api, int argc, char **argv);

} // namespace kiln

#endif // KILN_MPI_H
