// The YAML-subset / JSON reader of importers_tree.h. Block structure is read line by line from
// indentation; a flow value (`[`, `{`) is gathered across lines until its brackets balance and
// then read character by character.
#include "identify/importers_tree.h"

#include <algorithm>

namespace fp::identify {
namespace {

struct Line {
  size_t number = 0;
  size_t indent = 0;
  std::string content;  // without indentation, trailing blanks or comment
};

bool token_start(const std::string& s, size_t i) {
  return i == 0 || s[i - 1] == ' ' || s[i - 1] == '[' || s[i - 1] == '{' || s[i - 1] == ',' ||
         s[i - 1] == ':';
}

// The end of the quoted scalar starting at s[i], or npos when it does not end on this text.
size_t quote_end(std::string_view s, size_t i) {
  const char q = s[i];
  for (size_t j = i + 1; j < s.size(); ++j) {
    if (q == '"' && s[j] == '\\') {
      ++j;
    } else if (s[j] == q) {
      if (q == '\'' && j + 1 < s.size() && s[j + 1] == '\'') {
        ++j;  // '' is a quote inside a single-quoted scalar
      } else {
        return j;
      }
    }
  }
  return std::string_view::npos;
}

// Where a comment starts (`#` at the start or after a blank, outside quotes), or npos.
size_t comment_start(const std::string& s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if ((s[i] == '\'' || s[i] == '"') && token_start(s, i)) {
      const size_t end = quote_end(s, i);
      if (end == std::string::npos) return std::string::npos;
      i = end;
    } else if (s[i] == '#' && (i == 0 || s[i - 1] == ' ' || s[i - 1] == '\t')) {
      return i;
    }
  }
  return std::string::npos;
}

// The colon that makes `key: value` (followed by a blank or the end), outside quotes; npos if
// the line is not a mapping entry.
size_t key_colon(const std::string& s) {
  if (s.empty() || s[0] == '[' || s[0] == '{') return std::string::npos;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((s[i] == '\'' || s[i] == '"') && token_start(s, i)) {
      const size_t end = quote_end(s, i);
      if (end == std::string::npos) return std::string::npos;
      i = end;
    } else if (s[i] == ':' && (i + 1 == s.size() || s[i + 1] == ' ')) {
      return i;
    }
  }
  return std::string::npos;
}

bool is_dash(const std::string& s) { return s == "-" || s.rfind("- ", 0) == 0; }

void append_utf8(std::string& out, unsigned cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

// The body of a quoted scalar s[open..close], unescaped.
std::string unquote(std::string_view s) {
  const char q = s.front();
  std::string out;
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    if (q == '\'' && s[i] == '\'') {
      ++i;  // '' -> '
    } else if (q == '"' && s[i] == '\\' && i + 2 < s.size()) {
      const char e = s[++i];
      if (e == 'n')
        out.push_back('\n');
      else if (e == 't')
        out.push_back('\t');
      else if (e == 'u' && i + 4 < s.size()) {
        append_utf8(
            out, static_cast<unsigned>(std::stoul(std::string(s.substr(i + 1, 4)), nullptr, 16)));
        i += 4;
      } else
        out.push_back(e);
      continue;
    }
    out.push_back(s[i]);
  }
  return out;
}

