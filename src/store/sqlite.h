#pragma once
// A SQLite connection, owned: opened in WAL mode with a busy timeout, closed on destruction. It
// keeps its prepared statements (one per SQL text), so every query is parsed once per connection.
// A connection is used by one thread at a time (SQLITE_OPEN_NOMUTEX); the store guards that.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace fp::store {

// A prepared statement borrowed from its connection's cache. Binding copies the value, so a
// temporary may be bound. Destruction resets it and clears its bindings for the next user.
class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) noexcept : stmt_(stmt) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  explicit operator bool() const noexcept { return stmt_ != nullptr; }

  // Ready to run again with new bindings (as destruction does), for a loop of inserts.
  void reset() noexcept;

  // Parameters are 1-based, as in SQL (`?1`).
  void bind(int index, std::string_view text) noexcept;
  void bind(int index, int64_t value) noexcept;

  // One step: true while a row is ready; false at the end or on an error (see failed()).
  [[nodiscard]] bool next_row() noexcept;
  // Runs a statement that returns no rows; false (and `error`) when it fails.
  [[nodiscard]] bool run(std::string& error) noexcept;
  [[nodiscard]] bool failed() const noexcept { return failed_; }
  [[nodiscard]] std::string error() const;

  [[nodiscard]] std::string text(int column) const;  // 0-based; NULL reads as ""
  [[nodiscard]] int64_t integer(int column) const noexcept;
  [[nodiscard]] bool is_null(int column) const noexcept;

 private:
  sqlite3_stmt* stmt_;
  bool failed_ = false;
};

class SqliteConnection {
 public:
  enum class Access { kReadWrite, kQueryOnly };

  // Opens (creating) the file; an empty connection and `error` set on failure. A kQueryOnly
  // connection refuses writes (PRAGMA query_only) and leaves the journal mode to the writer.
  static SqliteConnection open(const std::string& path, std::string& error,
                               Access access = Access::kReadWrite);

  [[nodiscard]] sqlite3* get() const noexcept { return db_.get(); }
  explicit operator bool() const noexcept { return db_ != nullptr; }

  // SQL without parameters or results (schema, BEGIN/COMMIT); `error` set when it fails.
  [[nodiscard]] bool exec(const char* sql, std::string& error);

  // The cached statement for `sql` (prepared on first use); an empty one and `error` when the
  // SQL does not compile. Do not hold two Statements of the same text at once.
  [[nodiscard]] Statement prepare(std::string_view sql, std::string& error);

  [[nodiscard]] int64_t changes() const noexcept;

 private:
  struct Closer {
    void operator()(sqlite3* db) const noexcept;
  };
  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const noexcept;
  };
  // Lookup by string_view without building a std::string per query.
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const noexcept {
      return std::hash<std::string_view>{}(text);
    }
  };
  std::unique_ptr<sqlite3, Closer> db_;
  // Declared after db_: finalized before the connection closes.
  std::unordered_map<std::string, std::unique_ptr<sqlite3_stmt, Finalizer>, TextHash,
                     std::equal_to<>>
      statements_;
};

// BEGIN IMMEDIATE (writes) or BEGIN (a read snapshot) on construction; ROLLBACK on destruction
// unless commit() succeeded.
class Transaction {
 public:
  enum class Kind { kWrite, kRead };
  Transaction(SqliteConnection& connection, Kind kind, std::string& error);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  [[nodiscard]] bool active() const noexcept { return active_; }
  [[nodiscard]] bool commit(std::string& error);

 private:
  SqliteConnection& connection_;
  bool active_ = false;
};

}  // namespace fp::store
