#pragma once
// The store in one SQLite file (WAL). Writes go through one connection behind a mutex, reads
// through query-only connections of their own (reader_pool.h), so a read never waits for the
// writer's transaction. The schema is migrated on open (store/schema.h).

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "store/reader_pool.h"
#include "store/sqlite.h"
#include "store/store.h"

namespace fp::store {

class SqliteStore final : public Store {
 public:
  // nullptr and `error` when the file cannot be opened, is not a SQLite database, or has a newer
  // schema than this build.
  static std::unique_ptr<SqliteStore> open(const std::filesystem::path& file, std::string& error);

  using Store::create_key;
  using Store::set_setting;

  [[nodiscard]] int schema_version() const override { return schema_version_; }
  [[nodiscard]] bool healthy(std::string& error) const override;

  // sqlite_observations.cc, sqlite_stats.cc
  [[nodiscard]] bool insert_observations(std::span<const ObservationRow> rows,
                                         std::string& error) override;
  [[nodiscard]] std::vector<ObservationRow> observations(const ObservationQuery& q) const override;
  [[nodiscard]] Stats stats(const StatsQuery& q) const override;
  [[nodiscard]] uint64_t observation_count() const override;

  // sqlite_profiles.cc
  [[nodiscard]] size_t seed_profiles(std::span<const identify::Profile> profiles) override;
  [[nodiscard]] std::vector<identify::Profile> all_profiles() const override;
  [[nodiscard]] std::vector<StoredProfile> find_profiles(const ProfileQuery& q,
                                                         size_t& total) const override;
  [[nodiscard]] std::optional<StoredProfile> profile(std::string_view id) const override;
  [[nodiscard]] PutResult put_profile(const identify::Profile& p, bool must_be_new,
                                      std::string& error) override;
  [[nodiscard]] bool remove_profile(std::string_view id) override;

  // sqlite_keys.cc
  [[nodiscard]] CreatedKey create_key(std::string_view name, std::string_view tier, bool can_write,
                                      std::string& error) override;
  [[nodiscard]] std::optional<ApiKey> find_key(std::string_view secret) const override;
  [[nodiscard]] std::vector<ApiKey> keys() const override;
  [[nodiscard]] bool revoke_key(std::string_view id) override;

  [[nodiscard]] std::optional<std::string> setting(std::string_view key) const override;
  [[nodiscard]] bool set_setting(std::string_view key, std::string_view value,
                                 std::string& error) override;

 private:
  SqliteStore(const std::string& path, SqliteConnection writer, int schema_version);

  // Runs `query(connection, error) -> bool` on a borrowed reader connection; a false return, or
  // no connection, counts in errors().
  template <class Query>
  void read(Query&& query) const {
    std::string error;
    ReaderPool::Lease reader = readers_.acquire(error);
    if (!reader || !query(*reader, error)) count_error();
  }

  int schema_version_;
  mutable std::mutex write_mutex_;  // guards writer_
  SqliteConnection writer_;
  mutable ReaderPool readers_;
};

// A setting through a given connection, so that code already inside a transaction can use it.
[[nodiscard]] bool write_setting(SqliteConnection& db, std::string_view key, std::string_view value,
                                 std::string& error);
[[nodiscard]] bool read_setting(SqliteConnection& db, std::string_view key,
                                std::optional<std::string>& value, std::string& error);

}  // namespace fp::store
