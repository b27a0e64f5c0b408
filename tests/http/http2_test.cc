#include "http/http2.h"

#include <gtest/gtest.h>

#include "core/limits.h"
#include "http/h2_builder.h"

namespace fp::http {
namespace {

using namespace fp::http::test;  // NOLINT: test builders

const std::vector<std::pair<std::string, std::string>> kChromeFields = {
    {":method", "GET"},  {":authority", "example.com"}, {":scheme", "https"},
    {":path", "/index"}, {"user-agent", "Mozilla/5.0"}, {"accept-language", "en-US,en;q=0.9"},
    {"cookie", "a=1"}};

Wire chrome_like() {
  return concat({magic(), settings({{1, 65536}, {2, 0}, {4, 6291456}, {6, 262144}}),
                 window_update(0, 15663105), headers(1, hpack_block(kChromeFields))});
}

Result<Http2Preface, Http2Error> parse(const Wire& w) { return parse_http2_preface(w); }

TEST(Http2, ChromeLikePreface) {
  const auto p = parse(chrome_like());
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->settings.size(), 4u);
  EXPECT_EQ(p->settings[2].id, 4);
  EXPECT_EQ(p->settings[2].value, 6291456u);
  ASSERT_EQ(p->window_updates.size(), 1u);
  EXPECT_EQ(p->window_updates[0], 15663105u);
  EXPECT_TRUE(p->priorities.empty());
  EXPECT_TRUE(p->complete);
  ASSERT_TRUE(p->request.has_value());
  EXPECT_EQ(p->request->method, "GET");
  EXPECT_EQ(p->request->target, "/index");
  EXPECT_EQ(p->request->version, "HTTP/2");
  ASSERT_EQ(p->request->headers.size(), kChromeFields.size());
  for (size_t i = 0; i < kChromeFields.size(); ++i) {
    EXPECT_EQ(p->request->headers[i].name, kChromeFields[i].first);
    EXPECT_EQ(p->request->headers[i].value, kChromeFields[i].second);
  }
  EXPECT_EQ(p->frames.size(), 3u);
}

TEST(Http2, FramesWithoutMagic) {
  const Wire w = concat({settings({{3, 100}}), headers(1, hpack_block(kChromeFields))});
  const auto p = parse_http2_frames(w);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->complete);
  ASSERT_EQ(p->settings.size(), 1u);
}

TEST(Http2, NoMagic) {
  EXPECT_EQ(parse(bytes_of("GET / HTTP/1.1\r\n\r\n\r\n\r\n\r\n\r\n")).error(),
            Http2Error::kNoMagic);
  EXPECT_EQ(parse(bytes_of("GET")).error(), Http2Error::kNoMagic);
}

TEST(Http2, MagicOnlyOrPartIsTruncated) {
  EXPECT_EQ(parse(bytes_of("PRI * HTTP/2.0\r\n")).error(), Http2Error::kTruncated);
  EXPECT_EQ(parse(magic()).error(), Http2Error::kTruncated);
}

TEST(Http2, TruncatedFirstSettings) {
  Wire w = concat({magic(), settings({{1, 65536}, {2, 0}})});
  w.pop_back();
  EXPECT_EQ(parse(w).error(), Http2Error::kTruncated);
}

TEST(Http2, TruncatedLaterFrameKeepsWhatWasRead) {
  Wire w = chrome_like();
  w.resize(w.size() - 5);  // cut into the HEADERS frame
  const auto p = parse(w);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->settings.size(), 4u);
  EXPECT_EQ(p->window_updates.size(), 1u);
  EXPECT_FALSE(p->complete);
  EXPECT_FALSE(p->request.has_value());
}

TEST(Http2, HugeDeclaredLengthIsJustIncomplete) {
  Wire w = concat({magic(), settings({})});
  w.insert(w.end(), {0xff, 0xff, 0xff, 0x01, 0x04, 0, 0, 0, 1, 'x'});
  const auto p = parse(w);
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->complete);
}

TEST(Http2, FirstFrameMustBeSettings) {
  const Wire w = concat({magic(), window_update(0, 100), settings({})});
  EXPECT_EQ(parse(w).error(), Http2Error::kBadFrame);
}

TEST(Http2, EmptySettingsFrameAsNodeSends) {
  const auto p = parse(concat({magic(), settings({}), headers(1, hpack_block(kChromeFields))}));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->settings.empty());
  EXPECT_TRUE(p->complete);
}

TEST(Http2, SettingsFromEveryFrameAckIgnored) {
  const auto p = parse(concat({magic(), settings({{1, 1}}), settings_ack(), settings({{2, 0}}),
                               headers(1, hpack_block(kChromeFields))}));
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->settings.size(), 2u);
  EXPECT_EQ(p->settings[0].id, 1);
  EXPECT_EQ(p->settings[1].id, 2);
}

