// What reaches a replica from outside its own code: the redis.url setting (operators' text) and
// the messages on fp:events (any Redis client may publish there). Nothing may crash; a parsed
// URL's description never carries its password; a parsed event prints back to an equal one.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "server/cluster_events.h"
#include "server/redis_client.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;
  if (auto url = fp::server::parse_redis_url(text, error)) {
    if (url->host.empty() || url->port == 0) std::abort();
    const std::string shown = fp::server::describe(*url);
    // A password of 8+ characters without the description's own punctuation can only appear in
    // it by leaking (or by being part of the host).
    const bool distinctive =
        url->password.size() >= 8 && url->password.find_first_of("*/:@") == std::string::npos;
    if (distinctive && shown.find(url->password) != std::string::npos &&
        url->host.find(url->password) == std::string::npos) {
      std::abort();
    }
  } else if (error.empty()) {
    std::abort();
  }
  if (auto event = fp::server::parse_cluster_event(text)) {
    auto again = fp::server::parse_cluster_event(fp::server::to_json(*event));
    if (!again || again->kind != event->kind || again->model != event->model ||
        again->origin != event->origin || again->epoch != event->epoch) {
      std::abort();
    }
  }
  return 0;
}
