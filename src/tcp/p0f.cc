// p0f v3 raw signatures, following p0f 3.09b's dump_sig (fp_tcp.c) field by field.
#include "tcp/p0f.h"

#include <algorithm>
#include <array>
#include <string>
#include <string_view>

#include "tcp/p0f_options.h"

namespace fp::tcp {
namespace {

constexpr uint8_t kMaxDistance = 35;         // p0f MAX_DIST: farther reads as "+?"
constexpr uint16_t kSendsynMss = 1331;       // p0f SPECIAL_MSS (p0f-sendsyn probes)
constexpr int kMinTcp4 = 40, kMinTcp6 = 60;  // smallest IPv4 / IPv6 + TCP headers
constexpr int kMtu = 1500;
constexpr int kMinMssForMultiple = 100;
constexpr int kTimestampBytes = 12;  // some stacks take the timestamp option off the MSS
constexpr uint8_t kTypeMask = flag::kSyn | flag::kAck | flag::kFin | flag::kRst;

struct QuirkName {
  uint32_t bit;
  std::string_view name;
};
constexpr std::array<QuirkName, 17> kQuirkNames{{
    {kQuirkDf, "df"},
    {kQuirkNonZeroId, "id+"},
    {kQuirkZeroId, "id-"},
    {kQuirkEcn, "ecn"},
    {kQuirkMbz, "0+"},
    {kQuirkFlow, "flow"},
    {kQuirkZeroSeq, "seq-"},
    {kQuirkNonZeroAck, "ack+"},
    {kQuirkZeroAck, "ack-"},
    {kQuirkNonZeroUrg, "uptr+"},
    {kQuirkUrg, "urgf+"},
    {kQuirkPush, "pushf+"},
    {kQuirkZeroTs1, "ts1-"},
    {kQuirkNonZeroTs2, "ts2+"},
    {kQuirkOptEolNz, "opt+"},
    {kQuirkExws, "exws"},
    {kQuirkBad, "bad"},
}};

struct OptionName {
  uint8_t kind;
  std::string_view name;
};
constexpr std::array<OptionName, 6> kOptionNames{
    {{1, "nop"}, {2, "mss"}, {3, "ws"}, {4, "sok"}, {5, "sack"}, {8, "ts"}}};

uint32_t ip_quirks(const IpHeader& ip) noexcept {
  uint32_t q = 0;
  if (ip.tos & 0x03) q |= kQuirkEcn;  // ECT or CE
  if (ip.version == 6) return ip.flow_label != 0 ? q | kQuirkFlow : q;
  if (ip.reserved_bit) q |= kQuirkMbz;
  if (ip.dont_fragment) {
    q |= kQuirkDf;
    if (ip.id != 0) q |= kQuirkNonZeroId;
  } else if (ip.id == 0) {
    q |= kQuirkZeroId;
  }
  return q;
}

uint32_t tcp_quirks(const TcpHeader& t) noexcept {
  uint32_t q = 0;
  if (t.has(flag::kEce) || t.has(flag::kCwr) || (t.reserved & 0x01)) q |= kQuirkEcn;
  if (t.seq == 0) q |= kQuirkZeroSeq;
  if (t.has(flag::kAck)) {
    if (t.ack == 0) q |= kQuirkZeroAck;
  } else if (!t.has(flag::kRst) && (t.ack & 0x01000000u)) {
    // p0f 3.09b tests `RD32(ack) & !(flags & RST)`, a bitwise AND with 1 on the raw
    // (network-order) word: on little-endian hosts only bit 24 of the ack number counts.
    q |= kQuirkNonZeroAck;
  }
  if (t.has(flag::kUrg)) {
    q |= kQuirkUrg;
  } else if (t.urgent_pointer != 0) {
    q |= kQuirkNonZeroUrg;
  }
  if (t.has(flag::kPsh)) q |= kQuirkPush;
  return q;
}

struct WindowFacts {
  int window, mss, tot_hdr, syn_mss;
  bool timestamp, ipv6;
};

// p0f's detect_win_multi: the first divisor in p0f's order that divides the window decides,
// even when the quotient does not fit p0f's int16 (then the window prints as a number).
int window_multiplier(const WindowFacts& f, bool& use_mtu) noexcept {
  if (f.window == 0 || f.mss < kMinMssForMultiple) return -1;
  struct Divisor {
    bool when;
    int value;
    bool mtu;
  };
  const std::array<Divisor, 12> divisors{{
      {true, f.mss, false},
      {f.timestamp, f.mss - kTimestampBytes, false},
      {true, kMtu - kMinTcp4, false},
      {true, kMtu - kMinTcp4 - kTimestampBytes, false},
      {f.ipv6, kMtu - kMinTcp6, false},
      {f.ipv6, kMtu - kMinTcp6 - kTimestampBytes, false},
      {true, f.mss + kMinTcp4, true},
      {true, f.mss + f.tot_hdr, true},
      {f.ipv6, f.mss + kMinTcp6, true},
      {true, kMtu, true},
      {f.syn_mss != 0, f.syn_mss, false},  // on a SYN+ACK: the peer's MSS
      {f.syn_mss != 0, f.syn_mss - kTimestampBytes, false},
  }};
  for (const Divisor& d : divisors) {
    if (!d.when || d.value == 0 || f.window % d.value != 0) continue;
    use_mtu = d.mtu;
    return static_cast<int16_t>(f.window / d.value);
  }
  return -1;
}

std::string ttl_field(const IpHeader& ip) {
  const unsigned distance = guess_initial_ttl(ip.ttl) - ip.ttl;
  std::string out = std::to_string(ip.ttl) + '+';
  return distance > kMaxDistance ? out + '?' : out + std::to_string(distance);
}

std::string window_field(const WindowFacts& f) {
  bool use_mtu = false;
  const int multiplier = window_multiplier(f, use_mtu);
  if (multiplier <= 0) return std::to_string(f.window);
  return (use_mtu ? "mtu*" : "mss*") + std::to_string(multiplier);
}

std::string layout_field(const detail::P0fOptionWalk& w) {
  std::string out;
  for (size_t i = 0; i < w.count; ++i) {
    if (i) out += ',';
    const uint8_t kind = w.layout[i];
    if (kind == 0) {
      out += "eol+" + std::to_string(w.eol_pad);
      continue;
    }
    auto it = std::find_if(kOptionNames.begin(), kOptionNames.end(),
                           [&](const OptionName& n) { return n.kind == kind; });
    out += it != kOptionNames.end() ? std::string(it->name) : '?' + std::to_string(kind);
  }
  return out;
}

std::string quirks_field(uint32_t quirks) {
  std::string out;
  for (const QuirkName& q : kQuirkNames) {
    if (!(quirks & q.bit)) continue;
    if (!out.empty()) out += ',';
    out += q.name;
  }
  return out;
}

}  // namespace

uint8_t guess_initial_ttl(uint8_t observed_ttl) noexcept {
  if (observed_ttl <= 32) return 32;
  if (observed_ttl <= 64) return 64;
  if (observed_ttl <= 128) return 128;
  return 255;
}

P0fSignature p0f_signature(const Packet& packet, uint16_t syn_mss) {
  P0fSignature sig;
  if (packet.transport != Packet::Transport::kTcp) return sig;
  const IpHeader& ip = packet.ip;
  const TcpHeader& t = packet.tcp;
  const uint8_t type = t.flags & kTypeMask;
  const auto w = detail::walk_p0f_options(t.options_raw, type == flag::kSyn);
  sig.initial_ttl = guess_initial_ttl(ip.ttl);
  sig.distance = static_cast<uint8_t>(sig.initial_ttl - ip.ttl);
  sig.quirks = ip_quirks(ip) | tcp_quirks(t) | w.quirks;

  const bool sendsyn_reply = type == (flag::kSyn | flag::kAck) && w.mss == kSendsynMss;
  const WindowFacts facts{
      t.window, w.mss,      static_cast<int>(ip.header_length + t.header_length),
      syn_mss,  w.ts1 != 0, ip.version == 6};
  std::string& s = sig.raw;
  s = std::to_string(ip.version) + ':' + ttl_field(ip) + ':' + std::to_string(ip.options_length);
  s += ':' + (sendsyn_reply ? std::string("*") : std::to_string(w.mss));
  s += ':' + window_field(facts) + ',' + std::to_string(w.wscale);
  s += ':' + layout_field(w) + ':' + quirks_field(sig.quirks);
  s += packet.payload.empty() ? ":0" : ":+";
  return sig;
}

}  // namespace fp::tcp
