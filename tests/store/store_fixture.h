#pragma once
// A fresh SQLite file in its own temporary folder per test, removed afterwards, and the raw
// access tests need to look behind the store (failure injection, file bytes).

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

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

}  // namespace fp::store::test
