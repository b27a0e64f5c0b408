#include "dns/message.h"

namespace fp::dns {
namespace {

constexpr uint8_t kPointerBits = 0xc0;
constexpr uint16_t kQrBit = 0x8000;

// Reads the name at the reader's position (RFC 1035 4.1.4): after it, the reader is past the
// name's bytes in place (the pointer, not what it points to).
Result<std::string, DnsError> read_name(Bytes message, ByteReader& in) noexcept {
  std::string name;
  size_t hops = 0;
  size_t lowest = in.position();  // pointers must go strictly below every place visited
  ByteReader at = in;
  bool jumped = false;
  while (true) {
    const auto length = at.u8();
    if (!length) return Unexpected{DnsError::kTruncated};
    if ((*length & kPointerBits) == kPointerBits) {
      const auto low = at.u8();
      if (!low) return Unexpected{DnsError::kTruncated};
      const size_t target = (size_t{*length & 0x3fu} << 8) | *low;
      if (target >= lowest || ++hops > kMaxPointerHops) return Unexpected{DnsError::kBadName};
      if (!jumped) in = at;
      jumped = true;
      lowest = target;
      at = ByteReader(message);
      if (!at.skip(target)) return Unexpected{DnsError::kBadName};
      continue;
    }
    if ((*length & kPointerBits) != 0) return Unexpected{DnsError::kBadName};  // 01, 10: RFC 6891
    if (*length == 0) break;
    const auto label = at.bytes(*length);
    if (!label) return Unexpected{DnsError::kTruncated};
    if (name.size() + *length + 1 > kMaxNameLength) return Unexpected{DnsError::kBadName};
    if (!name.empty()) name.push_back('.');
    name.append(label->begin(), label->end());
  }
  if (!jumped) in = at;
  return name;
}

Result<Question, DnsError> read_question(Bytes message, ByteReader& in) noexcept {
  auto name = read_name(message, in);
  if (!name) return Unexpected{name.error()};
  const auto type = in.u16();
  const auto klass = in.u16();
  if (!type || !klass) return Unexpected{DnsError::kTruncated};
  return Question{std::move(*name), *type, *klass};
}

// The OPT record's fixed part after its (root) name and type (RFC 6891 6.1.2-6.1.3).
Result<Edns, DnsError> read_opt(ByteReader& in) noexcept {
  const auto size = in.u16();
  const auto ttl = in.u32();
  const auto rdata = in.length_prefixed<2>();
  if (!size || !ttl || !rdata) return Unexpected{DnsError::kTruncated};
  Edns e;
  e.udp_payload_size = *size;
  e.extended_rcode = static_cast<uint8_t>(*ttl >> 24);
  e.version = static_cast<uint8_t>(*ttl >> 16);
  e.dnssec_ok = (*ttl & 0x8000u) != 0;
  ByteReader options(*rdata);
  while (!options.empty()) {
    const auto code = options.u16();
    const auto value = options.length_prefixed<2>();
    if (!code || !value) return Unexpected{DnsError::kTruncated};
    if (e.options.size() == kMaxEdnsOptions) return Unexpected{DnsError::kTooManyRecords};
    e.options.push_back({*code, static_cast<uint16_t>(value->size())});
  }
  return e;
}

// Answer, authority and additional records: skipped, except the OPT record.
Result<bool, DnsError> read_records(Bytes message, ByteReader& in, Query& q) noexcept {
  const size_t records = size_t{q.ancount} + q.nscount + q.arcount;
  if (records > kMaxRecords) return Unexpected{DnsError::kTooManyRecords};
  const size_t additional_from = size_t{q.ancount} + q.nscount;
  for (size_t i = 0; i < records; ++i) {
    auto name = read_name(message, in);
    if (!name) return Unexpected{name.error()};
    const auto type = in.u16();
    if (!type) return Unexpected{DnsError::kTruncated};
    if (*type == kTypeOpt && i >= additional_from) {
      if (q.edns) return Unexpected{DnsError::kTwoOpt};
      auto edns = read_opt(in);
      if (!edns) return Unexpected{edns.error()};
      q.edns = std::move(*edns);
      continue;
    }
    const auto klass = in.u16();
    const auto ttl = in.u32();
    const auto rdata = in.length_prefixed<2>();
    if (!klass || !ttl || !rdata) return Unexpected{DnsError::kTruncated};
  }
  return true;
}

void read_flags(uint16_t flags, Query& q) noexcept {
  q.opcode = static_cast<uint8_t>((flags >> 11) & 0x0f);
  q.aa = (flags & 0x0400) != 0;
  q.tc = (flags & 0x0200) != 0;
  q.rd = (flags & 0x0100) != 0;
  q.z = (flags & 0x0040) != 0;
  q.ad = (flags & 0x0020) != 0;
  q.cd = (flags & 0x0010) != 0;
}

}  // namespace

std::string_view describe(DnsError e) noexcept {
  switch (e) {
    case DnsError::kTruncated:
      return "the message ends inside a field";
    case DnsError::kBadName:
      return "a name that cannot be read (bad label, pointer loop or too long)";
    case DnsError::kTooManyRecords:
      return "more questions, records or options than the limits";
    case DnsError::kNotQuery:
      return "a response, not a query";
    case DnsError::kTwoOpt:
      return "more than one OPT record";
  }
  return "unknown";
}

bool is_response(Bytes message) noexcept {
  ByteReader in(message);
  if (!in.skip(2)) return false;
  const auto flags = in.u16();
  return flags && (*flags & kQrBit) != 0;
}

Result<Query, DnsError> parse_query(Bytes message) noexcept {
  ByteReader in(message);
  Query q;
  const auto id = in.u16();
  const auto flags = in.u16();
  const auto qd = in.u16(), an = in.u16(), ns = in.u16(), ar = in.u16();
  if (!id || !flags || !qd || !an || !ns || !ar) return Unexpected{DnsError::kTruncated};
  if ((*flags & kQrBit) != 0) return Unexpected{DnsError::kNotQuery};
  q.id = *id;
  read_flags(*flags, q);
  q.qdcount = *qd;
  q.ancount = *an;
  q.nscount = *ns;
  q.arcount = *ar;
  if (q.qdcount > kMaxQuestions) return Unexpected{DnsError::kTooManyRecords};
  for (size_t i = 0; i < q.qdcount; ++i) {
    auto question = read_question(message, in);
    if (!question) return Unexpected{question.error()};
    q.questions.push_back(std::move(*question));
  }
  auto records = read_records(message, in, q);
  if (!records) return Unexpected{records.error()};
  return q;
}

}  // namespace fp::dns
