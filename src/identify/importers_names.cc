// Source words to the vocabulary (docs/identities.md): browser names, the TLS library each
// browser family ships, and the OS words the sources use ("win10", "macos11.6.4", "android12").
#include <array>
#include <iterator>
#include <utility>

#include "identify/importers.h"
#include "identify/importers_names.h"
#include "identify/vocabulary.h"

namespace fp::identify {
namespace {

struct Family {
  std::string_view name, kind, tls_library;
};

// Which TLS library a client family ships is a fact about the family, not the profile.
constexpr std::array<Family, 10> kFamilies = {{
    {"chrome", "browser", "boringssl"},
    {"chromium", "browser", "boringssl"},
    {"edge", "browser", "boringssl"},
    {"opera", "browser", "boringssl"},
    {"brave", "browser", "boringssl"},
    {"firefox", "browser", "nss"},
    {"tor", "browser", "nss"},
    {"safari", "browser", "apple"},
    {"okhttp", "library", "boringssl"},  // Android's Conscrypt is BoringSSL
    {"java", "library", "jsse"},
}};

// OS word prefixes, longest first where one is a prefix of another.
constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kOsWords = {{
    {"windows", "Windows"},
    {"win", "Windows"},
    {"linux", "Linux"},
    {"macos", "Mac OS X"},
    {"mac", "Mac OS X"},
    {"ios", "iOS"},
    {"ipad", "iOS"},
    {"android", "Android"},
}};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return out;
}

}  // namespace

void set_family(std::string_view name, Profile& p) {
  if (!is_client_name(name)) return;
  p.name = name;
  for (const Family& f : kFamilies) {
    if (f.name == name) {
      p.kind = f.kind;
      p.tls_library = f.tls_library;
    }
  }
}

// "win10" -> Windows / 10; "macos11.6.4" -> Mac OS X / 11.6.4; "ipad" -> iOS / ipad.
void set_os(std::string_view word, Profile& p) {
  const std::string w = lower(word);
  for (const auto& [prefix, os] : kOsWords) {
    if (w.rfind(prefix, 0) != 0) continue;
    p.os = os;
    std::string flavor = std::string(word.substr(prefix.size()));
    if (prefix == "ipad") flavor = "ipad";
    p.os_flavor = flavor.empty() || flavor.front() != '_' ? flavor : flavor.substr(1);
    return;
  }
  if (!word.empty()) p.notes = "os: " + std::string(word);  // kept, but not as a vocabulary OS
}

void set_browser_identity(std::string_view browser, std::string_view os, Profile& p) {
  set_family(lower(browser), p);
  if (p.name.empty()) p.label = browser;
  set_os(os, p);
}

std::optional<ImportKind> import_kind(std::string_view name) noexcept {
  if (name == "curl-impersonate") return ImportKind::kCurlImpersonate;
  if (name == "tls-client") return ImportKind::kTlsClient;
  if (name == "ja4-mapping") return ImportKind::kJa4Mapping;
  return std::nullopt;
}

ImportResult import_profiles(ImportKind kind, std::span<const SourceText> files) {
  ImportResult all;
  for (const SourceText& file : files) {
    ImportResult one = kind == ImportKind::kCurlImpersonate ? import_curl_impersonate(file)
                       : kind == ImportKind::kTlsClient     ? import_tls_client(file)
                                                            : import_ja4_mapping(file);
    std::move(one.profiles.begin(), one.profiles.end(), std::back_inserter(all.profiles));
    std::move(one.issues.begin(), one.issues.end(), std::back_inserter(all.issues));
  }
  return all;
}

}  // namespace fp::identify
