#pragma once
// `fingerprint capture --output http://HOST:PORT`: records posted in batches to a running
// service's POST /api/v1/observations (NDJSON). A thread of its own posts, so a slow service
// never holds up packet reading: records wait in a bounded queue (kMaxQueuedRecords; beyond,
// they are dropped and counted), a batch leaves every kBatchInterval or at kBatchRecords /
// kBatchBytes. A failed post (connection refused, 5xx, 429) is retried with back-off; a batch
// the service refuses (4xx) is counted as rejected and not sent again.

#include <chrono>
#include <memory>
#include <string>

#include "cli/service/capture_output.h"

namespace fp::cli {

inline constexpr size_t kMaxQueuedRecords = 100000;
inline constexpr size_t kBatchRecords = 256;
inline constexpr size_t kBatchBytes = 512 * 1024;  // under the service's 1 MiB body limit
inline constexpr std::chrono::milliseconds kBatchInterval{1000};
inline constexpr int kMaxFinalAttempts = 5;  // at the end: then what is left is lost

// nullptr and `error` when `url` is not http://HOST[:PORT][/PREFIX].
[[nodiscard]] std::unique_ptr<CaptureOutput> make_http_output(const std::string& url,
                                                              const std::string& api_key,
                                                              std::string& error);

}  // namespace fp::cli
