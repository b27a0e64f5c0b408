#include "identify/vocabulary.h"

#include <algorithm>
#include <array>

namespace fp::identify {
namespace {

// Keep in step with docs/identities.md, which says what each word covers.
constexpr std::array<std::string_view, 39> kClientNames = {
    // browsers
    "chrome", "chromium", "edge", "opera", "brave", "firefox", "safari", "tor",
    // tools and libraries
    "curl", "wget", "python-requests", "python-urllib", "python", "go", "node", "java", "okhttp",
    "openssl", "gnutls-cli", "wininet", "ngrok",
    // apps (imported tls-client app profiles; mobile apps on the platform's TLS stack)
    "nike-app", "zalando-app", "mesh-app", "mms-app", "confirmed-app", "telegram",
    // bots and malware (the JA4+ mapping lists command-and-control tooling)
    "cobalt-strike", "sliver", "havoc", "icedid", "qakbot", "pikabot", "darkgate", "lumma",
    "softether-vpn",
    // devices
    "iot-device", "printer", "router"};

constexpr std::array<std::string_view, 7> kKinds = {"browser", "library", "tool",  "bot",
                                                    "app",     "malware", "device"};

constexpr std::array<std::string_view, 10> kTlsLibraries = {
    "boringssl", "nss",      "openssl", "gnutls", "go",
    "jsse",      "schannel", "apple",   "rustls", "wolfssl"};

// p0f.fp's OS labels (the third field of `label = s:unix:Linux:...`), plus the mobile systems
// the browser sources name (Android; p0f.fp files it under Linux).
constexpr std::array<std::string_view, 14> kOsNames = {
    "Linux",  "Windows", "Mac OS X", "iOS",   "Android", "FreeBSD",    "OpenBSD",
    "NetBSD", "Solaris", "HP-UX",    "Tru64", "OpenVMS", "Blackberry", "Nintendo"};

bool contains(std::span<const std::string_view> list, std::string_view word) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

}  // namespace

std::span<const std::string_view> client_names() noexcept { return kClientNames; }
std::span<const std::string_view> client_kinds() noexcept { return kKinds; }
std::span<const std::string_view> tls_libraries() noexcept { return kTlsLibraries; }
std::span<const std::string_view> os_names() noexcept { return kOsNames; }

bool is_client_name(std::string_view name) noexcept { return contains(kClientNames, name); }
bool is_client_kind(std::string_view kind) noexcept { return contains(kKinds, kind); }
bool is_tls_library(std::string_view library) noexcept { return contains(kTlsLibraries, library); }
bool is_os_name(std::string_view os) noexcept { return contains(kOsNames, os); }

}  // namespace fp::identify
