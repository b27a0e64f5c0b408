#include "identify/similarity.h"

#include <algorithm>
#include <functional>

#include "identify/similarity_internal.h"

namespace fp::identify {
namespace detail {
namespace {

constexpr uint16_t kSni = 0x0000, kAlpn = 0x0010;

std::vector<uint16_t> without_sni_alpn(std::vector<uint16_t> exts) {
  std::erase_if(exts, [](uint16_t e) { return e == kSni || e == kAlpn; });
  return exts;
}

std::vector<uint32_t> hashed_names(std::string_view order) {
  std::vector<uint32_t> out;
  while (!order.empty()) {
    const size_t comma = std::min(order.find(','), order.size());
    out.push_back(static_cast<uint32_t>(std::hash<std::string_view>{}(order.substr(0, comma))));
    order.remove_prefix(std::min(comma + 1, order.size()));
  }
  return out;
}

void set_field(Similarity& s, SimilarityField f, double value) {
  s.fields[static_cast<size_t>(f)] = value;
}

void score_h2(const Lists& a, const Lists& b, Similarity& out) {
  if (!a.akamai.empty() && !b.akamai.empty()) {
    set_field(out, SimilarityField::kH2, akamai_similarity(a.akamai, b.akamai));
  } else if (!a.h2_settings.empty() && !b.h2_settings.empty()) {
    set_field(out, SimilarityField::kH2, settings_similarity(a.h2_settings, b.h2_settings));
  }
}

}  // namespace

Lists prepare(const Observation& o) {
  Lists l;
  l.ciphers = o.ciphers;
  l.extensions = without_sni_alpn(o.extensions);
  l.groups = o.groups;
  l.sig_algs = o.sig_algs;
  if (!o.ciphers_sorted) l.cipher_order = l.ciphers;
  if (!o.extensions_sorted) l.extension_order = l.extensions;
  l.headers = hashed_names(o.header_order);
  l.h2_headers = o.header_order.starts_with(':');
  l.akamai = o.of(FingerprintKind::kAkamai);
  l.h2_settings = o.h2_settings;
  return l;
}

void score_lists(const Lists& a, const Lists& b, Similarity& out) {
  if (a.cipher_order.size() > 1 && b.cipher_order.size() > 1) {
    set_field(out, SimilarityField::kCipherOrder, order_similarity(a.cipher_order, b.cipher_order));
  }
  if (a.extension_order.size() > 1 && b.extension_order.size() > 1) {
    set_field(out, SimilarityField::kExtensionOrder,
              order_similarity(a.extension_order, b.extension_order));
  }
  score_h2(a, b, out);
  if (!a.headers.empty() && !b.headers.empty() && a.h2_headers == b.h2_headers) {
    set_field(out, SimilarityField::kHeaderOrder, edit_similarity_ids(a.headers, b.headers));
  }
}

}  // namespace detail

Similarity compare(const Observation& a, const Observation& b) {
  const detail::Lists la = detail::prepare(a), lb = detail::prepare(b);
  Similarity s;
  const std::array<std::pair<const std::vector<uint16_t>*, const std::vector<uint16_t>*>, 4> sets =
      {{{&la.ciphers, &lb.ciphers},
        {&la.extensions, &lb.extensions},
        {&la.groups, &lb.groups},
        {&la.sig_algs, &lb.sig_algs}}};
  // An empty list is unknown (JA4_r has no groups), not an empty set.
  for (size_t i = 0; i < sets.size(); ++i) {
    if (!sets[i].first->empty() && !sets[i].second->empty()) {
      s.fields[i] = jaccard(*sets[i].first, *sets[i].second);
    }
  }
  detail::score_lists(la, lb, s);
  detail::finish(s);
  return s;
}

}  // namespace fp::identify
