// p0f TCP matching: p0f 3.09b fp_tcp.c tcp_find_match, rule by rule (see p0f_match.h).

#include "identify/p0f_match.h"

#include "identify/p0f_db_text.h"

namespace fp::identify {
namespace {

constexpr uint16_t kSendsynMss = 1331;  // p0f SPECIAL_MSS: raw_sig prints it as "*"

// p0f's guess_dist: hops below the next common initial TTL.
uint8_t guess_distance(uint8_t ttl) {
  for (int initial : {32, 64, 128}) {
    if (ttl <= initial) return static_cast<uint8_t>(initial - ttl);
  }
  return static_cast<uint8_t>(255 - ttl);
}

// A "*" sig carries the quirks of both IP versions; drop those the packet's version cannot have.
uint32_t reference_quirks(const P0fTcpSig& sig, uint8_t ip_version) {
  if (sig.ip_version != -1) return sig.quirks;
  if (ip_version == 4) return sig.quirks & ~uint32_t{tcp::kQuirkFlow};
  return sig.quirks & ~uint32_t{tcp::kQuirkDf | tcp::kQuirkNonZeroId | tcp::kQuirkZeroId};
}

// p0f tolerates "df" / "id+" disappearing (a NAT rewriting IP IDs, PMTUD off) and "id-" / "ecn"
// appearing (ECN negotiated per connection); any other difference rules the sig out.
bool quirks_tolerated(uint32_t ref, uint32_t seen) {
  uint32_t deleted = ref & ~seen, added = seen & ~ref;
  return !(deleted & ~uint32_t{tcp::kQuirkDf | tcp::kQuirkNonZeroId}) &&
         !(added & ~uint32_t{tcp::kQuirkZeroId | tcp::kQuirkEcn});
}

bool window_fits(const P0fTcpSig& sig, const P0fTcpObservation& obs) {
  switch (sig.window_type) {
    case P0fWindow::kAny:
      return true;
    case P0fWindow::kValue:
      return sig.window == obs.window;
    case P0fWindow::kMod:
      return obs.window % sig.window == 0;
    case P0fWindow::kMss:
      return !obs.window_in_mtu && sig.window == obs.window_multiplier;
    case P0fWindow::kMtu:
      return obs.window_in_mtu && sig.window == obs.window_multiplier;
  }
  return false;
}

// The fields that must agree for any kind of match (after the layout, which p0f buckets on).
bool fixed_fields_fit(const P0fTcpSig& sig, const P0fTcpObservation& obs) {
  return sig.olayout == obs.olayout && sig.eol_pad == obs.eol_pad &&
         sig.ip_options_length == obs.ip_options_length && (sig.mss == -1 || sig.mss == obs.mss) &&
         (sig.scale == -1 || sig.scale == obs.scale) &&
         (sig.payload == -1 || sig.payload == (obs.payload ? 1 : 0)) && window_fits(sig, obs);
}

bool ttl_in_range(const P0fTcpSig& sig, uint8_t ttl) {
  return sig.ttl >= ttl && sig.ttl - ttl <= kP0fMaxDistance;
}

P0fMatch make_match(const P0fDatabase& db, const P0fTcpSig& sig, bool fuzzy, uint8_t dist) {
  P0fMatch m;
  m.matched = true;
  m.label = db.labels[sig.label];
  m.line = sig.line;
  m.generic = m.label.generic;
  m.fuzzy = fuzzy;
  m.bad_ttl = sig.bad_ttl;
  m.distance = dist;
  return m;
}

P0fMatch no_match(uint8_t dist) {
  P0fMatch m;
  m.distance = dist;
  return m;
}

P0fMatch fuzzy_outcome(const P0fDatabase& db, const P0fTcpSig* fuzzy, uint8_t ttl) {
  // p0f gives userland tools no fuzzy matches: their sigs are too specific to bend.
  if (fuzzy && db.labels[fuzzy->label].is_app()) return no_match(guess_distance(ttl));
  bool keep_dist =
      fuzzy && fuzzy->ttl >= ttl && (fuzzy->bad_ttl || fuzzy->ttl - ttl <= kP0fMaxDistance);
  uint8_t dist = keep_dist ? static_cast<uint8_t>(fuzzy->ttl - ttl) : guess_distance(ttl);
  if (!fuzzy) return no_match(dist);
  return make_match(db, *fuzzy, true, dist);
}

}  // namespace

std::optional<P0fTcpObservation> p0f_observe_tcp(const tcp::Packet& packet,
                                                 const tcp::P0fSignature& sig) {
  auto f = p0f_text::split(sig.raw, ':');
  if (f.size() != 8) return std::nullopt;
  size_t comma = f[4].rfind(',');
  auto scale = p0f_text::number(f[4].substr(comma + 1));
  auto mss = f[3] == "*" ? std::optional<int32_t>(kSendsynMss) : p0f_text::number(f[3]);
  if (comma == std::string_view::npos || !scale || !mss) return std::nullopt;
  P0fTcpObservation obs;
  obs.syn_ack = packet.tcp.has(tcp::flag::kAck);
  obs.ip_version = packet.ip.version;
  obs.ttl = packet.ip.ttl;
  obs.ip_options_length = static_cast<uint8_t>(packet.ip.options_length);
  obs.mss = static_cast<uint16_t>(*mss);
  obs.window = packet.tcp.window;
  obs.scale = static_cast<uint8_t>(*scale);
  obs.quirks = sig.quirks;
  obs.payload = !packet.payload.empty();
  // raw_sig prints detect_win_multi's outcome as "mss*N" / "mtu*N"; reuse it.
  std::string_view win = f[4].substr(0, comma);
  if (win.starts_with("mss*") || win.starts_with("mtu*")) {
    obs.window_in_mtu = win[1] == 't';
    obs.window_multiplier = static_cast<int16_t>(p0f_text::number(win.substr(4)).value_or(-1));
  }
  if (!parse_p0f_olayout(f[5], obs.olayout, obs.eol_pad).empty()) return std::nullopt;
  return obs;
}

P0fMatch p0f_match_tcp(const P0fDatabase& db, const P0fTcpObservation& obs) {
  const auto& sigs = obs.syn_ack ? db.tcp_response : db.tcp_request;
  const P0fTcpSig* generic = nullptr;
  const P0fTcpSig* fuzzy = nullptr;
  for (const P0fTcpSig& sig : sigs) {
    uint32_t ref = reference_quirks(sig, obs.ip_version);
    bool is_fuzzy = ref != obs.quirks;
    // Once a fuzzy candidate is held, p0f skips sigs whose quirks differ at all.
    if (is_fuzzy && (fuzzy || !quirks_tolerated(ref, obs.quirks))) continue;
    if (!fixed_fields_fit(sig, obs)) continue;
    if (sig.bad_ttl) {
      if (sig.ttl < obs.ttl) continue;
    } else if (!ttl_in_range(sig, obs.ttl)) {
      is_fuzzy = true;
    }
    if (is_fuzzy) {
      if (!fuzzy) fuzzy = &sig;
    } else if (!db.labels[sig.label].generic) {
      return make_match(db, sig, false, static_cast<uint8_t>(sig.ttl - obs.ttl));
    } else if (!generic) {
      generic = &sig;
    }
  }
  if (generic) return make_match(db, *generic, false, static_cast<uint8_t>(generic->ttl - obs.ttl));
  return fuzzy_outcome(db, fuzzy, obs.ttl);
}

}  // namespace fp::identify
