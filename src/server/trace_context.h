#pragma once
// W3C Trace Context Level 1 (https://www.w3.org/TR/trace-context/; section titles
// in quotes below): the
// `traceparent` and `tracestate` request headers, parsed strictly, and the trace context of one
// API request. The service calls no downstream service: it continues the caller's trace (or
// starts one), gives every request a span id of its own, answers with `traceparent` (and the
// caller's `tracestate`) and logs the ids. Invalid headers are ignored, never refused ("trace-id",
// "parent-id").

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "server/http_types.h"

namespace fp::server {

inline constexpr uint8_t kTraceFlagSampled = 0x01;   // "Sampled flag": version 00's only flag
inline constexpr size_t kTraceParentLength = 55;     // "00-" 32 hex "-" 16 hex "-" 2 hex
inline constexpr size_t kMaxTraceStateMembers = 32;  // list-members in one tracestate ("list")
// Characters of tracestate passed on; "tracestate Limits" asks for at least 512. Longer lists
// lose whole members: those over kMaxTraceStateLongMember first, then from the end.
inline constexpr size_t kMaxTraceStateLength = 512;
inline constexpr size_t kMaxTraceStateLongMember = 128;

enum class TraceParentError : uint8_t {
  kDuplicated,    // more than one traceparent header: which one is the caller's is unknown
  kBadVersion,    // not 2 lower-case hex digits and '-', or the forbidden version ff
  kTooShort,      // shorter than the 55 characters every version has
  kBadTraceId,    // trace-id is not 32 lower-case hex digits followed by '-'
  kZeroTraceId,   // trace-id is all zeros
  kBadParentId,   // parent-id is not 16 lower-case hex digits followed by '-'
  kZeroParentId,  // parent-id is all zeros
  kBadFlags,      // trace-flags are not 2 lower-case hex digits
  kTrailingData,  // version 00 with more after the flags; a later version without '-' there
};
[[nodiscard]] std::string_view describe(TraceParentError error) noexcept;

enum class TraceStateError : uint8_t {
  kTooManyMembers,  // more than kMaxTraceStateMembers list-members
  kBadMember,       // a list-member without '='
  kBadKey,          // a key outside the simple-key / multi-tenant-key grammar of Level 1
  kBadValue,        // a value empty, over 256 characters, or with ',' '=' or a control byte
  kDuplicateKey,    // a key twice: "Combined Header Value" allows one entry per key
};
[[nodiscard]] std::string_view describe(TraceStateError error) noexcept;

struct TraceParent {
  uint8_t version = 0;
  std::string trace_id;   // 32 lower-case hex digits, not all zeros
  std::string parent_id;  // 16 lower-case hex digits, not all zeros: the caller's span
  uint8_t flags = 0;      // version 00: the 8 bits as sent; a later version: the sampled bit only

  [[nodiscard]] bool sampled() const noexcept { return (flags & kTraceFlagSampled) != 0; }
};

// One traceparent value (leading and trailing spaces and tabs ignored). A version above 00 is
// read as "Versioning of traceparent" says: the three known fields, anything after a further '-'
// ignored.
[[nodiscard]] Result<TraceParent, TraceParentError> parse_traceparent(
    std::string_view value) noexcept;

struct TraceState {
  std::string value;   // the list-members joined by ',' (spaces, tabs and empty members dropped)
  size_t dropped = 0;  // members removed to keep value within kMaxTraceStateLength
};

// A tracestate value: several header fields are first joined with ',' (RFC 9110 5.3). Any invalid
// member invalidates the whole list, as the W3C test suite expects.
[[nodiscard]] Result<TraceState, TraceStateError> parse_tracestate(
    std::string_view combined) noexcept;

// The trace context of one request.
struct TraceContext {
  std::string trace_id;    // the caller's, or new when this request starts the trace
  std::string span_id;     // this request's own: 8 random bytes, new for every request
  std::string parent_id;   // the caller's span; "" when this request starts the trace
  bool sampled = false;    // the caller's sampled flag, passed on; false for a new trace
  std::string tracestate;  // the caller's, checked and bounded; "" when none or invalid
  std::optional<TraceParentError> traceparent_error;  // why a sent traceparent was ignored
  std::optional<TraceStateError> tracestate_error;    // why a sent tracestate was ignored
  size_t tracestate_dropped = 0;                      // members removed to fit kMaxTraceStateLength

  // "00-<trace_id>-<span_id>-<flags>": the traceparent a next hop (or the caller) receives.
  [[nodiscard]] std::string traceparent() const;
};

// Continues the trace of the request's traceparent when it is valid (header names in any case,
// tracestate fields joined), else starts a new one; tracestate is read only when traceparent is
// valid ("Tracestate Header"). Ids come from new_request_id(): random, never all zeros.
[[nodiscard]] TraceContext trace_context_of(const HeaderList& headers);

// Sets `traceparent` (our span as the parent) and, when there is one, `tracestate`.
void set_trace_headers(const TraceContext& trace, Response& response);

}  // namespace fp::server
