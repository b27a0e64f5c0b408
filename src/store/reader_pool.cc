#include "store/reader_pool.h"

namespace fp::store {

ReaderPool::Lease ReaderPool::acquire(std::string& error) {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      std::unique_ptr<SqliteConnection> connection = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(connection));
    }
  }
  // Opened outside the lock: opening touches the file and must not hold up other readers.
  auto connection = std::make_unique<SqliteConnection>(
      SqliteConnection::open(path_, error, SqliteConnection::Access::kQueryOnly));
  if (!*connection) connection.reset();
  return Lease(*this, std::move(connection));
}

void ReaderPool::give_back(std::unique_ptr<SqliteConnection> connection) {
  if (!connection) return;
  std::lock_guard lock(mutex_);
  if (idle_.size() < kMaxIdleReaders) idle_.push_back(std::move(connection));
  // else: closed here, when `connection` goes out of scope.
}

}  // namespace fp::store
