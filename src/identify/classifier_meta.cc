// Metadata JSON (written by hand in a fixed key order so the bytes are reproducible; read back
// with the tree reader) and the version-era table.
#include "identify/classifier_meta.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <tuple>

#include "identify/importers_tree.h"

namespace fp::identify::detail {
namespace {

// Code points whose arrival marks a client generation: post-quantum key agreement
// (0x6399 Kyber draft, 0x11ec/0x11eb ML-KEM), ECH (0xfe0d), ALPS old/new (0x4469/0x44cd),
// certificate compression (0x001b), delegated credentials (0x0022), record size limit
// (0x001c), post-handshake auth (0x0031).
constexpr std::array<std::string_view, 10> kVersionMarkers = {
    "group.6399", "group.11ec", "group.11eb", "ext.fe0d", "ext.4469",
    "ext.44cd",   "ext.001b",   "ext.0022",   "ext.001c", "ext.0031"};

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + quoted(items[i]);
  return out + "]";
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::vector<std::string> read_list(const TreeNode* node) {
  std::vector<std::string> out;
  if (node == nullptr) return out;
  for (const TreeNode& item : node->items) out.push_back(item.scalar);
  return out;
}

double read_number(const TreeNode& root, std::string_view key) {
  const std::string text(root.text(key));
  return std::strtod(text.c_str(), nullptr);
}

}  // namespace

std::optional<uint32_t> version_markers(const FeatureVector& features) {
  static const std::array<size_t, kVersionMarkers.size()> index = [] {
    std::array<size_t, kVersionMarkers.size()> out{};
    const std::vector<std::string>& names = feature_names();
    for (size_t i = 0; i < kVersionMarkers.size(); ++i) {
      out[i] = static_cast<size_t>(std::find(names.begin(), names.end(), kVersionMarkers[i]) -
                                   names.begin());
    }
    return out;
  }();
  uint32_t markers = 0;
  for (size_t i = 0; i < index.size(); ++i) {
    if (index[i] >= features.size() || std::isnan(features[index[i]])) return std::nullopt;
    if (features[index[i]] > 0.5F) markers |= 1U << i;
  }
  return markers;
}

std::vector<VersionEra> learn_eras(std::span<const Profile> profiles) {
  std::map<std::pair<std::string, uint32_t>, std::pair<int, int>> spans;
  for (const Profile& p : profiles) {
    const std::optional<int> major = major_version(p.version);
    if (!major || p.name.empty()) continue;
    const std::optional<uint32_t> markers = version_markers(compute_features(wire_data_of(p)));
    if (!markers) continue;
    const auto key = std::make_pair(std::string(client_class_of(p.name)), *markers);
    const auto [it, fresh] = spans.try_emplace(key, *major, *major);
    it->second.first = std::min(it->second.first, *major);
    it->second.second = std::max(it->second.second, *major);
  }
  std::vector<VersionEra> eras;
  for (const auto& [key, span] : spans) {
    eras.push_back({key.first, key.second, span.first, span.second});
  }
  return eras;
}

std::string write_meta(const ModelMeta& m) {
  std::string out = "{\n";
  out += "  \"format\": \"fingerprint-classifier\",\n";
  out += "  \"feature_schema\": " + std::to_string(m.feature_schema) + ",\n";
  out += "  \"feature_count\": " + std::to_string(m.feature_count) + ",\n";
  out += "  \"seed\": " + std::to_string(m.options.seed) + ",\n";
  out += "  \"rounds\": " + std::to_string(m.options.rounds) + ",\n";
  out += "  \"max_depth\": " + std::to_string(m.options.max_depth) + ",\n";
  out += "  \"eta\": " + number(m.options.eta) + ",\n";
  out += "  \"threshold\": " + number(m.options.threshold) + ",\n";
  out += "  \"training_rows\": " + std::to_string(m.training_rows) + ",\n";
  out += "  \"training_data_sha256\": " + quoted(m.training_sha256) + ",\n";
  out += "  \"client_labels\": " + list(m.client_labels) + ",\n";
  out += "  \"tls_labels\": " + list(m.tls_labels) + ",\n";
  out += "  \"version_eras\": [";
  for (size_t i = 0; i < m.eras.size(); ++i) {
    const VersionEra& e = m.eras[i];
    out += std::string(i ? "," : "") + "\n    {\"client\": " + quoted(e.client) +
           ", \"markers\": " + std::to_string(e.markers) + ", \"min\": " + std::to_string(e.min) +
           ", \"max\": " + std::to_string(e.max) + "}";
  }
  out += "\n  ],\n";
  out += "  \"feature_names\": " + list(feature_names()) + "\n}\n";
  return out;
}

std::optional<ModelMeta> read_meta(std::string_view json, std::string& error) {
  TreeDocuments docs = parse_tree(json);
  if (!docs.errors.empty() || docs.documents.size() != 1 ||
      docs.documents[0].text("format") != "fingerprint-classifier") {
    error = "not a fingerprint-classifier metadata file";
    return std::nullopt;
  }
  const TreeNode& root = docs.documents[0];
  ModelMeta m;
  m.feature_schema = static_cast<int>(read_number(root, "feature_schema"));
  m.feature_count = static_cast<size_t>(read_number(root, "feature_count"));
  m.options.seed = static_cast<uint64_t>(read_number(root, "seed"));
  m.options.rounds = static_cast<int>(read_number(root, "rounds"));
  m.options.max_depth = static_cast<int>(read_number(root, "max_depth"));
  m.options.eta = read_number(root, "eta");
  m.options.threshold = static_cast<float>(read_number(root, "threshold"));
  m.training_rows = static_cast<size_t>(read_number(root, "training_rows"));
  m.training_sha256 = std::string(root.text("training_data_sha256"));
  m.client_labels = read_list(root.get("client_labels"));
  m.tls_labels = read_list(root.get("tls_labels"));
  if (const TreeNode* eras = root.get("version_eras")) {
    for (const TreeNode& e : eras->items) {
      m.eras.push_back(
          {std::string(e.text("client")), static_cast<uint32_t>(read_number(e, "markers")),
           static_cast<int>(read_number(e, "min")), static_cast<int>(read_number(e, "max"))});
    }
  }
  if (m.feature_schema != kFeatureSchemaVersion || m.feature_count != feature_count()) {
    error = "model feature schema " + std::to_string(m.feature_schema) + " (" +
            std::to_string(m.feature_count) + " features) does not match this build's " +
            std::to_string(kFeatureSchemaVersion) + " (" + std::to_string(feature_count()) + ")";
    return std::nullopt;
  }
  return m;
}

}  // namespace fp::identify::detail
