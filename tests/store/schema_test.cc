// Migrations: applied once from an empty file, not again on re-open, and a newer schema refused.
#include <gtest/gtest.h>

#include "store/schema.h"
#include "store/store_fixture.h"

namespace fp::store::test {
namespace {

TEST(Schema, MigratesAnEmptyFileToTheLatestVersion) {
  TempDir dir;
  const auto file = database_path(dir.path());
  std::string error;
  const auto store = Store::open(file, error);
  ASSERT_NE(store, nullptr) << error;
  EXPECT_EQ(store->schema_version(), static_cast<int>(migrations().size()));
  EXPECT_EQ(raw_value(file, "SELECT COUNT(*) FROM schema_migrations"),
            std::to_string(migrations().size()));
  for (const char* table :
       {"observations", "profiles", "profile_fingerprints", "api_keys", "settings"}) {
    EXPECT_EQ(raw_value(file, std::string("SELECT COUNT(*) FROM sqlite_master WHERE type = "
                                          "'table' AND name = '") +
                                  table + "'"),
              "1")
        << table;
  }
  EXPECT_TRUE(store->healthy(error)) << error;
}

TEST(Schema, ReopeningAppliesNothingAgainAndKeepsTheData) {
  TempDir dir;
  const auto file = database_path(dir.path());
  std::string error;
  {
    const auto store = Store::open(file, error);
    ASSERT_NE(store, nullptr) << error;
    store->set_setting("active_model", "m1");
  }
  const std::string applied = raw_value(file,
                                        "SELECT group_concat(version || ':' || "
                                        "applied_ms) FROM schema_migrations");
  ASSERT_FALSE(applied.empty());
  // A marker in the migrations table would be duplicated (primary key) by a second apply; the
  // applied times would change.
  const auto again = Store::open(file, error);
  ASSERT_NE(again, nullptr) << error;
  EXPECT_EQ(raw_value(file,
                      "SELECT group_concat(version || ':' || applied_ms) FROM "
                      "schema_migrations"),
            applied);
  EXPECT_EQ(again->setting("active_model"), "m1");
}

TEST(Schema, RefusesADatabaseOfANewerVersion) {
  TempDir dir;
  const auto file = database_path(dir.path());
  std::string error;
  ASSERT_NE(Store::open(file, error), nullptr) << error;
  ASSERT_TRUE(raw_sql(file, "INSERT INTO schema_migrations VALUES (99, 0)"));
  EXPECT_EQ(Store::open(file, error), nullptr);
  EXPECT_NE(error.find("schema version 99"), std::string::npos) << error;
  EXPECT_NE(error.find("newer"), std::string::npos) << error;
  // Nothing was written by the refused open: still version 99, nothing removed.
  EXPECT_EQ(raw_value(file, "SELECT MAX(version) FROM schema_migrations"), "99");
}

TEST(Schema, RefusesAFileThatIsNotADatabase) {
  TempDir dir;
  const auto file = dir.path() / "fingerprint.db";
  {
    std::ofstream out(file, std::ios::binary);
    out << std::string(4096, 'x');
  }
  std::string error;
  EXPECT_EQ(Store::open(file, error), nullptr);
  EXPECT_NE(error.find("not a database"), std::string::npos) << error;
}

TEST(Schema, ReportsAFolderThatDoesNotExist) {
  TempDir dir;
  std::string error;
  EXPECT_EQ(Store::open(dir.path() / "missing" / "fingerprint.db", error), nullptr);
  EXPECT_NE(error.find("missing"), std::string::npos) << error;
}

TEST(Schema, AFailedMigrationLeavesTheVersionItHad) {
  TempDir dir;
  const auto file = database_path(dir.path());
  // A table in the way of migration 1: its CREATE TABLE fails, the transaction rolls back.
  ASSERT_TRUE(raw_sql(file, "CREATE TABLE observations (x INTEGER)"));
  std::string error;
  EXPECT_EQ(Store::open(file, error), nullptr);
  EXPECT_NE(error.find("migration 1 failed"), std::string::npos) << error;
  EXPECT_EQ(raw_value(file, "SELECT COUNT(*) FROM schema_migrations"), "0");
  EXPECT_EQ(raw_value(file, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'profiles'"), "0");
}

// A database written by a build that knew only migration 1 (no uid) upgrades on open and keeps
// its rows; their uid is NULL, which never conflicts.
TEST(Schema, AVersionOneDatabaseGainsTheUidColumn) {
  TempDir dir;
  const auto file = database_path(dir.path());
  ASSERT_TRUE(raw_sql(file,
                      "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
                      "applied_ms INTEGER NOT NULL)"));
  ASSERT_TRUE(raw_sql(file, std::string(migrations()[0])));
  ASSERT_TRUE(raw_sql(file,
                      "INSERT INTO schema_migrations VALUES (1, 0); INSERT INTO observations "
                      "(time_ms, source, peer, ja4, ja3n, ja4h, akamai, ja4t, client, "
                      "client_version, tls_library, os, record) VALUES (5, 'api', '', 'OLD', '', "
                      "'', '', '', '', '', '', '', '{}')"));
  std::string error;
  const auto store = Store::open(file, error);
  ASSERT_NE(store, nullptr) << error;
  EXPECT_EQ(store->schema_version(), 2);
  EXPECT_EQ(raw_value(file, "SELECT COUNT(*) FROM observations WHERE ja4 = 'OLD' AND uid IS NULL"),
            "1");
  ObservationRow row;
  row.source = "api";
  row.record = "{}";
  row.uid = "u1";
  ASSERT_TRUE(store->insert_observations(std::vector{row, row}, error)) << error;
  ASSERT_TRUE(store->insert_observations(std::vector{row}, error)) << error;
  EXPECT_EQ(store->observation_count(), 2u);
}

}  // namespace
}  // namespace fp::store::test
