// JsonWriter against RFC 8259: escapes, nesting, separators, and the indented form.
#include "core/json_writer.h"

#include <gtest/gtest.h>

namespace fp {
namespace {

TEST(JsonWriter, EscapesWhatRfc8259Requires) {
  std::string out;
  JsonWriter w(out);
  w.string(std::string_view("a\"b\\c\n\r\t\x01\x1f/\xc3\xa9", 13));
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\r\\t\\u0001\\u001f/\xc3\xa9\"");
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
