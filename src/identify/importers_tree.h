#pragma once
// A reader for the subset of YAML the curl-impersonate signature files use, which also reads
// JSON (JSON is YAML's flow syntax): block mappings and sequences by indentation, flow `[..]`
// and `{..}` spanning lines, plain, 'single' and "double" quoted scalars, `#` comments, `---`
// between documents, and `!!binary` scalars (inline or `|` literal blocks, tag dropped).
// Not a YAML parser: anchors, aliases, `>` folding and multi-line plain scalars are not read.
// Never throws; a line it cannot read gives an error and is skipped.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fp::identify {

struct TreeMember;

struct TreeNode {
  enum class Kind { kScalar, kList, kMap } kind = Kind::kScalar;
  std::string scalar;  // unquoted text; "" for a key with no value
  std::vector<TreeNode> items;
  // In source order. A struct defined below, not std::pair: a vector of pairs holding the
  // still-incomplete TreeNode does not compile with clang and libstdc++ 12.
  std::vector<TreeMember> members;
  size_t line = 0;  // 1-based line where the node starts

  [[nodiscard]] const TreeNode* get(std::string_view key) const;    // member, or nullptr
  [[nodiscard]] std::string_view text(std::string_view key) const;  // member scalar, or ""
};

struct TreeMember {
  std::string first;  // the key
  TreeNode second;    // its value
};

struct TreeError {
  size_t line = 0;
  std::string message;
};

struct TreeDocuments {
  std::vector<TreeNode> documents;  // empty documents (only comments) are left out
  std::vector<TreeError> errors;
};

[[nodiscard]] TreeDocuments parse_tree(std::string_view text);

}  // namespace fp::identify
