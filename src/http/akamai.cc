#include "http/akamai.h"

#include <charconv>
#include <string>

#include "core/hash.h"
#include "http/ja4h_rules.h"

namespace fp::http {
namespace {

// Every part is appended to one string reserved once: building it from temporaries
// (to_string + operator+) was a fifth of a preface's cost.
void append_number(std::string& out, uint32_t value) {
  char digits[10];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, end);
}

// "1:65536;2:0;4:6291456": every setting in the order sent; an empty SETTINGS frame (Node) gives
// an empty part.
void append_settings(std::string& out, const Http2Preface& p) {
  for (size_t i = 0; i < p.settings.size(); ++i) {
    if (i > 0) out += ';';
    append_number(out, p.settings[i].id);
    out += ':';
    append_number(out, p.settings[i].value);
  }
}

// The first connection-level WINDOW_UPDATE (TrackMe reads only the first); "00" when none.
void append_window_update(std::string& out, const Http2Preface& p) {
  if (p.window_updates.empty()) {
    out += "00";
  } else {
    append_number(out, p.window_updates.front());
  }
}

// PRIORITY frames as stream:exclusive:depends_on:weight, weight 1..256 (Firefox's wire weight
// 200 prints as 201); "0" when none. The HEADERS frame's own priority block is not part of it.
void append_priorities(std::string& out, const Http2Preface& p) {
  if (p.priorities.empty()) {
    out += '0';
    return;
  }
  for (size_t i = 0; i < p.priorities.size(); ++i) {
    const Http2Priority& pr = p.priorities[i];
    if (i > 0) out += ',';
    append_number(out, pr.stream_id);
    out += pr.exclusive ? ":1:" : ":0:";
    append_number(out, pr.depends_on);
    out += ':';
    append_number(out, pr.weight);
  }
}

// ":method,:authority,:scheme,:path" -> "m,a,s,p": the letter after the colon, in order sent.
void append_pseudo_headers(std::string& out, const Http2Preface& p) {
  if (!p.request) return;
  bool first = true;
  for (const Header& h : p.request->headers) {
    if (!is_pseudo_header(h.name) || h.name.size() < 2) continue;
    if (!first) out += ',';
    out += h.name[1];
    first = false;
  }
}

// Room for a browser's fingerprint (Chrome's is 52 characters) without growing.
constexpr size_t kTypicalLength = 96;

}  // namespace

Fingerprint akamai_fingerprint(const Http2Preface& preface) {
  Fingerprint fp;
  fp.raw.reserve(kTypicalLength);
  append_settings(fp.raw, preface);
  fp.raw += '|';
  append_window_update(fp.raw, preface);
  fp.raw += '|';
  append_priorities(fp.raw, preface);
  fp.raw += '|';
  append_pseudo_headers(fp.raw, preface);
  fp.hash = md5_hex(fp.raw);
  return fp;
}

}  // namespace fp::http
