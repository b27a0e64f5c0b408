// W3C Trace Context parsing on any bytes: the first line is a traceparent value, the rest one
// tracestate value. Nothing may crash; what is accepted must have the shapes the header promises
// (lower-case hex ids that are not all zeros, a bounded tracestate that parses again to itself).
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "server/trace_context.h"

namespace {

bool lower_hex(std::string_view text, size_t digits) {
  return text.size() == digits && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

void check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  const std::string_view parent_text = input.substr(0, newline);
  const std::string_view state_text =
      newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);

  if (auto parent = fp::server::parse_traceparent(parent_text)) {
    check(lower_hex(parent->trace_id, 32) && parent->trace_id != std::string(32, '0'));
    check(lower_hex(parent->parent_id, 16) && parent->parent_id != std::string(16, '0'));
    check(parent->version != 0xff);
  }
  if (auto state = fp::server::parse_tracestate(state_text)) {
    check(state->value.size() <= fp::server::kMaxTraceStateLength);
    auto again = fp::server::parse_tracestate(state->value);
    check(again && again->value == state->value && again->dropped == 0);
  }
  const fp::server::HeaderList headers = {{"traceparent", std::string(parent_text)},
                                          {"tracestate", std::string(state_text)}};
  const fp::server::TraceContext trace = fp::server::trace_context_of(headers);
  check(lower_hex(trace.trace_id, 32) && lower_hex(trace.span_id, 16));
  const std::string traceparent = trace.traceparent();
  check(fp::server::parse_traceparent(traceparent).ok());
  return 0;
}
