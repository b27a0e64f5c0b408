#pragma once
// Our DNS client fingerprint (docs/fingerprints.md "DNS client fingerprint (ours)"): what a
// resolver library or stub sends, read from its queries in one flow. The header's shape comes
// from the flow's first query; the query types and the 0x20 case randomisation from all of its
// first kMaxQueriesPerFlow queries.
//
//   raw:  d{opcode:x}{rd}{ad}{cd}{qd}{an}{ns}{ar}{edns}{do}{case}_{size}_{options}_{qtypes}
//   hash: the same with {options} and {qtypes} replaced by the first 12 hex digits of their
//         SHA-256 (JA4's way: a fixed width whatever the lists' length)
//
// e.g. `dig +dnssec example.com` (BIND 9.18) gives `d0ra-1001e0d-_1232_10_1`: opcode 0, RD and AD
// set, no CD, one question and one additional record, EDNS version 0, DO, no mixed case, 1232
// bytes, option 10 (cookie), type A. An empty list is `00` (hashed: 000000000000).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/fingerprint.h"
#include "dns/message.h"

namespace fp::dns {

inline constexpr size_t kMaxQueriesPerFlow = 64;
inline constexpr size_t kMaxQueryTypes = 32;

struct DnsClient {
  // The first query's header and EDNS.
  uint8_t opcode = 0;
  bool rd = false, ad = false, cd = false;
  uint16_t qdcount = 0, ancount = 0, nscount = 0, arcount = 0;
  std::optional<Edns> edns;
  // Over the flow's queries.
  uint32_t queries = 0;               // counted up to kMaxQueriesPerFlow
  std::vector<uint16_t> query_types;  // in order of first use, at most kMaxQueryTypes
  bool mixed_case = false;            // a name with both upper- and lower-case letters
  std::string first_name;             // the first question's name, as sent
};

// Adds one query of the flow (the first one fixes the header fields).
void add_query(DnsClient& client, const Query& query);

// True when `name` holds both upper- and lower-case ASCII letters: the sign of 0x20 randomisation
// (draft-vixie-dnsext-dns0x20), or of a name typed that way.
[[nodiscard]] bool has_mixed_case(std::string_view name) noexcept;

[[nodiscard]] Fingerprint dns_fingerprint(const DnsClient& client);

}  // namespace fp::dns
