// The feature vector: its layers are in features_tls.cc and features_http.cc. Names come from
// running the same code with a name-recording sink, so they always match the values.
#include "identify/features.h"

#include <algorithm>

#include "identify/features_sink.h"
#include "identify/observation.h"

namespace fp::identify {
namespace {

FeatureVector build(const WireData& wire, std::vector<std::string>* names) {
  detail::FeatureSink sink(names);
  detail::add_tls_features(wire, sink);
  detail::add_http_features(wire, sink);
  detail::add_tcp_features(wire, sink);
  return sink.take();
}

const std::string& first_or_empty(const std::vector<std::string>& values) {
  static const std::string empty;
  return values.empty() ? empty : values.front();
}

}  // namespace

WireData wire_data_of(const Profile& profile) {
  WireData wire;
  wire.ciphers = profile.ciphers;
  wire.extensions = profile.extensions;
  wire.groups = profile.groups;
  wire.sig_algs = profile.sig_algs;
  wire.tls_lists = !profile.ciphers.empty();
  wire.groups_known = wire.sig_algs_known = wire.tls_lists;
  // A profile may list a QUIC JA4 beside the TCP one; the TCP one matches the TLS lists.
  const std::vector<std::string>& ja4s = profile.of(FingerprintKind::kJa4);
  const auto tcp = std::find_if(ja4s.begin(), ja4s.end(),
                                [](const std::string& j) { return j.starts_with('t'); });
  wire.ja4 = tcp != ja4s.end() ? *tcp : first_or_empty(ja4s);
  wire.ja4h = first_or_empty(profile.of(FingerprintKind::kJa4h));
  wire.ja4t = first_or_empty(profile.of(FingerprintKind::kJa4t));
  wire.akamai = first_or_empty(profile.of(FingerprintKind::kAkamai));
  wire.h2_settings = profile.h2_settings;
  wire.header_orders = profile.header_orders;
  return wire;
}

WireData wire_data_of(const Observation& observation) {
  WireData wire;
  wire.ciphers = observation.ciphers;
  wire.extensions = observation.extensions;
  wire.groups = observation.groups;
  wire.sig_algs = observation.sig_algs;
  wire.tls_lists = !observation.ciphers.empty();
  // An observation built from JA4_r lacks groups; from JA3, signature algorithms.
  wire.groups_known = wire.tls_lists && !observation.groups.empty();
  wire.sig_algs_known = wire.tls_lists && !observation.sig_algs.empty();
  wire.wire_order = !observation.ciphers_sorted && !observation.extensions_sorted;
  wire.h2_settings = observation.h2_settings;
  if (!observation.header_order.empty()) wire.header_orders.push_back(observation.header_order);
  wire.ja4 = observation.of(FingerprintKind::kJa4);
  wire.ja4h = observation.of(FingerprintKind::kJa4h);
  wire.ja4t = observation.of(FingerprintKind::kJa4t);
  wire.akamai = observation.of(FingerprintKind::kAkamai);
  return wire;
}

FeatureVector compute_features(const WireData& wire) { return build(wire, nullptr); }

const std::vector<std::string>& feature_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    (void)build(WireData{}, &n);
    return n;
  }();
  return names;
}

size_t feature_count() { return feature_names().size(); }

}  // namespace fp::identify
