#include "cli/service/capture_output.h"

#include <cstdio>
#include <filesystem>

#include "capture/record_json.h"
#include "cli/service/capture_http_output.h"
#include "server/config.h"
#include "server/identification.h"
#include "store/observation_writer.h"
#include "store/open_store.h"

namespace fp::cli {
namespace {

// One record a line, each flushed as it is written: a reader of the pipe sees a connection's
// record as soon as it is emitted, however quiet the link.
class JsonLinesOutput final : public CaptureOutput {
 public:
  void write(capture::StreamRecord&& record, const identify::Identity*) override {
    std::string line = capture::to_json_line(record);
    line += '\n';
    if (std::fwrite(line.data(), 1, line.size(), stdout) != line.size() ||
        std::fflush(stdout) != 0) {
      ++failed_;
      return;
    }
    ++written_;
  }
  void finish() override { std::fflush(stdout); }
  [[nodiscard]] std::string stats_members() const override {
    return ",\"records_written\":" + std::to_string(written_) +
           ",\"records_failed\":" + std::to_string(failed_);
  }

 private:
  uint64_t written_ = 0, failed_ = 0;
};

// The rows `serve` stores (server::observation_row), through the same writer: a thread commits
// them in batches; stop() drains the queue before the process exits.
class StoreOutput final : public CaptureOutput {
 public:
  StoreOutput(std::unique_ptr<store::Store> store, size_t capacity)
      : store_(std::move(store)), writer_(*store_, capacity) {}
  void write(capture::StreamRecord&& record, const identify::Identity* identity) override {
    std::optional<server::CachedIdentity> names;
    if (identity) names = server::summarise_identity(*identity);
    if (!writer_.submit(
            server::observation_row(record, names ? &*names : nullptr, "capture", ""))) {
      ++refused_;
    }
  }
  void finish() override { writer_.stop(); }
  [[nodiscard]] std::string stats_members() const override {
    return ",\"store_written\":" + std::to_string(writer_.written()) +
           ",\"store_dropped\":" + std::to_string(writer_.dropped()) +
           ",\"store_failed_batches\":" + std::to_string(writer_.failed_batches()) +
           ",\"store_lost\":" + std::to_string(writer_.lost());
  }

 private:
  std::unique_ptr<store::Store> store_;
  store::ObservationWriter writer_;  // after store_: destroyed (stopped) first
  uint64_t refused_ = 0;
};

// The service's own settings (defaults, TOML file, FP_* variables, then --state), so that
// `capture --output store` writes where `serve` with the same settings reads.
std::unique_ptr<CaptureOutput> open_store_output(const OutputOptions& o, std::string& error) {
  auto config = server::load_config(o.config_file, server::process_environment(), error);
  if (!config) return nullptr;
  if (!o.state_dir.empty()) config->state_dir = o.state_dir;
  std::error_code ec;
  std::filesystem::create_directories(config->state_dir, ec);
  if (ec) {
    error = "cannot create the state folder " + config->state_dir.string() + ": " + ec.message();
    return nullptr;
  }
  auto store = store::open_store({.backend = config->store_backend,
                                  .sqlite_file = store::database_path(config->state_dir),
                                  .postgres_url = config->store_postgres_url,
                                  .postgres_pool = 1},
                                 error);
  if (!store) return nullptr;
  return std::make_unique<StoreOutput>(std::move(store), config->store_queue);
}

}  // namespace

std::unique_ptr<CaptureOutput> make_capture_output(const OutputOptions& options,
                                                   std::string& error) {
  if (options.target == "jsonl") return std::make_unique<JsonLinesOutput>();
  if (options.target == "store") return open_store_output(options, error);
  if (options.target.starts_with("http://") || options.target.starts_with("https://")) {
    return make_http_output(options.target, options.api_key, error);
  }
  error = "--output: expected jsonl, store or http://HOST:PORT, got \"" + options.target + "\"";
  return nullptr;
}

}  // namespace fp::cli
