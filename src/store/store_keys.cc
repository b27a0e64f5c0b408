// API keys. The secret is `fpk_<id>_<random>`: the id finds the row, and only the SHA-256 of the
// whole secret is stored, so a copy of the database gives no working key. The random part is 256
// bits from the kernel (getrandom), so a fast unsalted hash is enough: there is nothing to guess.
#include <sys/random.h>

#include <cerrno>
#include <cstdint>
#include <vector>

#include "core/hash.h"
#include "core/hex.h"
#include "store/store.h"
#include "store/store_internal.h"

namespace fp::store {
namespace {

constexpr std::string_view kSecretPrefix = "fpk_";
constexpr size_t kIdBytes = 8;       // 16 hex digits
constexpr size_t kSecretBytes = 32;  // 64 hex digits

bool random_hex(size_t bytes, std::string& out) {
  std::vector<uint8_t> buffer(bytes);
  size_t filled = 0;
  while (filled < bytes) {
    const ssize_t got = getrandom(buffer.data() + filled, bytes - filled, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    filled += static_cast<size_t>(got);
  }
  out = hex_encode(buffer);
  return true;
}

bool is_lower_hex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// The id inside a secret of our shape, or "" when it is not one.
std::string_view id_of_secret(std::string_view secret) {
  constexpr size_t kIdLength = 2 * kIdBytes;
  const size_t length = kSecretPrefix.size() + kIdLength + 1 + 2 * kSecretBytes;
  if (secret.size() != length || !secret.starts_with(kSecretPrefix)) return {};
  const std::string_view id = secret.substr(kSecretPrefix.size(), kIdLength);
  const std::string_view random = secret.substr(kSecretPrefix.size() + kIdLength + 1);
  if (secret[kSecretPrefix.size() + kIdLength] != '_' || !is_lower_hex(id) ||
      !is_lower_hex(random)) {
    return {};
  }
  return id;
}

// Compares every byte whatever the first difference, so timing tells nothing about the digest.
bool equal_in_constant_time(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char difference = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return difference == 0;
}

constexpr std::string_view kKeyColumns = "id, name, tier, can_write, created_ms, revoked_ms";

ApiKey read_key(const Statement& select) {
  ApiKey key;
  key.id = select.text(0);
  key.name = select.text(1);
  key.tier = select.text(2);
  key.can_write = select.integer(3) != 0;
  key.created_ms = select.integer(4);
  key.revoked = !select.is_null(5);
  return key;
}

}  // namespace

CreatedKey Store::create_key(std::string_view name, std::string_view tier, bool can_write) {
  std::string error;
  CreatedKey created = create_key(name, tier, can_write, error);
  if (created.secret.empty()) errors_.fetch_add(1, std::memory_order_relaxed);
  return created;
}

CreatedKey Store::create_key(std::string_view name, std::string_view tier, bool can_write,
                             std::string& error) {
  CreatedKey created;
  std::string id, random;
  if (!random_hex(kIdBytes, id) || !random_hex(kSecretBytes, random)) {
    error = "no random bytes from the kernel";
    return created;
  }
  const std::string secret = std::string(kSecretPrefix) + id + "_" + random;
  const int64_t now = unix_now_ms();
  std::lock_guard lock(write_mutex_);
  Statement insert = writer_.prepare(
      "INSERT INTO api_keys (id, name, tier, can_write, created_ms, revoked_ms, secret_sha256) "
      "VALUES (?1, ?2, ?3, ?4, ?5, NULL, ?6)",
      error);
  if (!insert) return created;
  insert.bind(1, id);
  insert.bind(2, name);
  insert.bind(3, tier);
  insert.bind(4, int64_t{can_write ? 1 : 0});
  insert.bind(5, now);
  insert.bind(6, sha256_hex(secret));
  if (!insert.run(error)) return created;
  created.key = ApiKey{id, std::string(name), std::string(tier), can_write, now, false};
  created.secret = secret;
  return created;
}

std::optional<ApiKey> Store::find_key(std::string_view secret) const {
  if (secret.size() > kMaxSecretLength) return std::nullopt;
  const std::string_view id = id_of_secret(secret);
  if (id.empty()) return std::nullopt;
  std::optional<ApiKey> found;
  std::string digest;
  read([&](SqliteConnection& db, std::string& error) {
    Statement select = db.prepare(
        "SELECT " + std::string(kKeyColumns) + ", secret_sha256 FROM api_keys WHERE id = ?1",
        error);
    if (!select) return false;
    select.bind(1, id);
    if (select.next_row()) {
      found = read_key(select);
      digest = select.text(6);
    }
    return !select.failed();
  });
  // Hashed whether or not the id exists, so an unknown id takes as long as a wrong secret.
  const bool matches = equal_in_constant_time(sha256_hex(secret), digest);
  if (!found || found->revoked || !matches) return std::nullopt;
  return found;
}

std::vector<ApiKey> Store::keys() const {
  std::vector<ApiKey> out;
  read([&](SqliteConnection& db, std::string& error) {
    Statement select = db.prepare(
        "SELECT " + std::string(kKeyColumns) + " FROM api_keys ORDER BY created_ms, id", error);
    if (!select) return false;
    while (select.next_row()) out.push_back(read_key(select));
    return !select.failed();
  });
  return out;
}

bool Store::revoke_key(std::string_view id) {
  std::lock_guard lock(write_mutex_);
  std::string error;
  // COALESCE keeps the first revocation time; the row still counts as changed, so revoking
  // twice reports the key as revoked.
  Statement update = writer_.prepare(
      "UPDATE api_keys SET revoked_ms = COALESCE(revoked_ms, ?2) WHERE id = ?1", error);
  if (update) {
    update.bind(1, id);
    update.bind(2, unix_now_ms());
    if (update.run(error)) return writer_.changes() > 0;
  }
  errors_.fetch_add(1, std::memory_order_relaxed);
  return false;
}

}  // namespace fp::store