TEST(Http2, BadSettingsLength) {
  Wire w = concat({magic(), frame(0x4, 0, 0, {0, 1, 0, 0, 0})});
  EXPECT_EQ(parse(w).error(), Http2Error::kBadFrame);
}

TEST(Http2, SettingsAckWithPayloadIsBad) {
  Wire w = concat({magic(), settings({}), frame(0x4, 0x1, 0, {0, 1, 0, 0, 0, 1})});
  EXPECT_EQ(parse(w).error(), Http2Error::kBadFrame);
}

TEST(Http2, SettingsOnAStreamIsBad) {
  EXPECT_EQ(parse(concat({magic(), frame(0x4, 0, 3, {})})).error(), Http2Error::kBadFrame);
}

TEST(Http2, StreamWindowUpdatesNotConnectionLevel) {
  const auto p = parse(concat({magic(), settings({}), window_update(1, 5), window_update(0, 7),
                               window_update(0, 9), headers(1, hpack_block(kChromeFields))}));
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->window_updates.size(), 2u);
  EXPECT_EQ(p->window_updates[0], 7u);
  EXPECT_EQ(p->window_updates[1], 9u);
}

TEST(Http2, BadWindowUpdateLength) {
  EXPECT_EQ(parse(concat({magic(), settings({}), frame(0x8, 0, 0, {0, 0, 1})})).error(),
            Http2Error::kBadFrame);
}

TEST(Http2, PriorityFrames) {
  const auto p = parse(concat({magic(), settings({}), priority(3, false, 0, 200),
                               priority(9, true, 7, 0), headers(13, hpack_block(kChromeFields))}));
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->priorities.size(), 2u);
  EXPECT_EQ(p->priorities[0].stream_id, 3u);
  EXPECT_EQ(p->priorities[0].weight, 201);  // wire byte + 1 (RFC 9113 5.3.2)
  EXPECT_FALSE(p->priorities[0].exclusive);
  EXPECT_TRUE(p->priorities[1].exclusive);
  EXPECT_EQ(p->priorities[1].depends_on, 7u);
  EXPECT_EQ(p->priorities[1].weight, 1);
}

TEST(Http2, BadPriorityLength) {
  EXPECT_EQ(parse(concat({magic(), settings({}), frame(0x2, 0, 3, {0, 0, 0, 0})})).error(),
            Http2Error::kBadFrame);
}

TEST(Http2, HeadersWithPriorityFlag) {
  Wire payload = {0x80, 0, 0, 0, 255};  // exclusive, depends on 0, wire weight 255
  const Wire block = hpack_block(kChromeFields);
  payload.insert(payload.end(), block.begin(), block.end());
  const auto p = parse(concat({magic(), settings({}), headers(1, payload, 0x4 | 0x1 | 0x20)}));
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(p->headers_priority.has_value());
  EXPECT_TRUE(p->headers_priority->exclusive);
  EXPECT_EQ(p->headers_priority->weight, 256);
  EXPECT_EQ(p->headers_priority->stream_id, 1u);
  EXPECT_TRUE(p->priorities.empty());  // not a PRIORITY frame
  EXPECT_EQ(p->request->headers.size(), kChromeFields.size());
}

TEST(Http2, HeadersWithPaddingAndPriority) {
  Wire payload = {3, 0, 0, 0, 0, 15};  // pad length 3, priority block
  const Wire block = hpack_block(kChromeFields);
  payload.insert(payload.end(), block.begin(), block.end());
  payload.insert(payload.end(), {0, 0, 0});
  const auto p = parse(concat({magic(), settings({}), headers(1, payload, 0x4 | 0x8 | 0x20)}));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->headers_priority->weight, 16);
  EXPECT_EQ(p->request->headers.size(), kChromeFields.size());
}

TEST(Http2, PaddingLongerThanPayloadIsBad) {
  Wire payload = {200};
  const Wire block = hpack_block(kChromeFields);
  payload.insert(payload.end(), block.begin(), block.end());
  EXPECT_EQ(parse(concat({magic(), settings({}), headers(1, payload, 0x4 | 0x8)})).error(),
            Http2Error::kBadFrame);
}

TEST(Http2, ContinuationFrames) {
  const Wire block = hpack_block(kChromeFields);
  const Wire a(block.begin(), block.begin() + 10);
  const Wire b(block.begin() + 10, block.begin() + 20);
  const Wire c(block.begin() + 20, block.end());
  const auto p = parse(concat({magic(), settings({}), headers(1, a, 0x1), continuation(1, b, false),
                               continuation(1, c, true)}));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->complete);
  EXPECT_EQ(p->request->headers.size(), kChromeFields.size());
  EXPECT_EQ(p->frames.size(), 4u);
}

