// Our HPACK decoder (RFC 7541) against the RFC's own examples (Appendix C: expected fields and
// dynamic table contents) and, differentially, against nghttp2's inflater: the static table,
// every Huffman code, the h2 client streams of tests/http/vectors, and random header lists
// encoded by nghttp2's deflater.
#include <gtest/gtest.h>
#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/hex.h"
#include "core/limits.h"
#include "http/hpack.h"

namespace fp::http {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

constexpr size_t kNoLimit = 1 << 20;

std::vector<uint8_t> unhex(std::string hex) {
  std::erase(hex, ' ');
  auto bytes = hex_decode(hex);
  EXPECT_TRUE(bytes.has_value()) << hex;
  return bytes.value_or(std::vector<uint8_t>{});
}

Fields as_fields(const std::vector<Header>& headers) {
  Fields out;
  for (const Header& h : headers) out.emplace_back(h.name, h.value);
  return out;
}

Fields table_of(const HpackDecoder& d) {
  Fields out;
  for (size_t i = 0; auto e = d.table().at(i); ++i) out.emplace_back(e->name, e->value);
  return out;
}

Fields decode_ok(HpackDecoder& d, const std::string& hex) {
  const auto block = unhex(hex);
  auto headers = d.decode(block, kNoLimit);
  EXPECT_TRUE(headers.ok()) << hex;
  return headers.ok() ? as_fields(*headers) : Fields{};
}

// ---- RFC 7541 Appendix C ------------------------------------------------------------------

TEST(Hpack, C2LiteralRepresentations) {
  HpackDecoder d;  // C.2.1: literal with indexing
  EXPECT_EQ(decode_ok(d, "400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572"),
            (Fields{{"custom-key", "custom-header"}}));
  EXPECT_EQ(table_of(d), (Fields{{"custom-key", "custom-header"}}));
  EXPECT_EQ(d.table_size(), 55u);

  HpackDecoder d2;  // C.2.2: literal without indexing
  EXPECT_EQ(decode_ok(d2, "040c 2f73 616d 706c 652f 7061 7468"),
            (Fields{{":path", "/sample/path"}}));
  EXPECT_EQ(d2.table_size(), 0u);

  HpackDecoder d3;  // C.2.3: literal never indexed
  EXPECT_EQ(decode_ok(d3, "1008 7061 7373 776f 7264 0673 6563 7265 74"),
            (Fields{{"password", "secret"}}));
  EXPECT_EQ(d3.table_size(), 0u);

  HpackDecoder d4;  // C.2.4: indexed
  EXPECT_EQ(decode_ok(d4, "82"), (Fields{{":method", "GET"}}));
  EXPECT_EQ(d4.table_size(), 0u);
}

// C.3 and C.4: three requests on one connection, without and with Huffman coding.
void expect_requests(const std::vector<std::string>& blocks) {
  HpackDecoder d;
  EXPECT_EQ(decode_ok(d, blocks[0]), (Fields{{":method", "GET"},
                                             {":scheme", "http"},
                                             {":path", "/"},
                                             {":authority", "www.example.com"}}));
  EXPECT_EQ(table_of(d), (Fields{{":authority", "www.example.com"}}));
  EXPECT_EQ(d.table_size(), 57u);

  EXPECT_EQ(decode_ok(d, blocks[1]), (Fields{{":method", "GET"},
                                             {":scheme", "http"},
                                             {":path", "/"},
                                             {":authority", "www.example.com"},
                                             {"cache-control", "no-cache"}}));
  EXPECT_EQ(table_of(d),
            (Fields{{"cache-control", "no-cache"}, {":authority", "www.example.com"}}));
  EXPECT_EQ(d.table_size(), 110u);

  EXPECT_EQ(decode_ok(d, blocks[2]), (Fields{{":method", "GET"},
                                             {":scheme", "https"},
                                             {":path", "/index.html"},
                                             {":authority", "www.example.com"},
                                             {"custom-key", "custom-value"}}));
  EXPECT_EQ(table_of(d), (Fields{{"custom-key", "custom-value"},
                                 {"cache-control", "no-cache"},
                                 {":authority", "www.example.com"}}));
  EXPECT_EQ(d.table_size(), 164u);
}

TEST(Hpack, C3RequestsWithoutHuffman) {
  expect_requests({"8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
                   "8286 84be 5808 6e6f 2d63 6163 6865",
                   "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65"});
}

TEST(Hpack, C4RequestsWithHuffman) {
  expect_requests({"8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff", "8286 84be 5886 a8eb 1064 9cbf",
                   "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf"});
}

// C.5 and C.6: three responses with a 256-octet table, so that entries are evicted.
void expect_responses(const std::vector<std::string>& blocks) {
  HpackDecoder d(256);
  const Fields first{{":status", "302"},
                     {"cache-control", "private"},
                     {"date", "Mon, 21 Oct 2013 20:13:21 GMT"},
                     {"location", "https://www.example.com"}};
  EXPECT_EQ(decode_ok(d, blocks[0]), first);
  EXPECT_EQ(table_of(d), (Fields{{"location", "https://www.example.com"},
                                 {"date", "Mon, 21 Oct 2013 20:13:21 GMT"},
                                 {"cache-control", "private"},
                                 {":status", "302"}}));
  EXPECT_EQ(d.table_size(), 222u);

  EXPECT_EQ(decode_ok(d, blocks[1]), (Fields{{":status", "307"},
                                             {"cache-control", "private"},
                                             {"date", "Mon, 21 Oct 2013 20:13:21 GMT"},
                                             {"location", "https://www.example.com"}}));
  // ":status: 302" was evicted to make room for ":status: 307".
  EXPECT_EQ(table_of(d), (Fields{{":status", "307"},
                                 {"location", "https://www.example.com"},
                                 {"date", "Mon, 21 Oct 2013 20:13:21 GMT"},
                                 {"cache-control", "private"}}));
  EXPECT_EQ(d.table_size(), 222u);

  const std::string cookie = "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1";
  EXPECT_EQ(decode_ok(d, blocks[2]), (Fields{{":status", "200"},
                                             {"cache-control", "private"},
                                             {"date", "Mon, 21 Oct 2013 20:13:22 GMT"},
                                             {"location", "https://www.example.com"},
                                             {"content-encoding", "gzip"},
                                             {"set-cookie", cookie}}));
  EXPECT_EQ(table_of(d), (Fields{{"set-cookie", cookie},
                                 {"content-encoding", "gzip"},
                                 {"date", "Mon, 21 Oct 2013 20:13:22 GMT"}}));
  EXPECT_EQ(d.table_size(), 215u);
}

TEST(Hpack, C5ResponsesWithoutHuffmanEvict) {
  expect_responses(
      {"4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a "
       "3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
       "4803 3330 37c1 c0bf",
       "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 "
       "677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 "
       "553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31"});
}

TEST(Hpack, C6ResponsesWithHuffmanEvict) {
  expect_responses(
      {"4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e "
       "919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3",
       "4883 640e ffc1 c0bf",
       "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 "
       "821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed "
       "4ee5 b106 3d50 07"});
}

// ---- Errors (RFC 7541 rules) ----------------------------------------------------------------

bool decodes(HpackDecoder& d, const std::string& hex) {
  const auto block = unhex(hex);
  return d.decode(block, kNoLimit).ok();
}

TEST(Hpack, RejectsWhatTheRfcForbids) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"80", "index 0 (6.1)"},
      {"be", "index 62 with an empty dynamic table (2.3.3)"},
      {"ff80808080 10", "integer past 2^32 - 1 (5.1)"},
      {"400a 6375 7374", "string shorter than its length (5.2)"},
      {"3fe21f", "size update above the 4,096 limit (4.2)"},
      {"82 20", "size update after a field (4.2)"},
      {"0001 7881 18", "Huffman padding not all ones (5.2)"},
      {"0001 7882 1fff", "more than 7 bits of padding (5.2)"},
      {"0001 7884 ffffffff", "EOS in a Huffman string (5.2)"},
      {"7f", "truncated integer (5.1)"},
  };
  for (const auto& [hex, why] : bad) {
    HpackDecoder d;
    EXPECT_FALSE(decodes(d, hex)) << why;
  }
  HpackDecoder ok;
  EXPECT_TRUE(decodes(ok, "0001 7881 1f")) << "a + 3 bits of EOS padding";
  EXPECT_TRUE(decodes(ok, "20 3f e1 1f 82")) << "two size updates at the start of a block";
  EXPECT_EQ(ok.max_table_size(), 4096u);
}

