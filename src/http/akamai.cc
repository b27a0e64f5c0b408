#include "http/akamai.h"

#include <string>

#include "core/hash.h"
#include "http/ja4h_rules.h"

namespace fp::http {
namespace {

// "1:65536;2:0;4:6291456": every setting in the order sent; an empty SETTINGS frame (Node) gives
// an empty part.
std::string settings_part(const Http2Preface& p) {
  std::string out;
  for (const Http2Setting& s : p.settings) {
    if (!out.empty()) out += ';';
    out += std::to_string(s.id) + ':' + std::to_string(s.value);
  }
  return out;
}

// The first connection-level WINDOW_UPDATE (TrackMe reads only the first); "00" when none.
std::string window_update_part(const Http2Preface& p) {
  return p.window_updates.empty() ? std::string("00") : std::to_string(p.window_updates.front());
}

// PRIORITY frames as stream:exclusive:depends_on:weight, weight 1..256 (Firefox's wire weight
// 200 prints as 201); "0" when none. The HEADERS frame's own priority block is not part of it.
std::string priority_part(const Http2Preface& p) {
  if (p.priorities.empty()) return "0";
  std::string out;
  for (const Http2Priority& pr : p.priorities) {
    if (!out.empty()) out += ',';
    out += std::to_string(pr.stream_id) + ':' + (pr.exclusive ? '1' : '0') + ':' +
           std::to_string(pr.depends_on) + ':' + std::to_string(pr.weight);
  }
  return out;
}

// ":method,:authority,:scheme,:path" -> "m,a,s,p": the letter after the colon, in order sent.
std::string pseudo_header_part(const Http2Preface& p) {
  std::string out;
  if (!p.request) return out;
  for (const Header& h : p.request->headers) {
    if (!is_pseudo_header(h.name) || h.name.size() < 2) continue;
    if (!out.empty()) out += ',';
    out += h.name[1];
  }
  return out;
}

}  // namespace

Fingerprint akamai_fingerprint(const Http2Preface& preface) {
  Fingerprint fp;
  fp.raw = settings_part(preface) + '|' + window_update_part(preface) + '|' +
           priority_part(preface) + '|' + pseudo_header_part(preface);
  fp.hash = md5_hex(fp.raw);
  return fp;
}

}  // namespace fp::http
