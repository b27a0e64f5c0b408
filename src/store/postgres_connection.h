#pragma once
// libpq behind a small surface: a connection target parsed from a URL (with our timeouts added),
// typed parameters (values are always sent apart from the SQL text, never spliced into it), a
// result that frees itself, and a transaction that rolls back unless committed.
//
// SQL is written with SQLite's `?N` parameters, so that text can be shared with the SQLite
// backend; exec() turns them into PostgreSQL's `$N` (no `?` may appear in a literal).
//
// Errors are returned as text and never contain the URL's password (PgTarget::scrub).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;
struct pg_result;

namespace fp::store {

// Added to a URL that does not set them: a dead or unreachable server costs a bounded wait.
inline constexpr int kPgConnectTimeoutS = 2;
inline constexpr int kPgStatementTimeoutMs = 5000;

class PgTarget {
 public:
  // nullopt and `error` when libpq cannot read `url` (URI or key=value form). The error does not
  // echo the URL, which may hold a password.
  static std::optional<PgTarget> parse(std::string_view url, std::string& error);

  // user@host:port/dbname, for messages; never the password.
  [[nodiscard]] const std::string& describe() const { return description_; }
  // `message` with every occurrence of the password replaced by "***".
  [[nodiscard]] std::string scrub(std::string message) const;

  [[nodiscard]] const std::vector<std::string>& keywords() const { return keywords_; }
  [[nodiscard]] const std::vector<std::string>& values() const { return values_; }

 private:
  std::vector<std::string> keywords_, values_;
  std::string description_, password_;
};

// Owned, typed parameter values for one statement.
class PgParams {
 public:
  PgParams& text(std::string_view value);
  PgParams& integer(int64_t value);
  PgParams& bytes(std::string_view value);  // bytea in binary form: any byte, NUL included
  PgParams& null_text();

  [[nodiscard]] size_t size() const { return values_.size(); }

 private:
  friend class PgConnection;
  std::vector<std::string> values_;
  std::vector<bool> nulls_;
  std::vector<unsigned> types_;  // type OIDs
  std::vector<int> formats_;     // 0 text, 1 binary
};

class PgResult {
 public:
  PgResult() = default;
  [[nodiscard]] int rows() const;
  [[nodiscard]] std::string text(int row, int column) const;  // NULL reads as ""
  [[nodiscard]] int64_t integer(int row, int column) const;   // NULL or not a number: 0
  [[nodiscard]] bool is_null(int row, int column) const;
  [[nodiscard]] std::string bytes(int row, int column) const;  // a bytea column, unescaped
  [[nodiscard]] int64_t affected() const;                      // rows a command changed

 private:
  friend class PgConnection;
  struct Clear {
    void operator()(pg_result* result) const noexcept;
  };
  std::unique_ptr<pg_result, Clear> result_;
};

class PgConnection {
 public:
  // nullptr and `error` when the server cannot be reached or refuses us.
  static std::unique_ptr<PgConnection> connect(const PgTarget& target, std::string& error);
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;
  ~PgConnection();

  // Ready for a statement: a connection the server closed (restart, crash, idle kill) is noticed
  // here, before use, and reconnected (bounded by kPgConnectTimeoutS). False when that fails.
  [[nodiscard]] bool usable(std::string& error);
  // The server closed the connection (seen by the last statement).
  [[nodiscard]] bool lost() const;

  // Runs one statement (several when there are no parameters); false and `error` unless it
  // returned rows or completed.
  [[nodiscard]] bool exec(std::string_view sql, const PgParams& params, PgResult& result,
                          std::string& error);
  [[nodiscard]] bool run(std::string_view sql, const PgParams& params, std::string& error);
  [[nodiscard]] bool run(std::string_view sql, std::string& error);

 private:
  PgConnection(pg_conn* connection, const PgTarget& target) : conn_(connection), target_(target) {}
  [[nodiscard]] std::string connection_error() const;

  pg_conn* conn_;
  const PgTarget& target_;
};

// `?N` placeholders to `$N`.
[[nodiscard]] std::string postgres_sql(std::string_view sql);

// BEGIN on construction (a read-only repeatable-read snapshot for kRead); ROLLBACK on destruction
// unless commit() succeeded.
class PgTransaction {
 public:
  enum class Kind { kWrite, kRead };
  PgTransaction(PgConnection& connection, Kind kind, std::string& error);
  PgTransaction(const PgTransaction&) = delete;
  PgTransaction& operator=(const PgTransaction&) = delete;
  ~PgTransaction();

  [[nodiscard]] bool active() const noexcept { return active_; }
  [[nodiscard]] bool commit(std::string& error);

 private:
  PgConnection& connection_;
  bool active_ = false;
};

}  // namespace fp::store
