#pragma once
// Importers from public profile sources into profile records (docs/profiles.md "Importing").
// Each takes the files' text (the CLI reads them) and keeps provenance in every record's
// `source`. A value that cannot be a wire value (a code point above 0xffff, an unknown
// extension name) is skipped and reported as an issue; the rest of the record is kept.
// Fingerprints of imported TLS profiles are *derived*: JA4 and JA3N computed by our library
// from the ClientHello each profile describes, Akamai from its HTTP/2 frames.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "identify/profile.h"

namespace fp::identify {

struct SourceText {
  std::string name;  // a path as given; its last parts name the record's source
  std::string text;
};

struct ImportIssue {
  std::string file;
  size_t line = 0;  // 0 when the issue is not about one line
  std::string message;
};

struct ImportResult {
  std::vector<Profile> profiles;
  std::vector<ImportIssue> issues;
};

enum class ImportKind {
  kCurlImpersonate,  // curl-impersonate signatures/*.yaml (lwthiker and lexiforest forks)
  kTlsClient,        // tls-client profile export, one JSON file per profile
  kJa4Mapping,       // FoxIO ja4plus-mapping.csv, one profile per row
};

// "curl-impersonate", "tls-client", "ja4-mapping".
[[nodiscard]] std::optional<ImportKind> import_kind(std::string_view name) noexcept;

[[nodiscard]] ImportResult import_profiles(ImportKind kind, std::span<const SourceText> files);

[[nodiscard]] ImportResult import_curl_impersonate(const SourceText& file);
[[nodiscard]] ImportResult import_tls_client(const SourceText& file);
[[nodiscard]] ImportResult import_ja4_mapping(const SourceText& file);

}  // namespace fp::identify
