//===- distributed.h - Processes that train one model together ------------===//
//
// Data-parallel training (docs/distributed.md): every process of a group
// runs the same compiled train_step on its shard of each global batch, and
// train_step averages the loss and gradients of all of them through the
// context's allreduce callback, so their parameters stay identical. The MPI
// runtime (kiln_runtime_mpi, linked by `kilnc --mpi`) provides the group;
// executables built without it never see one.
//
#ifndef KILN_DISTRIBUTED_H
#define KILN_DISTRIBUTED_H

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace kiln {

class ProcessGroup {
public:
  virtual ~ProcessGroup();
  virtual int rank() const = 0;
  virtual int size() const = 0;
  /// Replaces each of `count` floats by its mean over the processes; every
  /// process gets the same values.
  virtual void average(float *data, int64_t count) = 0;
  /// Sums `count` doubles over the processes, in place.
  virtual void sum(double *data, int64_t count) = 0;
  /// `value` of every process, by rank.
  virtual std::vector<uint64_t> gather(uint64_t value) = 0;
  /// Copies rank 0's `bytes` bytes at `data` to every process.
  virtual void broadcast(void *data, int64_t bytes) = 0;

  /// average(), timed: what train_step's all-reduce calls (through the
  /// context of a Model that joined the group).
  void allreduce(float *data, int64_t count);
  /// Seconds spent in allreduce, and its calls.
  double allreduceSeconds = 0;
  int64_t allreduceCalls = 0;
  /// Set when every process failed in the same way at the same point (the
  /// start-up check): each exits with the error instead of aborting the
  /// others.
  bool failedTogether = false;
};

/// An error every process of the group raises at the same point; only the
/// first process prints it.
class GroupError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Stops with a GroupError unless every process has the same model and
/// settings: `model` and `settings` are hashes (fnv1a) of what must agree.
void checkSameEverywhere(ProcessGroup &group, uint64_t model, uint64_t settings);

/// FNV-1a, continuing from `hash`.
uint64_t fnv1a(const std::string &text, uint64_t hash = 14695981039346656037ull);

} // namespace kiln

#endif // KILN_DISTRIBUTED_H
