// TLS features: the JA4_a prefix (known for every profile) and, when the ClientHello's lists
// are known, presence and position of known code points. The code-point tables are the union
// of what browsers, TLS libraries and tools in data/profiles send; anything else still counts
// in the *_count features.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "identify/features_sink.h"

namespace fp::identify::detail {
namespace {

// RFC 8701: 0x?a?a with equal bytes.
bool is_grease(uint16_t v) { return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff); }

constexpr std::array<uint16_t, 36> kCiphers = {
    0x1301, 0x1302, 0x1303, 0x1304, 0x1305, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xccaa,
    0xc013, 0xc014, 0xc009, 0xc00a, 0xc023, 0xc024, 0xc027, 0xc028, 0xc012, 0xc008, 0x009c, 0x009d,
    0x009e, 0x009f, 0x002f, 0x0035, 0x000a, 0x003c, 0x003d, 0x0033, 0x0039, 0x0067, 0x006b, 0x00ff};

constexpr std::array<uint16_t, 30> kExtensions = {
    0x0000, 0x0005, 0x000a, 0x000b, 0x000d, 0x0010, 0x0011, 0x0012, 0x0015, 0x0016,
    0x0017, 0x001b, 0x001c, 0x0022, 0x0023, 0x0029, 0x002a, 0x002b, 0x002c, 0x002d,
    0x0031, 0x0032, 0x0033, 0x0039, 0x3374, 0x4469, 0x44cd, 0xfe0d, 0xff01, 0x000f};

// 0x6399 X25519Kyber768Draft00, 0x11ec X25519MLKEM768, 0x11eb SecP256r1MLKEM768.
constexpr std::array<uint16_t, 14> kGroups = {0x001d, 0x0017, 0x0018, 0x0019, 0x001e,
                                              0x0100, 0x0101, 0x0102, 0x0103, 0x0104,
                                              0x6399, 0x11ec, 0x11eb, 0x11ed};

constexpr std::array<uint16_t, 22> kSigAlgs = {
    0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0807, 0x0808,
    0x0809, 0x080a, 0x080b, 0x0203, 0x0201, 0x0303, 0x0301, 0x0402, 0x0502, 0x0602, 0x0202};

std::string hex4(uint16_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04x", v);
  return buf;
}

std::vector<uint16_t> without_grease(std::span<const uint16_t> values) {
  std::vector<uint16_t> out;
  for (uint16_t v : values) {
    if (!is_grease(v)) out.push_back(v);
  }
  return out;
}

// Index in `values` (GREASE removed), or -1 when absent.
float position(std::span<const uint16_t> values, uint16_t code) {
  const auto it = std::find(values.begin(), values.end(), code);
  return it == values.end() ? -1.0F : static_cast<float>(it - values.begin());
}

bool contains(std::span<const uint16_t> values, uint16_t code) {
  return std::find(values.begin(), values.end(), code) != values.end();
}

// One list: count, each known code point present, and its index in wire order (NaN when
// `ordered` is false: the source sorted the list).
void add_list(std::string_view prefix, std::span<const uint16_t> table,
              std::span<const uint16_t> raw, bool known, bool ordered, FeatureSink& sink) {
  const std::vector<uint16_t> values = without_grease(raw);
  const std::string_view p = prefix;
  sink.add_named([&] { return std::string(p) + "_count"; }, known,
                 static_cast<float>(values.size()));
  for (uint16_t code : table) {
    sink.add_named([&] { return std::string(p) + "." + hex4(code); }, known,
                   contains(values, code) ? 1.0F : 0.0F);
  }
  if (p == "ext") return;  // Chrome permutes extensions per connection (TRAPS.md)
  for (uint16_t code : table) {
    sink.add_named([&] { return std::string(p) + "_pos." + hex4(code); }, ordered,
                   position(values, code));
  }
}

// Two decimal digits of JA4_a, or NaN.
float two_digits(std::string_view s) {
  if (s.size() != 2 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9') return kMissing;
  return static_cast<float>((s[0] - '0') * 10 + (s[1] - '0'));
}

// JA4 version field: "13" → 13 … "10" → 10, "s3" → 3, "s2" → 2, "00" → 0.
float ja4_version(std::string_view v) {
  if (v.size() == 2 && v[0] == 's') return v[1] == '3' ? 3.0F : 2.0F;
  return two_digits(v);
}

// JA4 ALPN field: 0 none, 1 h2, 2 http/1.1, 3 h3, 4 anything else.
float ja4_alpn(std::string_view a) {
  if (a == "00") return 0;
  if (a == "h2") return 1;
  if (a == "h1") return 2;
  if (a == "h3") return 3;
  return 4;
}

void add_ja4_features(std::string_view ja4, FeatureSink& sink) {
  // JA4_a: protocol(1) version(2) sni(1) ciphers(2) extensions(2) alpn(2), then '_'.
  const bool known = ja4.size() >= 11 && ja4[10] == '_';
  const std::string_view a = known ? ja4.substr(0, 10) : std::string_view("__________");
  sink.add("ja4.known", known ? 1.0F : 0.0F);
  sink.add("ja4.quic", known, a[0] == 'q' ? 1.0F : 0.0F);
  sink.add("ja4.version", known, ja4_version(a.substr(1, 2)));
  sink.add("ja4.sni", known, a[3] == 'd' ? 1.0F : 0.0F);
  sink.add("ja4.cipher_count", known, two_digits(a.substr(4, 2)));
  sink.add("ja4.extension_count", known, two_digits(a.substr(6, 2)));
  sink.add("ja4.alpn", known, ja4_alpn(a.substr(8, 2)));
}

// Order features that survive Chrome's extension permutation: where SNI, padding and PSK sit,
// and which group is preferred. GREASE is not a feature: JA4 and observations drop it.
void add_order_features(const WireData& wire, FeatureSink& sink) {
  const bool known = wire.tls_lists && wire.wire_order;
  const std::vector<uint16_t> ext = without_grease(wire.extensions);
  const std::vector<uint16_t> groups = without_grease(wire.groups);
  const bool has_ext = known && !ext.empty();
  sink.add("order.sni_first", known, has_ext && ext.front() == 0x0000 ? 1.0F : 0.0F);
  sink.add("order.padding_last", known, has_ext && ext.back() == 0x0015 ? 1.0F : 0.0F);
  sink.add("order.psk_last", known, has_ext && ext.back() == 0x0029 ? 1.0F : 0.0F);
  sink.add("order.first_group", known && wire.groups_known && !groups.empty(),
           groups.empty() ? 0.0F : static_cast<float>(groups.front()));
}

}  // namespace

void add_tls_features(const WireData& wire, FeatureSink& sink) {
  add_ja4_features(wire.ja4, sink);
  const bool known = wire.tls_lists;
  const bool ordered = known && wire.wire_order;
  add_list("cipher", kCiphers, wire.ciphers, known, ordered, sink);
  add_list("ext", kExtensions, wire.extensions, known, ordered, sink);
  add_list("group", kGroups, wire.groups, wire.groups_known, ordered && wire.groups_known, sink);
  add_list("sig", kSigAlgs, wire.sig_algs, wire.sig_algs_known, ordered && wire.sig_algs_known,
           sink);
  add_order_features(wire, sink);
}

}  // namespace fp::identify::detail
