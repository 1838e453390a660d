//===- cli.cpp - Subcommand dispatch, usage texts and exit statuses -------===//
#include "kiln/cli.h"

#include "commands.h"

#include <fmt/format.h>

#include <cstdio>
#include <new>

namespace kiln {
namespace {

struct Command {
  const char *name;
  const char *synopsis;
  const char *summary;
  std::vector<OptionSpec> options;
  const char *notes; // printed after the options; may be empty
  int (*run)(const kiln_model_api &, const Options &, const Launch &);
  bool distributed; // runs on every rank of a group, not on rank 0 alone
};

const char *dataHelp = "a directory of IDX files "
                       "(train-images-idx3-ubyte[.gz], ...) or of "
                       "train.csv [+ test.csv], or one CSV file";

const OptionSpec threadsOption = {
    "threads", "N",
    "threads sharing the compiled kernels' loops (default: KILN_NUM_THREADS, "
    "else the machine's cores; the results are the same bits for any N)"};

const std::vector<Command> &commands() {
  static const std::vector<Command> table = {
      {"train",
       "--data DIR [options]",
       "Train the model, print per-epoch and test metrics.",
       {{"data", "DIR", dataHelp},
        {"epochs", "N", "the run's number of epochs (default: from the model)"},
        {"batch-size", "N", "must equal the compiled batch size"},
        {"lr", "X", "learning rate (default: from the model)"},
        {"seed", "N", "seed of initialization, shuffling and dropout"},
        {"steps", "N",
         "stop after N optimizer steps, counted from the start of the run"},
        {"no-shuffle", nullptr, "keep the file order"},
        {"text", nullptr,
         "--data is a directory of text files (or one file): windows of byte "
         "ids, one class per file or sub-directory, or next-byte targets"},
        {"series", "COLUMN",
         "--data is a CSV whose COLUMN (a header name or 1-based index) is a "
         "time series: windows predicting the next values, standardized"},
        {"validation-split", "F",
         "hold out this fraction from the end of the training set"},
        {"val-data", "PATH",
         "validate on this data instead (a CSV file, or a directory's "
         "training split)"},
        {"schedule", "JSON",
         "learning-rate schedule, e.g. '{\"type\": \"cosine\", "
         "\"warmup_steps\": 100}', or none (default: the model file's)"},
        {"augment", "JSON",
         "augment training batches, e.g. '{\"flip_horizontal\": true, "
         "\"crop_padding\": 2, \"noise_std\": 0.05}', or none (default: the "
         "model file's)"},
        {"early-stopping", "JSON",
         "e.g. '{\"monitor\": \"val_loss\", \"patience\": 3, "
         "\"restore_best\": true}', or none (default: the model file's)"},
        {"load", "FILE",
         "start from this checkpoint: every param and buffer (and optimizer "
         "state when present)"},
        {"init-from", "FILE",
         "load the params and buffers whose name and shape match, initialize "
         "the rest; optimizer state and step start fresh"},
        {"resume", "FILE",
         "continue the run this checkpoint was written by, exactly where it "
         "stopped (repeat the run's other options)"},
        {"save", "FILE",
         "write a resumable safetensors checkpoint after training"},
        {"checkpoint-every", "N",
         "also write --save FILE every N steps during training"},
        {"metrics-json", "FILE", "write history and test metrics as JSON"},
        {"loss-log", "FILE", "write each step's loss as it trains: lines 'step loss'"},
        {"report", "FILE.html",
         "write a self-contained HTML report: model summary, curves per "
         "epoch, test metrics, settings"},
        threadsOption},
       "Validation and test metrics run eval_step (eval mode: no dropout, "
       "running\nstatistics). --steps and --epochs count from the start of "
       "the run: an\ninterrupted run resumed with the same options plus "
       "--resume FILE ends\nwith the weights of an uninterrupted one. "
       "--resume restores everything from its\ncheckpoint, so it replaces "
       "--load and --init-from: leave those out. Under mpirun (an "
       "executable\nbuilt with kilnc --mpi) every rank trains on its part "
       "of each global batch\nof N x the compiled batch "
       "(docs/distributed.md).\n",
       runTrain, true},
      {"eval",
       "--load FILE --data DIR [options]",
       "Evaluate a checkpoint on the test split (all of a single CSV file).",
       {{"load", "FILE", "safetensors checkpoint"},
        {"data", "DIR", dataHelp},
        {"text", nullptr, "--data is a directory of text files (as train --text)"},
        {"series", "COLUMN", "--data is a CSV time series (as train --series)"},
        {"metrics-json", "FILE", "write the test metrics as JSON"},
        threadsOption},
       "Metrics come from eval_step (eval mode).\n",
       runEval,
       false},
      {"predict",
       "--load FILE --input X.npy",
       "Print one line per sample: class probabilities or output values.",
       {{"load", "FILE", "safetensors checkpoint"},
        {"input", "X.npy",
         "float32 or uint8 (scaled by 1/255) array [n, input...] or one "
         "sample; int32/int64 token ids for a model with an int32 input"},
        {"output", "Y.npy",
         "write the predictions as a float32 array [n, output...] instead "
         "of printing them"},
        threadsOption},
       "Full batches run forward at the compiled batch, the remaining "
       "samples forward\nat batch 1 (so one sample never pays for a "
       "batch).\n",
       runPredict,
       false},
      {"info",
       "",
       "Describe the model: inputs, outputs, entry points, layers, loss.",
       {},
       "",
       runInfo,
       false},
  };
  return table;
}

std::string commandUsage(const std::string &program, const Command &command) {
  std::string text = fmt::format(
      "usage: {} {} {}\n\n{}\n\n{}", program, command.name, command.synopsis,
      command.summary, formatOptionHelp(command.options));
  if (*command.notes)
    text += fmt::format("\n{}", command.notes);
  return text;
}

std::string topUsage(const std::string &program) {
  std::string text = fmt::format(
      "usage: {} <command> [options]\n\nA neural network compiled by "
      "Kiln.\n\ncommands:\n",
      program);
  for (const Command &command : commands())
    text += fmt::format("  {:<8} {}\n", command.name, command.summary);
  text +=
      fmt::format("\nRun '{} <command> --help' for its options.\n", program);
  return text;
}

} // namespace

int runCli(const kiln_model_api &api, int argc, char **argv,
           ProcessGroup *group) {
  std::string program = argc > 0 ? argv[0] : "model";
  program = program.substr(program.find_last_of('/') + 1);
  const Command *command = nullptr;
  const bool lead = !group || group->rank() == 0;
  // Rank 0 speaks for the group.
  if (!lead && !std::freopen("/dev/null", "w", stdout))
    fmt::print(stderr, "warning: rank {}: cannot silence stdout\n", group->rank());
  // Where an error of this process comes from, when it is one of several.
  std::string who = group ? fmt::format("rank {} of {}: ", group->rank(),
                                        group->size())
                          : "";
  Launch launch{group, fnv1a("")};
  for (int i = 1; i < argc; ++i)
    launch.argsHash = fnv1a(std::string(argv[i]) + '\0', launch.argsHash);
  try {
    if (argc < 2)
      throw UsageError("missing command");
    std::string name = argv[1];
    if (name == "--help" || name == "-h" || name == "help") {
      fmt::print("{}", topUsage(program));
      return 0;
    }
    for (const Command &candidate : commands())
      if (name == candidate.name)
        command = &candidate;
    if (!command)
      throw UsageError(fmt::format("unknown command '{}'", name));
    Options options = parseOptions(command->options, argc, argv, 2);
    if (options.has("help")) {
      fmt::print("{}", commandUsage(program, *command));
      return 0;
    }
    if (group && !command->distributed) {
      if (!lead)
        return 0;
      launch.group = nullptr;
    }
    return command->run(api, options, launch);
  } catch (const UsageError &e) {
    std::fflush(stdout);
    // The same arguments fail on every rank: the usage once.
    if (lead)
      fmt::print(stderr, "error: {}\n\n{}", e.what(),
                 command ? commandUsage(program, *command) : topUsage(program));
    else
      fmt::print(stderr, "error: {}{}\n", who, e.what());
    return 2;
  } catch (const GroupError &e) {
    std::fflush(stdout);
    if (group)
      group->failedTogether = true;
    if (lead)
      fmt::print(stderr, "error: {}\n", e.what());
    return 1;
  } catch (const std::bad_alloc &) {
    std::fflush(stdout);
    fmt::print(stderr, "error: {}out of memory\n", who);
    return 1;
  } catch (const std::exception &e) {
    std::fflush(stdout);
    fmt::print(stderr, "error: {}{}\n", who, e.what());
    return 1;
  }
}

} // namespace kiln
