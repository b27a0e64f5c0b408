#pragma once
// A DNS message as a client sends it (RFC 1035 4.1): the header, the questions, and the EDNS(0)
// OPT pseudo-record of the additional section (RFC 6891 6.1). Names may be compressed (RFC 1035
// 4.1.4): pointers are followed at most kMaxPointerHops times and only backwards, names are cut
// at kMaxNameLength, so a loop or a deep chain is an error, never a hang.
//
// Errors: kTruncated (the message ends inside a field), kBadName (a label type other than 0 or
// a pointer, a pointer forwards or to itself, too many hops, a name longer than kMaxNameLength),
// kTooManyRecords (more than kMaxQuestions questions or kMaxRecords other records),
// kNotQuery (QR set: a response), kTwoOpt (two OPT records, RFC 6891 6.1.1).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/byte_reader.h"
#include "core/result.h"

namespace fp::dns {

inline constexpr size_t kHeaderSize = 12;
inline constexpr size_t kMaxNameLength = 255;  // RFC 1035 2.3.4, as presented (dots included)
inline constexpr size_t kMaxPointerHops = 16;  // real names need a handful
inline constexpr size_t kMaxQuestions = 16;    // real queries carry one
inline constexpr size_t kMaxRecords = 64;      // answer + authority + additional
inline constexpr size_t kMaxEdnsOptions = 32;
inline constexpr uint16_t kTypeOpt = 41;

enum class DnsError : uint8_t {
  kTruncated,       // the message ends inside a field
  kBadName,         // a name that cannot be read (bad label, pointer loop, too long)
  kTooManyRecords,  // more questions or records than the limits
  kNotQuery,        // the QR bit is set: this is a response
  kTwoOpt,          // more than one OPT record
};
[[nodiscard]] std::string_view describe(DnsError e) noexcept;

struct Question {
  std::string name;  // labels joined by '.', case kept as sent ("" for the root)
  uint16_t type = 0, klass = 0;
};

struct EdnsOption {
  uint16_t code = 0;
  uint16_t length = 0;
};

struct Edns {
  uint8_t version = 0;
  bool dnssec_ok = false;  // the DO bit (RFC 3225)
  uint16_t udp_payload_size = 0;
  uint8_t extended_rcode = 0;
  std::vector<EdnsOption> options;  // in the order sent
};

struct Query {
  uint16_t id = 0;
  uint8_t opcode = 0;  // RFC 1035 4.1.1
  bool rd = false, tc = false, aa = false;
  bool ad = false, cd = false;  // RFC 4035 3.2
  bool z = false;               // the reserved bit, which should be 0
  uint16_t qdcount = 0, ancount = 0, nscount = 0, arcount = 0;  // as the header says
  std::vector<Question> questions;
  std::optional<Edns> edns;
};

// `message` is one DNS message (a UDP payload, or a TCP message without its length prefix).
[[nodiscard]] Result<Query, DnsError> parse_query(Bytes message) noexcept;

// True when the message's header says it is a response (QR), for a caller choosing a direction.
[[nodiscard]] bool is_response(Bytes message) noexcept;

}  // namespace fp::dns
