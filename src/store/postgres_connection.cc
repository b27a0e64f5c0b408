#include "store/postgres_connection.h"

#include <libpq-fe.h>
#include <poll.h>

#include <charconv>
#include <cstring>

namespace fp::store {
namespace {

// Type OIDs of the built-in types we send (pg_type.h; stable across releases).
constexpr unsigned kInt8Oid = 20;
constexpr unsigned kTextOid = 25;
constexpr unsigned kByteaOid = 17;

std::string trimmed(const char* message) {
  std::string text = message != nullptr ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// Our defaults, each added only when the URL does not set it.
struct Default {
  const char* keyword;
  std::string value;
};

std::vector<Default> defaults() {
  return {{"connect_timeout", std::to_string(kPgConnectTimeoutS)},
          {"application_name", "fingerprint"},
          {"client_encoding", "UTF8"},
          // A server that stops answering (not a clean close) is noticed within seconds.
          {"keepalives", "1"},
          {"keepalives_idle", "5"},
          {"keepalives_interval", "2"},
          {"keepalives_count", "3"},
          {"tcp_user_timeout", "10000"}};
}

// True when the socket has something to read (data or the server's close) right now.
bool readable_now(int socket) {
  pollfd fd{socket, POLLIN, 0};
  return ::poll(&fd, 1, 0) > 0;
}

}  // namespace

std::optional<PgTarget> PgTarget::parse(std::string_view url, std::string& error) {
  char* message = nullptr;
  PQconninfoOption* options = PQconninfoParse(std::string(url).c_str(), &message);
  if (options == nullptr) {
    PQfreemem(message);
    error = "the PostgreSQL URL cannot be read (not shown here: it may hold a password)";
    return std::nullopt;
  }
  PgTarget target;
  std::string user, host = "localhost", port = "5432", dbname, statement_options;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    const std::string keyword = o->keyword, value = o->val;
    if (keyword == "password") target.password_ = value;
    if (keyword == "user") user = value;
    if (keyword == "host" || keyword == "hostaddr") host = value;
    if (keyword == "port") port = value;
    if (keyword == "dbname") dbname = value;
    if (keyword == "options") {
      statement_options = value;
      continue;  // appended to below
    }
    target.keywords_.push_back(keyword);
    target.values_.push_back(value);
  }
  PQconninfoFree(options);
  for (const Default& d : defaults()) {
    bool present = false;
    for (const std::string& k : target.keywords_) present = present || k == d.keyword;
    if (!present) {
      target.keywords_.push_back(d.keyword);
      target.values_.push_back(d.value);
    }
  }
  // A statement that runs longer is cancelled by the server; the URL's own options come last
  // and so win.
  target.keywords_.push_back("options");
  target.values_.push_back("-c statement_timeout=" + std::to_string(kPgStatementTimeoutMs) +
                           (statement_options.empty() ? "" : " " + statement_options));
  target.description_ = (user.empty() ? "" : user + "@") + host + ":" + port + "/" + dbname;
  return target;
}

std::string PgTarget::scrub(std::string message) const {
  if (password_.empty()) return message;
  for (size_t at = message.find(password_); at != std::string::npos;
       at = message.find(password_, at + 3)) {
    message.replace(at, password_.size(), "***");
  }
  return message;
}

PgParams& PgParams::text(std::string_view value) {
  values_.emplace_back(value);
  nulls_.push_back(false);
  types_.push_back(kTextOid);
  formats_.push_back(0);
  return *this;
}

PgParams& PgParams::integer(int64_t value) {
  values_.push_back(std::to_string(value));
  nulls_.push_back(false);
  types_.push_back(kInt8Oid);
  formats_.push_back(0);
  return *this;
}

PgParams& PgParams::bytes(std::string_view value) {
  values_.emplace_back(value);
  nulls_.push_back(false);
  types_.push_back(kByteaOid);
  formats_.push_back(1);
  return *this;
}

PgParams& PgParams::null_text() {
  values_.emplace_back();
  nulls_.push_back(true);
  types_.push_back(kTextOid);
  formats_.push_back(0);
  return *this;
}

void PgResult::Clear::operator()(pg_result* result) const noexcept { PQclear(result); }

int PgResult::rows() const { return result_ ? PQntuples(result_.get()) : 0; }

std::string PgResult::text(int row, int column) const {
  if (is_null(row, column)) return {};
  return std::string(PQgetvalue(result_.get(), row, column),
                     static_cast<size_t>(PQgetlength(result_.get(), row, column)));
}

int64_t PgResult::integer(int row, int column) const {
  const std::string value = text(row, column);
  int64_t out = 0;
  // SUM() over bigint is numeric: "12" parses, a fraction never occurs (sums of integers).
  std::from_chars(value.data(), value.data() + value.size(), out);
  return out;
}

bool PgResult::is_null(int row, int column) const {
  return !result_ || row >= rows() || column >= PQnfields(result_.get()) ||
         PQgetisnull(result_.get(), row, column) != 0;
}

std::string PgResult::bytes(int row, int column) const {
  if (is_null(row, column)) return {};
  size_t length = 0;
  unsigned char* raw = PQunescapeBytea(
      reinterpret_cast<const unsigned char*>(PQgetvalue(result_.get(), row, column)), &length);
  if (raw == nullptr) return {};
  std::string out(reinterpret_cast<const char*>(raw), length);
  PQfreemem(raw);
  return out;
}

int64_t PgResult::affected() const {
  if (!result_) return 0;
  const char* count = PQcmdTuples(result_.get());
  int64_t out = 0;
  std::from_chars(count, count + std::strlen(count), out);
  return out;
}

std::unique_ptr<PgConnection> PgConnection::connect(const PgTarget& target, std::string& error) {
  std::vector<const char*> keywords, values;
  for (size_t i = 0; i < target.keywords().size(); ++i) {
    keywords.push_back(target.keywords()[i].c_str());
    values.push_back(target.values()[i].c_str());
  }
  keywords.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* conn = PQconnectdbParams(keywords.data(), values.data(), 0);
  if (conn == nullptr) {
    error = "PostgreSQL " + target.describe() + ": out of memory";
    return nullptr;
  }
  // Notices (NOTICE: relation already exists, a shutdown's FATAL) would go to stderr; errors
  // reach the caller through results instead.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  std::unique_ptr<PgConnection> connection(new PgConnection(conn, target));
  if (PQstatus(conn) != CONNECTION_OK) {
    error = connection->connection_error();
    return nullptr;
  }
  return connection;
}

PgConnection::~PgConnection() { PQfinish(conn_); }

std::string PgConnection::connection_error() const {
  return target_.scrub("PostgreSQL " + target_.describe() + ": " + trimmed(PQerrorMessage(conn_)));
}

bool PgConnection::usable(std::string& error) {
  // A server that shut down or crashed closed the socket, which libpq notices only when it reads.
  if (PQstatus(conn_) == CONNECTION_OK && readable_now(PQsocket(conn_))) PQconsumeInput(conn_);
  if (PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE) return true;
  PQreset(conn_);
  if (PQstatus(conn_) == CONNECTION_OK) return true;
  error = connection_error();
  return false;
}

bool PgConnection::lost() const { return PQstatus(conn_) == CONNECTION_BAD; }

bool PgConnection::exec(std::string_view sql, const PgParams& params, PgResult& result,
                        std::string& error) {
  const std::string text = postgres_sql(sql);
  std::vector<const char*> values(params.size());
  std::vector<int> lengths(params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    values[i] = params.nulls_[i] ? nullptr : params.values_[i].data();
    lengths[i] = static_cast<int>(params.values_[i].size());
  }
  // Without parameters, the simple protocol: the text may hold several statements (migrations).
  result.result_.reset(params.size() == 0
                           ? PQexec(conn_, text.c_str())
                           : PQexecParams(conn_, text.c_str(), static_cast<int>(params.size()),
                                          params.types_.data(), values.data(), lengths.data(),
                                          params.formats_.data(), 0));
  const ExecStatusType status =
      result.result_ ? PQresultStatus(result.result_.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) return true;
  const char* message =
      result.result_ ? PQresultErrorMessage(result.result_.get()) : PQerrorMessage(conn_);
  error = target_.scrub(trimmed(message));
  if (error.empty()) error = connection_error();
  return false;
}

bool PgConnection::run(std::string_view sql, const PgParams& params, std::string& error) {
  PgResult ignored;
  return exec(sql, params, ignored, error);
}

bool PgConnection::run(std::string_view sql, std::string& error) {
  return run(sql, PgParams{}, error);
}

std::string postgres_sql(std::string_view sql) {
  std::string out(sql);
  for (size_t i = 0; i + 1 < out.size(); ++i) {
    if (out[i] == '?' && out[i + 1] >= '0' && out[i + 1] <= '9') out[i] = '$';
  }
  return out;
}

PgTransaction::PgTransaction(PgConnection& connection, Kind kind, std::string& error)
    : connection_(connection) {
  active_ = connection_.run(
      kind == Kind::kWrite ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", error);
}

PgTransaction::~PgTransaction() {
  if (!active_) return;
  std::string ignored;
  (void)connection_.run("ROLLBACK", ignored);
}

bool PgTransaction::commit(std::string& error) {
  if (!active_) return false;
  active_ = false;  // a failed COMMIT has ended the transaction too
  return connection_.run("COMMIT", error);
}

}  // namespace fp::store
