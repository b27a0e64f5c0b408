#pragma once
// A certificate for a first start without configuration.

#include <filesystem>
#include <string>

namespace fp::server {

// Makes an EC P-256 key and a self-signed X.509 v3 certificate (CN and SAN: localhost,
// 127.0.0.1, ::1; valid 1 year; serial random) at the two paths when either is missing; key file
// mode 0600. Returns false and `error` on failure. Existing files are left untouched: when both
// are there nothing is done; when only one is, that is an error (a lone key or certificate cannot
// be paired with a new one, and overwriting it could destroy a real key).
[[nodiscard]] bool ensure_self_signed(const std::filesystem::path& cert,
                                      const std::filesystem::path& key, std::string& error);

}  // namespace fp::server
