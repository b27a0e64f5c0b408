#include "support/mini_json.h"

namespace fp::test {
namespace {

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  std::optional<Json> document() {
    auto v = value();
    skip_ws();
    if (!v || pos_ != s_.size()) return std::nullopt;
    return v;
  }

 private:
  void skip_ws() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\r' || s_[pos_] == '\t')) {
      ++pos_;
    }
  }
  bool eat(char c) {
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  std::optional<Json> value() {
    skip_ws();
    if (pos_ >= s_.size()) return std::nullopt;
    const char c = s_[pos_];
    if (c == '{') return object();
    if (c == '[') return array();
    if (c == '"') {
      auto str = string();
      if (!str) return std::nullopt;
      return Json{Json::Kind::kString, *str, {}, {}};
    }
    return scalar();
  }

  std::optional<Json> scalar() {
    const size_t start = pos_;
    while (pos_ < s_.size() &&
           std::string_view(",]} \n\r\t").find(s_[pos_]) == std::string_view::npos) {
      ++pos_;
    }
    const std::string word(s_.substr(start, pos_ - start));
    if (word.empty()) return std::nullopt;
    if (word == "null") return Json{};
    if (word == "true" || word == "false") return Json{Json::Kind::kBool, word, {}, {}};
    return Json{Json::Kind::kNumber, word, {}, {}};
  }

  std::optional<std::string> string() {
    if (!eat('"')) return std::nullopt;
    std::string out;
    while (pos_ < s_.size() && s_[pos_] != '"') {
      char c = s_[pos_++];
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (pos_ >= s_.size()) return std::nullopt;
      c = s_[pos_++];
      if (c == 'n')
        out.push_back('\n');
      else if (c == 't')
        out.push_back('\t');
      else if (c == 'u') {
        if (pos_ + 4 > s_.size()) return std::nullopt;
        const unsigned cp = std::stoul(std::string(s_.substr(pos_, 4)), nullptr, 16);
        pos_ += 4;
        if (cp < 0x80) {
          out.push_back(static_cast<char>(cp));
        } else if (cp < 0x800) {
          out.push_back(static_cast<char>(0xc0 | cp >> 6));
          out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
        } else {
          out.push_back(static_cast<char>(0xe0 | cp >> 12));
          out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
          out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
        }
      } else {
        out.push_back(c);
      }
    }
    if (pos_ >= s_.size()) return std::nullopt;
    ++pos_;
    return out;
  }

  std::optional<Json> array() {
    (void)eat('[');
    Json j{Json::Kind::kArray, {}, {}, {}};
    if (eat(']')) return j;
    do {
      auto v = value();
      if (!v) return std::nullopt;
      j.items.push_back(std::move(*v));
    } while (eat(','));
    if (!eat(']')) return std::nullopt;
    return j;
  }

  std::optional<Json> object() {
    (void)eat('{');
    Json j{Json::Kind::kObject, {}, {}, {}};
    if (eat('}')) return j;
    do {
      skip_ws();
      auto key = string();
      if (!key || !eat(':')) return std::nullopt;
      auto v = value();
      if (!v) return std::nullopt;
      j.members.push_back({std::move(*key), std::move(*v)});
    } while (eat(','));
    if (!eat('}')) return std::nullopt;
    return j;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

std::optional<std::string> Json::get(std::string_view key) const {
  for (const auto& [k, v] : members) {
    if (k == key && (v.kind == Kind::kString || v.kind == Kind::kNumber)) return v.text;
  }
  return std::nullopt;
}

std::optional<Json> parse_json(std::string_view text) { return Parser(text).document(); }

}  // namespace fp::test
