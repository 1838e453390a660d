//===- cli_options.cpp - Option parsing for the CLI subcommands -----------===//
#include "cli_options.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace kiln {

const std::string &Options::require(const std::string &name) const {
  auto it = values.find(name);
  if (it == values.end())
    throw UsageError(fmt::format("missing required option --{}", name));
  return it->second;
}

int64_t Options::getInt(const std::string &name, int64_t min) const {
  const std::string &text = require(name);
  int64_t value;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min)
    throw UsageError(fmt::format(
        "--{} expects an integer of at least {}, got '{}'", name, min, text));
  return value;
}

uint64_t Options::getUnsigned(const std::string &name) const {
  const std::string &text = require(name);
  uint64_t value;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size())
    throw UsageError(fmt::format(
        "--{} expects a non-negative integer, got '{}'", name, text));
  return value;
}

double Options::getDouble(const std::string &name) const {
  const std::string &text = require(name);
  double value;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(value))
    throw UsageError(
        fmt::format("--{} expects a number, got '{}'", name, text));
  return value;
}

Options parseOptions(const std::vector<OptionSpec> &specs, int argc,
                     char **argv, int first) {
  Options options;
  for (int i = first; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      options.values["help"] = "";
      continue;
    }
    if (arg.rfind("--", 0) != 0)
      throw UsageError(fmt::format("unexpected argument '{}'", arg));
    std::string name = arg.substr(2);
    std::string value;
    size_t equals = name.find('=');
    bool inlineValue = equals != std::string::npos;
    if (inlineValue) {
      value = name.substr(equals + 1);
      name.resize(equals);
    }
    auto spec =
        std::find_if(specs.begin(), specs.end(),
                     [&](const OptionSpec &s) { return s.name == name; });
    if (spec == specs.end())
      throw UsageError(fmt::format("unknown option '--{}'", name));
    if (!spec->valueName && inlineValue)
      throw UsageError(fmt::format("--{} takes no value", name));
    if (spec->valueName && !inlineValue) {
      if (i + 1 >= argc)
        throw UsageError(
            fmt::format("--{} needs a value ({})", name, spec->valueName));
      value = argv[++i];
    }
    options.values[name] = value;
  }
  return options;
}

std::string formatOptionHelp(const std::vector<OptionSpec> &specs) {
  std::vector<std::string> names;
  size_t width = 0;
  for (const OptionSpec &spec : specs) {
    names.push_back(spec.valueName
                        ? fmt::format("--{} {}", spec.name, spec.valueName)
                        : fmt::format("--{}", spec.name));
    width = std::max(width, names.back().size());
  }
  std::string text = "options:\n";
  for (size_t i = 0; i < specs.size(); ++i)
    text += fmt::format("  {:<{}}  {}\n", names[i], width, specs[i].help);
  text += fmt::format("  {:<{}}  {}\n", "--help", width, "show this help");
  return text;
}

} // namespace kiln
