#include "dhcp/message.h"

#include "dhcp/limits.h"

namespace fp::dhcp {
namespace {

constexpr size_t kFixedHeader = 236;  // op .. file (RFC 2131 2)
constexpr uint32_t kMagicCookie = 0x63825363;
constexpr uint8_t kPad = 0, kEnd = 255;
constexpr uint8_t kOptionMessageType = 53, kOptionMaxSize = 57, kOptionParameterList = 55;

constexpr uint16_t kOptionClientId = 1, kOptionRequest = 6, kOptionIaNa = 3, kOptionIaTa = 4,
                   kOptionIaAddress = 5, kOptionIaPd = 25, kOptionIaPrefix = 26,
                   kOptionClientFqdn = 39;
constexpr uint8_t kRelayForward = 12, kRelayReply = 13;
constexpr size_t kRelayHeader = 34;  // msg-type, hop-count, link-address, peer-address
constexpr size_t kClientHeader = 4;  // msg-type, transaction-id

// Bytes before the nested options of an option that has them (RFC 8415 21.4-21.6, 21.21,
// 21.22); 0 for the others.
size_t nested_header(uint16_t code) {
  switch (code) {
    case kOptionIaNa:
    case kOptionIaPd:
      return 12;
    case kOptionIaTa:
      return 4;
    case kOptionIaAddress:
      return 24;
    case kOptionIaPrefix:
      return 25;
    default:
      return 0;
  }
}

void read_v4_option(uint8_t code, Bytes value, Dhcpv4Message& m) {
  m.options.push_back(code);
  if (code == kOptionMessageType && !value.empty()) m.type = value[0];
  if (code == kOptionMaxSize && value.size() == 2) {
    m.max_size = static_cast<uint16_t>((value[0] << 8) | value[1]);
  }
  if (code == kOptionParameterList) {
    m.parameter_request_list.assign(value.begin(), value.end());
  }
}

// Reads the options in `data` (and those nested in them) into `m`; `parent` is the option that
// holds them (0 at the top). False when an option runs past the end.
bool read_v6_options(Bytes data, uint16_t parent, int depth, Dhcpv6Message& m) {
  ByteReader r(data);
  while (!r.empty()) {
    auto code = r.u16();
    auto value = code ? r.length_prefixed<2>() : std::nullopt;
    if (!value) return false;
    if (m.options.size() >= limits::kMaxOptions) return true;
    m.options.push_back(*code);
    if (parent == 0 && *code == kOptionClientId && !m.client_duid_length) {
      m.client_duid_length = static_cast<uint16_t>(value->size());
    }
    if (*code == kOptionRequest) {
      ByteReader list(*value);
      while (auto requested = list.u16()) m.option_request_list.push_back(*requested);
    }
    if (*code == kOptionClientFqdn && parent == 0) m.client_fqdn = *value;
    if (*code == kOptionIaAddress && (parent == kOptionIaNa || parent == kOptionIaTa)) {
      m.ia_address_in_ia = true;
    }
    const size_t header = nested_header(*code);
    if (header > 0 && value->size() >= header && depth < limits::kMaxNesting &&
        !read_v6_options(value->subspan(header), *code, depth + 1, m)) {
      return false;
    }
  }
  return true;
}

}  // namespace

const char* describe(DhcpError e) noexcept {
  switch (e) {
    case DhcpError::kTooShort:
      return "shorter than a DHCP header";
    case DhcpError::kNotDhcp:
      return "not a DHCP message (op, magic cookie or message type)";
    case DhcpError::kBadOption:
      return "an option runs past the end of the message";
  }
  return "unknown DHCP error";
}

Result<Dhcpv4Message, DhcpError> parse_dhcpv4(Bytes payload) noexcept {
  ByteReader r(payload);
  Dhcpv4Message m;
  auto op = r.u8();
  if (!op || !r.skip(kFixedHeader - 1)) return Unexpected{DhcpError::kTooShort};
  auto cookie = r.u32();
  if (!cookie) return Unexpected{DhcpError::kTooShort};
  if ((*op != 1 && *op != 2) || *cookie != kMagicCookie) return Unexpected{DhcpError::kNotDhcp};
  m.op = *op;
  while (!r.empty()) {
    const uint8_t code = *r.u8();
    if (code == kPad) continue;
    if (code == kEnd) break;
    auto value = r.length_prefixed<1>();
    if (!value) return Unexpected{DhcpError::kBadOption};
    if (m.options.size() < limits::kMaxOptions) read_v4_option(code, *value, m);
  }
  return m;
}

Result<Dhcpv6Message, DhcpError> parse_dhcpv6(Bytes payload) noexcept {
  if (payload.size() < kClientHeader) return Unexpected{DhcpError::kTooShort};
  Dhcpv6Message m;
  m.type = payload[0];
  if (m.type == 0) return Unexpected{DhcpError::kNotDhcp};
  const bool relay = m.type == kRelayForward || m.type == kRelayReply;
  const size_t header = relay ? kRelayHeader : kClientHeader;
  if (payload.size() < header) return Unexpected{DhcpError::kTooShort};
  if (!read_v6_options(payload.subspan(header), 0, 0, m)) {
    return Unexpected{DhcpError::kBadOption};
  }
  return m;
}

}  // namespace fp::dhcp
