//===- main.cpp - A C++ program that embeds a Kiln-compiled model ---------===//
//
// Trains the Fashion-MNIST MLP (examples/fashion_mlp) for a few hundred steps
// through the kiln::Model API, prints the test accuracy and, when given a
// path, saves a checkpoint the kilnc-built executable can `eval --load`.
// Build and run: examples/embedding/build.sh (see docs/embedding.md).
//
#include "fashion_mlp.h" // written by `kilnc --emit=obj -o fashion_mlp.o`

#include <cstdio>
#include <string>
#include <vector>

int main(int argc, char **argv) {
  const std::string dir = argc > 1 ? argv[1] : "/usr/share/datasets/fashion-mnist";
  const int64_t steps = 600;
  try {
    // Params, Adam state and the workspace, allocated once from the manifest.
    FashionMlp model;
    const kiln::Manifest &m = model.getManifest();
    kiln::Dataset train = kiln::loadIdx(dir + "/train-images-idx3-ubyte.gz",
                                        dir + "/train-labels-idx1-ubyte.gz");
    kiln::Dataset test = kiln::loadIdx(dir + "/t10k-images-idx3-ubyte.gz",
                                       dir + "/t10k-labels-idx1-ubyte.gz");
    kiln::checkDataset(train, m); // sizes and label range fit the model
    kiln::checkDataset(test, m);

    model.init(/*seed=*/1);
    const int64_t batch = m.batchSize, batches = train.numSamples / batch;
    const float lr = float(m.optimizer->lr); // absent only if inference-only
    std::printf("%s: %lld parameters, batch %lld, %s lr %g\n", m.name.c_str(),
                (long long)m.numParamElements(), (long long)batch,
                m.optimizer->type.c_str(), lr);
    double lossSum = 0;
    for (int64_t step = 0; step < steps; ++step) {
      // Batches in file order; trainBatch takes exactly `batch` samples and
      // allocates nothing.
      int64_t first = (step % batches) * batch;
      lossSum += model.trainBatch(&train.inputs[first * train.sampleSize],
                                  &train.labels[first], lr);
      if ((step + 1) % 200 == 0) {
        std::printf("step %lld: mean loss %.4f\n", (long long)(step + 1),
                    lossSum / 200);
        lossSum = 0;
      }
    }

    // predict() takes any number of samples: full batches through forward,
    // the rest one by one through forward_1 (eval mode).
    std::vector<float> probs(test.numSamples * m.outputSize());
    model.predict(test.inputs.data(), test.numSamples, probs.data());
    int64_t correct = 0;
    for (int64_t i = 0; i < test.numSamples; ++i)
      correct += kiln::argmax(&probs[i * m.outputSize()], m.outputSize()) ==
                 test.labels[i];
    std::printf("test accuracy after %lld steps: %.4f (%lld/%lld)\n",
                (long long)model.getStep(), double(correct) / test.numSamples,
                (long long)correct, (long long)test.numSamples);

    // A single sample runs forward_1 (batch 1): no batch to fill.
    std::vector<float> one(m.outputSize());
    model.predict(test.inputs.data(), 1, one.data());
    std::printf("first test sample: class %lld (label %d)\n",
                (long long)kiln::argmax(one.data(), m.outputSize()),
                test.labels[0]);

    if (argc > 2) {
      kiln::saveCheckpoint(model, argv[2]);
      std::printf("saved %s\n", argv[2]);
    }
  } catch (const kiln::Error &e) { // every runtime failure names its place
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
