#include "dns/fingerprint.h"

#include <algorithm>

#include "core/hash.h"

namespace fp::dns {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

// A count as one digit: 9 means "9 or more" (real queries have 0-2 of each).
char count_digit(uint16_t n) { return static_cast<char>('0' + std::min<uint16_t>(n, 9)); }

std::string joined(const std::vector<uint16_t>& values) {
  std::string out;
  for (uint16_t v : values) {
    if (!out.empty()) out.push_back('-');
    out += std::to_string(v);
  }
  return out.empty() ? "00" : out;
}

std::vector<uint16_t> option_codes(const DnsClient& c) {
  std::vector<uint16_t> codes;
  if (c.edns) {
    for (const EdnsOption& o : c.edns->options) codes.push_back(o.code);
  }
  return codes;
}

// The readable first part: opcode, flags, counts, EDNS, DO, case.
std::string header_part(const DnsClient& c) {
  std::string a = "d";
  a.push_back(kHexDigits[c.opcode & 0x0f]);
  a.push_back(c.rd ? 'r' : '-');
  a.push_back(c.ad ? 'a' : '-');
  a.push_back(c.cd ? 'c' : '-');
  for (uint16_t n : {c.qdcount, c.ancount, c.nscount, c.arcount}) a.push_back(count_digit(n));
  if (c.edns) {
    a.push_back('e');
    a.push_back(count_digit(c.edns->version));
  } else {
    a += "nn";
  }
  a.push_back(c.edns && c.edns->dnssec_ok ? 'd' : '-');
  a.push_back(c.mixed_case ? 'x' : '-');
  return a;
}

}  // namespace

bool has_mixed_case(std::string_view name) noexcept {
  const bool upper =
      std::any_of(name.begin(), name.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; });
  const bool lower =
      std::any_of(name.begin(), name.end(), [](char ch) { return ch >= 'a' && ch <= 'z'; });
  return upper && lower;
}

void add_query(DnsClient& client, const Query& query) {
  if (client.queries == kMaxQueriesPerFlow) return;
  if (client.queries++ == 0) {
    client.opcode = query.opcode;
    client.rd = query.rd;
    client.ad = query.ad;
    client.cd = query.cd;
    client.qdcount = query.qdcount;
    client.ancount = query.ancount;
    client.nscount = query.nscount;
    client.arcount = query.arcount;
    client.edns = query.edns;
    if (!query.questions.empty()) client.first_name = query.questions.front().name;
  }
  for (const Question& q : query.questions) {
    client.mixed_case = client.mixed_case || has_mixed_case(q.name);
    auto& types = client.query_types;
    if (types.size() < kMaxQueryTypes &&
        std::find(types.begin(), types.end(), q.type) == types.end()) {
      types.push_back(q.type);
    }
  }
}

Fingerprint dns_fingerprint(const DnsClient& c) {
  const std::string a = header_part(c);
  const std::string size = std::to_string(c.edns ? c.edns->udp_payload_size : 0);
  const std::vector<uint16_t> codes = option_codes(c);
  const std::string options = joined(codes);
  const std::string types = joined(c.query_types);
  Fingerprint f;
  f.raw = a + "_" + size + "_" + options + "_" + types;
  // An empty list hashes to 000000000000, as JA4's do (core/hash.h).
  f.hash = a + "_" + size + "_" + sha256_hex12(codes.empty() ? "" : options) + "_" +
           sha256_hex12(c.query_types.empty() ? "" : types);
  return f;
}

}  // namespace fp::dns
