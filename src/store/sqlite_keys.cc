// SQLite API keys (the secret's shape and hashing: key_secret.h).
#include "store/key_secret.h"
#include "store/sqlite_store.h"

namespace fp::store {
namespace {

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

CreatedKey SqliteStore::create_key(std::string_view name, std::string_view tier, bool can_write,
                                   std::string& error) {
  CreatedKey created;
  NewSecret fresh;
  if (!make_secret(fresh, error)) return created;
  const int64_t now = unix_now_ms();
  std::lock_guard lock(write_mutex_);
  Statement insert = writer_.prepare(
      "INSERT INTO api_keys (id, name, tier, can_write, created_ms, revoked_ms, secret_sha256) "
      "VALUES (?1, ?2, ?3, ?4, ?5, NULL, ?6)",
      error);
  if (!insert) return created;
  insert.bind(1, fresh.id);
  insert.bind(2, name);
  insert.bind(3, tier);
  insert.bind(4, int64_t{can_write ? 1 : 0});
  insert.bind(5, now);
  insert.bind(6, fresh.sha256);
  if (!insert.run(error)) return created;
  created.key = ApiKey{fresh.id, std::string(name), std::string(tier), can_write, now, false};
  created.secret = fresh.secret;
  return created;
}

std::optional<ApiKey> SqliteStore::find_key(std::string_view secret) const {
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
  const bool matches = secret_matches(secret, digest);
  if (!found || found->revoked || !matches) return std::nullopt;
  return found;
}

std::vector<ApiKey> SqliteStore::keys() const {
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

bool SqliteStore::revoke_key(std::string_view id) {
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
  count_error();
  return false;
}

}  // namespace fp::store
