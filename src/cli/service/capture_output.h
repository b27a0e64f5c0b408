#pragma once
// Where `fingerprint capture` sends its records: JSON lines on stdout, the service's store
// (the rows `serve` writes, through store::ObservationWriter), or a running service's
// POST /api/v1/observations in batches.

#include <cstdint>
#include <memory>
#include <string>

#include "capture/record.h"
#include "identify/identity.h"

namespace fp::cli {

class CaptureOutput {
 public:
  virtual ~CaptureOutput() = default;
  // `identity` is the record's identity when --identify asked for one (record.identity holds
  // its JSON), else null.
  virtual void write(capture::StreamRecord&& record, const identify::Identity* identity) = 0;
  // Time passes (a quiet link too): a batch that waited long enough is sent.
  virtual void tick(int64_t /*now_us*/) {}
  // Delivers everything written (or counts what could not be); called once, at the end.
  virtual void finish() = 0;
  // This output's counters as JSON members for the stats line (`,"name":n...`).
  [[nodiscard]] virtual std::string stats_members() const = 0;
};

struct OutputOptions {
  std::string target = "jsonl";  // "jsonl", "store" or http://host:port
  std::string state_dir;         // store: the service's --state folder ("" = its default)
  std::string config_file;       // store: the service's TOML settings (backend, PostgreSQL URL)
  std::string api_key;           // URL: a key that may write
};

// nullptr and `error` when the store cannot be opened or the URL is not http://host:port.
[[nodiscard]] std::unique_ptr<CaptureOutput> make_capture_output(const OutputOptions& options,
                                                                 std::string& error);

}  // namespace fp::cli