// The decoder decodes a Huffman string together with the next one of the block, ahead of its
// field: an error in the later field must still come after what the earlier field does (RFC 7541
// decodes fields in order). Field 1: ":authority: a" (literal without indexing, name index 1,
// Huffman "a"), 10 + 1 + 32 = 43; field 2 the same with bad padding.
TEST(Hpack, LaterFieldsErrorComesInOrder) {
  const auto block = unhex("01 811f 01 8118");
  HpackDecoder sized;
  const auto too_large = sized.decode(block, 42);
  ASSERT_FALSE(too_large.ok());
  EXPECT_EQ(too_large.error(), Http2Error::kTooLarge) << "field 1 trips the bound first";
  HpackDecoder bad;
  const auto bad_block = bad.decode(block, kNoLimit);
  ASSERT_FALSE(bad_block.ok());
  EXPECT_EQ(bad_block.error(), Http2Error::kBadHeaderBlock);
  HpackDecoder ok;
  EXPECT_EQ(decode_ok(ok, "01 811f 01 811f 01 811f"),
            (Fields{{":authority", "a"}, {":authority", "a"}, {":authority", "a"}}));
}

TEST(Hpack, ErrorIsFinalForTheConnection) {
  HpackDecoder d;
  EXPECT_FALSE(decodes(d, "80"));
  EXPECT_FALSE(decodes(d, "82"));
}

