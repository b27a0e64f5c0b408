// format_profile: database syntax, in the key order of profile_fields.cc, so that an unknown
// client printed by the CLI can be pasted into data/profiles/ (STYLE.md 14).
#include "identify/profile.h"
#include "identify/profile_fields.h"

namespace fp::identify {
namespace {

void put(std::string& out, std::string_view key, std::string_view value) {
  if (value.empty()) return;
  out.append(key).append(" = ").append(value).push_back('\n');
}

}  // namespace

std::string format_profile(const Profile& p) {
  std::string out = "[" + p.id + "]\n";
  put(out, "name", p.name);
  put(out, "kind", p.kind);
  put(out, "tls_library", p.tls_library);
  put(out, "version", p.version);
  put(out, "os", p.os);
  put(out, "os_flavor", p.os_flavor);
  put(out, "label", p.label);
  put(out, "source", p.source);
  put(out, "user_agent", p.user_agent);
  put(out, "notes", p.notes);
  for (size_t k = 0; k < kFingerprintKinds; ++k) {
    for (const std::string& v : p.fingerprints[k]) put(out, key_of(FingerprintKind(k)), v);
  }
  for (const std::string& order : p.header_orders) put(out, "header_order", order);
  put(out, "ciphers", fields::format_hex_list(p.ciphers));
  put(out, "extensions", fields::format_hex_list(p.extensions));
  put(out, "groups", fields::format_hex_list(p.groups));
  put(out, "sig_algs", fields::format_hex_list(p.sig_algs));
  put(out, "h2_settings", p.h2_settings);
  return out;
}

std::string format_profile_db(std::span<const Profile> profiles, std::string_view header) {
  std::string out;
  while (!header.empty()) {
    const size_t end = header.find('\n');
    const std::string_view line = header.substr(0, end);
    out.append(line.empty() ? "#" : "# ").append(line).push_back('\n');
    header.remove_prefix(end == std::string_view::npos ? header.size() : end + 1);
  }
  out += "\nformat = " + std::to_string(kProfileFormat) + "\n";
  for (const Profile& p : profiles) out += "\n" + format_profile(p);
  return out;
}

}  // namespace fp::identify
