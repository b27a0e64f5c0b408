// p0f TCP matching input from a raw_sig string, for records that carry only the signature text.

#include "identify/p0f_match.h"

#include "identify/p0f_db_text.h"

namespace fp::identify {
namespace {

constexpr uint16_t kSendsynMss = 1331;  // p0f SPECIAL_MSS: raw_sig prints it as "*"
constexpr int kMinTcp4 = 40;            // p0f MIN_TCP4: the first MTU divisor it tries

// "57+7" or "57+?" (past kP0fMaxDistance hops) -> 57.
std::optional<uint8_t> observed_ttl(std::string_view field) {
  const size_t plus = field.find('+');
  if (plus == std::string_view::npos) return std::nullopt;
  const auto ttl = p0f_text::number(field.substr(0, plus));
  const std::string_view dist = field.substr(plus + 1);
  if (!ttl || *ttl > 255 || (dist != "?" && !p0f_text::number(dist))) return std::nullopt;
  return static_cast<uint8_t>(*ttl);
}

// The raw_sig with its ittl replaced by a plain TTL, so the p0f.fp field parsers read the rest.
std::optional<P0fTcpSig> parse_rest(std::string_view raw) {
  const size_t first = raw.find(':');
  const size_t second = raw.find(':', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  const std::string text =
      std::string(raw.substr(0, first)) + ":64" + std::string(raw.substr(second));
  P0fTcpSig sig;
  if (!parse_p0f_tcp_sig(text, sig).empty() || sig.ip_version == -1 || sig.payload == -1) {
    return std::nullopt;
  }
  return sig;
}

// raw_sig prints the window as a number or as detect_win_multi's "mss*N" / "mtu*N"; the window
// itself is then N times the first divisor p0f tries of that kind.
bool set_window(const P0fTcpSig& sig, P0fTcpObservation& obs) {
  int32_t window = sig.window;
  if (sig.window_type == P0fWindow::kMss || sig.window_type == P0fWindow::kMtu) {
    obs.window_in_mtu = sig.window_type == P0fWindow::kMtu;
    obs.window_multiplier = static_cast<int16_t>(sig.window);
    window = (obs.mss + (obs.window_in_mtu ? kMinTcp4 : 0)) * int32_t{sig.window};
  } else if (sig.window_type != P0fWindow::kValue) {
    return false;
  }
  obs.window = static_cast<uint16_t>(window);
  return window <= 65535;
}

}  // namespace

std::optional<P0fTcpObservation> p0f_observe_raw_sig(std::string_view raw_sig, bool syn_ack) {
  if (p0f_text::split(raw_sig, ':').size() != 8) return std::nullopt;
  const auto ttl = observed_ttl(p0f_text::split(raw_sig, ':')[1]);
  const auto sig = ttl ? parse_rest(raw_sig) : std::nullopt;
  if (!sig) return std::nullopt;
  P0fTcpObservation obs;
  obs.syn_ack = syn_ack;
  obs.ip_version = static_cast<uint8_t>(sig->ip_version);
  obs.ttl = *ttl;
  obs.ip_options_length = sig->ip_options_length;
  obs.mss = sig->mss == -1 ? kSendsynMss : static_cast<uint16_t>(sig->mss);
  obs.scale = static_cast<uint8_t>(sig->scale == -1 ? 0 : sig->scale);
  obs.olayout = sig->olayout;
  obs.eol_pad = sig->eol_pad;
  obs.quirks = sig->quirks;
  obs.payload = sig->payload == 1;
  if (!set_window(*sig, obs)) return std::nullopt;
  return obs;
}

}  // namespace fp::identify
