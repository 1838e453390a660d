//===- SpecReader.h - Typed, path-naming reads of a JSON model file -------===//
//
// Shared by the model-file parsers: ModelSpec.cpp (input, layers) and
// TrainingSpec.cpp (the training section).
//
#ifndef KILN_COMPILER_FRONTEND_SPECREADER_H
#define KILN_COMPILER_FRONTEND_SPECREADER_H

#include "compiler/frontend/ModelSpec.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/JSON.h"

#include <cmath>
#include <optional>
#include <string>
#include <vector>

namespace kiln::spec {

using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;

/// `v` as an int64, as llvm::json's getAsInteger, which converts a double of
/// 2^63 (inside its range check, outside int64's) with undefined behaviour
/// (found by fuzz_model_json): such numbers are not integers here.
inline std::optional<int64_t> integerOf(const Value &v) {
  if (std::optional<double> d = v.getAsNumber(); d && !(std::fabs(*d) < 0x1p63))
    return std::nullopt;
  return v.getAsInteger();
}

/// Reads typed fields of JSON objects; the first error wins and names the
/// JSON path of the offending value.
class Reader {
public:
  explicit Reader(std::string file) : file(std::move(file)) {}

  bool fail(const std::string &path, const std::string &msg) {
    if (error.empty())
      error = file + ": " + (path.empty() ? "/" : path) + ": " + msg;
    return false;
  }
  bool ok() const { return error.empty(); }

  static std::string num(double d) {
    char buf[32];
    snprintf(buf, sizeof buf, "%.10g", d);
    return buf;
  }

  static std::string show(const Value &v) {
    // Numbers as people wrote them (-0.1, not -0.10000000000000001).
    if (v.kind() == Value::Number && !integerOf(v))
      return num(*v.getAsNumber());
    std::string s;
    llvm::raw_string_ostream os(s);
    os << v;
    if (s.size() > 40)
      s = s.substr(0, 37) + "...";
    return s;
  }

  /// Rejects keys outside `allowed` (and `alsoAllowed`), so typos do not
  /// pass silently.
  bool onlyKeys(const Object &o, const std::string &path,
                std::initializer_list<llvm::StringRef> allowed) {
    std::vector<llvm::StringRef> all(allowed);
    all.insert(all.end(), alsoAllowed.begin(), alsoAllowed.end());
    for (const auto &kv : o)
      if (!llvm::is_contained(all, kv.first.str()))
        return fail(path + "/" + kv.first.str(),
                    "unknown key (expected one of: " + llvm::join(all, ", ") +
                        ")");
    return true;
  }

  /// Keys every object of a kind may have (a layer's training keys), checked
  /// by their own parser.
  std::vector<llvm::StringRef> alsoAllowed;

  std::optional<int64_t> positiveInt(const Value &v, const std::string &path) {
    auto i = integerOf(v);
    if (!i || *i <= 0) {
      fail(path, "expected a positive integer, got " + show(v));
      return std::nullopt;
    }
    if (*i > kMaxSize) {
      fail(path, "expected at most " + std::to_string(kMaxSize) + ", got " + show(v));
      return std::nullopt;
    }
    return *i;
  }

  std::optional<double> number(const Value &v, const std::string &path,
                               double lo, double hi, bool openLo = false) {
    auto d = v.getAsNumber();
    if (!d || !std::isfinite(*d) || *d < lo || *d > hi || (openLo && *d == lo)) {
      fail(path, "expected a number in " + std::string(openLo ? "(" : "[") +
                     num(lo) + ", " + num(hi) + "], got " + show(v));
      return std::nullopt;
    }
    return *d;
  }

  std::optional<std::string> string(const Value &v, const std::string &path) {
    auto s = v.getAsString();
    if (!s) {
      fail(path, "expected a string, got " + show(v));
      return std::nullopt;
    }
    return s->str();
  }

  std::optional<std::string> oneOf(const Value &v, const std::string &path,
                                   std::initializer_list<llvm::StringRef> opts) {
    auto s = string(v, path);
    if (s && !llvm::is_contained(opts, *s)) {
      fail(path, "unknown value \"" + *s + "\" (expected one of: " +
                     llvm::join(opts, ", ") + ")");
      return std::nullopt;
    }
    return s;
  }

  std::optional<bool> boolean(const Value &v, const std::string &path) {
    auto b = v.getAsBoolean();
    if (!b)
      fail(path, "expected true or false, got " + show(v));
    return b;
  }

  std::optional<std::vector<int64_t>> shape(const Value &v,
                                            const std::string &path) {
    const Array *a = v.getAsArray();
    if (!a || a->empty()) {
      fail(path, "expected a non-empty array of positive integers, got " + show(v));
      return std::nullopt;
    }
    std::vector<int64_t> out;
    for (size_t i = 0; i < a->size(); ++i) {
      auto d = positiveInt((*a)[i], path + "/" + std::to_string(i));
      if (!d)
        return std::nullopt;
      out.push_back(*d);
    }
    return out;
  }

  /// Reads `key` of `o`, when present, with `parse` into `out`.
  template <typename T, typename Parse>
  bool optional(const Object &o, const std::string &path, llvm::StringRef key,
                T &out, Parse parse) {
    const Value *v = o.get(key);
    if (!v)
      return true;
    auto got = parse(*v, path + "/" + key.str());
    if (got)
      out = *got;
    return bool(got);
  }

  /// The `type` of an object ({"type": "huber", ...}, which `o` is set to),
  /// or, with `nameAlone`, a bare type name ("mse", `o` null); one of
  /// `types`. Errors name the path.
  std::optional<std::string> typed(const Value &v, const std::string &path,
                                   std::initializer_list<llvm::StringRef> types,
                                   const Object *&o, bool nameAlone) {
    o = nullptr;
    if (nameAlone && v.getAsString())
      return oneOf(v, path, types);
    if (!(o = object(v, path)))
      return std::nullopt;
    const Value *type = o->get("type");
    if (!type) {
      fail(path, "missing key \"type\"");
      return std::nullopt;
    }
    return oneOf(*type, path + "/type", types);
  }

  const Object *object(const Value &v, const std::string &path) {
    const Object *o = v.getAsObject();
    if (!o)
      fail(path, "expected an object, got " + show(v));
    return o;
  }

  std::string file, error;
};

/// The "training" section into `spec` (loss, optimizer, clipping, loop
/// settings, metrics), checked against the input shape already read.
bool parseTraining(Reader &r, const Value &v, ModelSpec &spec);

} // namespace kiln::spec

#endif // KILN_COMPILER_FRONTEND_SPECREADER_H
