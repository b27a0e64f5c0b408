#include "http/http1.h"

#include <limits>
#include <optional>
#include <string_view>

#include "core/limits.h"
#include "http/text.h"

namespace fp::http {
namespace {

// RFC 9110 5.6.2 tchar.
bool is_tchar(char c) noexcept {
  if (is_alnum(c)) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

bool is_token(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_tchar(c)) return false;
  }
  return true;
}

// Where the head ends: the first empty line. Bare LF is accepted as a line end, as nginx, Node
// and Go do (RFC 9112 2.2 allows a recipient to), so "\n\n" and "\r\n\n" end a head too.
// Returns the offset just past the terminator.
std::optional<size_t> find_head_end(std::string_view data) noexcept {
  size_t pos = 0;
  while ((pos = data.find('\n', pos)) != std::string_view::npos) {
    const size_t next = pos + 1;
    if (next < data.size() && data[next] == '\n') return next + 1;
    if (next + 1 < data.size() && data[next] == '\r' && data[next + 1] == '\n') return next + 2;
    pos = next;
  }
  return std::nullopt;
}

// Leading empty lines, which RFC 9112 2.2 says a server SHOULD ignore before the request line.
size_t leading_empty_lines(std::string_view data) noexcept {
  size_t pos = 0;
  while (true) {
    if (data.substr(pos).starts_with("\r\n")) {
      pos += 2;
    } else if (data.substr(pos).starts_with("\n")) {
      pos += 1;
    } else {
      return pos;
    }
  }
}

// Splits off the next line (without its CR LF or bare LF); `text` must hold a line end.
std::string_view next_line(std::string_view& text) noexcept {
  const size_t lf = text.find('\n');
  std::string_view line = text.substr(0, lf);
  text.remove_prefix(lf == std::string_view::npos ? text.size() : lf + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

bool is_version(std::string_view v) noexcept {
  return v.size() == 8 && v.substr(0, 5) == "HTTP/" && is_digit(v[5]) && v[6] == '.' &&
         is_digit(v[7]);
}

// "METHOD SP target SP HTTP/x.y". Runs of spaces between the parts, and spaces inside the target
// ("GET /Hello Arkime HTTP/1.0" in gre-erspan-vxlan.pcap), are tolerated as Wireshark does: the
// method ends at the first space and the version starts after the last.
bool parse_request_line(std::string_view line, HttpRequest& out) {
  const size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return false;
  std::string_view method = line.substr(0, sp1);
  std::string_view rest = trim_spaces(line.substr(sp1));
  const size_t sp2 = rest.rfind(' ');
  if (sp2 == std::string_view::npos) return false;
  std::string_view target = trim_spaces(rest.substr(0, sp2));
  std::string_view version = rest.substr(sp2 + 1);
  if (!is_token(method) || target.empty() || !is_version(version)) return false;
  for (char c : target) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  }
  out.method = method;
  out.target = target;
  out.version = version;
  return true;
}

// One header line, or an obs-fold continuation (RFC 9112 5.2) that joins the previous value.
Http1Error parse_header_line(std::string_view line, HttpRequest& out) {
  if (line.front() == ' ' || line.front() == '\t') {
    if (out.headers.empty()) return Http1Error::kBadHeader;
    std::string& value = out.headers.back().value;
    std::string_view more = trim_ows(line);
    if (!more.empty()) {
      if (!value.empty()) value += ' ';
      value += more;
    }
    return Http1Error::kNone;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return Http1Error::kBadHeader;
  std::string_view name = line.substr(0, colon);
  // No whitespace between name and colon (RFC 9112 5.1): such lines are rejected, not trimmed.
  if (!is_token(name)) return Http1Error::kBadHeader;
  if (out.headers.size() >= limits::kMaxHttpHeaders) return Http1Error::kTooManyHeaders;
  out.headers.push_back({std::string(name), std::string(trim_ows(line.substr(colon + 1)))});
  return Http1Error::kNone;
}

Http1Parse fail(Http1Error error) {
  Http1Parse out;
  out.status = ParseStatus::kError;
  out.error = error;
  return out;
}

// Before the head is complete: report an error early when the request line is already visibly
// wrong, so a caller stops buffering a stream that is not HTTP/1.
Http1Parse incomplete(std::string_view data) {
  std::string_view rest = data.substr(leading_empty_lines(data));
  if (rest.find('\n') != std::string_view::npos) {
    HttpRequest scratch;
    if (!parse_request_line(next_line(rest), scratch)) return fail(Http1Error::kBadRequestLine);
  }
  if (data.size() >= limits::kMaxHttpHead) return fail(Http1Error::kTooLarge);
  return {};
}

}  // namespace

Http1Parse parse_http1_request(Bytes data) noexcept {
  try {
    const std::string_view text = as_text(data);
    const size_t start = leading_empty_lines(text);
    std::optional<size_t> end = find_head_end(text.substr(start));
    if (!end) return incomplete(text);
    *end += start;
    if (*end > limits::kMaxHttpHead) return fail(Http1Error::kTooLarge);

    Http1Parse out;
    std::string_view head = text.substr(start, *end - start);
    if (!parse_request_line(next_line(head), out.request)) return fail(Http1Error::kBadRequestLine);
    for (std::string_view line = next_line(head); !line.empty(); line = next_line(head)) {
      if (Http1Error e = parse_header_line(line, out.request); e != Http1Error::kNone) {
        return fail(e);
      }
    }
    out.status = ParseStatus::kDone;
    out.consumed = *end;
    return out;
  } catch (...) {
    // Only allocation can throw here; a head this parser bounds cannot exhaust memory normally.
    return fail(Http1Error::kTooLarge);
  }
}

bool looks_like_http1_request(Bytes data) noexcept {
  const std::string_view text = as_text(data);
  constexpr size_t kLongestMethod = 24;  // "VERSION-CONTROL", "BASELINE-CONTROL" and room
  for (size_t i = 0; i < text.size() && i <= kLongestMethod; ++i) {
    const char c = text[i];
    if (c == ' ') return i > 0;
    if (!((c >= 'A' && c <= 'Z') || c == '-' || c == '_')) return false;
  }
  return false;
}

size_t declared_body_length(const HttpRequest& request) noexcept {
  // A Transfer-Encoding overrides Content-Length (RFC 9112 6.3); the body is then chunked.
  if (find_header(request, "transfer-encoding") != nullptr) return 0;
  const Header* length = find_header(request, "content-length");
  if (length == nullptr || length->value.empty()) return 0;
  size_t n = 0;
  for (char c : length->value) {
    if (!is_digit(c)) return 0;
    const size_t digit = static_cast<size_t>(c - '0');
    if (n > (std::numeric_limits<size_t>::max() - digit) / 10) {
      return std::numeric_limits<size_t>::max();  // saturate: the caller skips what it can
    }
    n = n * 10 + digit;
  }
  return n;
}

}  // namespace fp::http
