#pragma once
// p0f v3 raw TCP signature of a SYN or SYN+ACK, as p0f prints it in `raw_sig` and as `p0f.fp`
// lists signatures:   ver:ittl:olen:mss:wsize,scale:olayout:quirks:pclass
// e.g. 4:64+0:0:1460:mss*20,7:mss,sok,ts,nop,ws:df,id+:0
//
// The rules are those of p0f 3.09b (process.c parse_packet, fp_tcp.c dump_sig / guess_dist /
// detect_win_multi); tests/tcp/vectors/p0f.tsv holds what the real p0f printed. Fields:
//   ver     4 or 6
//   ittl    observed TTL "+" distance to the guessed initial TTL, e.g. "57+7"; "+?" past 35 hops
//   olen    IPv4 option bytes (0 for IPv6)
//   mss     MSS option value, 0 when absent; "*" on a SYN+ACK carrying p0f-sendsyn's MSS 1331
//   wsize   "mss*N" / "mtu*N" when the window is a multiple of the MSS or MTU (see p0f.cc),
//           else the window as a number
//   scale   window scale, 0 when absent
//   olayout option names in wire order: eol+N (N bytes after EOL), nop, mss, ws, sok, sack, ts,
//           ?K for other kinds; at most 24 options
//   quirks  df, id+, id-, ecn, 0+, flow, seq-, ack+, ack-, uptr+, urgf+, pushf+, ts1-, ts2+,
//           opt+, exws, bad (see P0fQuirk)
//   pclass  0 without payload, + with
// p0f walks options by its own rules (fixed lengths for MSS, WS, SACK-permitted and timestamp,
// whatever the length byte says), so this reads TcpHeader::options_raw, not TcpHeader::options.
// IPv6 extension headers: p0f ignores such packets; here they count in the header size only.

#include <cstdint>
#include <string>

#include "tcp/packet.h"

namespace fp::tcp {

// p0f's quirks, in the order p0f prints them.
enum P0fQuirk : uint32_t {
  kQuirkDf = 1u << 0,           // df: IPv4 don't-fragment set
  kQuirkNonZeroId = 1u << 1,    // id+: DF set and IP ID nonzero
  kQuirkZeroId = 1u << 2,       // id-: DF clear and IP ID zero
  kQuirkEcn = 1u << 3,          // ecn: IP ECN bits, TCP ECE/CWR or the NS bit
  kQuirkMbz = 1u << 4,          // 0+: IPv4 reserved ("must be zero") bit set
  kQuirkFlow = 1u << 5,         // flow: IPv6 flow label nonzero
  kQuirkZeroSeq = 1u << 6,      // seq-: sequence number zero
  kQuirkNonZeroAck = 1u << 7,   // ack+: ACK clear but ack number "nonzero" (see p0f.cc)
  kQuirkZeroAck = 1u << 8,      // ack-: ACK set and ack number zero
  kQuirkNonZeroUrg = 1u << 9,   // uptr+: URG clear but urgent pointer nonzero
  kQuirkUrg = 1u << 10,         // urgf+: URG set
  kQuirkPush = 1u << 11,        // pushf+: PSH set
  kQuirkZeroTs1 = 1u << 12,     // ts1-: own timestamp zero
  kQuirkNonZeroTs2 = 1u << 13,  // ts2+: peer timestamp nonzero on a SYN
  kQuirkOptEolNz = 1u << 14,    // opt+: nonzero bytes after EOL
  kQuirkExws = 1u << 15,        // exws: window scale above 14
  kQuirkBad = 1u << 16,         // bad: malformed options
};

struct P0fSignature {
  std::string raw;          // the signature line; empty when the packet is not TCP
  uint8_t initial_ttl = 0;  // guessed initial TTL: 32, 64, 128 or 255
  uint8_t distance = 0;     // hops: initial_ttl - observed ttl
  uint32_t quirks = 0;      // P0fQuirk bits
};

// The TTL a sender most likely started from, as p0f guesses it (the next of 32/64/128/255).
[[nodiscard]] uint8_t guess_initial_ttl(uint8_t observed_ttl) noexcept;

// `syn_mss`: for a SYN+ACK, the MSS of the SYN it answers (p0f also tests the window against the
// peer's MSS); 0 when unknown or for a SYN.
[[nodiscard]] P0fSignature p0f_signature(const Packet& packet, uint16_t syn_mss = 0);

}  // namespace fp::tcp
