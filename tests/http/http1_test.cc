#include "http/http1.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "core/limits.h"

namespace fp::http {
namespace {

Bytes as_bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
Http1Parse parse(std::string_view s) { return parse_http1_request(as_bytes(s)); }

TEST(Http1, SimpleGet) {
  const std::string req = "GET /a?b=c HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n";
  const Http1Parse p = parse(req);
  ASSERT_EQ(p.status, ParseStatus::kDone);
  EXPECT_EQ(p.consumed, req.size());
  EXPECT_EQ(p.request.method, "GET");
  EXPECT_EQ(p.request.target, "/a?b=c");
  EXPECT_EQ(p.request.version, "HTTP/1.1");
  ASSERT_EQ(p.request.headers.size(), 2u);
  EXPECT_EQ(p.request.headers[0], (Header{"Host", "example.com"}));
  EXPECT_EQ(p.request.headers[1], (Header{"Accept", "*/*"}));
}

TEST(Http1, ConsumedStopsAtEndOfHeadBeforeBody) {
  const std::string head = "POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n";
  const Http1Parse p = parse(head + "hello");
  ASSERT_EQ(p.status, ParseStatus::kDone);
  EXPECT_EQ(p.consumed, head.size());
  EXPECT_EQ(declared_body_length(p.request), 5u);
}

TEST(Http1, NeedMoreUntilEmptyLine) {
  const std::string req = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";
  for (size_t n = 0; n < req.size(); ++n) {
    EXPECT_EQ(parse(req.substr(0, n)).status, ParseStatus::kNeedMore) << n;
  }
  EXPECT_EQ(parse(req).status, ParseStatus::kDone);
}

TEST(Http1, BareLineFeedsTolerated) {
  const Http1Parse p = parse("GET / HTTP/1.0\nHost: h\nX-A: 1\n\n");
  ASSERT_EQ(p.status, ParseStatus::kDone);
  ASSERT_EQ(p.request.headers.size(), 2u);
  EXPECT_EQ(p.request.headers[1], (Header{"X-A", "1"}));
}

TEST(Http1, MixedLineEnds) {
  const std::string req = "GET / HTTP/1.1\r\nHost: h\n\r\n";
  const Http1Parse p = parse(req);
  ASSERT_EQ(p.status, ParseStatus::kDone);
  EXPECT_EQ(p.consumed, req.size());
}

TEST(Http1, NoHeaders) {
  const Http1Parse p = parse("GET / HTTP/1.0\r\n\r\n");
  ASSERT_EQ(p.status, ParseStatus::kDone);
  EXPECT_TRUE(p.request.headers.empty());
}

TEST(Http1, LeadingEmptyLinesIgnored) {
  const std::string req = "\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n";
  const Http1Parse p = parse(req);
  ASSERT_EQ(p.status, ParseStatus::kDone);
  EXPECT_EQ(p.consumed, req.size());
  EXPECT_EQ(p.request.method, "GET");
}

TEST(Http1, ObsFoldJoinsPreviousValue) {
  const Http1Parse p =
      parse("GET / HTTP/1.1\r\nX-Long: one\r\n  two\r\n\tthree\r\nHost: h\r\n\r\n");
  ASSERT_EQ(p.status, ParseStatus::kDone);
  ASSERT_EQ(p.request.headers.size(), 2u);
  EXPECT_EQ(p.request.headers[0], (Header{"X-Long", "one two three"}));
}

TEST(Http1, FoldBeforeAnyHeaderIsAnError) {
  const Http1Parse p = parse("GET / HTTP/1.1\r\n folded\r\n\r\n");
  EXPECT_EQ(p.status, ParseStatus::kError);
  EXPECT_EQ(p.error, Http1Error::kBadHeader);
}

TEST(Http1, ValueWhitespaceTrimmedNameCaseKept) {
  const Http1Parse p = parse("GET / HTTP/1.1\r\nuSeR-aGeNt: \t a b \t\r\nEmpty:\r\n\r\n");
  ASSERT_EQ(p.status, ParseStatus::kDone);
  EXPECT_EQ(p.request.headers[0], (Header{"uSeR-aGeNt", "a b"}));
  EXPECT_EQ(p.request.headers[1], (Header{"Empty", ""}));
}

TEST(Http1, HeaderWithoutColon) {
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nNoColon\r\n\r\n").error, Http1Error::kBadHeader);
}

TEST(Http1, SpaceBeforeColonRejected) {
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost : h\r\n\r\n").error, Http1Error::kBadHeader);
}

TEST(Http1, BadRequestLines) {
  for (std::string_view line :
       {"GET /\r\n\r\n", "GET / HTTP/1.1 extra\r\n\r\n", "G(T / HTTP/1.1\r\n\r\n",
        "GET / HTTPS/1.1\r\n\r\n", " GET / HTTP/1.1\r\n\r\n", "\x16\x03\x01\x02\x05\x01\n\n"}) {
    const Http1Parse p = parse(line);
    EXPECT_EQ(p.status, ParseStatus::kError) << line;
    EXPECT_EQ(p.error, Http1Error::kBadRequestLine) << line;
  }
}

TEST(Http1, BadRequestLineReportedBeforeHeadIsComplete) {
  const Http1Parse p = parse("NOT HTTP AT ALL\r\nHost: h\r\n");
  EXPECT_EQ(p.status, ParseStatus::kError);
  EXPECT_EQ(p.error, Http1Error::kBadRequestLine);
}

TEST(Http1, ExtraSpacesInRequestLineTolerated) {
  const Http1Parse p = parse("GET  /x  HTTP/1.1\r\n\r\n");
  ASSERT_EQ(p.status, ParseStatus::kDone);
  EXPECT_EQ(p.request.target, "/x");
}

TEST(Http1, TooLargeWithoutEnd) {
  std::string req = "GET / HTTP/1.1\r\n";
  while (req.size() < limits::kMaxHttpHead) req += "X-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";
  const Http1Parse p = parse(req);
  EXPECT_EQ(p.status, ParseStatus::kError);
  EXPECT_EQ(p.error, Http1Error::kTooLarge);
}

TEST(Http1, TooLargeWithEnd) {
  std::string req = "GET / HTTP/1.1\r\nX: " + std::string(limits::kMaxHttpHead, 'a') + "\r\n\r\n";
  EXPECT_EQ(parse(req).error, Http1Error::kTooLarge);
}

TEST(Http1, HeaderFlood) {
  std::string req = "GET / HTTP/1.1\r\n";
  for (size_t i = 0; i <= limits::kMaxHttpHeaders; ++i) req += "A: b\r\n";
  req += "\r\n";
  const Http1Parse p = parse(req);
  EXPECT_EQ(p.status, ParseStatus::kError);
  EXPECT_EQ(p.error, Http1Error::kTooManyHeaders);
}

TEST(Http1, ExactlyTheHeaderLimitIsFine) {
  std::string req = "GET / HTTP/1.1\r\n";
  for (size_t i = 0; i < limits::kMaxHttpHeaders; ++i) req += "A: b\r\n";
  req += "\r\n";
  EXPECT_EQ(parse(req).status, ParseStatus::kDone);
}

TEST(LooksLikeHttp1, Methods) {
  EXPECT_TRUE(looks_like_http1_request(as_bytes("GET / HTTP/1.1")));
  EXPECT_TRUE(looks_like_http1_request(as_bytes("M-SEARCH * HTTP/1.1")));
  EXPECT_TRUE(looks_like_http1_request(as_bytes("PRI * HTTP/2.0")));
  EXPECT_FALSE(looks_like_http1_request(as_bytes("get / HTTP/1.1")));
  EXPECT_FALSE(looks_like_http1_request(as_bytes("GET")));
  EXPECT_FALSE(looks_like_http1_request(as_bytes(" GET")));
  EXPECT_FALSE(looks_like_http1_request(as_bytes("\x16\x03\x01")));
  EXPECT_FALSE(looks_like_http1_request(as_bytes("SSH-2.0-OpenSSH")));
  EXPECT_FALSE(looks_like_http1_request(as_bytes("")));
}

HttpRequest with(std::vector<Header> headers) { return {"POST", "/", "HTTP/1.1", headers}; }

TEST(DeclaredBodyLength, ContentLength) {
  EXPECT_EQ(declared_body_length(with({{"content-length", "1234"}})), 1234u);
  EXPECT_EQ(declared_body_length(with({{"Content-Length", "0"}})), 0u);
  EXPECT_EQ(declared_body_length(with({})), 0u);
}

TEST(DeclaredBodyLength, ChunkedOrInvalidIsZero) {
  EXPECT_EQ(declared_body_length(with({{"Transfer-Encoding", "chunked"}, {"Content-Length", "9"}})),
            0u);
  EXPECT_EQ(declared_body_length(with({{"Content-Length", "12a"}})), 0u);
  EXPECT_EQ(declared_body_length(with({{"Content-Length", "-1"}})), 0u);
  EXPECT_EQ(declared_body_length(with({{"Content-Length", ""}})), 0u);
}

TEST(DeclaredBodyLength, HugeSaturates) {
  EXPECT_EQ(declared_body_length(with({{"Content-Length", "99999999999999999999999999"}})),
            std::numeric_limits<size_t>::max());
}

TEST(Http1Describe, EveryError) {
  EXPECT_FALSE(describe(Http1Error::kTooLarge).empty());
  EXPECT_NE(describe(Http1Error::kBadHeader), describe(Http1Error::kBadRequestLine));
}

}  // namespace
}  // namespace fp::http
