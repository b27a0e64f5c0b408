// PostgreSQL API keys (the secret's shape and hashing: key_secret.h).
#include "store/key_secret.h"
#include "store/postgres_store.h"

namespace fp::store {
namespace {

constexpr std::string_view kKeyColumns = "id, name, tier, can_write, created_ms, revoked_ms";

ApiKey read_key(const PgResult& result, int row) {
  ApiKey key;
  key.id = result.text(row, 0);
  key.name = result.text(row, 1);
  key.tier = result.text(row, 2);
  key.can_write = result.integer(row, 3) != 0;
  key.created_ms = result.integer(row, 4);
  key.revoked = !result.is_null(row, 5);
  return key;
}

}  // namespace

CreatedKey PostgresStore::create_key(std::string_view name, std::string_view tier, bool can_write,
                                     std::string& error) {
  CreatedKey created;
  NewSecret fresh;
  if (!make_secret(fresh, error)) return created;
  const int64_t now = unix_now_ms();
  const bool stored = with_connection(
      [&](PgConnection& db, std::string& e) {
        return db.run(
            "INSERT INTO api_keys (id, name, tier, can_write, created_ms, revoked_ms, "
            "secret_sha256) VALUES (?1, ?2, ?3, ?4, ?5, NULL, ?6)",
            PgParams()
                .text(fresh.id)
                .text(name)
                .text(tier)
                .integer(can_write ? 1 : 0)
                .integer(now)
                .text(fresh.sha256),
            e);
      },
      error);
  if (!stored) return created;
  created.key = ApiKey{fresh.id, std::string(name), std::string(tier), can_write, now, false};
  created.secret = fresh.secret;
  return created;
}

std::optional<ApiKey> PostgresStore::find_key(std::string_view secret) const {
  if (secret.size() > kMaxSecretLength) return std::nullopt;
  const std::string_view id = id_of_secret(secret);
  if (id.empty()) return std::nullopt;
  std::optional<ApiKey> found;
  std::string digest;
  read([&](PgConnection& db, std::string& error) {
    PgResult result;
    if (!db.exec(
            "SELECT " + std::string(kKeyColumns) + ", secret_sha256 FROM api_keys WHERE id = ?1",
            PgParams().text(id), result, error)) {
      return false;
    }
    if (result.rows() > 0) {
      found = read_key(result, 0);
      digest = result.text(0, 6);
    }
    return true;
  });
  const bool matches = secret_matches(secret, digest);
  if (!found || found->revoked || !matches) return std::nullopt;
  return found;
}

std::vector<ApiKey> PostgresStore::keys() const {
  std::vector<ApiKey> out;
  read([&](PgConnection& db, std::string& error) {
    PgResult result;
    if (!db.exec("SELECT " + std::string(kKeyColumns) + " FROM api_keys ORDER BY created_ms, id",
                 {}, result, error)) {
      return false;
    }
    for (int row = 0; row < result.rows(); ++row) out.push_back(read_key(result, row));
    return true;
  });
  return out;
}

bool PostgresStore::revoke_key(std::string_view id) {
  bool revoked = false;
  read([&](PgConnection& db, std::string& error) {
    PgResult result;
    // COALESCE keeps the first revocation time; the row still counts as changed, so revoking
    // twice reports the key as revoked.
    if (!db.exec("UPDATE api_keys SET revoked_ms = COALESCE(revoked_ms, ?2) WHERE id = ?1",
                 PgParams().text(id).integer(unix_now_ms()), result, error)) {
      return false;
    }
    revoked = result.affected() > 0;
    return true;
  });
  return revoked;
}

}  // namespace fp::store
