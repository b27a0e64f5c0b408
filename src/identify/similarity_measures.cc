// The field measures of similarity.h: plain functions on small lists, no allocation beyond a
// Levenshtein row.
#include <algorithm>
#include <charconv>
#include <string>

#include "identify/similarity.h"
#include "identify/similarity_internal.h"

namespace fp::identify {
namespace {

constexpr std::array<std::string_view, kSimilarityFields> kNames = {
    "ciphers",      "extensions",      "groups", "sig_algs",
    "cipher_order", "extension_order", "h2",     "header_order"};
// Sets weigh most: they are what a TLS library decides. Extension order weighs little because
// Chrome 110+ and Firefox shuffle it per connection.
constexpr std::array<double, kSimilarityFields> kWeights = {3, 3, 1.5, 1.5, 1, 0.5, 2, 1.5};

bool contains(std::span<const uint16_t> v, uint16_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

size_t distinct_count(std::span<const uint16_t> v) {
  size_t n = 0;
  for (size_t i = 0; i < v.size(); ++i) n += !contains(v.first(i), v[i]);
  return n;
}

// "1:65536;2:0" -> (id, value) pairs; false when malformed.
bool parse_settings(std::string_view text, std::vector<std::pair<uint32_t, uint64_t>>& out) {
  while (!text.empty()) {
    const size_t end = std::min(text.find(';'), text.size());
    const std::string_view item = text.substr(0, end);
    const size_t colon = item.find(':');
    if (colon == std::string_view::npos) return false;
    uint32_t id = 0;
    uint64_t value = 0;
    const auto r1 = std::from_chars(item.data(), item.data() + colon, id);
    const auto r2 = std::from_chars(item.data() + colon + 1, item.data() + item.size(), value);
    if (r1.ec != std::errc() || r2.ec != std::errc() || r2.ptr != item.data() + item.size()) {
      return false;
    }
    out.emplace_back(id, value);
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  return true;
}

std::string_view akamai_part(std::string_view text, int index) {
  for (int i = 0; i < index; ++i) {
    const size_t bar = text.find('|');
    if (bar == std::string_view::npos) return {};
    text.remove_prefix(bar + 1);
  }
  return text.substr(0, text.find('|'));
}

}  // namespace

std::string_view field_name(SimilarityField field) noexcept {
  return kNames[static_cast<size_t>(field)];
}

double field_weight(SimilarityField field) noexcept { return kWeights[static_cast<size_t>(field)]; }

double jaccard(std::span<const uint16_t> a, std::span<const uint16_t> b) {
  size_t common = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!contains(a.first(i), a[i]) && contains(b, a[i])) ++common;
  }
  const size_t all = distinct_count(a) + distinct_count(b) - common;
  return all == 0 ? 1.0 : static_cast<double>(common) / static_cast<double>(all);
}

// Kendall tau distance: the share of pairs of common codes that the two lists order
// differently.
double order_similarity(std::span<const uint16_t> a, std::span<const uint16_t> b) {
  std::vector<size_t> positions;  // in b, of a's codes that b has, in a's order
  for (uint16_t x : a) {
    const auto it = std::find(b.begin(), b.end(), x);
    if (it != b.end()) positions.push_back(static_cast<size_t>(it - b.begin()));
  }
  const size_t n = positions.size();
  if (n < 2) return 1.0;
  size_t discordant = 0;
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = i + 1; j < n; ++j) discordant += positions[i] > positions[j];
  }
  return 1.0 - static_cast<double>(discordant) / static_cast<double>(n * (n - 1) / 2);
}

double edit_similarity(std::span<const std::string_view> a, std::span<const std::string_view> b) {
  std::vector<uint32_t> ia, ib;
  const auto id = [](std::string_view s) {
    return static_cast<uint32_t>(std::hash<std::string_view>{}(s));
  };
  for (std::string_view s : a) ia.push_back(id(s));
  for (std::string_view s : b) ib.push_back(id(s));
  return detail::edit_similarity_ids(ia, ib);
}

double settings_similarity(std::string_view a, std::string_view b) {
  std::vector<std::pair<uint32_t, uint64_t>> sa, sb;
  if (!parse_settings(a, sa) || !parse_settings(b, sb)) return 0.0;
  size_t equal = 0, shared_ids = 0;
  for (const auto& setting : sa) {
    const uint32_t id = setting.first;  // clang 14 cannot capture a structured binding
    const auto it =
        std::find_if(sb.begin(), sb.end(), [id](const auto& s) { return s.first == id; });
    if (it == sb.end()) continue;
    ++shared_ids;
    equal += it->second == setting.second;
  }
  const size_t all = sa.size() + sb.size() - shared_ids;
  return all == 0 ? 1.0 : static_cast<double>(equal) / static_cast<double>(all);
}

double akamai_similarity(std::string_view a, std::string_view b) {
  return 0.5 * settings_similarity(akamai_part(a, 0), akamai_part(b, 0)) +
         0.25 * (akamai_part(a, 1) == akamai_part(b, 1)) +
         0.25 * (akamai_part(a, 3) == akamai_part(b, 3));
}

namespace detail {

double edit_similarity_ids(std::span<const uint32_t> a, std::span<const uint32_t> b) {
  const size_t longer = std::max(a.size(), b.size());
  if (longer == 0) return 1.0;
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = up;
    }
  }
  return 1.0 - static_cast<double>(row[b.size()]) / static_cast<double>(longer);
}

void finish(Similarity& s) {
  double known = 0, sum = 0, all = 0;
  for (size_t i = 0; i < kSimilarityFields; ++i) {
    all += kWeights[i];
    if (!s.fields[i]) continue;
    known += kWeights[i];
    sum += kWeights[i] * *s.fields[i];
  }
  s.quality = known > 0 ? sum / known : 0.0;
  s.coverage = known / all;
}

}  // namespace detail
}  // namespace fp::identify
