#pragma once
// Shared by compare() and SimilarityIndex so both give the same numbers: the prepared form of
// one side's lists and the field scores that do not depend on how sets are stored.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "identify/observation.h"
#include "identify/similarity.h"

namespace fp::identify::detail {

// One side, ready to score: code lists GREASE-free (extensions also without SNI and ALPN),
// orders empty when not in wire order, header names hashed.
struct Lists {
  std::vector<uint16_t> ciphers, extensions, groups, sig_algs;
  std::vector<uint16_t> cipher_order, extension_order;
  std::vector<uint32_t> headers;
  bool h2_headers = false;  // the order starts with a pseudo-header
  std::string akamai, h2_settings;
};

[[nodiscard]] Lists prepare(const Observation& o);

// Levenshtein similarity on hashed names.
[[nodiscard]] double edit_similarity_ids(std::span<const uint32_t> a, std::span<const uint32_t> b);

// Fills the order, h2 and header-order fields (everything but the four sets).
void score_lists(const Lists& a, const Lists& b, Similarity& out);

// Sets quality and coverage from the fields.
void finish(Similarity& s);

}  // namespace fp::identify::detail