std::string_view trim(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// Tags carry no meaning for the importers: `!!binary AA==` is the text AA==.
std::string_view drop_tag(std::string_view s) {
  if (s.rfind("!!", 0) != 0) return s;
  const size_t space = s.find(' ');
  return space == std::string_view::npos ? std::string_view() : trim(s.substr(space));
}

TreeNode make(TreeNode::Kind kind, size_t line) {
  TreeNode n;
  n.kind = kind;
  n.line = line;
  return n;
}

TreeNode scalar(std::string_view text, size_t line) {
  TreeNode n = make(TreeNode::Kind::kScalar, line);
  text = drop_tag(trim(text));
  if (text.size() >= 2 && (text.front() == '\'' || text.front() == '"') &&
      quote_end(text, 0) == text.size() - 1) {
    n.scalar = unquote(text);
  } else {
    n.scalar = text;
  }
  return n;
}

// Reads `[..]` / `{..}` text that was gathered until its brackets balanced.
class FlowReader {
 public:
  FlowReader(std::string_view text, size_t line) : s_(text), line_(line) {}

  TreeNode value() {
    skip_blanks();
    if (at('[')) return list();
    if (at('{')) return map();
    return scalar(plain_or_quoted(), line_);
  }
  bool done() {
    skip_blanks();
    return i_ >= s_.size();
  }
  bool ok() const { return ok_; }

 private:
  bool at(char c) const { return i_ < s_.size() && s_[i_] == c; }
  void skip_blanks() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n')) ++i_;
  }
  // A quoted scalar whole, or plain text up to `,` `]` `}` (or `:` when reading a key).
  std::string_view plain_or_quoted(bool key = false) {
    skip_blanks();
    const size_t start = i_;
    if (at('\'') || at('"')) {
      const size_t end = quote_end(s_, i_);
      if (end == std::string_view::npos) return fail();
      i_ = end + 1;
      return s_.substr(start, i_ - start);
    }
    while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != ']' && s_[i_] != '}' &&
           !(key && s_[i_] == ':')) {
      ++i_;
    }
    return s_.substr(start, i_ - start);
  }
  std::string_view fail() {
    ok_ = false;
    i_ = s_.size();
    return {};
  }
  // Items until `close`; a trailing comma is allowed, as some signature files have one.
  template <typename Item>
  void items(char close, Item item) {
    ++i_;
    for (skip_blanks(); ok_ && !at(close);) {
      if (i_ >= s_.size()) return (void)fail();
      item();
      skip_blanks();
      if (at(',')) {
        ++i_;
        skip_blanks();
      } else if (!at(close)) {
        return (void)fail();
      }
    }
    ++i_;
  }
  TreeNode list() {
    TreeNode n = make(TreeNode::Kind::kList, line_);
    items(']', [&] { n.items.push_back(value()); });
    return n;
  }
  TreeNode map() {
    TreeNode n = make(TreeNode::Kind::kMap, line_);
    items('}', [&] {
      std::string key = scalar(plain_or_quoted(true), line_).scalar;
      skip_blanks();
      if (!at(':')) return (void)fail();
      ++i_;
      n.members.push_back({std::move(key), value()});
    });
    return n;
  }

  std::string_view s_;
  size_t i_ = 0;
  size_t line_;
  bool ok_ = true;
};

bool balanced(const std::string& s) {
  int depth = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((s[i] == '\'' || s[i] == '"') && token_start(s, i)) {
      const size_t end = quote_end(s, i);
      if (end == std::string::npos) return false;
      i = end;
    } else if (s[i] == '[' || s[i] == '{') {
      ++depth;
    } else if (s[i] == ']' || s[i] == '}') {
      --depth;
    }
  }
  return depth <= 0;
}

// The block structure of one document.
class BlockReader {
 public:
  BlockReader(std::vector<Line> lines, std::vector<TreeError>& errors)
      : lines_(std::move(lines)), errors_(errors) {}

  std::optional<TreeNode> document() {
    if (lines_.empty()) return std::nullopt;
    TreeNode root = node(lines_[0].indent);
    for (; pos_ < lines_.size(); ++pos_) error("unexpected indentation; line skipped");
    return root;
  }

 private:
  void error(std::string message) { errors_.push_back({lines_[pos_].number, std::move(message)}); }

  TreeNode node(size_t indent) {
    const std::string& c = lines_[pos_].content;
    if (is_dash(c)) return list(indent);
    if (key_colon(c) != std::string::npos) return map(indent);
    return inline_value(c, indent);
  }

  TreeNode list(size_t indent) {
    TreeNode n = make(TreeNode::Kind::kList, lines_[pos_].number);
    while (pos_ < lines_.size() && lines_[pos_].indent == indent && is_dash(lines_[pos_].content)) {
      Line& l = lines_[pos_];
      const size_t skip = l.content.find_first_not_of(' ', 1);
      if (skip == std::string::npos) {
        n.items.push_back(nested_or_empty(indent, false));
        continue;
      }
      // "- key: value" opens a mapping at the column of `key`: read the line again as that.
      l.indent += skip;
      l.content.erase(0, skip);
      n.items.push_back(node(l.indent));
    }
    return n;
  }