TEST(Hpack, DecodedSizeIsBounded) {
  HpackDecoder d;
  const auto block = unhex("82 82");  // two fields of 7 + 3 + 32 = 42
  EXPECT_TRUE(d.decode(block, 84).ok());
  HpackDecoder d2;
  const auto too_large = d2.decode(block, 83);
  ASSERT_FALSE(too_large.ok());
  EXPECT_EQ(too_large.error(), Http2Error::kTooLarge);
}

TEST(Hpack, EntryLargerThanTableEmptiesIt) {
  HpackDecoder d(64);  // RFC 7541 4.4: not an error
  EXPECT_EQ(decode_ok(d, "4001 6101 62"), (Fields{{"a", "b"}}));
  EXPECT_EQ(d.table_size(), 34u);
  const std::string name(40, 'n');
  // Literal with indexing, a new name of 40 octets, an empty value: the entry's size is 72.
  std::vector<uint8_t> block(name.size() + 3, 0x00);
  block[0] = 0x40;
  block[1] = static_cast<uint8_t>(name.size());
  std::copy(name.begin(), name.end(), block.begin() + 2);
  const auto got = d.decode(block, kNoLimit);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(as_fields(*got), (Fields{{name, ""}}));
  EXPECT_EQ(d.table_size(), 0u);
  EXPECT_EQ(d.table().entries(), 0u);
}

TEST(Hpack, NameOfAnEvictedEntryIsKept) {
  // RFC 7541 4.4: a new entry may name the entry that its insertion evicts.
  HpackDecoder d(64);
  EXPECT_EQ(decode_ok(d, "4001 6101 62"), (Fields{{"a", "b"}}));  // a: b, size 34
  EXPECT_EQ(decode_ok(d, "7e01 63"), (Fields{{"a", "c"}}));       // name index 62
  EXPECT_EQ(table_of(d), (Fields{{"a", "c"}}));
}

// ---- Differential against nghttp2's inflater ---------------------------------------------

// Decodes `blocks` of one connection through nghttp2; nullopt when nghttp2 rejects a block.
class Nghttp2Inflater {
 public:
  explicit Nghttp2Inflater(size_t max_table_size) {
    nghttp2_hd_inflate_new(&inflater_);
    if (max_table_size != HpackDecoder::kDefaultTableSize) {
      nghttp2_hd_inflate_change_table_size(inflater_, max_table_size);
    }
  }
  ~Nghttp2Inflater() { nghttp2_hd_inflate_del(inflater_); }
  Nghttp2Inflater(const Nghttp2Inflater&) = delete;
  Nghttp2Inflater& operator=(const Nghttp2Inflater&) = delete;

  std::optional<Fields> decode(const std::vector<uint8_t>& block) {
    Fields out;
    const uint8_t* in = block.data();
    size_t left = block.size();
    for (;;) {
      nghttp2_nv nv;
      int flags = 0;
      const auto used = nghttp2_hd_inflate_hd2(inflater_, &nv, &flags, in, left, 1);
      if (used < 0) return std::nullopt;
      if (used == 0 && !(flags & (NGHTTP2_HD_INFLATE_EMIT | NGHTTP2_HD_INFLATE_FINAL))) {
        return std::nullopt;  // no progress: bound the loop
      }
      in += used;
      left -= static_cast<size_t>(used);
      if (flags & NGHTTP2_HD_INFLATE_EMIT) {
        out.emplace_back(std::string(reinterpret_cast<const char*>(nv.name), nv.namelen),
                         std::string(reinterpret_cast<const char*>(nv.value), nv.valuelen));
      }
      if (flags & NGHTTP2_HD_INFLATE_FINAL) break;
    }
    nghttp2_hd_inflate_end_headers(inflater_);
    return out;
  }

