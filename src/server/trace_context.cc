#include "server/trace_context.h"

#include <strings.h>

#include <algorithm>
#include <vector>

#include "server/request_id.h"

namespace fp::server {
namespace {

constexpr size_t kTraceIdDigits = 32;
constexpr size_t kSpanIdDigits = 16;
constexpr size_t kMaxKeyLength = 256;       // simple-key: lcalpha 0*255(keychar)
constexpr size_t kMaxTenantIdLength = 241;  // tenant-id: (lcalpha / DIGIT) 0*240(keychar)
constexpr size_t kMaxSystemIdLength = 14;   // system-id: lcalpha 0*13(keychar)
constexpr size_t kMaxValueLength = 256;     // value: 0*255(chr) nblk-chr

bool is_lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
bool is_lower_alpha(char c) { return c >= 'a' && c <= 'z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ows(char c) { return c == ' ' || c == '\t'; }

bool all_lower_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(), is_lower_hex);
}
bool all_zeros(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c == '0'; });
}

int hex_value(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }
uint8_t hex_byte(std::string_view two) {
  return static_cast<uint8_t>(hex_value(two[0]) * 16 + hex_value(two[1]));
}

std::string_view trim_ows(std::string_view text) {
  while (!text.empty() && is_ows(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_ows(text.back())) text.remove_suffix(1);
  return text;
}

// A hex field of `digits` characters at `at`, followed by '-' when `dash_after`.
bool hex_field(std::string_view text, size_t at, size_t digits, bool dash_after) {
  if (text.size() < at + digits + (dash_after ? 1 : 0)) return false;
  if (!all_lower_hex(text.substr(at, digits))) return false;
  return !dash_after || text[at + digits] == '-';
}

// keychar = lcalpha / DIGIT / "_" / "-" / "*" / "/"
bool is_key_char(char c) {
  return is_lower_alpha(c) || is_digit(c) || c == '_' || c == '-' || c == '*' || c == '/';
}

bool key_chars(std::string_view text) { return std::all_of(text.begin(), text.end(), is_key_char); }

// Level 1's key = simple-key / multi-tenant-key ("Key").
bool valid_key(std::string_view key) {
  const size_t at = key.find('@');
  if (at == std::string_view::npos) {
    return !key.empty() && key.size() <= kMaxKeyLength && is_lower_alpha(key[0]) && key_chars(key);
  }
  const std::string_view tenant = key.substr(0, at);
  const std::string_view system = key.substr(at + 1);
  return !tenant.empty() && tenant.size() <= kMaxTenantIdLength &&
         (is_lower_alpha(tenant[0]) || is_digit(tenant[0])) && key_chars(tenant) &&
         !system.empty() && system.size() <= kMaxSystemIdLength && is_lower_alpha(system[0]) &&
         key_chars(system);
}

// value = 0*255(chr) nblk-chr; chr = %x20 / nblk-chr; nblk-chr = printable ASCII but ',' '='.
// The member was trimmed, so a value never ends in a space here.
bool valid_value(std::string_view value) {
  if (value.empty() || value.size() > kMaxValueLength) return false;
  return std::all_of(value.begin(), value.end(),
                     [](char c) { return c >= 0x20 && c <= 0x7e && c != ',' && c != '='; });
}

std::string_view key_of(std::string_view member) { return member.substr(0, member.find('=')); }

size_t joined_length(const std::vector<std::string_view>& members) {
  size_t length = members.empty() ? 0 : members.size() - 1;  // the commas
  for (std::string_view member : members) length += member.size();
  return length;
}

// "tracestate Limits": whole entries go, those over 128 characters first, then from the end.
size_t truncate_members(std::vector<std::string_view>& members) {
  size_t dropped = 0;
  while (joined_length(members) > kMaxTraceStateLength) {
    auto long_member = std::find_if(members.rbegin(), members.rend(), [](std::string_view m) {
      return m.size() > kMaxTraceStateLongMember;
    });
    if (long_member != members.rend()) {
      members.erase(std::next(long_member).base());
    } else {
      members.pop_back();
    }
    ++dropped;
  }
  return dropped;
}

// All fields of that name, joined with ',' as RFC 9110 5.3 combines them; nullopt when none.
std::optional<std::string> combined_field(const HeaderList& headers, std::string_view name) {
  std::optional<std::string> combined;
  for (const auto& [key, value] : headers) {
    if (key.size() != name.size() || strncasecmp(key.data(), name.data(), name.size()) != 0) {
      continue;
    }
    if (combined) {
      combined->append(",").append(value);
    } else {
      combined = value;
    }
  }
  return combined;
}

size_t field_count(const HeaderList& headers, std::string_view name) {
  return static_cast<size_t>(std::count_if(headers.begin(), headers.end(), [&](const auto& h) {
    return h.first.size() == name.size() &&
           strncasecmp(h.first.data(), name.data(), name.size()) == 0;
  }));
}

// new_request_id() is 16 random bytes as hex; a span takes half of one. All zeros is invalid
// (and has odds of 2^-64), so draw again rather than send it.
std::string random_id(size_t digits) {
  std::string id;
  do {
    id = new_request_id().substr(0, digits);
  } while (all_zeros(id));
  return id;
}

}  // namespace

