#pragma once
// Classifier features (docs/model-card.md "Features"): a fixed-length vector computed only from
// what a client puts on the wire — TLS code points, the JA4/JA4H/JA4T/Akamai strings, HTTP/2
// SETTINGS, header order. WireData has no field for a name, kind, version, OS, label, source or
// User-Agent, so a label cannot reach a feature (the model this project replaces scored "100%"
// by feeding its label in). The classifier consumes this vector; it never sees bytes
// (STYLE.md 15).
//
// Missing layers are NaN (XGBoost's "missing"), not zero: a profile known only by its JA4 string
// says nothing about whether a cipher is absent. Inside a known layer, "not sent" is 0 (presence
// bits) or -1 (positions, values).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "identify/profile.h"

namespace fp::identify {

struct Observation;  // identify/observation.h

// Bump when a feature is added, removed or changes meaning; model metadata records it and a
// model with another schema version is refused.
inline constexpr int kFeatureSchemaVersion = 1;

// The wire data of one client. TLS lists are in wire order, GREASE written as any 0x?a?a value.
struct WireData {
  std::vector<uint16_t> ciphers, extensions, groups, sig_algs;
  bool tls_lists = false;  // the four lists above were seen (else only `ja4` may be known)
  bool groups_known = false, sig_algs_known = false;  // JA4_r has no groups, JA3 no sig_algs
  bool wire_order = true;   // false when a source (JA4_r) sorted ciphers or extensions
  std::string ja4;          // hashed form, "t13d1516h2_8daaf6152771_02713d6af862"
  std::string ja4h;         // hashed form
  std::string ja4t;         // "64240_2-1-3-1-1-4_1460_8"
  std::string akamai;       // raw "SETTINGS|WINDOW_UPDATE|PRIORITY|PSEUDO"
  std::string h2_settings;  // "1:65536;2:0", when no Akamai string is known
  std::vector<std::string> header_orders;  // lower-case names joined by ','
};

using FeatureVector = std::vector<float>;

// Only wire fields are copied: the first TLS ("t…") JA4 (else the first), JA4H, JA4T, Akamai.
[[nodiscard]] WireData wire_data_of(const Profile& profile);
[[nodiscard]] WireData wire_data_of(const Observation& observation);

// feature_count() values, in feature_names() order. Never fails: malformed strings give NaN.
[[nodiscard]] FeatureVector compute_features(const WireData& wire);

[[nodiscard]] const std::vector<std::string>& feature_names();
[[nodiscard]] size_t feature_count();

}  // namespace fp::identify
