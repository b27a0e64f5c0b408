#pragma once
// The one vocabulary of identity names (docs/identities.md): client names, kinds, TLS libraries
// and operating systems. Profiles, importers and (later) the classifier use only these words, so
// a name means the same thing in every layer. OS names are p0f's (p0f.fp `label = s:unix:Linux`).

#include <span>
#include <string_view>

namespace fp::identify {

[[nodiscard]] std::span<const std::string_view> client_names() noexcept;
[[nodiscard]] std::span<const std::string_view> client_kinds() noexcept;
[[nodiscard]] std::span<const std::string_view> tls_libraries() noexcept;
[[nodiscard]] std::span<const std::string_view> os_names() noexcept;

// Exact, case-sensitive membership: "chrome" is a client name, "Chrome" is not.
[[nodiscard]] bool is_client_name(std::string_view name) noexcept;
[[nodiscard]] bool is_client_kind(std::string_view kind) noexcept;
[[nodiscard]] bool is_tls_library(std::string_view library) noexcept;
[[nodiscard]] bool is_os_name(std::string_view os) noexcept;

}  // namespace fp::identify
