#include "store/postgres_pool.h"

#include <algorithm>

namespace fp::store {

PgPool::PgPool(PgTarget target, size_t size)
    : target_(std::move(target)), size_(std::clamp<size_t>(size, 1, kMaxPgPool)) {}

PgPool::Lease PgPool::acquire(std::string& error) {
  std::unique_ptr<PgConnection> connection;
  {
    std::unique_lock lock(mutex_);
    if (!freed_.wait_for(lock, kPgPoolWait, [&] { return !idle_.empty() || open_ < size_; })) {
      error = "no free PostgreSQL connection within " + std::to_string(kPgPoolWait.count()) + " s";
      return Lease(*this, nullptr);
    }
    if (!idle_.empty()) {
      connection = std::move(idle_.back());
      idle_.pop_back();
    } else {
      ++open_;  // reserved while it is opened, outside the lock
    }
  }
  if (!connection) {
    connection = PgConnection::connect(target_, error);
    if (!connection) {
      std::lock_guard lock(mutex_);
      --open_;
      freed_.notify_one();
    }
    return Lease(*this, std::move(connection));
  }
  // Checked outside the lock: a reconnect may take up to the connect timeout.
  if (!connection->usable(error)) {
    give_back(std::move(connection));  // kept: tried again by the next borrower
    return Lease(*this, nullptr);
  }
  return Lease(*this, std::move(connection));
}

void PgPool::give_back(std::unique_ptr<PgConnection> connection) {
  if (!connection) return;
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(connection));
  freed_.notify_one();
}

}  // namespace fp::store
