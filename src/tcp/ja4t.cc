// JA4T / JA4TS (FoxIO License 1.1; spec/JA4T.png): window_options_mss_wscale.
#include "tcp/ja4t.h"

#include <charconv>
#include <string>

namespace fp::tcp {
namespace {

constexpr uint8_t kOptEol = 0, kOptMss = 2, kOptWindowScale = 3;

// The first option of `kind` whose data has the length the RFC gives it, else nullptr. A
// wrong-length MSS or window scale has no value in tshark either (the references' source).
const TcpOption* find_option(const TcpHeader& tcp, uint8_t kind, size_t data_length) noexcept {
  for (const TcpOption& o : tcp.options) {
    if (o.kind == kind && o.data.size() == data_length) return &o;
  }
  return nullptr;
}

void append_number(std::string& out, unsigned value) {
  char digits[10];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, end);
}

// Option kinds in wire order joined by '-'. Padding zeros after EOL count as further EOLs,
// as tshark lists them (macOS pads "...,4,0,0").
void append_option_kinds(std::string& out, const TcpHeader& tcp) {
  bool first = true;
  auto append = [&](uint8_t kind) {
    if (!first) out += '-';
    first = false;
    append_number(out, kind);
  };
  for (const TcpOption& o : tcp.options) append(o.kind);
  if (!tcp.options.empty() && tcp.options.back().kind == kOptEol) {
    for (size_t i = 0; i < tcp.zeros_after_eol; ++i) append(kOptEol);
  }
}

// Built in one string, without temporaries: every SYN and SYN+ACK of a capture makes one.
std::string window_options_mss_wscale(const TcpHeader& tcp) {
  unsigned mss = 0, wscale = 0;
  if (const TcpOption* o = find_option(tcp, kOptMss, 2)) mss = (o->data[0] << 8) | o->data[1];
  if (const TcpOption* o = find_option(tcp, kOptWindowScale, 1)) wscale = o->data[0];
  std::string out;
  out.reserve(48);
  append_number(out, tcp.window);
  out += '_';
  append_option_kinds(out, tcp);
  out += '_';
  append_number(out, mss);
  out += '_';
  append_number(out, wscale);
  return out;
}

}  // namespace

std::string ja4t(const TcpHeader& syn) { return window_options_mss_wscale(syn); }

std::string ja4ts(const TcpHeader& syn_ack) { return window_options_mss_wscale(syn_ack); }

}  // namespace fp::tcp
