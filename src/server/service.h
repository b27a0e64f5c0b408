#pragma once
// `fingerprint serve`: one process with the API listener and the fingerprinting listener over
// one io_context run by several threads, the store and its writer, the identification engine.
// start() loads and binds everything (and says what failed); run() serves until SIGTERM or
// SIGINT, then drains: stops accepting, lets requests in flight finish, flushes the store.

#include <memory>
#include <string>

#include "server/config.h"

namespace fp::server {

class Service {
 public:
  explicit Service(ServerConfig config);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  [[nodiscard]] bool start(std::string& error);
  // Serves until a signal or request_stop(), then shuts down gracefully. Returns the exit status.
  int run();
  void request_stop();

  [[nodiscard]] uint16_t api_port() const;
  [[nodiscard]] uint16_t tls_port() const;

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

}  // namespace fp::server
