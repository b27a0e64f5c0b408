#pragma once
// The store in a PostgreSQL database, shared by any number of processes (replicas). Every method
// borrows a connection from a small pool (postgres_pool.h); writes are transactions, reads of
// several statements run in one snapshot. The schema is migrated on open (postgres_schema.h).
// When the server goes away, methods fail (false / kError / empty, counted in errors()) within
// the connect and statement timeouts, and the store reconnects by itself once it is back.

#include <memory>
#include <string>
#include <string_view>

#include "store/postgres_pool.h"
#include "store/store.h"

namespace fp::store {

class PostgresStore final : public Store {
 public:
  // Connects, migrates and keeps up to `pool` connections. nullptr and `error` (which never
  // holds the URL's password) when the URL cannot be read, the server cannot be reached, or the
  // database has a newer schema than this build.
  static std::unique_ptr<PostgresStore> open(std::string_view url, size_t pool, std::string& error);

  using Store::create_key;
  using Store::set_setting;

  [[nodiscard]] int schema_version() const override { return schema_version_; }
  [[nodiscard]] bool healthy(std::string& error) const override;

  // postgres_observations.cc
  [[nodiscard]] bool insert_observations(std::span<const ObservationRow> rows,
                                         std::string& error) override;
  [[nodiscard]] std::vector<ObservationRow> observations(const ObservationQuery& q) const override;
  [[nodiscard]] Stats stats(const StatsQuery& q) const override;
  [[nodiscard]] uint64_t observation_count() const override;

  // postgres_profiles.cc
  [[nodiscard]] size_t seed_profiles(std::span<const identify::Profile> profiles) override;
  [[nodiscard]] std::vector<identify::Profile> all_profiles() const override;
  [[nodiscard]] std::vector<StoredProfile> find_profiles(const ProfileQuery& q,
                                                         size_t& total) const override;
  [[nodiscard]] std::optional<StoredProfile> profile(std::string_view id) const override;
  [[nodiscard]] PutResult put_profile(const identify::Profile& p, bool must_be_new,
                                      std::string& error) override;
  [[nodiscard]] bool remove_profile(std::string_view id) override;

  // postgres_keys.cc
  [[nodiscard]] CreatedKey create_key(std::string_view name, std::string_view tier, bool can_write,
                                      std::string& error) override;
  [[nodiscard]] std::optional<ApiKey> find_key(std::string_view secret) const override;
  [[nodiscard]] std::vector<ApiKey> keys() const override;
  [[nodiscard]] bool revoke_key(std::string_view id) override;

  [[nodiscard]] std::optional<std::string> setting(std::string_view key) const override;
  [[nodiscard]] bool set_setting(std::string_view key, std::string_view value,
                                 std::string& error) override;

 private:
  PostgresStore(PgTarget target, size_t pool, int schema_version)
      : schema_version_(schema_version), pool_(std::move(target), pool) {}

  // Runs `work(connection, error) -> bool` on a borrowed connection; false (and `error`) when
  // there is no connection or the work fails.
  // A connection the server dropped (a restart, a failover) fails its first statement: the work
  // is tried once more on a reconnected one, so that a restart costs no caller an error. Work
  // that broke mid-transaction was rolled back by the server; observations carry uids, profile
  // writes are upserts, so a second attempt cannot store anything twice.
  template <class Work>
  bool with_connection(Work&& work, std::string& error) const {
    for (int attempt = 0; attempt < 2; ++attempt) {
      PgPool::Lease connection = pool_.acquire(error);
      if (!connection) return false;
      if (work(*connection, error)) return true;
      if (!connection->lost()) return false;
    }
    return false;
  }
  // The same for methods without an error parameter: a failure counts in errors().
  template <class Work>
  void read(Work&& work) const {
    std::string error;
    if (!with_connection(std::forward<Work>(work), error)) count_error();
  }

  int schema_version_;
  mutable PgPool pool_;
};

}  // namespace fp::store
