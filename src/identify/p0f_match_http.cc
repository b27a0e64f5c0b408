// p0f HTTP and MTU matching: p0f 3.09b fp_http.c http_find_match / parse_pairs and fp_mtu.c.

#include <cctype>

#include "identify/p0f_match.h"

namespace fp::identify {
namespace {

bool valid_header_name(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

bool header_present(const P0fHttpObservation& obs, const std::string& name) {
  for (const auto& h : obs.headers) {
    if (h.first == name) return true;
  }
  return false;
}

// Listed headers in order, others allowed in between; an optional one that is not found in its
// place must not appear anywhere (p0f: it would then be out of order).
bool horder_fits(const P0fHttpSig& sig, const P0fHttpObservation& obs) {
  size_t pos = 0;
  for (const P0fHttpHeader& want : sig.headers) {
    size_t at = pos;
    while (at < obs.headers.size() && obs.headers[at].first != want.name) ++at;
    if (at == obs.headers.size()) {
      if (!want.optional || header_present(obs, want.name)) return false;
      continue;
    }
    if (want.has_value && !contains(obs.headers[at].second, want.value)) return false;
    pos = at + 1;
  }
  return true;
}

bool sig_fits(const P0fHttpSig& sig, const P0fHttpObservation& obs) {
  if (sig.http_version != -1 && sig.http_version != obs.http_version) return false;
  if (!horder_fits(sig, obs)) return false;
  for (const auto& name : sig.absent) {
    if (header_present(obs, name)) return false;
  }
  return true;
}

P0fMatch http_match(const P0fDatabase& db, const P0fHttpSig& sig, const P0fHttpObservation& obs) {
  P0fMatch m;
  m.matched = true;
  m.label = db.labels[sig.label];
  m.line = sig.line;
  m.generic = m.label.generic;
  // p0f calls a client dishonest only when it sent a User-Agent that lacks the expected text.
  m.dishonest =
      !sig.software.empty() && !obs.software.empty() && !contains(obs.software, sig.software);
  return m;
}

}  // namespace

std::optional<P0fHttpObservation> p0f_observe_http(const http::HttpRequest& req) {
  // p0f looks only at GET and HEAD requests ("GET /", "HEAD /") of HTTP/1.x.
  if ((req.method != "GET" && req.method != "HEAD") || !req.target.starts_with('/')) {
    return std::nullopt;
  }
  if (req.version != "HTTP/1.0" && req.version != "HTTP/1.1") return std::nullopt;
  if (req.headers.size() > kP0fMaxHttpHeaders) return std::nullopt;
  P0fHttpObservation obs;
  obs.http_version = req.version == "HTTP/1.1" ? 1 : 0;
  for (const auto& h : req.headers) {
    if (!valid_header_name(h.name)) return std::nullopt;
    obs.headers.emplace_back(h.name, h.value);
    if (h.name == "User-Agent" && !h.value.empty()) obs.software = h.value;
  }
  return obs;
}

P0fMatch p0f_match_http(const P0fDatabase& db, const P0fHttpObservation& obs) {
  const P0fHttpSig* generic = nullptr;
  for (const P0fHttpSig& sig : db.http_request) {
    if (!sig_fits(sig, obs)) continue;
    if (!db.labels[sig.label].generic) return http_match(db, sig, obs);
    if (!generic) generic = &sig;
  }
  return generic ? http_match(db, *generic, obs) : P0fMatch{};
}

std::optional<P0fLink> p0f_match_mtu(const P0fDatabase& db, uint16_t mss, uint8_t ip_version) {
  if (mss == 0) return std::nullopt;
  // p0f adds the smallest header sizes, not the packet's own (IP options do not count).
  P0fLink out;
  out.mtu = mss + (ip_version == 6 ? 60u : 40u);
  for (const P0fMtuSig& sig : db.mtu) {
    if (sig.mtu == out.mtu) {
      out.link = sig.link;
      break;
    }
  }
  return out;
}

}  // namespace fp::identify
