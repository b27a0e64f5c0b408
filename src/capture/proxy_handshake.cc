#include "capture/proxy_handshake.h"

#include <algorithm>
#include <optional>

namespace fp::capture {
namespace {

constexpr uint8_t kSocks4Version = 4;
constexpr uint8_t kSocks4ReplyVersion = 0;
constexpr uint8_t kSocks5Version = 5;
constexpr uint8_t kUserPassVersion = 1;  // RFC 1929 2
constexpr uint8_t kCmdConnect = 1;
constexpr uint8_t kCmdUdpAssociate = 3;
constexpr uint8_t kSocks4Granted = 90;
constexpr uint8_t kSocks4Refused[] = {91, 92, 93};
constexpr uint8_t kMethodNoAuth = 0x00;
constexpr uint8_t kMethodUserPass = 0x02;
constexpr uint8_t kMethodNoneAcceptable = 0xff;
constexpr uint8_t kAtypIpv4 = 1;
constexpr uint8_t kAtypDomain = 3;
constexpr uint8_t kAtypIpv6 = 4;
constexpr uint8_t kSocks5MaxReply = 8;  // REP 0x00-0x08 are defined (RFC 1928 6)
constexpr std::string_view kConnect = "CONNECT ";
constexpr std::string_view kHttpVersion = "HTTP/1.";
constexpr std::string_view kEndOfHead = "\r\n\r\n";

// One step of a scan: either the bytes so far are fine, or the scan ends with this outcome.
// `fail` is empty while parsing can go on.
struct Scanner {
  ByteReader in;
  ProxyKind kind;
  std::optional<ProxyScan> fail;