  TreeNode map(size_t indent) {
    TreeNode n = make(TreeNode::Kind::kMap, lines_[pos_].number);
    while (pos_ < lines_.size() && lines_[pos_].indent == indent &&
           !is_dash(lines_[pos_].content)) {
      const std::string& c = lines_[pos_].content;
      const size_t colon = key_colon(c);
      if (colon == std::string::npos) {
        error("expected `key: value`; line skipped");
        ++pos_;
        continue;
      }
      std::string key = scalar(std::string_view(c).substr(0, colon), lines_[pos_].number).scalar;
      const std::string rest(trim(std::string_view(c).substr(colon + 1)));
      n.members.push_back({std::move(key), rest.empty() ? nested_or_empty(indent, true)
                                                        : inline_value(rest, indent)});
    }
    return n;
  }

  // The value under a `key:` or `-` with nothing after it. A mapping's list may sit at the
  // mapping's own indentation (`extensions:` then `- type: ...` in the same column).
  TreeNode nested_or_empty(size_t indent, bool dash_same_column) {
    const size_t line = lines_[pos_++].number;
    if (pos_ < lines_.size()) {
      const Line& next = lines_[pos_];
      if (next.indent > indent ||
          (dash_same_column && next.indent == indent && is_dash(next.content))) {
        return node(next.indent);
      }
    }
    return make(TreeNode::Kind::kScalar, line);
  }

  // A value on the line it starts: a flow collection, a `|` literal block, or a scalar.
  TreeNode inline_value(std::string_view text, size_t indent) {
    const size_t line = lines_[pos_].number;
    text = drop_tag(text);
    if (!text.empty() && (text.front() == '[' || text.front() == '{')) return flow(text);
    ++pos_;
    if (text == "|" || text == "|-") {
      TreeNode n = make(TreeNode::Kind::kScalar, line);
      for (; pos_ < lines_.size() && lines_[pos_].indent > indent; ++pos_) {
        n.scalar += (n.scalar.empty() ? "" : "\n") + lines_[pos_].content;
      }
      return n;
    }
    // A scalar may go on over more-indented lines (folded with a space, as YAML does).
    // A quoted one goes on until its quote closes, whatever the indentation.
    std::string joined(text);
    const bool open_quote = !joined.empty() && (joined[0] == '\'' || joined[0] == '"') &&
                            quote_end(joined, 0) == std::string::npos;
    for (; pos_ < lines_.size() && (lines_[pos_].indent > indent ||
                                    (open_quote && quote_end(joined, 0) == std::string::npos));
         ++pos_) {
      joined += " " + lines_[pos_].content;
    }
    return scalar(joined, line);
  }

  TreeNode flow(std::string_view first) {
    const size_t line = lines_[pos_].number;
    std::string text(first);
    while (!balanced(text) && ++pos_ < lines_.size()) text += "\n" + lines_[pos_].content;
    pos_ = std::min(pos_ + 1, lines_.size());
    FlowReader reader(text, line);
    TreeNode n = reader.value();
    if (!reader.ok() || !reader.done()) errors_.push_back({line, "unreadable flow value"});
    return n;
  }

  std::vector<Line> lines_;
  std::vector<TreeError>& errors_;
  size_t pos_ = 0;
};

void read_document(std::vector<Line>& lines, TreeDocuments& out) {
  if (auto doc = BlockReader(std::move(lines), out.errors).document()) {
    out.documents.push_back(std::move(*doc));
  }
  lines.clear();
}

}  // namespace

const TreeNode* TreeNode::get(std::string_view key) const {
  for (const auto& [k, v] : members) {
    if (k == key) return &v;
  }
  return nullptr;
}

std::string_view TreeNode::text(std::string_view key) const {
  const TreeNode* n = get(key);
  return n != nullptr && n->kind == Kind::kScalar ? std::string_view(n->scalar) : "";
}

TreeDocuments parse_tree(std::string_view text) {
  TreeDocuments out;
  std::vector<Line> lines;
  size_t number = 0;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string raw(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++number;
    if (raw.rfind("---", 0) == 0 || raw.rfind("...", 0) == 0) {
      read_document(lines, out);
      continue;
    }
    if (const size_t hash = comment_start(raw); hash != std::string::npos) raw.resize(hash);
    const size_t indent = raw.find_first_not_of(' ');
    if (indent == std::string::npos || trim(raw).empty()) continue;
    lines.push_back({number, indent, std::string(trim(raw))});
  }
  read_document(lines, out);
  return out;
}

}  // namespace fp::identify