  [[nodiscard]] size_t table_size() const {
    return nghttp2_hd_inflate_get_dynamic_table_size(inflater_);
  }

 private:
  nghttp2_hd_inflater* inflater_ = nullptr;
};

std::vector<uint8_t> nghttp2_deflate(nghttp2_hd_deflater* deflater, const Fields& fields,
                                     const std::vector<uint8_t>& flags) {
  std::vector<nghttp2_nv> nva;
  for (size_t i = 0; i < fields.size(); ++i) {
    const auto& [name, value] = fields[i];
    nva.push_back({reinterpret_cast<uint8_t*>(const_cast<char*>(name.data())),
                   reinterpret_cast<uint8_t*>(const_cast<char*>(value.data())), name.size(),
                   value.size(), flags[i]});
  }
  std::vector<uint8_t> out(nghttp2_hd_deflate_bound(deflater, nva.data(), nva.size()));
  const auto n = nghttp2_hd_deflate_hd(deflater, out.data(), out.size(), nva.data(), nva.size());
  EXPECT_GE(n, 0);
  out.resize(n < 0 ? 0 : static_cast<size_t>(n));
  return out;
}

TEST(HpackDifferential, StaticTableMatchesNghttp2) {
  for (uint8_t i = 1; i <= kHpackStaticEntries; ++i) {
    const std::vector<uint8_t> block{static_cast<uint8_t>(0x80 | i)};
    HpackDecoder ours;
    Nghttp2Inflater theirs(HpackDecoder::kDefaultTableSize);
    const auto expected = theirs.decode(block);
    ASSERT_TRUE(expected.has_value());
    const auto got = ours.decode(block, kNoLimit);
    ASSERT_TRUE(got.ok()) << int(i);
    EXPECT_EQ(as_fields(*got), *expected) << int(i);
  }
}

// Every octet's code: nghttp2 Huffman-codes a value made of the octet and forty '0's (5 bits
// each), which is always shorter than the plain value.
TEST(HpackDifferential, EveryHuffmanCodeMatchesNghttp2) {
  nghttp2_hd_deflater* deflater = nullptr;
  ASSERT_EQ(nghttp2_hd_deflate_new(&deflater, HpackDecoder::kDefaultTableSize), 0);
  for (int octet = 0; octet < 256; ++octet) {
    const Fields fields{{"x", std::string(1, static_cast<char>(octet)) + std::string(40, '0')}};
    const auto block = nghttp2_deflate(deflater, fields, {NGHTTP2_NV_FLAG_NO_INDEX});
    ASSERT_GE(block.size(), 4u);
    // 0x10 (never indexed, new name), name "x" (2 octets), then the value's H bit.
    EXPECT_TRUE(block[3] & 0x80) << "value not Huffman-coded for octet " << octet;
    HpackDecoder ours;
    const auto got = ours.decode(block, kNoLimit);
    ASSERT_TRUE(got.ok()) << octet;
    EXPECT_EQ(as_fields(*got), fields) << octet;
  }
  nghttp2_hd_deflate_del(deflater);
}

// One connection's header blocks (HEADERS + CONTINUATION fragments joined), in order.
std::vector<std::vector<uint8_t>> header_blocks(const std::vector<uint8_t>& stream) {
  constexpr size_t kMagic = 24;
  std::vector<std::vector<uint8_t>> blocks;
  std::vector<uint8_t> open;
  size_t at = kMagic;
  while (at + 9 <= stream.size()) {
    const size_t length = size_t{stream[at]} << 16 | size_t{stream[at + 1]} << 8 | stream[at + 2];
    const uint8_t type = stream[at + 3];
    const uint8_t flags = stream[at + 4];
    if (at + 9 + length > stream.size()) break;
    const uint8_t* p = stream.data() + at + 9;
    size_t begin = 0;
    size_t end = length;
    if (type == 0x1 && (flags & 0x8)) end -= p[begin++];  // padded
    if (type == 0x1 && (flags & 0x20)) begin += 5;        // priority
    if (type == 0x1 || type == 0x9) {
      open.insert(open.end(), p + begin, p + end);
      if (flags & 0x4) blocks.push_back(std::exchange(open, {}));
    }
    at += 9 + length;
  }
  return blocks;
}

