//===- GradCheck.h - The models of the gradient checks --------------------===//
#ifndef KILN_TEST_UNIT_COMPILER_GRADCHECK_H
#define KILN_TEST_UNIT_COMPILER_GRADCHECK_H

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace kiln::gradcheck {

// Batch 9, 37 inputs, 19 outputs: no dimension is a whole number of vectors
// at 128, 256 or 512 bits, so every kernel runs its peeled remainders.
constexpr int64_t kBatch = 9, kIn = 37, kOut = 19;

struct Case {
  std::string name;
  std::vector<std::vector<int64_t>> params; // shapes, in @model order
  std::string body;                          // @model's body; %x, params %p0...
  std::vector<int64_t> out;                  // prediction shape
  bool crossEntropy = false;
  bool dropout = false; // train mode differs from forward (a dropout mask)
  std::vector<int64_t> in = {kBatch, kIn}; // the input's shape
  /// Buffers %b0... (1-D; even ones start at zeros, odd ones at ones), which
  /// @model returns updated after the prediction. Training then normalizes
  /// with batch statistics and forward with these: no equality between them.
  std::vector<int64_t> buffers = {};
  /// Another loss than mse / cross-entropy: mae, huber, bce, kl,
  /// ce_smooth (labels, label smoothing) or ce_soft (probability rows).
  std::string loss = "";
  /// A kernel regularizer on %p0 (@model returns its term).
  double l1 = 0, l2 = 0;
  /// clip_norm of the SGD step (0: none).
  double clipNorm = 0;
  /// > 0: %x is int32 ids in [0, ids) (an embedding's input), not f64.
  int64_t ids = 0;
  /// (parameter, first element): elements from there on are reached by no
  /// input (table rows past the ids or the steps), so their step is exactly 0.
  std::vector<std::pair<size_t, int64_t>> unused = {};
  /// Train mode differs from forward through dropout inside the op (not a
  /// plain mask of the prediction): the predictions are not compared.
  bool randomInside = false;
  /// An attention with `block = N`: the step must equal that of the op in
  /// one tile (the default block), dropout masks included.
  bool sameAsOneTile = false;
  /// Compiled for this many cores: a recurrence runs the batch in as many
  /// blocks (kBatch = 9: three blocks of three rows at 3).
  int64_t cores = 1;
};

int64_t numel(const std::vector<int64_t> &s);
/// "tensor<9x37xf64>".
std::string tensorType(const std::vector<int64_t> &s, const std::string &elem = "f64");

/// Every case, each run at 128-, 256- and 512-bit vectors.
std::vector<Case> allCases();

} // namespace kiln::gradcheck

#endif // KILN_TEST_UNIT_COMPILER_GRADCHECK_H
