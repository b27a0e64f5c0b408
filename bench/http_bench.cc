// HTTP fingerprint costs: JA4H of a browser-sized HTTP/1.1 head (parse + fingerprint) and the
// Akamai fingerprint of a Chrome-like h2 preface (frames + HPACK + fingerprint).
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/hex.h"
#include "http/akamai.h"
#include "http/h2_builder.h"
#include "http/hpack.h"
#include "http/http1.h"
#include "http/http2.h"
#include "http/ja4h.h"

namespace {

constexpr std::string_view kChromeHead =
    "GET /search?q=fingerprint HTTP/1.1\r\n"
    "Host: www.example.com\r\n"
    "Connection: keep-alive\r\n"
    "sec-ch-ua: \"Chromium\";v=\"124\", \"Google Chrome\";v=\"124\", \"Not-A.Brand\";v=\"99\"\r\n"
    "sec-ch-ua-mobile: ?0\r\n"
    "sec-ch-ua-platform: \"Linux\"\r\n"
    "Upgrade-Insecure-Requests: 1\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36\r\n"
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7\r\n"
    "Sec-Fetch-Site: same-origin\r\n"
    "Sec-Fetch-Mode: navigate\r\n"
    "Sec-Fetch-User: ?1\r\n"
    "Sec-Fetch-Dest: document\r\n"
    "Referer: https://www.example.com/\r\n"
    "Accept-Encoding: gzip, deflate, br, zstd\r\n"
    "Accept-Language: en-US,en;q=0.9\r\n"
    "Cookie: _ga=GA1.2.349209205.1532525440; _gid=GA1.2.1042544967.1532525440; session=abc123; "
    "theme=dark; consent=yes\r\n"
    "\r\n";

void BM_Ja4hHttp1(benchmark::State& state) {
  const fp::Bytes bytes(reinterpret_cast<const uint8_t*>(kChromeHead.data()), kChromeHead.size());
  for (auto _ : state) {
    const auto parsed = fp::http::parse_http1_request(bytes);
    auto j = fp::http::ja4h(parsed.request);
    benchmark::DoNotOptimize(j);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kChromeHead.size()));
}
BENCHMARK(BM_Ja4hHttp1);

fp::http::test::Wire chrome_preface() {
  using namespace fp::http::test;  // NOLINT: test builders
  return concat(
      {magic(), settings({{1, 65536}, {2, 0}, {4, 6291456}, {6, 262144}}),
       window_update(0, 15663105),
       headers(1, hpack_block({{":method", "GET"},
                               {":authority", "www.example.com"},
                               {":scheme", "https"},
                               {":path", "/"},
                               {"sec-ch-ua", "\"Chromium\";v=\"124\", \"Not-A.Brand\";v=\"99\""},
                               {"sec-ch-ua-mobile", "?0"},
                               {"sec-ch-ua-platform", "\"Linux\""},
                               {"upgrade-insecure-requests", "1"},
                               {"user-agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/124.0.0.0"},
                               {"accept", "text/html,application/xhtml+xml,*/*;q=0.8"},
                               {"sec-fetch-site", "none"},
                               {"sec-fetch-mode", "navigate"},
                               {"sec-fetch-user", "?1"},
                               {"sec-fetch-dest", "document"},
                               {"accept-encoding", "gzip, deflate, br, zstd"},
                               {"accept-language", "en-US,en;q=0.9"},
                               {"priority", "u=0, i"}}))});
}

void BM_AkamaiHttp2(benchmark::State& state) {
  const auto wire = chrome_preface();
  for (auto _ : state) {
    const auto preface = fp::http::parse_http2_preface(wire);
    auto fp = fp::http::akamai_fingerprint(*preface);
    benchmark::DoNotOptimize(fp);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * wire.size()));
}
BENCHMARK(BM_AkamaiHttp2);

// Browser prefaces as captured (tests/http/vectors/h2-tls-streams.tsv, decrypted from FoxIO's
// captures): Huffman-coded, indexed fields, a first block of 1,679 octets for row 0. The
// builder's preface above has plain literals only, so it does not time Huffman decoding.
std::vector<uint8_t> captured_preface(size_t row) {
  std::ifstream in(std::string(FP_ROOT_DIR) + "/tests/http/vectors/h2-tls-streams.tsv");
  std::string line;
  for (size_t i = 0; i <= row && std::getline(in, line);) ++i;  // the header, then `row` rows
  if (!std::getline(in, line)) return {};
  std::vector<std::string> cols;
  std::stringstream ss(line);
  for (std::string col; std::getline(ss, col, '\t');) cols.push_back(col);
  return cols.size() > 2 ? fp::hex_decode(cols[2]).value_or(std::vector<uint8_t>{})
                         : std::vector<uint8_t>{};
}

void BM_AkamaiHttp2Captured(benchmark::State& state) {
  const auto wire = captured_preface(static_cast<size_t>(state.range(0)));
  if (wire.empty() || !fp::http::parse_http2_preface(wire).ok()) {
    state.SkipWithError("no captured preface");
    return;
  }
  for (auto _ : state) {
    const auto preface = fp::http::parse_http2_preface(wire);
    auto fp = fp::http::akamai_fingerprint(*preface);
    benchmark::DoNotOptimize(fp);
  }
}
BENCHMARK(BM_AkamaiHttp2Captured)->Arg(0)->Arg(1);

// The first header block of a captured preface (one HEADERS frame with END_HEADERS, as both
// rows send it), without the frame layer: HPACK decoding alone.
std::vector<uint8_t> first_header_block(const std::vector<uint8_t>& wire) {
  constexpr size_t kMagic = 24;
  constexpr uint8_t kHeaders = 0x1;
  constexpr uint8_t kPadded = 0x8;
  constexpr uint8_t kPriority = 0x20;
  for (size_t at = kMagic; at + 9 <= wire.size();) {
    const size_t length = size_t{wire[at]} << 16 | size_t{wire[at + 1]} << 8 | wire[at + 2];
    const uint8_t type = wire[at + 3];
    const uint8_t flags = wire[at + 4];
    if (at + 9 + length > wire.size()) break;
    if (type == kHeaders) {
      size_t begin = at + 9;
      size_t end = begin + length;
      if (flags & kPadded) end -= wire[begin++];
      if (flags & kPriority) begin += 5;
      return {wire.begin() + static_cast<std::ptrdiff_t>(begin),
              wire.begin() + static_cast<std::ptrdiff_t>(end)};
    }
    at += 9 + length;
  }
  return {};
}

void BM_HpackDecodeCaptured(benchmark::State& state) {
  const auto block = first_header_block(captured_preface(static_cast<size_t>(state.range(0))));
  if (block.empty() || !fp::http::hpack_decode(block, 1 << 20).ok()) {
    state.SkipWithError("no captured header block");
    return;
  }
  for (auto _ : state) {
    auto headers = fp::http::hpack_decode(block, 1 << 20);
    benchmark::DoNotOptimize(headers);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * block.size()));
}
BENCHMARK(BM_HpackDecodeCaptured)->Arg(0)->Arg(1);

}  // namespace
