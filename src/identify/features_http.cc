// HTTP/2, header-order, JA4H and JA4T features. Strings that do not parse give NaN, as if the
// layer were unknown.
#include <array>
#include <charconv>
#include <string>
#include <string_view>
#include <vector>

#include "identify/features_sink.h"

namespace fp::identify::detail {
namespace {

// SETTINGS ids of RFC 9113 §6.5.2 plus 8 (ENABLE_CONNECT_PROTOCOL) and 9 (NO_RFC7540_PRIORITIES).
constexpr std::array<int, 8> kSettingIds = {1, 2, 3, 4, 5, 6, 8, 9};

constexpr std::array<std::string_view, 24> kHeaders = {"host",
                                                       "connection",
                                                       "user-agent",
                                                       "accept",
                                                       "accept-encoding",
                                                       "accept-language",
                                                       "sec-ch-ua",
                                                       "sec-ch-ua-mobile",
                                                       "sec-ch-ua-platform",
                                                       "sec-fetch-site",
                                                       "sec-fetch-mode",
                                                       "sec-fetch-user",
                                                       "sec-fetch-dest",
                                                       "upgrade-insecure-requests",
                                                       "priority",
                                                       "te",
                                                       "dnt",
                                                       "cache-control",
                                                       "pragma",
                                                       "cookie",
                                                       "referer",
                                                       "origin",
                                                       "sec-gpc",
                                                       "keep-alive"};

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  if (s.empty()) return out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

bool to_number(std::string_view s, double& out) {
  unsigned long long v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return false;
  out = static_cast<double>(v);
  return true;
}

struct Setting {
  double id = 0, value = 0;
};

bool parse_settings(std::string_view text, std::vector<Setting>& out) {
  for (std::string_view item : split(text, ';')) {
    const size_t colon = item.find(':');
    Setting s;
    if (colon == std::string_view::npos || !to_number(item.substr(0, colon), s.id) ||
        !to_number(item.substr(colon + 1), s.value)) {
      return false;
    }
    out.push_back(s);
  }
  return true;
}

// "m,a,s,p" → 1234 (m=1 a=2 s=3 p=4), a number per order; 0 for none.
float pseudo_code(std::string_view letters) {
  float code = 0;
  for (std::string_view l : split(letters, ',')) {
    const std::string_view order = "masp";
    const size_t i = order.find(l);
    if (l.size() != 1 || i == std::string_view::npos) return kMissing;
    code = code * 10 + static_cast<float>(i + 1);
  }
  return code;
}

// The same code from a header order's pseudo-headers (":method" → m …).
std::string pseudo_letters(std::string_view header_order) {
  std::string letters;
  for (std::string_view name : split(header_order, ',')) {
    if (name.size() < 2 || name[0] != ':') continue;
    if (!letters.empty()) letters += ',';
    letters += name[1];
  }
  return letters;
}

void add_h2_features(const WireData& wire, FeatureSink& sink) {
  const std::vector<std::string_view> parts = split(wire.akamai, '|');
  const bool has_akamai = parts.size() == 4;
  std::vector<Setting> settings;
  const std::string_view text = has_akamai ? parts[0] : std::string_view(wire.h2_settings);
  bool known = (has_akamai || !wire.h2_settings.empty()) && parse_settings(text, settings);
  sink.add("h2.known", known ? 1.0F : 0.0F);
  sink.add("h2.settings_count", known, static_cast<float>(settings.size()));
  for (int id : kSettingIds) {
    float value = -1, pos = -1;
    for (size_t i = 0; i < settings.size(); ++i) {
      if (settings[i].id == id) value = static_cast<float>(settings[i].value), pos = float(i);
    }
    sink.add_named([&] { return "h2.setting_" + std::to_string(id); }, known, value);
    sink.add_named([&] { return "h2.setting_pos_" + std::to_string(id); }, known, pos);
  }
  double window = 0;
  const bool wu = has_akamai && (parts[1] == "00" || to_number(parts[1], window));
  sink.add("h2.window_update", wu, static_cast<float>(window));
  sink.add("h2.priority_frames", has_akamai,
           has_akamai && parts[2] != "0" ? static_cast<float>(split(parts[2], ',').size()) : 0);
  std::string letters = has_akamai ? std::string(parts[3]) : std::string();
  if (letters.empty() && !wire.header_orders.empty()) {
    letters = pseudo_letters(wire.header_orders.front());
  }
  sink.add("h2.pseudo_order", !letters.empty(), pseudo_code(letters));
}

void add_header_order_features(const WireData& wire, FeatureSink& sink) {
  const bool known = !wire.header_orders.empty();
  std::vector<std::string_view> names;
  if (known) {
    for (std::string_view n : split(wire.header_orders.front(), ',')) {
      if (!n.starts_with(':')) names.push_back(n);
    }
  }
  sink.add("hdr.count", known, static_cast<float>(names.size()));
  for (std::string_view header : kHeaders) {
    float pos = -1;
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == header) pos = static_cast<float>(i);
    }
    sink.add_named([&] { return "hdr_pos." + std::string(header); }, known, pos);
  }
}

void add_ja4h_features(std::string_view ja4h, FeatureSink& sink) {
  // JA4H_a: method(2) version(2) cookie(1) referer(1) header count(2) language(4), then '_'.
  const bool known = ja4h.size() >= 13 && ja4h[12] == '_';
  double version = 0, count = 0;
  const bool ok =
      known && to_number(ja4h.substr(2, 2), version) && to_number(ja4h.substr(6, 2), count);
  sink.add("ja4h.version", ok, static_cast<float>(version));
  sink.add("ja4h.cookie", ok, ok && ja4h[4] == 'c' ? 1.0F : 0.0F);
  sink.add("ja4h.referer", ok, ok && ja4h[5] == 'r' ? 1.0F : 0.0F);
  sink.add("ja4h.header_count", ok, static_cast<float>(count));
  sink.add("ja4h.language", ok, ok && ja4h.substr(8, 4) != "0000" ? 1.0F : 0.0F);
}

}  // namespace

void add_http_features(const WireData& wire, FeatureSink& sink) {
  add_h2_features(wire, sink);
  add_header_order_features(wire, sink);
  add_ja4h_features(wire.ja4h, sink);
}

// JA4T "window_options_mss_wscale": window, option count, the first four option kinds, MSS,
// window scale.
void add_tcp_features(const WireData& wire, FeatureSink& sink) {
  const std::vector<std::string_view> parts = split(wire.ja4t, '_');
  double window = 0, mss = 0, wscale = 0;
  const bool ok = parts.size() == 4 && to_number(parts[0], window) && to_number(parts[2], mss) &&
                  to_number(parts[3], wscale);
  const std::vector<std::string_view> options =
      ok ? split(parts[1], '-') : std::vector<std::string_view>{};
  sink.add("tcp.window", ok, static_cast<float>(window));
  sink.add("tcp.option_count", ok, static_cast<float>(options.size()));
  for (size_t i = 0; i < 4; ++i) {
    double kind = -1;
    if (i < options.size() && !to_number(options[i], kind)) kind = -1;
    sink.add("tcp.option_" + std::to_string(i), ok, static_cast<float>(kind));
  }
  sink.add("tcp.mss", ok, static_cast<float>(mss));
  sink.add("tcp.wscale", ok, static_cast<float>(wscale));
}

}  // namespace fp::identify::detail
