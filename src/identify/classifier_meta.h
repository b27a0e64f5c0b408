#pragma once
// Internal to classifier*.cc: the model's metadata and the version-era table, and their JSON.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "identify/classifier.h"

namespace fp::identify::detail {

// Training profiles of one client class sending one set of version-marking code points, and
// the major versions they span.
struct VersionEra {
  std::string client;
  uint32_t markers = 0;  // bit i: kVersionMarkers[i] present
  int min = 0, max = 0;
};

struct ModelMeta {
  int feature_schema = kFeatureSchemaVersion;
  size_t feature_count = 0;
  TrainOptions options;
  size_t training_rows = 0;
  std::string training_sha256;
  std::vector<std::string> client_labels, tls_labels;
  std::vector<VersionEra> eras;
};

// The version markers a feature vector shows, or nullopt when its TLS lists are unknown.
[[nodiscard]] std::optional<uint32_t> version_markers(const FeatureVector& features);
[[nodiscard]] std::vector<VersionEra> learn_eras(std::span<const Profile> profiles);

[[nodiscard]] std::string write_meta(const ModelMeta& meta);
[[nodiscard]] std::optional<ModelMeta> read_meta(std::string_view json, std::string& error);

}  // namespace fp::identify::detail
