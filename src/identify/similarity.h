#pragma once
// Similarity (STYLE.md 15, the fuzzy stage after exact lookup): per-field scores in [0, 1]
// between an observation and a profile, and a weighted quality.
//
//   ciphers, extensions, groups, sig_algs  Jaccard of the code-point sets (GREASE removed;
//                                          extensions without SNI 0x0000 and ALPN 0x0010,
//                                          which say how the client was called, not who it is)
//   cipher_order, extension_order          1 - normalised Kendall tau distance over the codes
//                                          both sides list; only when both are in wire order
//   h2                                     HTTP/2 SETTINGS: ids with equal values / ids on
//                                          either side; with Akamai text on both sides, half
//                                          of it, plus a quarter each for equal WINDOW_UPDATE
//                                          and equal pseudo-header order
//   header_order                           1 - Levenshtein distance / longer length, on the
//                                          lower-case names; only between two HTTP/2 (':'
//                                          pseudo-headers) or two HTTP/1 orders
//
// A field either side lacks is unknown (nullopt) and left out of the quality, which is the
// weighted mean of the known fields; `coverage` is the share of the weights that were known.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "identify/observation.h"
#include "identify/profile.h"

namespace fp::identify {

enum class SimilarityField : uint8_t {
  kCiphers,
  kExtensions,
  kGroups,
  kSigAlgs,
  kCipherOrder,
  kExtensionOrder,
  kH2,
  kHeaderOrder
};
inline constexpr size_t kSimilarityFields = 8;

// "ciphers", "extensions", "groups", "sig_algs", "cipher_order", "extension_order", "h2",
// "header_order".
[[nodiscard]] std::string_view field_name(SimilarityField field) noexcept;
// The field's weight in the quality.
[[nodiscard]] double field_weight(SimilarityField field) noexcept;

struct Similarity {
  std::array<std::optional<double>, kSimilarityFields> fields;
  double quality = 0;   // weighted mean of the known fields; 0 when none is known
  double coverage = 0;  // known weight / all weight

  [[nodiscard]] const std::optional<double>& of(SimilarityField f) const {
    return fields[static_cast<size_t>(f)];
  }
  // True when a TLS set field was known: quality then speaks for the ClientHello.
  [[nodiscard]] bool has_tls() const { return of(SimilarityField::kCiphers).has_value(); }
};

// The field measures, for tests and tools. Sets ignore order and repeats; two empty sets are
// equal (1). Order and edit similarity of lists with fewer than two common items is 1.
[[nodiscard]] double jaccard(std::span<const uint16_t> a, std::span<const uint16_t> b);
[[nodiscard]] double order_similarity(std::span<const uint16_t> a, std::span<const uint16_t> b);
[[nodiscard]] double edit_similarity(std::span<const std::string_view> a,
                                     std::span<const std::string_view> b);
// SETTINGS text "1:65536;2:0"; an unparsable side gives 0.
[[nodiscard]] double settings_similarity(std::string_view a, std::string_view b);
// Akamai text "SETTINGS|WINDOW|PRIORITY|PSEUDO".
[[nodiscard]] double akamai_similarity(std::string_view a, std::string_view b);

// Every field of two observations.
[[nodiscard]] Similarity compare(const Observation& a, const Observation& b);

struct Neighbour {
  const Profile* profile = nullptr;
  Similarity similarity;
};

// Profiles prepared once for nearest(): sets as bitsets over the database's code points, lists
// pre-hashed, so a query costs little per profile. Keeps pointers into `profiles`, which must
// outlive it. Profiles without ciphers or extensions (hash-only sources) are left out.
class SimilarityIndex {
 public:
  explicit SimilarityIndex(std::span<const Profile> profiles);
  ~SimilarityIndex();
  SimilarityIndex(SimilarityIndex&&) noexcept;
  SimilarityIndex& operator=(SimilarityIndex&&) noexcept;

  // The k profiles of highest quality, best first (ties in a fixed order); only profiles with a
  // known TLS field. Empty when the observation has no ciphers.
  [[nodiscard]] std::vector<Neighbour> nearest(const Observation& observation, size_t k) const;

  [[nodiscard]] size_t size() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fp::identify
