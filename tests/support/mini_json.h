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
  // Object members in source order. A struct declared here and defined below rather than
  // std::pair<std::string, Json>: clang instantiates the pair while Json is still incomplete.
  struct Member;
  std::vector<Member> members;

  // The member `key` as text (strings and numbers), or nullopt.
  [[nodiscard]] std::optional<std::string> get(std::string_view key) const;
};

struct Json::Member {
  std::string key;
  Json value;
};

[[nodiscard]] std::optional<Json> parse_json(std::string_view text);

}  // namespace fp::test
