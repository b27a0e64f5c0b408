// TCP signature fields of p0f.fp (p0f 3.09b fp_tcp.c tcp_register_sig), one small parser each.

#include <array>
#include <utility>

#include "identify/p0f_db.h"
#include "identify/p0f_db_text.h"
#include "tcp/p0f.h"

namespace fp::identify {
namespace {

using p0f_text::number;

std::string parse_version(std::string_view f, P0fTcpSig& sig) {
  if (f == "4")
    sig.ip_version = 4;
  else if (f == "6")
    sig.ip_version = 6;
  else if (f == "*")
    sig.ip_version = -1;
  else
    return "unrecognized IP version";
  return {};
}

// "64", "64+3" (a distance folded into the TTL) or "64-" (random TTL, p0f's bad_ttl).
std::string parse_ttl(std::string_view f, P0fTcpSig& sig) {
  size_t op = f.find_first_of("+-");
  auto ttl = number(f.substr(0, op));
  if (!ttl || *ttl < 1 || *ttl > 255) return "bogus initial TTL";
  int32_t add = 0;
  if (op != std::string_view::npos && f[op] == '-') {
    if (op + 1 != f.size()) return "malformed TTL";
    sig.bad_ttl = true;
  } else if (op != std::string_view::npos) {
    auto dist = number(f.substr(op + 1));
    if (!dist || *ttl + *dist > 255) return "bogus initial TTL";
    add = *dist;
  }
  sig.ttl = static_cast<uint8_t>(*ttl + add);
  return {};
}

std::string parse_olen(std::string_view f, P0fTcpSig& sig) {
  auto olen = number(f);
  if (!olen || *olen > 255) return "bogus IP option length";
  sig.ip_options_length = static_cast<uint8_t>(*olen);
  return {};
}

std::string parse_mss(std::string_view f, P0fTcpSig& sig) {
  if (f == "*") return (sig.mss = -1), std::string();
  auto mss = number(f);
  if (!mss || *mss > 65535) return "bogus MSS";
  sig.mss = *mss;
  return {};
}

// "*", "8192", "%8192", "mss*20" or "mtu*4".
std::string parse_window(std::string_view f, P0fTcpSig& sig) {
  if (f == "*") return (sig.window_type = P0fWindow::kAny), std::string();
  std::optional<int32_t> v;
  int32_t lo = 0, hi = 65535;
  if (f.starts_with('%')) {
    sig.window_type = P0fWindow::kMod;
    v = number(f.substr(1));
    lo = 2;
  } else if (f.starts_with("mss*") || f.starts_with("mtu*")) {
    sig.window_type = f[1] == 's' ? P0fWindow::kMss : P0fWindow::kMtu;
    v = number(f.substr(4));
    lo = 1;
    hi = 1000;
  } else {
    sig.window_type = P0fWindow::kValue;
    v = number(f);
  }
  if (!v || *v < lo || *v > hi) return "bogus window size";
  sig.window = static_cast<uint16_t>(*v);
  return {};
}

std::string parse_scale(std::string_view f, P0fTcpSig& sig) {
  if (f == "*") return (sig.scale = -1), std::string();
  auto scale = number(f);
  if (!scale || *scale > 255) return "bogus window scale";
  sig.scale = static_cast<int16_t>(*scale);
  return {};
}

// Quirk names in p0f's order; the IP-version restrictions are p0f's.
struct QuirkName {
  std::string_view name;
  uint32_t bit;
  int8_t only_version;  // 4, 6 or 0 for both
};
constexpr std::array<QuirkName, 17> kQuirks = {{
    {"df", tcp::kQuirkDf, 4},
    {"id+", tcp::kQuirkNonZeroId, 4},
    {"id-", tcp::kQuirkZeroId, 4},
    {"ecn", tcp::kQuirkEcn, 0},
    {"0+", tcp::kQuirkMbz, 4},
    {"flow", tcp::kQuirkFlow, 6},
    {"seq-", tcp::kQuirkZeroSeq, 0},
    {"ack+", tcp::kQuirkNonZeroAck, 0},
    {"ack-", tcp::kQuirkZeroAck, 0},
    {"uptr+", tcp::kQuirkNonZeroUrg, 0},
    {"urgf+", tcp::kQuirkUrg, 0},
    {"pushf+", tcp::kQuirkPush, 0},
    {"ts1-", tcp::kQuirkZeroTs1, 0},
    {"ts2+", tcp::kQuirkNonZeroTs2, 0},
    {"opt+", tcp::kQuirkOptEolNz, 0},
    {"exws", tcp::kQuirkExws, 0},
    {"bad", tcp::kQuirkBad, 0},
}};

std::string parse_quirks(std::string_view f, P0fTcpSig& sig) {
  if (f.empty()) return {};
  for (std::string_view name : p0f_text::split(f, ',')) {
    const QuirkName* q = nullptr;
    for (const auto& k : kQuirks) {
      if (k.name == name) q = &k;
    }
    if (!q) return "unrecognized quirk '" + std::string(name) + "'";
    if (q->only_version != 0 && sig.ip_version != -1 && sig.ip_version != q->only_version) {
      return "'" + std::string(name) + "' is not valid for IPv" + std::to_string(sig.ip_version);
    }
    sig.quirks |= q->bit;
  }
  return {};
}

std::string parse_pclass(std::string_view f, P0fTcpSig& sig) {
  if (f == "*")
    sig.payload = -1;
  else if (f == "0")
    sig.payload = 0;
  else if (f == "+")
    sig.payload = 1;
  else
    return "malformed payload class";
  return {};
}

std::string parse_layout(std::string_view f, P0fTcpSig& sig) {
  return parse_p0f_olayout(f, sig.olayout, sig.eol_pad);
}

std::optional<uint8_t> option_kind(std::string_view name) {
  static constexpr std::pair<std::string_view, uint8_t> kNames[] = {
      {"nop", 1}, {"mss", 2}, {"ws", 3}, {"sok", 4}, {"sack", 5}, {"ts", 8}};
  for (const auto& [n, kind] : kNames) {
    if (n == name) return kind;
  }
  if (name.starts_with('?')) {
    auto kind = number(name.substr(1));
    if (kind && *kind <= 255) return static_cast<uint8_t>(*kind);
  }
  return std::nullopt;
}

}  // namespace

std::string parse_p0f_olayout(std::string_view text, std::vector<uint8_t>& kinds,
                              uint8_t& eol_pad) {
  kinds.clear();
  eol_pad = 0;
  if (text.empty()) return {};
  auto names = p0f_text::split(text, ',');
  if (names.size() > kP0fMaxTcpOptions) return "too many TCP options";
  for (size_t i = 0; i < names.size(); ++i) {
    std::string_view name = names[i];
    if (name.starts_with("eol")) {
      // p0f records the padding after EOL, so EOL must close the list.
      if (i + 1 != names.size()) return "EOL must be the last option";
      auto pad = name.starts_with("eol+") ? number(name.substr(4)) : std::nullopt;
      if (!pad || *pad > 255) return "malformed EOL option";
      kinds.push_back(0);
      eol_pad = static_cast<uint8_t>(*pad);
      continue;
    }
    auto kind = option_kind(name);
    if (!kind) return "unrecognized TCP option '" + std::string(name) + "'";
    kinds.push_back(*kind);
  }
  return {};
}

std::string parse_p0f_tcp_sig(std::string_view text, P0fTcpSig& sig) {
  using FieldParser = std::string (*)(std::string_view, P0fTcpSig&);
  static constexpr FieldParser kFields[] = {parse_version, parse_ttl,    parse_olen,
                                            parse_mss,     parse_window, parse_scale,
                                            parse_layout,  parse_quirks, parse_pclass};
  // wsize and scale share a field ("mss*20,7"), so split that one on its last ','.
  auto fields = p0f_text::split(text, ':');
  if (fields.size() != 8) return "malformed signature: expected 8 ':'-separated fields";
  size_t comma = fields[4].rfind(',');
  if (comma == std::string_view::npos) return "malformed signature: no ',' after window size";
  std::string_view parts[9] = {fields[0],
                               fields[1],
                               fields[2],
                               fields[3],
                               fields[4].substr(0, comma),
                               fields[4].substr(comma + 1),
                               fields[5],
                               fields[6],
                               fields[7]};
  for (size_t i = 0; i < 9; ++i) {
    if (std::string e = kFields[i](parts[i], sig); !e.empty()) return e;
  }
  return {};
}

}  // namespace fp::identify