  void end(ProxyStatus status, ProxyError error = ProxyError::kNone) {
    if (!fail) fail = ProxyScan{.status = status, .kind = kind, .error = error};
  }
  std::optional<uint8_t> u8() {
    if (fail) return std::nullopt;
    auto v = in.u8();
    if (!v) end(ProxyStatus::kNeedMore);
    return v;
  }
  // A byte that must have one value; anything else is `error`.
  bool expect(uint8_t want, ProxyError error) {
    auto v = u8();
    if (v && *v != want) end(ProxyStatus::kError, error);
    return v && *v == want;
  }
  void skip(size_t n) {
    if (!fail && !in.skip(n)) end(ProxyStatus::kNeedMore);
  }
  // A NUL-terminated string of at most kMaxSocks4Field bytes before the NUL.
  void nul_terminated() {
    const Bytes rest = in.rest();
    const size_t window = std::min(rest.size(), kMaxSocks4Field + 1);
    const auto end_it =
        std::find(rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(window), uint8_t{0});
    const auto length = static_cast<size_t>(end_it - rest.begin());
    if (length < window) {
      skip(length + 1);
    } else if (window == kMaxSocks4Field + 1) {
      end(ProxyStatus::kError, ProxyError::kTooLong);
    } else {
      end(ProxyStatus::kNeedMore);
    }
  }
  ProxyScan done(bool granted) {
    if (fail) return *fail;
    return {
        .status = ProxyStatus::kDone, .kind = kind, .consumed = in.position(), .granted = granted};
  }
};

// ATYP, the address and the port of a SOCKS5 request or reply (RFC 1928 4, 5).
void socks5_address(Scanner& s) {
  const auto atyp = s.u8();
  if (!atyp) return;
  if (*atyp == kAtypIpv4) {
    s.skip(4);
  } else if (*atyp == kAtypIpv6) {
    s.skip(16);
  } else if (*atyp == kAtypDomain) {
    const auto length = s.u8();
    if (length && *length == 0) s.end(ProxyStatus::kError, ProxyError::kBadField);
    if (length) s.skip(*length);
  } else {
    s.end(ProxyStatus::kError, ProxyError::kBadField);
  }
  s.skip(2);
}

ProxyScan socks4_request(Bytes data) {
  Scanner s{ByteReader(data), ProxyKind::kSocks4, std::nullopt};
  (void)s.expect(kSocks4Version, ProxyError::kNotProxy);
  const auto command = s.u8();
  if (command && *command != kCmdConnect) {
    s.end(ProxyStatus::kError,
          *command == 2 ? ProxyError::kUnsupported : ProxyError::kNotProxy);  // 2 is BIND
  }
  s.skip(2);  // DSTPORT
  const Bytes ip = s.in.rest().first(std::min<size_t>(4, s.in.remaining()));
  s.skip(4);
  s.nul_terminated();  // USERID
  // SOCKS4a: DSTIP 0.0.0.x with x non-zero means a HOSTNAME follows the USERID.
  if (!s.fail && ip[0] == 0 && ip[1] == 0 && ip[2] == 0 && ip[3] != 0) s.nul_terminated();
  return s.done(true);
}

ProxyScan socks4_reply(Bytes data) {
  Scanner s{ByteReader(data), ProxyKind::kSocks4, std::nullopt};
  (void)s.expect(kSocks4ReplyVersion, ProxyError::kBadField);
  const auto code = s.u8();
  const bool refused = code && std::find(std::begin(kSocks4Refused), std::end(kSocks4Refused),
                                         *code) != std::end(kSocks4Refused);
  if (code && *code != kSocks4Granted && !refused) {
    s.end(ProxyStatus::kError, ProxyError::kBadField);
  }
  s.skip(6);  // DSTPORT, DSTIP
  return s.done(code == kSocks4Granted);
}

ProxyScan socks5_request(Bytes data) {
  Scanner s{ByteReader(data), ProxyKind::kSocks5, std::nullopt};
  (void)s.expect(kSocks5Version, ProxyError::kNotProxy);
  const auto method_count = s.u8();
  if (method_count == 0) s.end(ProxyStatus::kError, ProxyError::kNotProxy);
  bool offers_user_pass = false;
  for (size_t i = 0; method_count && i < *method_count; ++i) {
    const auto method = s.u8();
    offers_user_pass = offers_user_pass || method == kMethodUserPass;
  }
  // The client's next message tells which method the server picked: RFC 1929 starts with
  // version 1, the request with version 5.
  const auto next = s.u8();
  if (next == kUserPassVersion && offers_user_pass) {
    for (int field = 0; field < 2; ++field) {  // UNAME, PASSWD: 1-255 bytes each
      const auto length = s.u8();
      if (length == 0) s.end(ProxyStatus::kError, ProxyError::kBadField);
      if (length) s.skip(*length);
    }
    (void)s.expect(kSocks5Version, ProxyError::kBadField);
  } else if (next && next != kSocks5Version) {
    s.end(ProxyStatus::kError, ProxyError::kNotProxy);
  }
  const auto command = s.u8();
  if (command && *command != kCmdConnect) {
    const bool known = *command > kCmdConnect && *command <= kCmdUdpAssociate;
    s.end(ProxyStatus::kError, known ? ProxyError::kUnsupported : ProxyError::kBadField);
  }
  (void)s.expect(0, ProxyError::kBadField);  // RSV
  socks5_address(s);
  return s.done(true);
}

ProxyScan socks5_reply(Bytes data) {
  Scanner s{ByteReader(data), ProxyKind::kSocks5, std::nullopt};
  (void)s.expect(kSocks5Version, ProxyError::kBadField);
  const auto method = s.u8();
  if (method == kMethodNoneAcceptable) return s.done(false);
  if (method == kMethodUserPass) {
    (void)s.expect(kUserPassVersion, ProxyError::kBadField);
    const auto status = s.u8();
    if (status && *status != 0) return s.done(false);
  } else if (method && *method != kMethodNoAuth) {
    s.end(ProxyStatus::kError, ProxyError::kUnsupported);  // GSSAPI or private: encapsulated
  }
  (void)s.expect(kSocks5Version, ProxyError::kBadField);
  const auto reply = s.u8();
  if (reply && *reply > kSocks5MaxReply) s.end(ProxyStatus::kError, ProxyError::kBadField);
  (void)s.expect(0, ProxyError::kBadField);  // RSV
  socks5_address(s);
  return s.done(reply == 0);
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// kNeedMore while `text` is a proper prefix of `literal`, kError when it differs, kDone when it
// holds all of it.
ProxyStatus compare_prefix(std::string_view text, std::string_view literal) {
  const size_t n = std::min(text.size(), literal.size());
  if (text.substr(0, n) != literal.substr(0, n)) return ProxyStatus::kError;
  return n == literal.size() ? ProxyStatus::kDone : ProxyStatus::kNeedMore;
}

std::string_view as_text(Bytes data) {
  return {reinterpret_cast<const char*>(data.data()), data.size()};
}

// Where the head that starts at `text` ends (after CRLF CRLF), or npos; kTooLong past the limit.
ProxyScan head_end(std::string_view text, ProxyKind kind, size_t& end) {
  end = text.substr(0, kMaxConnectHead).find(kEndOfHead);
  if (end != std::string_view::npos) {
    end += kEndOfHead.size();
    return {.status = ProxyStatus::kDone, .kind = kind};
  }
  if (text.size() >= kMaxConnectHead) {
    return {.status = ProxyStatus::kError, .kind = kind, .error = ProxyError::kTooLong};
  }
  return {.status = ProxyStatus::kNeedMore, .kind = kind};
}

// "CONNECT authority HTTP/1.x" CRLF: a non-empty authority with no space or control byte.
bool valid_connect_line(std::string_view text) {
  const size_t line_end = text.find("\r\n");
  const std::string_view line = text.substr(0, line_end);
  const std::string_view rest = line.substr(kConnect.size());
  const size_t space = rest.find(' ');
  if (space == 0 || space == std::string_view::npos) return false;
  const std::string_view authority = rest.substr(0, space);
  if (std::any_of(authority.begin(), authority.end(),
                  [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == 0x7f; })) {
    return false;
  }
  const std::string_view version = rest.substr(space + 1);
  return version.size() == kHttpVersion.size() + 1 && starts_with(version, kHttpVersion) &&
         version.back() >= '0' && version.back() <= '9';
}

ProxyScan connect_request(Bytes data) {
  const std::string_view text = as_text(data);
  const ProxyStatus prefix = compare_prefix(text, kConnect);
  if (prefix != ProxyStatus::kDone) {
    return {.status = prefix,
            .kind = ProxyKind::kHttpConnect,
            .error = prefix == ProxyStatus::kError ? ProxyError::kNotProxy : ProxyError::kNone};
  }
  size_t end = 0;
  ProxyScan scan = head_end(text, ProxyKind::kHttpConnect, end);
  if (scan.status != ProxyStatus::kDone) return scan;
  if (!valid_connect_line(text)) {
    return {.status = ProxyStatus::kError,
            .kind = ProxyKind::kHttpConnect,
            .error = ProxyError::kBadField};
  }
  scan.consumed = end;
  scan.granted = true;
  return scan;
}

// The status code of "HTTP/1.x SP 3DIGIT ...", or nullopt when the line is not one.
std::optional<int> status_code(std::string_view head) {
  if (head.size() < kHttpVersion.size() + 5 || !starts_with(head, kHttpVersion)) {
    return std::nullopt;
  }
  const std::string_view code = head.substr(kHttpVersion.size() + 2, 3);
  if (head[kHttpVersion.size() + 1] != ' ' ||
      !std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
}

ProxyScan connect_reply(Bytes data) {
  const std::string_view all = as_text(data);
  size_t offset = 0;
  for (size_t interim = 0; interim <= kMaxInterimResponses; ++interim) {
    const std::string_view text = all.substr(offset);
    const ProxyStatus prefix = compare_prefix(text, kHttpVersion);
    if (prefix != ProxyStatus::kDone) {
      return {.status = prefix,
              .kind = ProxyKind::kHttpConnect,
              .error = prefix == ProxyStatus::kError ? ProxyError::kBadField : ProxyError::kNone};
    }
    size_t end = 0;
    ProxyScan scan = head_end(text, ProxyKind::kHttpConnect, end);
    if (scan.status != ProxyStatus::kDone) return scan;
    const auto code = status_code(text);
    if (!code || *code < 100 || *code > 599) {
      return {.status = ProxyStatus::kError,
              .kind = ProxyKind::kHttpConnect,
              .error = ProxyError::kBadField};
    }
    offset += end;
    if (*code >= 200) {
      scan.consumed = offset;
      scan.granted = *code < 300;
      return scan;
    }
  }
  return {.status = ProxyStatus::kError,
          .kind = ProxyKind::kHttpConnect,
          .error = ProxyError::kTooLong};
}

}  // namespace

std::string_view describe(ProxyKind kind) noexcept {
  switch (kind) {
    case ProxyKind::kSocks4:
      return "socks4";
    case ProxyKind::kSocks5:
      return "socks5";
    case ProxyKind::kHttpConnect:
      return "http-connect";
  }
  return "unknown";
}

std::string_view describe(ProxyError error) noexcept {
  switch (error) {
    case ProxyError::kNone:
      return "no error";
    case ProxyError::kNotProxy:
      return "not a proxy handshake";
    case ProxyError::kBadField:
      return "proxy handshake field out of range";
    case ProxyError::kUnsupported:
      return "proxy command or method that carries no TCP tunnel we can follow";
    case ProxyError::kTooLong:
      return "proxy handshake longer than its limit";
  }
  return "unknown";
}

ProxyScan scan_proxy_request(Bytes data) noexcept {
  if (data.empty()) return {};
  switch (data[0]) {
    case kSocks4Version:
      return socks4_request(data);
    case kSocks5Version:
      return socks5_request(data);
    case static_cast<uint8_t>(kConnect[0]):
      return connect_request(data);
    default:
      return {.status = ProxyStatus::kError, .error = ProxyError::kNotProxy};
  }
}

ProxyScan scan_proxy_reply(ProxyKind kind, Bytes data) noexcept {
  switch (kind) {
    case ProxyKind::kSocks4:
      return socks4_reply(data);
    case ProxyKind::kSocks5:
      return socks5_reply(data);
    case ProxyKind::kHttpConnect:
      return connect_reply(data);
  }
  return {.status = ProxyStatus::kError, .kind = kind, .error = ProxyError::kNotProxy};
}

}  // namespace fp::capture
