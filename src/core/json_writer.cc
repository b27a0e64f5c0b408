#include "core/json_writer.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>

namespace fp {
namespace {

bool needs_escape(char c) { return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20; }

void append_escape(std::string& out, char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  const auto byte = static_cast<unsigned char>(c);
  switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      out += "\\u00";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
  }
}

// Whether one of 8 bytes is '"', '\\' or below 0x20: the "has zero byte" and "has byte less
// than n" bit tricks, exact for every byte value.
bool word_needs_escape(uint64_t word) {
  constexpr uint64_t kOnes = 0x0101010101010101, kHigh = 0x8080808080808080;
  const auto has_zero = [](uint64_t x) { return (x - kOnes) & ~x & kHigh; };
  const uint64_t below_space = (word - kOnes * 0x20) & ~word & kHigh;
  return (below_space | has_zero(word ^ (kOnes * '"')) | has_zero(word ^ (kOnes * '\\'))) != 0;
}

// Runs of characters that need no escape are appended whole: fingerprints are long and plain,
// so they are scanned 8 bytes at a time.
void append_escaped(std::string& out, std::string_view text) {
  out += '"';
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    while (i + 8 <= text.size()) {
      uint64_t word;
      std::memcpy(&word, text.data() + i, sizeof word);
      if (word_needs_escape(word)) break;
      i += 8;
    }
    if (i == text.size()) break;
    if (!needs_escape(text[i])) continue;
    out.append(text, start, i - start);
    append_escape(out, text[i]);
    start = i + 1;
  }
  out.append(text, start, text.size() - start);
  out += '"';
}

}  // namespace

void JsonWriter::newline() {
  if (indent_ <= 0) return;
  out_ += '\n';
  out_.append(static_cast<size_t>(indent_ * (depth_ + static_cast<int>(has_items_.size()))), ' ');
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (has_items_.empty()) return;
  if (has_items_.back()) out_ += ',';
  has_items_.back() = true;
  newline();
}

bool JsonWriter::skip_scalar() noexcept {
  if (!skipping_) return false;
  if (skip_depth_ == 0) skipping_ = false;  // the left-out member's value is done
  return true;
}

bool JsonWriter::wants(std::string_view name) const noexcept {
  if (skipping_) return false;
  if (has_items_.size() != 1 || keep_only_ == nullptr) return true;
  return std::any_of(keep_only_->begin(), keep_only_->end(), [name](const std::string& k) {
    return k.size() == name.size() && k[0] == name[0] && k == name;
  });
}

void JsonWriter::key(std::string_view name) {
  if (skipping_) return;
  if (has_items_.size() == 1) {
    if (!wants(name)) {
      skipping_ = true;
      return;
    }
    ++top_level_members_;
  }
  before_value();
  append_escaped(out_, name);
  out_ += indent_ > 0 ? ": " : ":";
  after_key_ = true;
}

void JsonWriter::open(char bracket) {
  if (skipping_) {
    ++skip_depth_;
    return;
  }
  before_value();
  out_ += bracket;
  has_items_.push_back(false);
}

void JsonWriter::close(char bracket) {
  if (skipping_) {
    if (--skip_depth_ == 0) skipping_ = false;
    return;
  }
  const bool had_items = has_items_.back();
  has_items_.pop_back();
  if (had_items) newline();
  out_ += bracket;
}

void JsonWriter::string(std::string_view text) {
  if (skip_scalar()) return;
  before_value();
  append_escaped(out_, text);
}

void JsonWriter::number(uint64_t value) {
  if (skip_scalar()) return;
  before_value();
  char digits[24];
  const auto result = std::to_chars(digits, digits + sizeof digits, value);
  out_.append(digits, result.ptr);
}

void JsonWriter::boolean(bool value) {
  if (skip_scalar()) return;
  before_value();
  out_ += value ? "true" : "false";
}

void JsonWriter::raw(std::string_view json) {
  if (skip_scalar()) return;
  before_value();
  out_ += json;
}

}  // namespace fp
