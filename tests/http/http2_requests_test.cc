// Every request of an HTTP/2 connection, one HPACK context for all: the three requests of
// RFC 7541 C.3 (the second and third refer to the dynamic table entries the first added), in
// frames built by hand (h2_builder.h), fed whole and byte by byte.
#include "http/http2_requests.h"

#include <gtest/gtest.h>

#include "core/hex.h"
#include "http/h2_builder.h"

namespace fp::http {
namespace {

using test::Wire;

Wire unhex(const char* text) { return *hex_decode(text); }

// RFC 7541 C.3.1 - C.3.3, hex without spaces.
const char* kBlock1 = "828684410f7777772e6578616d706c652e636f6d";
const char* kBlock2 = "828684be58086e6f2d6361636865";
const char* kBlock3 = "828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565";

using Fields = std::vector<std::pair<std::string, std::string>>;

Fields fields_of(const HttpRequest& r) {
  Fields out;
  for (const Header& h : r.headers) out.emplace_back(h.name, h.value);
  return out;
}

Wire connection() {
  const Wire block2 = unhex(kBlock2);
  const Wire first_half(block2.begin(), block2.begin() + 5);
  const Wire second_half(block2.begin() + 5, block2.end());
  Wire padded_priority = {3, 0, 0, 0, 0, 15};  // pad length 3, priority block (RFC 9113 6.2)
  const Wire block3 = unhex(kBlock3);
  padded_priority.insert(padded_priority.end(), block3.begin(), block3.end());
  padded_priority.insert(padded_priority.end(), {0, 0, 0});
  return test::concat({test::magic(), test::settings({{1, 65536}, {4, 6291456}}),
                       test::window_update(0, 15663105), test::headers(1, unhex(kBlock1)),
                       test::frame(0x0, 0x1, 1, test::bytes_of("body")),
                       test::headers(3, first_half, 0x1),  // END_STREAM, no END_HEADERS
                       test::continuation(3, second_half, true),
                       test::headers(1, unhex("82"), 0x5),  // trailers on stream 1
                       test::headers(5, padded_priority, 0x4 | 0x8 | 0x20)});
}

void expect_c3(const std::vector<HttpRequest>& requests) {
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(fields_of(requests[0]), (Fields{{":method", "GET"},
                                            {":scheme", "http"},
                                            {":path", "/"},
                                            {":authority", "www.example.com"}}));
  EXPECT_EQ(fields_of(requests[1]), (Fields{{":method", "GET"},
                                            {":scheme", "http"},
                                            {":path", "/"},
                                            {":authority", "www.example.com"},
                                            {"cache-control", "no-cache"}}));
  EXPECT_EQ(fields_of(requests[2]), (Fields{{":method", "GET"},
                                            {":scheme", "https"},
                                            {":path", "/index.html"},
                                            {":authority", "www.example.com"},
                                            {"custom-key", "custom-value"}}));
  EXPECT_EQ(requests[2].method, "GET");
  EXPECT_EQ(requests[2].target, "/index.html");
  EXPECT_EQ(requests[2].version, "HTTP/2");
}

TEST(Http2RequestsTest, WholeConnection) {
  const Wire wire = connection();
  Http2RequestReader reader;
  std::vector<HttpRequest> requests;
  auto used = reader.feed(wire, requests);
  ASSERT_TRUE(used);
  EXPECT_EQ(*used, wire.size());
  expect_c3(requests);
}

TEST(Http2RequestsTest, ByteByByte) {
  const Wire wire = connection();
  Http2RequestReader reader;
  std::vector<HttpRequest> requests;
  Wire pending;
  for (uint8_t byte : wire) {
    pending.push_back(byte);
    auto used = reader.feed(pending, requests);
    ASSERT_TRUE(used);
    pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(*used));
  }
  EXPECT_TRUE(pending.empty());
  expect_c3(requests);
}

TEST(Http2RequestsTest, Errors) {
  std::vector<HttpRequest> requests;
  Http2RequestReader no_magic;
  EXPECT_EQ(no_magic.feed(test::bytes_of("GET / HTTP/1.1\r\n"), requests).error(),
            Http2Error::kNoMagic);
  // Once failed, always failed.
  EXPECT_FALSE(no_magic.feed(test::magic(), requests));
  Http2RequestReader interleaved;
  const Wire bad =
      test::concat({test::magic(), test::headers(1, unhex("82"), 0x0), test::settings({})});
  EXPECT_EQ(interleaved.feed(bad, requests).error(), Http2Error::kBadFrame);
  Http2RequestReader bad_block;
  const Wire junk = test::concat({test::magic(), test::headers(1, unhex("ff"))});
  EXPECT_EQ(bad_block.feed(junk, requests).error(), Http2Error::kBadHeaderBlock);
  EXPECT_TRUE(requests.empty());
}

}  // namespace
}  // namespace fp::http
