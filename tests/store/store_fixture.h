#pragma once
// A fresh SQLite file in its own temporary folder per test, removed afterwards, and the raw
// access tests need to look behind the store (failure injection, file bytes). BackendTest runs
// a test against each backend: SQLite, and PostgreSQL in a database of its own on the server of
// FP_TEST_POSTGRES_URL (skipped when that is not set; tests/support/backends.py sets it).

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "store/open_store.h"
#include "store/store.h"

namespace fp::store::test {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "fp-store-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Runs SQL on the file through a connection of its own; false (with a test failure) on error.
inline bool raw_sql(const std::filesystem::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  bool ok = sqlite3_open(file.c_str(), &db) == SQLITE_OK;
  if (ok) {
    sqlite3_busy_timeout(db, 5000);
    char* message = nullptr;
    ok = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) == SQLITE_OK;
    if (!ok) ADD_FAILURE() << sql << ": " << (message ? message : "?");
    sqlite3_free(message);
  }
  sqlite3_close(db);
  return ok;
}

// The first column of the first row of `sql`, as text ("" when there is none).
inline std::string raw_value(const std::filesystem::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  std::string value;
  if (sqlite3_open(file.c_str(), &db) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
      value = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return value;
}

// Makes every insert into observations fail while the setting "test.fail" exists, as a full
// disk would, without waiting for a lock timeout.
inline bool install_insert_failure(const std::filesystem::path& file) {
  return raw_sql(file,
                 "CREATE TRIGGER test_fail BEFORE INSERT ON observations "
                 "WHEN EXISTS (SELECT 1 FROM settings WHERE key = 'test.fail') "
                 "BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");
}

inline std::string file_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    file_ = database_path(dir_.path());
    std::string error;
    store_ = Store::open(file_, error);
    ASSERT_NE(store_, nullptr) << error;
  }

  TempDir dir_;
  std::filesystem::path file_;
  std::unique_ptr<Store> store_;
};

// --- PostgreSQL

inline std::string postgres_server_url() {
  const char* url = std::getenv("FP_TEST_POSTGRES_URL");
  return url != nullptr ? url : "";
}

// `url` with its database name replaced (URI form, as backends.py gives it).
inline std::string with_database(const std::string& url, const std::string& name) {
  const size_t query = url.find('?');
  const std::string base = url.substr(0, query);
  const size_t slash = base.rfind('/');
  if (slash == std::string::npos || slash < base.find("://") + 3) return url;
  return base.substr(0, slash + 1) + name + (query == std::string::npos ? "" : url.substr(query));
}

// Runs SQL through a connection of its own; the first column of the first row, or nullopt (with
// a test failure) on error.
inline std::optional<std::string> pg_query(const std::string& url, const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  std::optional<std::string> value;
  if (PQstatus(conn) != CONNECTION_OK) {
    ADD_FAILURE() << "connect: " << PQerrorMessage(conn);
  } else {
    PGresult* result = PQexec(conn, sql.c_str());
    const ExecStatusType status = PQresultStatus(result);
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
      value = "";
      if (PQntuples(result) > 0 && PQnfields(result) > 0) value = PQgetvalue(result, 0, 0);
    } else {
      ADD_FAILURE() << sql << ": " << PQresultErrorMessage(result);
    }
    PQclear(result);
  }
  PQfinish(conn);
  return value;
}

// A database of its own on the test server, dropped afterwards.
class PostgresDatabase {
 public:
  PostgresDatabase() {
    static std::atomic<int> counter{0};
    name_ = "fp_t_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
    if (pg_query(postgres_server_url(), "CREATE DATABASE " + name_)) {
      url_ = with_database(postgres_server_url(), name_);
    }
  }
  PostgresDatabase(const PostgresDatabase&) = delete;
  PostgresDatabase& operator=(const PostgresDatabase&) = delete;
  ~PostgresDatabase() {
    if (!url_.empty()) {
      (void)pg_query(postgres_server_url(), "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    }
  }
  // Empty when the database could not be created.
  [[nodiscard]] const std::string& url() const { return url_; }

 private:
  std::string name_, url_;
};

// --- both backends

enum class Backend { kSqlite, kPostgres };

inline std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
}

#define FP_STORE_BACKENDS(suite)            \
  INSTANTIATE_TEST_SUITE_P(Backends, suite, \
                           ::testing::Values(Backend::kSqlite, Backend::kPostgres), backend_name)

class BackendTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (postgres() && postgres_server_url().empty()) {
      GTEST_SKIP() << "FP_TEST_POSTGRES_URL is not set: run through "
                      "tests/support/backends.py --postgres (ctest store.postgres does)";
    }
    ASSERT_FALSE(dir_.path().empty());
    if (postgres()) {
      database_ = std::make_unique<PostgresDatabase>();
      ASSERT_FALSE(database_->url().empty());
    }
    reopen();
  }

  [[nodiscard]] bool postgres() const { return GetParam() == Backend::kPostgres; }

  [[nodiscard]] StoreOptions options() const {
    StoreOptions o;
    o.sqlite_file = database_path(dir_.path());
    if (postgres()) {
      o.backend = std::string(kPostgresBackend);
      o.postgres_url = database_->url();
    }
    return o;
  }

  // Closes the store and opens the same database again.
  void reopen() {
    store_.reset();
    std::string error;
    store_ = open_store(options(), error);
    ASSERT_NE(store_, nullptr) << error;
  }

  // SQL run behind the store's back; the first value of the first row ("" when none).
  [[nodiscard]] std::string value(const std::string& sql) const {
    if (!postgres()) return raw_value(database_path(dir_.path()), sql);
    return pg_query(database_->url(), sql).value_or("");
  }
  bool sql(const std::string& text) const {
    if (!postgres()) return raw_sql(database_path(dir_.path()), text);
    return pg_query(database_->url(), text).has_value();
  }

  // Every insert of an observation whose source is `source` fails with "refused".
  bool refuse_inserts_from(const std::string& source) const {
    if (!postgres()) {
      return sql("CREATE TRIGGER refuse BEFORE INSERT ON observations WHEN NEW.source = '" +
                 source + "' BEGIN SELECT RAISE(ABORT, 'refused'); END;");
    }
    return sql("CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF "
               "NEW.source = '" +
               source + "' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$") &&
           sql("CREATE TRIGGER refuse BEFORE INSERT ON observations FOR EACH ROW EXECUTE "
               "FUNCTION refuse()");
  }

  TempDir dir_;
  std::unique_ptr<PostgresDatabase> database_;
  std::unique_ptr<Store> store_;
};

}  // namespace fp::store::test
