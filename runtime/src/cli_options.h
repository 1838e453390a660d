//===- cli_options.h - Option parsing for the CLI subcommands (internal) --===//
#ifndef KILN_SRC_CLI_OPTIONS_H
#define KILN_SRC_CLI_OPTIONS_H

#include "kiln/error.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kiln {

/// Bad command line: runCli prints the message with the usage, exit 2.
class UsageError : public Error {
public:
  using Error::Error;
};

struct OptionSpec {
  const char *name;      // without the leading "--"
  const char *valueName; // "N", "FILE"...; null for a flag
  const char *help;
};

/// Parsed `--name value` / `--name=value` options of one subcommand. Values
/// are converted on access, so a bad value is a UsageError naming its option.
class Options {
public:
  bool has(const std::string &name) const { return values.count(name) != 0; }
  /// The value of a required option.
  const std::string &require(const std::string &name) const;
  int64_t getInt(const std::string &name, int64_t min) const;
  uint64_t getUnsigned(const std::string &name) const;
  double getDouble(const std::string &name) const;

private:
  friend Options parseOptions(const std::vector<OptionSpec> &specs, int argc,
                              char **argv, int first);
  std::map<std::string, std::string> values;
};

/// Parses argv[first, argc). `--help` and `-h` are always accepted (as
/// "help"); anything not in `specs` is a UsageError.
Options parseOptions(const std::vector<OptionSpec> &specs, int argc,
                     char **argv, int first);

/// The aligned "options:" block of a usage text.
std::string formatOptionHelp(const std::vector<OptionSpec> &specs);

} // namespace kiln

#endif // KILN_SRC_CLI_OPTIONS_H