std::vector<std::vector<uint8_t>> vector_streams() {
  std::vector<std::vector<uint8_t>> streams;
  for (const auto& [file, column] : std::vector<std::pair<std::string, size_t>>{
           {"h2-tls-streams.tsv", 2}, {"h2c-clients.tsv", 1}}) {
    std::ifstream in(std::string(FP_SOURCE_DIR) + "/tests/http/vectors/" + file);
    EXPECT_TRUE(in.good()) << file;
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::vector<std::string> cols;
      std::stringstream ss(line);
      for (std::string col; std::getline(ss, col, '\t');) cols.push_back(col);
      if (cols.size() > column) streams.push_back(unhex(cols[column]));
    }
  }
  return streams;
}

TEST(HpackDifferential, VectorStreamsMatchNghttp2) {
  size_t blocks_checked = 0;
  size_t fields_checked = 0;
  for (const auto& stream : vector_streams()) {
    HpackDecoder ours;
    Nghttp2Inflater theirs(HpackDecoder::kDefaultTableSize);
    for (const auto& block : header_blocks(stream)) {
      const auto expected = theirs.decode(block);
      ASSERT_TRUE(expected.has_value());
      const auto got = ours.decode(block, limits::kMaxHttp2HeaderBlock);
      ASSERT_TRUE(got.ok());
      EXPECT_EQ(as_fields(*got), *expected);
      EXPECT_EQ(ours.table_size(), theirs.table_size());
      ++blocks_checked;
      fields_checked += expected->size();
    }
  }
  EXPECT_EQ(vector_streams().size(), 4u);
  EXPECT_EQ(blocks_checked, 18u);  // 15 in the cookies capture, one in each other
  EXPECT_GE(fields_checked, 40u);
}

// Random connections: header lists from a pool of common and random names, values of every
// octet, each field indexed, not indexed or never indexed, table sizes changed between blocks
// (so the deflater sends size updates and entries are evicted). nghttp2's deflater encodes;
// both decoders must return the list that was encoded and end with the same table size.
TEST(HpackDifferential, RandomHeaderListsMatchNghttp2) {
  std::mt19937 rng(7541);
  const std::vector<std::string> common = {
      ":method", ":path",    ":authority",    ":scheme",         "user-agent", "accept",
      "cookie",  "x-custom", "cache-control", "accept-encoding", "referer"};
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  auto random_text = [&](size_t max_length, bool any_octet) {
    std::string s(pick(max_length + 1), '\0');
    for (char& c : s) c = static_cast<char>(any_octet ? pick(256) : 0x20 + pick(0x5f));
    return s;
  };
  size_t blocks_checked = 0;
  for (int connection = 0; connection < 300; ++connection) {
    const size_t table_sizes[] = {4096, 256, 64, 0, 1024};
    nghttp2_hd_deflater* deflater = nullptr;
    ASSERT_EQ(nghttp2_hd_deflate_new(&deflater, 4096), 0);
    HpackDecoder ours;
    Nghttp2Inflater theirs(HpackDecoder::kDefaultTableSize);
    for (int b = 0; b < 6; ++b) {
      if (pick(4) == 0) nghttp2_hd_deflate_change_table_size(deflater, table_sizes[pick(5)]);
      Fields fields;
      std::vector<uint8_t> flags;
      const size_t n = pick(20);
      for (size_t i = 0; i < n; ++i) {
        std::string name = pick(3) ? common[pick(common.size())] : random_text(30, false);
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        const bool binary = pick(8) == 0;
        fields.emplace_back(name, pick(5) ? random_text(80, binary) : std::string("gzip"));
        const uint8_t f[] = {NGHTTP2_NV_FLAG_NONE, NGHTTP2_NV_FLAG_NO_INDEX};
        flags.push_back(f[pick(6) == 0 ? 1 : 0]);
      }
      const auto block = nghttp2_deflate(deflater, fields, flags);
      const auto expected = theirs.decode(block);
      ASSERT_TRUE(expected.has_value());
      ASSERT_EQ(*expected, fields);
      const auto got = ours.decode(block, kNoLimit);
      ASSERT_TRUE(got.ok()) << "connection " << connection << " block " << b;
      EXPECT_EQ(as_fields(*got), fields);
      EXPECT_EQ(ours.table_size(), theirs.table_size());
      ++blocks_checked;
    }
    nghttp2_hd_deflate_del(deflater);
  }
  EXPECT_EQ(blocks_checked, 1800u);
}

}  // namespace
}  // namespace fp::http