std::string_view describe(TraceParentError error) noexcept {
  switch (error) {
    case TraceParentError::kDuplicated:
      return "more than one traceparent header";
    case TraceParentError::kBadVersion:
      return "version is not two lower-case hex digits and '-', or is ff";
    case TraceParentError::kTooShort:
      return "shorter than 55 characters";
    case TraceParentError::kBadTraceId:
      return "trace-id is not 32 lower-case hex digits and '-'";
    case TraceParentError::kZeroTraceId:
      return "trace-id is all zeros";
    case TraceParentError::kBadParentId:
      return "parent-id is not 16 lower-case hex digits and '-'";
    case TraceParentError::kZeroParentId:
      return "parent-id is all zeros";
    case TraceParentError::kBadFlags:
      return "trace-flags are not two lower-case hex digits";
    case TraceParentError::kTrailingData:
      return "unexpected characters after trace-flags";
  }
  return "unknown error";
}

std::string_view describe(TraceStateError error) noexcept {
  switch (error) {
    case TraceStateError::kTooManyMembers:
      return "more than 32 list-members";
    case TraceStateError::kBadMember:
      return "a list-member is not key=value";
    case TraceStateError::kBadKey:
      return "a key is not a simple-key or multi-tenant-key";
    case TraceStateError::kBadValue:
      return "a value is empty, too long or has a forbidden character";
    case TraceStateError::kDuplicateKey:
      return "a key appears twice";
  }
  return "unknown error";
}

Result<TraceParent, TraceParentError> parse_traceparent(std::string_view value) noexcept {
  const std::string_view text = trim_ows(value);
  // Offsets of "vv-" 32 "-" 16 "-" ff: trace-id at 3, parent-id at 36, flags at 53.
  if (!hex_field(text, 0, 2, true)) return Unexpected{TraceParentError::kBadVersion};
  const uint8_t version = hex_byte(text.substr(0, 2));
  if (version == 0xff) return Unexpected{TraceParentError::kBadVersion};
  if (text.size() < kTraceParentLength) return Unexpected{TraceParentError::kTooShort};
  if (!hex_field(text, 3, kTraceIdDigits, true)) return Unexpected{TraceParentError::kBadTraceId};
  if (!hex_field(text, 36, kSpanIdDigits, true)) return Unexpected{TraceParentError::kBadParentId};
  if (!hex_field(text, 53, 2, false)) return Unexpected{TraceParentError::kBadFlags};
  // Version 00 is exactly 55 characters; a later one may add "-..." fields, which we must not
  // interpret ("Versioning of traceparent").
  if (text.size() > kTraceParentLength && (version == 0 || text[kTraceParentLength] != '-')) {
    return Unexpected{TraceParentError::kTrailingData};
  }
  TraceParent parent;
  parent.version = version;
  parent.trace_id = std::string(text.substr(3, kTraceIdDigits));
  parent.parent_id = std::string(text.substr(36, kSpanIdDigits));
  if (all_zeros(parent.trace_id)) return Unexpected{TraceParentError::kZeroTraceId};
  if (all_zeros(parent.parent_id)) return Unexpected{TraceParentError::kZeroParentId};
  parent.flags = hex_byte(text.substr(53, 2));
  // Of a later version's flags only the sampled bit is defined for us.
  if (version != 0) parent.flags &= kTraceFlagSampled;
  return parent;
}

