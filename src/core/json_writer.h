#pragma once
// Writes JSON text straight into a string, in the order the caller gives keys: the output path of
// every record, where building a document tree first cost more than fingerprinting. Strings must
// be valid UTF-8 (see core/utf8.h); they are escaped as RFC 8259 requires.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fp {

class JsonWriter {
 public:
  // `indent` 0 writes one line; more writes one member per line, `depth` levels in already.
  explicit JsonWriter(std::string& out, int indent = 0, int depth = 0)
      : out_(out), indent_(indent), depth_(depth) {}

  // Only these members of the outermost object are written, each whole with its value; the
  // others are passed over (`analyze --fields`). `keys` outlives the writer; nullptr: all.
  void keep_only(const std::vector<std::string>* keys) noexcept { keep_only_ = keys; }
  // False when a member `name` written now would be left out: a caller can then skip computing
  // its value.
  [[nodiscard]] bool wants(std::string_view name) const noexcept;
  // Members of the outermost object written so far.
  [[nodiscard]] size_t top_level_members() const noexcept { return top_level_members_; }

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }

  void key(std::string_view name);
  void string(std::string_view text);
  void number(uint64_t value);
  void boolean(bool value);
  // A value that is already JSON text.
  void raw(std::string_view json);

  // Shorthands for a member.
  void member(std::string_view name, std::string_view text) {
    key(name);
    string(text);
  }
  void member(std::string_view name, uint64_t value) {
    key(name);
    number(value);
  }

 private:
  void open(char bracket);
  void close(char bracket);
  void before_value();
  void newline();
  // While a member left out by keep_only() is passed over: true for a scalar value done.
  bool skip_scalar() noexcept;

  std::string& out_;
  int indent_;
  int depth_;
  std::vector<bool> has_items_;  // per open container: whether it holds an item yet
  bool after_key_ = false;
  const std::vector<std::string>* keep_only_ = nullptr;
  size_t top_level_members_ = 0;
  bool skipping_ = false;  // passing over a member left out
  int skip_depth_ = 0;     // containers opened inside it
};

}  // namespace fp
