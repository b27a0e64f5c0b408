#pragma once
// Query-only connections for the store's readers. In WAL mode each connection reads its own
// snapshot without waiting for the writer, so every reading thread borrows a connection of its
// own: from the idle list when one is there, else newly opened. At most kMaxIdleReaders are kept
// open between uses; a burst of readers beyond that opens (and then closes) extra connections.

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/sqlite.h"

namespace fp::store {

inline constexpr size_t kMaxIdleReaders = 8;

class ReaderPool {
 public:
  explicit ReaderPool(std::string path) : path_(std::move(path)) {}

  // A borrowed connection, given back on destruction. Empty (false) when none could be opened.
  class Lease {
   public:
    Lease(ReaderPool& pool, std::unique_ptr<SqliteConnection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { pool_.give_back(std::move(connection_)); }

    explicit operator bool() const noexcept { return connection_ != nullptr; }
    SqliteConnection& operator*() const noexcept { return *connection_; }
    SqliteConnection* operator->() const noexcept { return connection_.get(); }

   private:
    ReaderPool& pool_;
    std::unique_ptr<SqliteConnection> connection_;
  };

  [[nodiscard]] Lease acquire(std::string& error);

 private:
  void give_back(std::unique_ptr<SqliteConnection> connection);

  std::string path_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_;
};

}  // namespace fp::store
