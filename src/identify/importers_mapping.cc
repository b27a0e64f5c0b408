// FoxIO's ja4plus-mapping.csv: one row per known fingerprint set, with free-text Application,
// Library, Device and OS columns. Every row becomes one profile; the fingerprints are carried
// verbatim and the free text is mapped to the vocabulary where a word is clear (the source's
// words are kept in `label`).
#include <array>
#include <string>

#include "identify/importers.h"
#include "identify/importers_names.h"

namespace fp::identify {
namespace {

struct Known {
  std::string_view prefix;  // lower-case start of the Application, Library or Device text
  std::string_view name, kind, tls_library;
};

constexpr std::array<Known, 23> kKnown = {{
    {"chromium", "chromium", "browser", "boringssl"},
    {"mozilla firefox", "firefox", "browser", "nss"},
    {"safari", "safari", "browser", "apple"},
    {"python", "python", "library", "openssl"},
    {"golang", "go", "library", "go"},
    {"wininet", "wininet", "library", "schannel"},
    {"curl", "curl", "tool", ""},
    {"ngrok", "ngrok", "tool", ""},
    {"softether", "softether-vpn", "tool", ""},
    {"telegram", "telegram", "app", ""},
    {"sliver/havoc", "", "malware", ""},  // two tools' servers: no single name
    {"sliver", "sliver", "malware", "go"},
    {"cobalt strike", "cobalt-strike", "malware", ""},
    {"icedid", "icedid", "malware", ""},
    {"qakbot", "qakbot", "malware", ""},
    {"pikabot", "pikabot", "malware", ""},
    {"darkgate", "darkgate", "malware", ""},
    {"lumma", "lumma", "malware", ""},
    {"epson printer", "printer", "device", ""},
    {"ubiquiti router", "router", "device", ""},
    {"cisco rv32", "router", "device", ""},
    {"cloudflare", "", "device", ""},  // a server's JA4TS, not a client
    {"", "iot-device", "device", ""},  // any other Device text
}};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return out;
}

std::string_view trim(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

// RFC 4180 fields of one line: commas separate, "..." may hold commas and "" quotes.
std::vector<std::string> csv_fields(std::string_view line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '"' && quoted && i + 1 < line.size() && line[i + 1] == '"') {
      fields.back().push_back('"');
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back().push_back(c);
    }
  }
  return fields;
}

void set_known(std::string_view text, bool device, Profile& p) {
  const std::string l = lower(trim(text));
  if (l.empty() || !p.kind.empty()) return;
  for (const Known& k : kKnown) {
    if (k.prefix.empty() && !device) continue;
    if (l.rfind(k.prefix, 0) != 0) continue;
    p.name = k.name;
    p.kind = k.kind;
    p.tls_library = k.tls_library;
    return;
  }
}

// "Windows 10" -> Windows / 10; anything naming a Linux distribution -> Linux / the text.
void set_mapping_os(std::string_view text, Profile& p) {
  const std::string l = lower(text);
  if (l.empty()) return;
  if (l.rfind("windows", 0) == 0) {
    p.os = "Windows";
    p.os_flavor = trim(text.substr(7));
  } else if (l.find("mac") != std::string::npos) {
    p.os = "Mac OS X";
    p.os_flavor = text;
  } else if (l.find("linux") != std::string::npos || l.find("ubuntu") != std::string::npos ||
             l.find("unifi") != std::string::npos) {
    p.os = "Linux";
    p.os_flavor = text;
  } else {
    p.notes = "os: " + std::string(text);
  }
}

constexpr std::array<std::pair<std::string_view, FingerprintKind>, 6> kColumns = {{
    {"ja4", FingerprintKind::kJa4},
    {"ja4s", FingerprintKind::kJa4s},
    {"ja4h", FingerprintKind::kJa4h},
    {"ja4x", FingerprintKind::kJa4x},
    {"ja4t", FingerprintKind::kJa4t},
    {"ja4tscan", FingerprintKind::kJa4tscan},
}};

}  // namespace

ImportResult import_ja4_mapping(const SourceText& file) {
  ImportResult out;
  std::vector<std::string> header;
  std::string_view text = file.text;
  for (size_t number = 1; !text.empty(); ++number) {
    const size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (trim(line).empty()) continue;
    std::vector<std::string> row = csv_fields(line);
    if (header.empty()) {
      header = std::move(row);
      continue;
    }
    row.resize(std::max(row.size(), header.size()));
    auto column = [&](std::string_view name) -> std::string {
      for (size_t i = 0; i < header.size(); ++i) {
        if (header[i] == name) return std::string(trim(row[i]));
      }
      return "";
    };
    Profile p;
    p.id = "ja4-mapping-line-" + std::to_string(number);
    set_known(column("Application"), false, p);
    set_known(column("Library"), false, p);
    set_known(column("Device"), true, p);
    for (std::string_view c : {"Application", "Library", "Device"}) {
      const std::string v = column(c);
      if (!v.empty()) p.label += (p.label.empty() ? "" : " / ") + v;
    }
    set_mapping_os(column("OS"), p);
    const std::string notes = column("Notes");
    if (!notes.empty()) p.notes += (p.notes.empty() ? "" : "; ") + notes;
    p.source = "ja4-mapping " + file.name + " line " + std::to_string(number);
    for (const auto& [col, kind] : kColumns) {
      const std::string v = column(col);
      if (v.empty()) continue;
      if (const std::string_view why = fingerprint_problem(kind, v); !why.empty()) {
        out.issues.push_back(
            {file.name, number, std::string(col) + " '" + v + "': " + std::string(why)});
        continue;
      }
      p.of(kind).push_back(v);
    }
    out.profiles.push_back(std::move(p));
  }
  return out;
}

}  // namespace fp::identify
