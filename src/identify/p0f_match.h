#pragma once
// p0f v3 matching against a parsed p0f.fp (p0f_db.h), with the rules of p0f 3.09b:
//
// TCP (fp_tcp.c tcp_find_match): a SYN is matched against [tcp:request], a SYN+ACK against
// [tcp:response]. Only sigs with the packet's exact option layout are candidates; EOL padding and
// IP option length must be equal; mss, scale and pclass must be equal unless "*"; the window
// must fit its kind (value; %N: a multiple of N; mss*N / mtu*N: the packet's window is N times
// the MSS / MTU by p0f's detect_win_multi rules). Then, in file order:
//   1. the first specific ("s:") sig that fits with equal quirks and a TTL within 35 hops below
//      the sig's initial TTL wins: exact match, distance = sig TTL - packet TTL;
//   2. else the first such generic ("g:") sig: generic match;
//   3. else the first sig that fits except for tolerated differences: quirks "df" or "id+"
//      missing, or "id-" or "ecn" added, and/or the TTL out of range: fuzzy match. Its distance
//      is guessed from the packet TTL alone (next of 32/64/128/255) when the TTL is out of range.
//      Application ("!") sigs never match fuzzily.
// A "64-" (random TTL) sig never matches a packet whose TTL is above 64, and p0f prints its
// distance as "<= N". A sig of version "*" drops "flow" when matching IPv4 and "df,id+,id-"
// when matching IPv6; p0f does not otherwise compare IP versions.
//
// HTTP (fp_http.c http_find_match): GET and HEAD requests over HTTP/1.x only. The first specific
// sig, else the first generic one, for which: the version is equal or "*"; every listed header
// appears, in this order (others may sit in between), its value containing the "=[...]" text;
// an optional ("?") header, when present, sits in its place; no habsent header appears. Header
// names compare case-sensitively. A sig whose expsw is not in the User-Agent marks the match
// "dishonest".
//
// MTU (fp_mtu.c): MSS + 40 (IPv4) or + 60 (IPv6) looked up in [mtu]; none when the MSS is 0.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/request.h"
#include "identify/p0f_db.h"
#include "tcp/p0f.h"
#include "tcp/packet.h"

namespace fp::identify {

inline constexpr uint8_t kP0fMaxDistance = 35;  // p0f's MAX_DIST

// What tcp_find_match reads of a SYN or SYN+ACK.
struct P0fTcpObservation {
  bool syn_ack = false;
  uint8_t ip_version = 4;
  uint8_t ttl = 0;  // as observed
  uint8_t ip_options_length = 0;
  uint16_t mss = 0;
  uint16_t window = 0;
  int16_t window_multiplier = -1;  // p0f's detect_win_multi: N of mss*N / mtu*N, else -1
  bool window_in_mtu = false;      // the multiplier counts MTUs
  uint8_t scale = 0;
  std::vector<uint8_t> olayout;
  uint8_t eol_pad = 0;
  uint32_t quirks = 0;  // tcp::P0fQuirk bits
  bool payload = false;
};

// From a parsed packet and its p0f signature (tcp/p0f.h, which holds p0f's option walk and
// window rules); nullopt when the signature is empty or not in p0f's form.
[[nodiscard]] std::optional<P0fTcpObservation> p0f_observe_tcp(const tcp::Packet& packet,
                                                               const tcp::P0fSignature& sig);

struct P0fMatch {
  bool matched = false;    // false: p0f prints "???"
  P0fLabel label;          // name, class, flavor (and sys for applications)
  uint32_t line = 0;       // line of the sig in p0f.fp
  bool generic = false;    // a "g:" label
  bool fuzzy = false;      // matched only with tolerated differences
  bool bad_ttl = false;    // a "64-" sig: distance is an upper bound
  uint8_t distance = 0;    // hops (TCP only)
  bool dishonest = false;  // HTTP only: User-Agent lacks the sig's expsw
  // "Linux 3.11 and newer", or "???" without a match: p0f's os= / app= value.
  [[nodiscard]] std::string display() const { return matched ? label.display() : "???"; }
};

[[nodiscard]] P0fMatch p0f_match_tcp(const P0fDatabase& db, const P0fTcpObservation& obs);

// From a raw_sig string alone (p0f's log line, an analyze record's p0f_signature): p0f.fp sig
// syntax with ittl written "observed+distance" ("57+7"; "57+?" past 35 hops). `syn_ack` picks
// [tcp:response]. Lossy in one place: a window printed "mss*N" / "mtu*N" is taken as N times the
// MSS / (MSS + 40), the first divisor p0f tries; when p0f found N on another divisor (MSS - 12,
// 1460, ...) only sigs giving the window as a number or "%N" could judge it differently.
// nullopt when the text is not a raw_sig.
[[nodiscard]] std::optional<P0fTcpObservation> p0f_observe_raw_sig(std::string_view raw_sig,
                                                                   bool syn_ack = false);

// What http_find_match reads of a request: version and headers in order.
struct P0fHttpObservation {
  int8_t http_version = 1;                                   // 0 or 1
  std::vector<std::pair<std::string, std::string>> headers;  // name (as sent), value
  std::string software;                                      // User-Agent value, "" if absent
};

// nullopt when p0f would not fingerprint the request: not GET / HEAD, not HTTP/1.x, a header
// name outside [A-Za-z0-9_-], or more than kP0fMaxHttpHeaders headers.
[[nodiscard]] std::optional<P0fHttpObservation> p0f_observe_http(const http::HttpRequest& req);

[[nodiscard]] P0fMatch p0f_match_http(const P0fDatabase& db, const P0fHttpObservation& obs);

struct P0fLink {
  uint32_t mtu = 0;  // MSS + minimal header size
  std::string link;  // the [mtu] label; empty when none matches (p0f prints "???")
};

// nullopt when the MSS is 0 (p0f logs no mtu line then).
[[nodiscard]] std::optional<P0fLink> p0f_match_mtu(const P0fDatabase& db, uint16_t mss,
                                                   uint8_t ip_version);

}  // namespace fp::identify
