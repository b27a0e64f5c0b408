#pragma once
// At most `size` PostgreSQL connections, each used by one thread at a time. Connections are
// opened on first need and kept; a borrowed one is checked (and reconnected when the server
// closed it) before it is handed out. A borrower waits at most kPgPoolWait for a free one.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/postgres_connection.h"

namespace fp::store {

inline constexpr std::chrono::seconds kPgPoolWait{10};
inline constexpr size_t kMaxPgPool = 64;

class PgPool {
 public:
  // `size` is clamped to 1..kMaxPgPool.
  PgPool(PgTarget target, size_t size);

  class Lease {
   public:
    Lease(PgPool& pool, std::unique_ptr<PgConnection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { pool_.give_back(std::move(connection_)); }

    explicit operator bool() const noexcept { return connection_ != nullptr; }
    PgConnection& operator*() const noexcept { return *connection_; }
    PgConnection* operator->() const noexcept { return connection_.get(); }

   private:
    PgPool& pool_;
    std::unique_ptr<PgConnection> connection_;
  };

  // An empty lease and `error` when no connection is free in time or the server is unreachable.
  [[nodiscard]] Lease acquire(std::string& error);

  [[nodiscard]] const PgTarget& target() const { return target_; }

 private:
  void give_back(std::unique_ptr<PgConnection> connection);

  const PgTarget target_;
  const size_t size_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
  size_t open_ = 0;  // idle and lent out
};

}  // namespace fp::store
