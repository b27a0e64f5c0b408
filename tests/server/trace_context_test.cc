#include "server/trace_context.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <boost/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "server/access_log.h"

// Expected values are those of the W3C Trace Context Level 1 text (its examples) and of the
// W3C conformance suite (github.com/w3c/trace-context, test/test.py), whose cases are restated
// here as what a receiver must do with each header.
namespace fp::server {
namespace {

constexpr std::string_view kSpecExample = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
constexpr std::string_view kSuiteTraceId = "12345678901234567890123456789012";
constexpr std::string_view kSuiteParent = "00-12345678901234567890123456789012-1234567890123456-00";

bool is_hex(std::string_view text, size_t digits) {
  return std::regex_match(std::string(text),
                          std::regex("[0-9a-f]{" + std::to_string(digits) + "}"));
}

TEST(TraceParent, ParsesTheSpecExamples) {
  // "Examples of HTTP traceparent Headers": sampled, then not sampled.
  auto sampled = parse_traceparent(kSpecExample);
  ASSERT_TRUE(sampled);
  EXPECT_EQ(sampled->version, 0);
  EXPECT_EQ(sampled->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(sampled->parent_id, "00f067aa0ba902b7");
  EXPECT_EQ(sampled->flags, 0x01);
  EXPECT_TRUE(sampled->sampled());

  auto unsampled = parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
  ASSERT_TRUE(unsampled);
  EXPECT_FALSE(unsampled->sampled());

  // "Relationship Between the Headers".
  auto other = parse_traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->trace_id, "0af7651916cd43dd8448eb211c80319c");
  EXPECT_EQ(other->parent_id, "b7ad6b7169203331");
}

TEST(TraceParent, FlagsAreABitField) {
  // "trace-flags": 09 is sampled plus an undefined flag; mask, do not compare the number.
  auto parent = parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-09");
  ASSERT_TRUE(parent);
  EXPECT_EQ(parent->flags, 0x09);
  EXPECT_TRUE(parent->sampled());
  auto unsampled = parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-08");
  ASSERT_TRUE(unsampled);
  EXPECT_FALSE(unsampled->sampled());
}

TEST(TraceParent, SpacesAndTabsAroundTheValueAreIgnored) {
  for (std::string_view value : {" 00-12345678901234567890123456789012-1234567890123456-01",
                                 "\t00-12345678901234567890123456789012-1234567890123456-01",
                                 "00-12345678901234567890123456789012-1234567890123456-01 ",
                                 "\t 00-12345678901234567890123456789012-1234567890123456-01 \t"}) {
    auto parent = parse_traceparent(value);
    ASSERT_TRUE(parent) << value;
    EXPECT_EQ(parent->trace_id, kSuiteTraceId);
  }
}

TEST(TraceParent, LaterVersionsAreReadAsTheSpecSays) {
  // "Versioning of traceparent": version cc, with and without further fields.
  for (std::string_view value :
       {"cc-12345678901234567890123456789012-1234567890123456-01",
        "cc-12345678901234567890123456789012-1234567890123456-01-what-the-future-will-be-like"}) {
    auto parent = parse_traceparent(value);
    ASSERT_TRUE(parent) << value;
    EXPECT_EQ(parent->version, 0xcc);
    EXPECT_EQ(parent->trace_id, kSuiteTraceId);
    EXPECT_EQ(parent->parent_id, "1234567890123456");
    EXPECT_TRUE(parent->sampled());
  }
  // Only the sampled bit of a later version's flags is known.
  auto parent = parse_traceparent("cc-12345678901234567890123456789012-1234567890123456-ff");
  ASSERT_TRUE(parent);
  EXPECT_EQ(parent->flags, 0x01);
}

struct BadTraceParent {
  std::string_view value;
  TraceParentError error;
};

TEST(TraceParent, RejectsWhatTheConformanceSuiteRejects) {
  using E = TraceParentError;
  const BadTraceParent cases[] = {
      {"", E::kBadVersion},
      {"00-12345678901234567890123456789012-1234567890123456-01.", E::kTrailingData},
      {"00-12345678901234567890123456789012-1234567890123456-01-what-the-future-will-be-like",
       E::kTrailingData},
      {"cc-12345678901234567890123456789012-1234567890123456-01.what-the-future-will-be-like",
       E::kTrailingData},
      {"ff-12345678901234567890123456789012-1234567890123456-01", E::kBadVersion},
      {".0-12345678901234567890123456789012-1234567890123456-01", E::kBadVersion},
      {"0.-12345678901234567890123456789012-1234567890123456-01", E::kBadVersion},
      {"000-12345678901234567890123456789012-1234567890123456-01", E::kBadVersion},
      {"0000-12345678901234567890123456789012-1234567890123456-01", E::kBadVersion},
      {"0-12345678901234567890123456789012-1234567890123456-01", E::kBadVersion},
      {"00-00000000000000000000000000000000-1234567890123456-01", E::kZeroTraceId},
      {"00-.2345678901234567890123456789012-1234567890123456-01", E::kBadTraceId},
      {"00-1234567890123456789012345678901.-1234567890123456-01", E::kBadTraceId},
      {"00-123456789012345678901234567890123-1234567890123456-01", E::kBadTraceId},
      {"00-1234567890123456789012345678901-1234567890123456-01", E::kTooShort},
      {"00-12345678901234567890123456789012-0000000000000000-01", E::kZeroParentId},
      {"00-12345678901234567890123456789012-.234567890123456-01", E::kBadParentId},
      {"00-12345678901234567890123456789012-123456789012345.-01", E::kBadParentId},
      {"00-12345678901234567890123456789012-12345678901234567-01", E::kBadParentId},
      {"00-12345678901234567890123456789012-123456789012345-01", E::kTooShort},
      {"00-12345678901234567890123456789012-1234567890123456-.0", E::kBadFlags},
      {"00-12345678901234567890123456789012-1234567890123456-0.", E::kBadFlags},
      {"00-12345678901234567890123456789012-1234567890123456-001", E::kTrailingData},
      {"00-12345678901234567890123456789012-1234567890123456-1", E::kTooShort},
      // HEXDIGLC: upper case is not hex here.
      {"00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", E::kBadTraceId},
      {"00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01", E::kBadParentId},
      {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0A", E::kBadFlags},
      {"0A-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", E::kBadVersion},
      {"00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", E::kBadVersion},
      {"00-4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7-01", E::kBadTraceId},
      {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7\n01", E::kBadParentId},
      {std::string_view("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\0", 56),
       E::kTrailingData},
  };
  for (const auto& bad : cases) {
    auto parsed = parse_traceparent(bad.value);
    ASSERT_FALSE(parsed) << bad.value;
    EXPECT_EQ(parsed.error(), bad.error) << bad.value << ": " << describe(parsed.error());
  }
}

TEST(TraceState, KeepsMembersInOrderWithoutOptionalWhitespace) {
  // "Examples of tracestate HTTP Headers" and the suite's OWS cases.
  auto one = parse_tracestate("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
  ASSERT_TRUE(one);
  EXPECT_EQ(one->value, "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
  EXPECT_EQ(one->dropped, 0u);
  for (std::string_view spaced :
       {"foo=1 \t , \t bar=2, \t baz=3", "foo=1\t \t,\t \tbar=2,\t \tbaz=3"}) {
    auto state = parse_tracestate(spaced);
    ASSERT_TRUE(state) << spaced;
    EXPECT_EQ(state->value, "foo=1,bar=2,baz=3");
  }
  for (std::string_view single : {" foo=1", "\tfoo=1", "foo=1 ", "foo=1\t", "\t foo=1 \t"}) {
    auto state = parse_tracestate(single);
    ASSERT_TRUE(state) << single;
    EXPECT_EQ(state->value, "foo=1");
  }
  // A value keeps its inner and leading spaces ("Value").
  auto spaces = parse_tracestate("foo= a b");
  ASSERT_TRUE(spaces);
  EXPECT_EQ(spaces->value, "foo= a b");
}

TEST(TraceState, EmptyMembersAndEmptyHeadersAreAllowed) {
  for (std::string_view value : {"", " ", ",", "foo=1,", ",foo=1", "foo=1, ,bar=2"}) {
    auto state = parse_tracestate(value);
    ASSERT_TRUE(state) << "'" << value << "'";
  }
  EXPECT_EQ(parse_tracestate("")->value, "");
  EXPECT_EQ(parse_tracestate("foo=1, ,bar=2")->value, "foo=1,bar=2");
}

TEST(TraceState, AcceptsEveryAllowedCharacter) {
  // The suite's test_tracestate_all_allowed_characters.
  const std::string key = "abcdefghijklmnopqrstuvwxyz0123456789_-*/";
  const std::string vendor_key = key + "@a-z0-9_-*/";
  std::string value;
  for (int c = 0x20; c <= 0x7e; ++c) {
    if (c != ',' && c != '=') value += static_cast<char>(c);
  }
  for (const std::string& k : {key, vendor_key}) {
    auto state = parse_tracestate(k + "=" + value);
    ASSERT_TRUE(state) << k;
    EXPECT_EQ(state->value, k + "=" + value);
  }
}

TEST(TraceState, KeyLengthLimits) {
  // Level 1: simple-key up to 256, tenant-id up to 241, system-id up to 14 characters.
  EXPECT_TRUE(parse_tracestate("foo=1," + std::string(256, 'z') + "=1"));
  EXPECT_TRUE(
      parse_tracestate("foo=1," + std::string(241, 't') + "@" + std::string(14, 'v') + "=1"));
  EXPECT_EQ(parse_tracestate("foo=1," + std::string(257, 'z') + "=1").error(),
            TraceStateError::kBadKey);
  EXPECT_EQ(parse_tracestate("foo=1," + std::string(242, 't') + "@v=1").error(),
            TraceStateError::kBadKey);
  EXPECT_EQ(parse_tracestate("foo=1,t@" + std::string(15, 'v') + "=1").error(),
            TraceStateError::kBadKey);
  // A value holds at most 256 characters.
  EXPECT_TRUE(parse_tracestate("foo=" + std::string(256, 'v')));
  EXPECT_EQ(parse_tracestate("foo=" + std::string(257, 'v')).error(), TraceStateError::kBadValue);
}

struct BadTraceState {
  std::string_view value;
  TraceStateError error;
};

TEST(TraceState, RejectsTheWholeListForOneBadMember) {
  using E = TraceStateError;
  const BadTraceState cases[] = {
      {"foo=1,foo=1", E::kDuplicateKey},
      {"foo=1,foo=2", E::kDuplicateKey},
      {"foo =1", E::kBadKey},
      {"FOO=1", E::kBadKey},
      {"foo.bar=1", E::kBadKey},
      {"foo@=1,bar=2", E::kBadKey},
      {"@foo=1,bar=2", E::kBadKey},
      {"foo@@bar=1,bar=2", E::kBadKey},
      {"foo@bar@baz=1,bar=2", E::kBadKey},
      {"1foo=1", E::kBadKey},      // a simple-key starts with a letter in Level 1
      {"foo@1bar=1", E::kBadKey},  // and so does a system-id
      {"foo=bar=baz", E::kBadValue},
      {"foo=,bar=3", E::kBadValue},
      {"foo=a\tb", E::kBadValue},
      {"foo=a\r\nb", E::kBadValue},
      {"foo=caf\xC3\xA9", E::kBadValue},
      {"foo", E::kBadMember},
      {"foo=1,bar", E::kBadMember},
  };
  for (const auto& bad : cases) {
    auto state = parse_tracestate(bad.value);
    ASSERT_FALSE(state) << bad.value;
    EXPECT_EQ(state.error(), bad.error) << bad.value << ": " << describe(state.error());
  }
}

std::string numbered_members(int count) {
  std::string out;
  for (int i = 1; i <= count; ++i) {
    out += (i > 1 ? "," : "") + std::string("bar") + (i < 10 ? "0" : "") + std::to_string(i) + "=" +
           std::to_string(i);
  }
  return out;
}

TEST(TraceState, AtMost32Members) {
  auto full = parse_tracestate(numbered_members(32));
  ASSERT_TRUE(full);
  EXPECT_EQ(full->value, numbered_members(32));
  EXPECT_EQ(parse_tracestate(numbered_members(33)).error(), TraceStateError::kTooManyMembers);
}

TEST(TraceState, LongListsLoseWholeMembersLongOnesFirstThenFromTheEnd) {
  // 4 members of 120 characters and 3 commas: 483, within 512.
  auto member = [](char key) { return std::string(1, key) + "=" + std::string(118, 'v'); };
  const std::string four = member('a') + "," + member('b') + "," + member('c') + "," + member('d');
  auto kept = parse_tracestate(four);
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->value, four);
  EXPECT_EQ(kept->dropped, 0u);
  // A fifth makes 604: the last goes.
  auto cut = parse_tracestate(four + "," + member('e'));
  ASSERT_TRUE(cut);
  EXPECT_EQ(cut->value, four);
  EXPECT_EQ(cut->dropped, 1u);
  // A member over 128 characters in the middle goes before any shorter one.
  const std::string long_member = "l=" + std::string(200, 'v');
  auto long_first = parse_tracestate(member('a') + "," + long_member + "," + member('b') + "," +
                                     member('c') + "," + member('d'));
  ASSERT_TRUE(long_first);
  EXPECT_EQ(long_first->value, four);
  EXPECT_EQ(long_first->dropped, 1u);
}

HeaderList with(std::initializer_list<std::pair<std::string, std::string>> headers) {
  return HeaderList(headers);
}

TEST(TraceContextOf, StartsATraceWhenThereIsNone) {
  const TraceContext trace = trace_context_of(with({{"Host", "x"}, {"tracestate", "foo=1"}}));
  EXPECT_TRUE(is_hex(trace.trace_id, 32)) << trace.trace_id;
  EXPECT_TRUE(is_hex(trace.span_id, 16)) << trace.span_id;
  EXPECT_EQ(trace.parent_id, "");
  EXPECT_FALSE(trace.sampled);      // "Sampled flag": 0 by default for a trace we start
  EXPECT_EQ(trace.tracestate, "");  // tracestate without traceparent is not read
  EXPECT_FALSE(trace.traceparent_error);
  EXPECT_EQ(trace.traceparent(), "00-" + trace.trace_id + "-" + trace.span_id + "-00");
}

TEST(TraceContextOf, ContinuesTheCallersTraceWithASpanOfItsOwn) {
  const TraceContext trace = trace_context_of(
      with({{"TrAcEpArEnT", std::string(kSpecExample)}, {"tracestate", "congo=t61rcWkgMzE"}}));
  EXPECT_EQ(trace.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(trace.parent_id, "00f067aa0ba902b7");
  EXPECT_TRUE(is_hex(trace.span_id, 16));
  EXPECT_NE(trace.span_id, "00f067aa0ba902b7");
  EXPECT_TRUE(trace.sampled);
  EXPECT_EQ(trace.tracestate, "congo=t61rcWkgMzE");
  EXPECT_EQ(trace.traceparent(), "00-4bf92f3577b34da6a3ce929d0e0e4736-" + trace.span_id + "-01");
}

TEST(TraceContextOf, SendsVersion00WithOnlyTheSampledFlag) {
  const TraceContext trace = trace_context_of(
      with({{"traceparent", "cc-12345678901234567890123456789012-1234567890123456-ff-future"}}));
  EXPECT_EQ(trace.trace_id, kSuiteTraceId);
  EXPECT_EQ(trace.traceparent(), "00-" + std::string(kSuiteTraceId) + "-" + trace.span_id + "-01");
  const TraceContext other = trace_context_of(
      with({{"traceparent", "00-12345678901234567890123456789012-1234567890123456-fe"}}));
  EXPECT_EQ(other.traceparent(), "00-" + std::string(kSuiteTraceId) + "-" + other.span_id + "-00");
}

TEST(TraceContextOf, EveryRequestGetsADifferentSpan) {
  std::set<std::string> spans;
  for (int i = 0; i < 200; ++i) {
    spans.insert(trace_context_of(with({{"traceparent", std::string(kSpecExample)}})).span_id);
  }
  EXPECT_EQ(spans.size(), 200u);
}

TEST(TraceContextOf, TwoTraceparentHeadersStartANewTrace) {
  const TraceContext trace = trace_context_of(
      with({{"traceparent", "00-12345678901234567890123456789011-1234567890123456-01"},
            {"traceparent", "00-12345678901234567890123456789012-1234567890123456-01"},
            {"tracestate", "foo=1"}}));
  EXPECT_NE(trace.trace_id, "12345678901234567890123456789011");
  EXPECT_NE(trace.trace_id, "12345678901234567890123456789012");
  EXPECT_EQ(trace.traceparent_error, TraceParentError::kDuplicated);
  EXPECT_EQ(trace.tracestate, "");
}

TEST(TraceContextOf, AnInvalidTraceparentStartsANewTraceAndDropsTracestate) {
  const TraceContext trace = trace_context_of(
      with({{"traceparent", "00-00000000000000000000000000000000-1234567890123456-01"},
            {"tracestate", "foo=1"}}));
  EXPECT_TRUE(is_hex(trace.trace_id, 32));
  EXPECT_NE(trace.trace_id, std::string(32, '0'));
  EXPECT_EQ(trace.parent_id, "");
  EXPECT_EQ(trace.traceparent_error, TraceParentError::kZeroTraceId);
  EXPECT_EQ(trace.tracestate, "");
  // Wrong header names are other headers.
  const TraceContext renamed =
      trace_context_of(with({{"trace-parent", std::string(kSpecExample)}}));
  EXPECT_NE(renamed.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
}

TEST(TraceContextOf, JoinsTracestateFieldsInOrder) {
  const TraceContext trace = trace_context_of(with({{"traceparent", std::string(kSuiteParent)},
                                                    {"tracestate", "foo=1,bar=2"},
                                                    {"TraceState", "rojo=1,congo=2"},
                                                    {"tracestate", ""},
                                                    {"TRACESTATE", "baz=3"}}));
  EXPECT_EQ(trace.tracestate, "foo=1,bar=2,rojo=1,congo=2,baz=3");
  // A key repeated across fields is a duplicate too; traceparent still holds.
  const TraceContext twice = trace_context_of(with({{"traceparent", std::string(kSuiteParent)},
                                                    {"tracestate", "foo=1"},
                                                    {"tracestate", "foo=2"}}));
  EXPECT_EQ(twice.trace_id, kSuiteTraceId);
  EXPECT_EQ(twice.tracestate, "");
  EXPECT_EQ(twice.tracestate_error, TraceStateError::kDuplicateKey);
  // Ignored: wrong names.
  const TraceContext renamed = trace_context_of(
      with({{"traceparent", std::string(kSuiteParent)}, {"trace-state", "foo=1"}}));
  EXPECT_EQ(renamed.tracestate, "");
}

TEST(TraceContextOf, CountsMembersDroppedToFit) {
  std::string long_state;
  for (char key = 'a'; key <= 'e'; ++key) {
    long_state += std::string(long_state.empty() ? "" : ",") + key + "=" + std::string(118, 'v');
  }
  const TraceContext trace = trace_context_of(
      with({{"traceparent", std::string(kSuiteParent)}, {"tracestate", long_state}}));
  EXPECT_EQ(trace.tracestate_dropped, 1u);
  EXPECT_LE(trace.tracestate.size(), kMaxTraceStateLength);
}

TEST(SetTraceHeaders, AnswersWithOurSpanAndTheCallersState) {
  const TraceContext trace = trace_context_of(
      with({{"traceparent", std::string(kSpecExample)}, {"tracestate", "congo=t61rcWkgMzE"}}));
  Response response;
  set_trace_headers(trace, response);
  ASSERT_EQ(response.headers.size(), 2u);
  EXPECT_EQ(response.headers[0].first, "traceparent");
  EXPECT_EQ(response.headers[0].second,
            "00-4bf92f3577b34da6a3ce929d0e0e4736-" + trace.span_id + "-01");
  EXPECT_EQ(response.headers[1],
            (std::pair<std::string, std::string>{"tracestate", "congo=t61rcWkgMzE"}));
  Response fresh;
  set_trace_headers(trace_context_of({}), fresh);
  ASSERT_EQ(fresh.headers.size(), 1u);  // no tracestate of our own
  EXPECT_TRUE(
      std::regex_match(fresh.headers[0].second, std::regex("00-[0-9a-f]{32}-[0-9a-f]{16}-00")));
}

std::vector<boost::json::object> log_lines(const std::string& text) {
  std::vector<boost::json::object> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(boost::json::parse(line).as_object());
  }
  return lines;
}

TEST(AccessLogTrace, LogsTraceTransactionAndParentIds) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out, true);
  AccessLog log("info", sink);
  Request request;
  request.method = "GET";
  request.path = "/healthz";
  request.headers = {{"traceparent", std::string(kSpecExample)}};
  const TraceContext continued = trace_context_of(request.headers);
  log.request(request, Response{}, "/healthz", std::chrono::nanoseconds(1), {}, &continued);
  const TraceContext started = trace_context_of({});
  log.request(Request{}, Response{}, "/healthz", std::chrono::nanoseconds(1), {}, &started);
  const auto lines = log_lines(out.str());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].at("trace.id").as_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(lines[0].at("transaction.id").as_string(), continued.span_id);
  EXPECT_EQ(lines[0].at("fp.trace.parent_id").as_string(), "00f067aa0ba902b7");
  EXPECT_EQ(lines[1].at("trace.id").as_string(), started.trace_id);
  EXPECT_EQ(lines[1].at("transaction.id").as_string(), started.span_id);
  EXPECT_FALSE(lines[1].contains("fp.trace.parent_id"));
}

}  // namespace
}  // namespace fp::server
