// SimilarityIndex: the four TLS sets as bitsets over the code points the database uses, so a
// set field costs a few popcounts; the list fields (orders, h2, headers) are scored only for
// profiles whose best possible quality could still reach the k best (branch and bound).
#include <algorithm>
#include <array>
#include <bit>

#include "identify/similarity.h"
#include "identify/similarity_internal.h"

namespace fp::identify {
namespace {

constexpr size_t kSets = 4;
constexpr size_t kBitsPerSet = 256;
using Bits = std::array<uint64_t, kBitsPerSet / 64>;

// Code point -> bit, per set field. Codes past the 256th distinct one get no bit; they count as
// "other" and never as shared (the database uses far fewer).
struct Vocabulary {
  std::array<std::vector<uint16_t>, kSets> bit_of;  // 65536 entries each: bit + 1, 0 = none

  Vocabulary() {
    for (auto& table : bit_of) table.assign(65536, 0);
  }
};

struct SetView {
  Bits bits{};
  uint16_t count = 0;  // bits set
  uint16_t other = 0;  // distinct codes without a bit
  bool known = false;
};

struct Entry {
  const Profile* profile = nullptr;
  detail::Lists lists;
  std::array<SetView, kSets> sets;
};

const std::vector<uint16_t>& set_list(const detail::Lists& l, size_t i) {
  switch (i) {
    case 0:
      return l.ciphers;
    case 1:
      return l.extensions;
    case 2:
      return l.groups;
    default:
      return l.sig_algs;
  }
}

SetView view(const std::vector<uint16_t>& codes, const std::vector<uint16_t>& table) {
  SetView v;
  v.known = !codes.empty();
  for (uint16_t c : codes) {
    const uint16_t bit = table[c];
    if (bit == 0) {
      ++v.other;  // repeats are not expected in a hello; counted once each
      continue;
    }
    uint64_t& word = v.bits[(bit - 1) / 64];
    const uint64_t mask = uint64_t{1} << ((bit - 1) % 64);
    v.count += (word & mask) == 0;
    word |= mask;
  }
  return v;
}

// Without -mpopcnt, std::popcount is a call into libgcc; this inlines to a dozen operations.
int popcount64(uint64_t x) {
  x -= (x >> 1) & 0x5555555555555555ULL;
  x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
  return static_cast<int>((x * 0x0101010101010101ULL) >> 56);
}

double jaccard_bits(const SetView& a, const SetView& b) {
  int common = 0;
  for (size_t w = 0; w < a.bits.size(); ++w) common += popcount64(a.bits[w] & b.bits[w]);
  // |A u B| = |A| + |B| - |A n B|: `count` is each side's popcount, kept when it was built.
  const int all = a.count + b.count - common + a.other + b.other;
  return all == 0 ? 1.0 : static_cast<double>(common) / static_cast<double>(all);
}

// The weight the list fields could add if both sides have them, each scoring 1 at best.
double list_weight_possible(const detail::Lists& a, const detail::Lists& b) {
  double w = 0;
  if (a.cipher_order.size() > 1 && b.cipher_order.size() > 1)
    w += field_weight(SimilarityField::kCipherOrder);
  if (a.extension_order.size() > 1 && b.extension_order.size() > 1)
    w += field_weight(SimilarityField::kExtensionOrder);
  if ((!a.akamai.empty() && !b.akamai.empty()) ||
      (!a.h2_settings.empty() && !b.h2_settings.empty()))
    w += field_weight(SimilarityField::kH2);
  if (!a.headers.empty() && !b.headers.empty() && a.h2_headers == b.h2_headers)
    w += field_weight(SimilarityField::kHeaderOrder);
  return w;
}

struct Candidate {
  size_t entry = 0;
  Similarity partial;  // set fields only
  double bound = 0;    // best quality the list fields could lift it to
};

}  // namespace

struct SimilarityIndex::Impl {
  Vocabulary vocabulary;
  std::vector<Entry> entries;

  void add_codes(size_t set, const std::vector<uint16_t>& codes, std::array<uint16_t, kSets>& n) {
    for (uint16_t c : codes) {
      if (vocabulary.bit_of[set][c] != 0 || n[set] == kBitsPerSet) continue;
      vocabulary.bit_of[set][c] = ++n[set];
    }
  }

  Candidate bound(size_t i, const detail::Lists& q, const std::array<SetView, kSets>& qs) const {
    Candidate c{i, {}, 0};
    const Entry& e = entries[i];
    double known = 0, sum = 0;
    for (size_t s = 0; s < kSets; ++s) {
      if (!qs[s].known || !e.sets[s].known) continue;
      const double score = jaccard_bits(qs[s], e.sets[s]);
      c.partial.fields[s] = score;
      known += field_weight(static_cast<SimilarityField>(s));
      sum += field_weight(static_cast<SimilarityField>(s)) * score;
    }
    const double extra = list_weight_possible(q, e.lists);
    c.bound = known + extra > 0 ? (sum + extra) / (known + extra) : 0.0;
    return c;
  }
};

SimilarityIndex::SimilarityIndex(std::span<const Profile> profiles)
    : impl_(std::make_unique<Impl>()) {
  std::array<uint16_t, kSets> used{};
  for (const Profile& p : profiles) {
    if (p.ciphers.empty() || p.extensions.empty()) continue;
    Entry& e = impl_->entries.emplace_back();
    e.profile = &p;
    e.lists = detail::prepare(observation_of(p));
    for (size_t s = 0; s < kSets; ++s) impl_->add_codes(s, set_list(e.lists, s), used);
  }
  for (Entry& e : impl_->entries) {
    for (size_t s = 0; s < kSets; ++s) {
      e.sets[s] = view(set_list(e.lists, s), impl_->vocabulary.bit_of[s]);
    }
  }
}

SimilarityIndex::~SimilarityIndex() = default;
SimilarityIndex::SimilarityIndex(SimilarityIndex&&) noexcept = default;
SimilarityIndex& SimilarityIndex::operator=(SimilarityIndex&&) noexcept = default;

size_t SimilarityIndex::size() const noexcept { return impl_->entries.size(); }

std::vector<Neighbour> SimilarityIndex::nearest(const Observation& observation, size_t k) const {
  std::vector<Neighbour> best;
  if (observation.ciphers.empty() || k == 0) return best;
  const detail::Lists q = detail::prepare(observation);
  std::array<SetView, kSets> qs;
  for (size_t s = 0; s < kSets; ++s) qs[s] = view(set_list(q, s), impl_->vocabulary.bit_of[s]);

  std::vector<Candidate> candidates;
  candidates.reserve(impl_->entries.size());
  for (size_t i = 0; i < impl_->entries.size(); ++i) candidates.push_back(impl_->bound(i, q, qs));
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.bound > b.bound; });

  for (Candidate& c : candidates) {
    if (best.size() == k && c.bound < best.back().similarity.quality) break;
    const Entry& e = impl_->entries[c.entry];
    detail::score_lists(q, e.lists, c.partial);
    detail::finish(c.partial);
    const auto at = std::upper_bound(
        best.begin(), best.end(), c.partial.quality,
        [](double quality, const Neighbour& n) { return quality > n.similarity.quality; });
    if (best.size() == k && at == best.end()) continue;
    best.insert(at, Neighbour{e.profile, c.partial});
    if (best.size() > k) best.pop_back();
  }
  return best;
}

}  // namespace fp::identify
