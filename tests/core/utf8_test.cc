#include "core/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace fp {
namespace {

const std::string kReplacement = "\xEF\xBF\xBD";  // U+FFFD

TEST(Utf8, ValidSequences) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("caf\xC3\xA9"));           // U+00E9
  EXPECT_TRUE(is_valid_utf8("\xE2\x82\xAC"));          // U+20AC
  EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x98\x80"));      // U+1F600
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));      // U+10FFFF, the last code point
  EXPECT_TRUE(is_valid_utf8(std::string("a\0b", 3)));  // NUL is a valid code point
  EXPECT_TRUE(is_valid_utf8("\xED\x9F\xBF"));          // U+D7FF, just below the surrogates
}

// RFC 3629 section 3 / Unicode table 3-7: what is not well-formed.
TEST(Utf8, InvalidSequences) {
  EXPECT_FALSE(is_valid_utf8("\x80"));              // lone continuation byte
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xC1\xBF"));          // overlong
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong 3-byte
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // U+D800, a surrogate
  EXPECT_FALSE(is_valid_utf8("\xF0\x80\x80\xAF"));  // overlong 4-byte
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(is_valid_utf8("\xFF"));
  EXPECT_FALSE(is_valid_utf8("\xE2\x82"));  // truncated at the end
  EXPECT_FALSE(is_valid_utf8("\xC3\x28"));  // bad continuation
}

TEST(Utf8, ValidTextIsUnchanged) {
  const std::string s = "h\xC3\xA9llo \xF0\x9F\x98\x80";
  EXPECT_EQ(to_valid_utf8(s), s);
}

TEST(Utf8, InvalidBytesBecomeReplacementCharacter) {
  EXPECT_EQ(to_valid_utf8("a\xFF"
                          "b"),
            "a" + kReplacement + "b");
  EXPECT_EQ(to_valid_utf8("\x80"), kReplacement);
  // C3 followed by '(' : the C3 is replaced, '(' is kept.
  EXPECT_EQ(to_valid_utf8("\xC3("), kReplacement + "(");
  // Each byte of an overlong form is an ill-formed subsequence of its own (Unicode 3.9, U+FFFD
  // substitution of maximal subparts: C0 and AF can never start or continue a sequence).
  EXPECT_EQ(to_valid_utf8("\xC0\xAF"), kReplacement + kReplacement);
}

TEST(Utf8, OutputIsAlwaysValid) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  EXPECT_TRUE(is_valid_utf8(to_valid_utf8(all)));
  EXPECT_TRUE(is_valid_utf8(to_valid_utf8("\xF0\x9F\x98")));  // truncated 4-byte sequence
}

}  // namespace
}  // namespace fp
