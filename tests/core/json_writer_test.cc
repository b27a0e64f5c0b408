// JsonWriter against RFC 8259: escapes, nesting, separators, and the indented form.
#include "core/json_writer.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <random>

namespace fp {
namespace {

TEST(JsonWriter, EscapesWhatRfc8259Requires) {
  std::string out;
  JsonWriter w(out);
  w.string(std::string_view("a\"b\\c\n\r\t\x01\x1f/\xc3\xa9", 13));
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\r\\t\\u0001\\u001f/\xc3\xa9\"");
}

// The 8-byte scan must find a character to escape at any offset, and in any word.
TEST(JsonWriter, EscapesAtEveryOffsetOfALongString) {
  for (const char special : {'"', '\\', '\n', '\x01', '\x1f'}) {
    for (size_t at = 0; at < 40; ++at) {
      std::string text(40, 'a');
      text[at] = special;
      std::string out;
      JsonWriter(out).string(text);
      EXPECT_EQ(boost::json::parse(out).as_string(), text) << "offset " << at;
      EXPECT_EQ(out.size(), 42 + (special == '"' || special == '\\' || special == '\n' ? 1 : 5));
    }
  }
}

// Boost.JSON's parser as the oracle: what we write reads back as the same string.
TEST(JsonWriter, RandomAsciiReadsBackWithBoostJson) {
  std::mt19937 random(7);
  for (int round = 0; round < 2000; ++round) {
    std::string text(random() % 64, ' ');
    for (char& c : text) c = static_cast<char>(random() % 0x80);
    std::string out;
    JsonWriter(out).string(text);
    ASSERT_EQ(boost::json::parse(out).as_string(), text);
  }
}

TEST(JsonWriter, KeepOnlyPassesOverOtherMembersWhole) {
  const std::vector<std::string> keep = {"b", "d"};
  std::string out;
  JsonWriter w(out);
  w.keep_only(&keep);
  w.begin_object();
  w.member("a", "1");
  w.key("b");
  w.begin_array();
  w.number(2);
  w.end_array();
  w.key("c");
  w.begin_object();
  w.key("b");  // a nested key of a left-out member stays left out
  w.begin_array();
  w.boolean(true);
  w.end_array();
  w.end_object();
  w.key("d");
  w.raw("null");
  w.key("e");
  w.string("5");
  w.end_object();
  EXPECT_EQ(out, "{\"b\":[2],\"d\":null}");
  EXPECT_EQ(w.top_level_members(), 2u);
}

TEST(JsonWriter, SeparatesMembersAndItems) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.member("n", uint64_t{18446744073709551615u});
  w.key("list");
  w.begin_array();
  w.string("x");
  w.boolean(false);
  w.begin_object();
  w.end_object();
  w.end_array();
  w.key("raw");
  w.raw("{\"k\":null}");
  w.end_object();
  EXPECT_EQ(out, "{\"n\":18446744073709551615,\"list\":[\"x\",false,{}],\"raw\":{\"k\":null}}");
}

TEST(JsonWriter, IndentsOneMemberPerLine) {
  std::string out;
  JsonWriter w(out, 2);
  w.begin_object();
  w.member("a", "1");
  w.key("b");
  w.begin_array();
  w.number(2);
  w.end_array();
  w.key("c");
  w.begin_array();
  w.end_array();
  w.end_object();
  EXPECT_EQ(out, "{\n  \"a\": \"1\",\n  \"b\": [\n    2\n  ],\n  \"c\": []\n}");
}

}  // namespace
}  // namespace fp