TEST(Http2, ContinuationInterruptedIsBad) {
  const Wire block = hpack_block(kChromeFields);
  const Wire a(block.begin(), block.begin() + 10);
  EXPECT_EQ(parse(concat({magic(), settings({}), headers(1, a, 0x1), window_update(0, 1)})).error(),
            Http2Error::kBadFrame);
  EXPECT_EQ(
      parse(concat({magic(), settings({}), headers(1, a, 0x1), continuation(3, a, true)})).error(),
      Http2Error::kBadFrame);
}

TEST(Http2, ContinuationWithoutHeadersIsBad) {
  EXPECT_EQ(parse(concat({magic(), settings({}), continuation(1, {}, true)})).error(),
            Http2Error::kBadFrame);
}

TEST(Http2, ContinuationTruncatedIsIncomplete) {
  const Wire block = hpack_block(kChromeFields);
  const Wire a(block.begin(), block.begin() + 10);
  const auto p = parse(concat({magic(), settings({}), headers(1, a, 0x1)}));
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->complete);
  EXPECT_FALSE(p->request.has_value());
}

TEST(Http2, HeadersOnStreamZeroIsBad) {
  EXPECT_EQ(parse(concat({magic(), settings({}), headers(0, hpack_block(kChromeFields))})).error(),
            Http2Error::kBadFrame);
}

TEST(Http2, BadHpack) {
  // Indexed field 127+ is past the static table with an empty dynamic table.
  EXPECT_EQ(parse(concat({magic(), settings({}), headers(1, {0xff, 0x7f})})).error(),
            Http2Error::kBadHeaderBlock);
  // A literal whose string runs past the block's end.
  EXPECT_EQ(parse(concat({magic(), settings({}), headers(1, {0x00, 0x05, 'a'})})).error(),
            Http2Error::kBadHeaderBlock);
}

TEST(Http2, StaticTableAndHuffman) {
  // 0x82 = :method GET, 0x87 = :scheme https, 0x84 = :path /; 0x41 0x8c ... = :authority
  // "www.example.com" Huffman-coded (RFC 7541 C.4.1).
  const Wire block = {0x82, 0x87, 0x84, 0x41, 0x8c, 0xf1, 0xe3, 0xc2, 0xe5,
                      0xf2, 0x3a, 0x6b, 0xa0, 0xab, 0x90, 0xf4, 0xff};
  const auto p = parse(concat({magic(), settings({}), headers(1, block)}));
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->request->headers.size(), 4u);
  EXPECT_EQ(p->request->headers[3], (Header{":authority", "www.example.com"}));
  EXPECT_EQ(p->request->method, "GET");
}

TEST(Http2, OnlyTheFirstRequestIsRead) {
  const auto p = parse(concat({magic(), settings({}), headers(1, hpack_block(kChromeFields)),
                               priority(3, false, 0, 1), settings({{9, 9}})}));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->priorities.empty());
  EXPECT_TRUE(p->settings.empty());
  EXPECT_EQ(p->frames.size(), 2u);
}

TEST(Http2, UnknownAndDataFramesRecordedButIgnored) {
  const auto p = parse(
      concat({magic(), settings({}), frame(0xfa, 0, 0, {1, 2, 3}),
              frame(0x6, 0, 0, {0, 0, 0, 0, 0, 0, 0, 0}), headers(1, hpack_block(kChromeFields))}));
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->frames.size(), 4u);
  EXPECT_EQ(p->frames[1].type, 0xfa);
  EXPECT_EQ(p->frames[1].length, 3u);
}

TEST(Http2, TooManyFrames) {
  Wire w = concat({magic(), settings({})});
  for (size_t i = 0; i < limits::kMaxHttp2PrefaceFrames; ++i) {
    const Wire wu = window_update(0, 1);
    w.insert(w.end(), wu.begin(), wu.end());
  }
  EXPECT_EQ(parse(w).error(), Http2Error::kTooLarge);
}

TEST(Http2, OversizedHeaderBlock) {
  Wire w = concat({magic(), settings({})});
  const Wire chunk(16000, 0);
  Wire first = headers(1, chunk, 0x1);
  w.insert(w.end(), first.begin(), first.end());
  for (int i = 0; i < 4; ++i) {
    const Wire c = continuation(1, chunk, false);
    w.insert(w.end(), c.begin(), c.end());
  }
  EXPECT_EQ(parse(w).error(), Http2Error::kTooLarge);
}

TEST(Http2, ReservedBitOfStreamIdIgnored) {
  const Wire w =
      concat({magic(), settings({}), frame(0x1, 0x5, 0x80000001u, hpack_block(kChromeFields))});
  const auto p = parse(w);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->frames[1].stream_id, 1u);
  EXPECT_TRUE(p->complete);
}

TEST(Http2Describe, EveryError) { EXPECT_FALSE(describe(Http2Error::kBadHeaderBlock).empty()); }

}  // namespace
}  // namespace fp::http