Result<TraceState, TraceStateError> parse_tracestate(std::string_view combined) noexcept {
  std::vector<std::string_view> members;
  size_t start = 0;
  while (start <= combined.size()) {
    const size_t comma = std::min(combined.find(',', start), combined.size());
    const std::string_view member = trim_ows(combined.substr(start, comma - start));
    start = comma + 1;
    if (member.empty()) continue;  // empty and whitespace-only members are allowed ("list")
    if (members.size() == kMaxTraceStateMembers) {
      return Unexpected{TraceStateError::kTooManyMembers};
    }
    const size_t equals = member.find('=');
    if (equals == std::string_view::npos) return Unexpected{TraceStateError::kBadMember};
    if (!valid_key(member.substr(0, equals))) return Unexpected{TraceStateError::kBadKey};
    if (!valid_value(member.substr(equals + 1))) return Unexpected{TraceStateError::kBadValue};
    const std::string_view key = member.substr(0, equals);
    if (std::any_of(members.begin(), members.end(),
                    [&](std::string_view seen) { return key_of(seen) == key; })) {
      return Unexpected{TraceStateError::kDuplicateKey};
    }
    members.push_back(member);
  }
  TraceState state;
  state.dropped = truncate_members(members);
  for (std::string_view member : members) {
    if (!state.value.empty()) state.value += ',';
    state.value += member;
  }
  return state;
}

std::string TraceContext::traceparent() const {
  // We write version 00, whose only defined flag is sampled; others must be zero ("Other Flags").
  return "00-" + trace_id + "-" + span_id + (sampled ? "-01" : "-00");
}

TraceContext trace_context_of(const HeaderList& headers) {
  TraceContext trace;
  trace.span_id = random_id(kSpanIdDigits);
  const size_t parents = field_count(headers, "traceparent");
  std::optional<Result<TraceParent, TraceParentError>> parent;
  if (parents > 1) {
    trace.traceparent_error = TraceParentError::kDuplicated;
  } else if (parents == 1) {
    parent.emplace(parse_traceparent(*combined_field(headers, "traceparent")));
    if (!*parent) trace.traceparent_error = parent->error();
  }
  if (!parent || !*parent) {
    trace.trace_id = random_id(kTraceIdDigits);
    return trace;  // a new trace: no tracestate to carry ("Tracestate Header")
  }
  trace.trace_id = (*parent)->trace_id;
  trace.parent_id = (*parent)->parent_id;
  trace.sampled = (*parent)->sampled();
  if (auto combined = combined_field(headers, "tracestate")) {
    auto state = parse_tracestate(*combined);
    if (state) {
      trace.tracestate = std::move(state->value);
      trace.tracestate_dropped = state->dropped;
    } else {
      trace.tracestate_error = state.error();
    }
  }
  return trace;
}

void set_trace_headers(const TraceContext& trace, Response& response) {
  response.set_header("traceparent", trace.traceparent());
  if (!trace.tracestate.empty()) response.set_header("tracestate", trace.tracestate);
}

}  // namespace fp::server
