#include "decrypt/key_log.h"

#include <algorithm>
#include <optional>

namespace fp::decrypt {
namespace {

// Labels whose secret we use, and where it goes.
struct LabelRow {
  std::string_view label;
  std::vector<uint8_t> TlsSecrets::*slot;
};
const LabelRow kUsedLabels[] = {
    {"CLIENT_RANDOM", &TlsSecrets::master_secret},
    {"CLIENT_HANDSHAKE_TRAFFIC_SECRET", &TlsSecrets::client_handshake},
    {"SERVER_HANDSHAKE_TRAFFIC_SECRET", &TlsSecrets::server_handshake},
    {"CLIENT_TRAFFIC_SECRET_0", &TlsSecrets::client_application},
    {"SERVER_TRAFFIC_SECRET_0", &TlsSecrets::server_application},
};
// Labels NSS defines that carry nothing we decrypt with (0-RTT data is not fingerprinted; RSA
// pre-master secrets need the key exchange we do not follow).
constexpr std::string_view kKnownUnused[] = {"CLIENT_EARLY_TRAFFIC_SECRET", "EARLY_EXPORTER_SECRET",
                                             "EXPORTER_SECRET", "RSA"};

std::optional<uint8_t> hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return static_cast<uint8_t>(c - '0');
  if (c >= 'a' && c <= 'f') return static_cast<uint8_t>(c - 'a' + 10);
  if (c >= 'A' && c <= 'F') return static_cast<uint8_t>(c - 'A' + 10);
  return std::nullopt;
}

std::optional<std::vector<uint8_t>> from_hex(std::string_view text, size_t max_bytes) {
  if (text.empty() || text.size() % 2 != 0 || text.size() / 2 > max_bytes) return std::nullopt;
  std::vector<uint8_t> out;
  out.reserve(text.size() / 2);
  for (size_t i = 0; i < text.size(); i += 2) {
    const auto hi = hex_digit(text[i]), lo = hex_digit(text[i + 1]);
    if (!hi || !lo) return std::nullopt;
    out.push_back(static_cast<uint8_t>(*hi << 4 | *lo));
  }
  return out;
}

// Splits on runs of spaces or tabs; at most `N` fields, nullopt when there are not exactly N.
template <size_t N>
std::optional<std::array<std::string_view, N>> split_fields(std::string_view line) {
  std::array<std::string_view, N> fields;
  size_t count = 0;
  size_t pos = 0;
  while (pos < line.size()) {
    while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
    if (pos == line.size()) break;
    size_t end = pos;
    while (end < line.size() && line[end] != ' ' && line[end] != '\t') ++end;
    if (count == N) return std::nullopt;
    fields[count++] = line.substr(pos, end - pos);
    pos = end;
  }
  if (count != N) return std::nullopt;
  return fields;
}

}  // namespace

KeyLogStats KeyLog::add_text(std::string_view text) noexcept {
  KeyLogStats stats;
  while (!text.empty()) {
    const size_t end = std::min(text.find('\n'), text.size());
    std::string_view line = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') continue;
    ++stats.lines;
    LineResult result = LineResult::kBad;
    try {
      result = add_line(line);
    } catch (...) {
      result = LineResult::kBad;  // allocation failure: the line is lost, nothing else
    }
    switch (result) {
      case LineResult::kAccepted:
        ++stats.accepted;
        break;
      case LineResult::kSkipped:
        ++stats.skipped;
        break;
      case LineResult::kBad:
        ++stats.bad;
        break;
    }
  }
  return stats;
}

KeyLog::LineResult KeyLog::add_line(std::string_view line) {
  const auto fields = split_fields<3>(line);
  if (!fields) return LineResult::kBad;
  // Not a structured binding: Clang 14 (the fuzzing build) cannot capture one in a lambda.
  const std::string_view label = (*fields)[0], random_hex = (*fields)[1], secret_hex = (*fields)[2];
  const auto row = std::find_if(std::begin(kUsedLabels), std::end(kUsedLabels),
                                [&](const LabelRow& r) { return r.label == label; });
  if (row == std::end(kUsedLabels)) {
    const bool known = std::find(std::begin(kKnownUnused), std::end(kKnownUnused), label) !=
                       std::end(kKnownUnused);
    return known ? LineResult::kSkipped : LineResult::kBad;
  }
  const auto random = from_hex(random_hex, sizeof(ClientRandom));
  const auto secret = from_hex(secret_hex, kMaxSecretLength);
  if (!random || random->size() != sizeof(ClientRandom) || !secret) return LineResult::kBad;
  ClientRandom key;
  std::copy(random->begin(), random->end(), key.begin());
  auto it = secrets_.find(key);
  if (it == secrets_.end()) {
    if (secrets_.size() >= kMaxKeyLogConnections) return LineResult::kBad;
    it = secrets_.emplace(key, TlsSecrets{}).first;
  }
  it->second.*(row->slot) = *secret;
  return LineResult::kAccepted;
}

const TlsSecrets* KeyLog::find(Bytes client_random) const noexcept {
  if (client_random.size() != sizeof(ClientRandom)) return nullptr;
  ClientRandom key;
  std::copy(client_random.begin(), client_random.end(), key.begin());
  const auto it = secrets_.find(key);
  return it == secrets_.end() ? nullptr : &it->second;
}

}  // namespace fp::decrypt
