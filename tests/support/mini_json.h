#pragma once
// A small JSON reader for tests that compare with reference outputs (objects, arrays, strings,
// numbers, true/false/null). Numbers are kept as their source text. Not for untrusted input:
// it returns nullopt on any syntax error and handles only the \" \\ \/ \n \t \uXXXX (BMP) escapes.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fp::test {

struct Json {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject } kind = Kind::kNull;
  std::string text;  // string value, number text, or "true"/"false"
  std::vector<Json> items;
  std::vector<std::pair<std::string, Json>> members;  // in source order

  // The member `key` as text (strings and numbers), or nullopt.
  [[nodiscard]] std::optional<std::string> get(std::string_view key) const {
    for (const auto& [k, v] : members) {
      if (k == key && (v.kind == Kind::kString || v.kind == Kind::kNumber)) return v.text;
    }
    return std::nullopt;
  }
};

[[nodiscard]] std::optional<Json> parse_json(std::string_view text);

}  // namespace fp::test
