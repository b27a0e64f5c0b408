// `fingerprint capture -i IFACE [--bpf FILTER] [--output jsonl|store|URL] [--identify] ...`:
// live traffic through the same Analyzer as `analyze`, so a connection's record is the one
// `analyze` writes for a pcap of the same packets. Flows are also emitted when idle
// (--idle-timeout) or when the buffered bytes go over --max-flow-bytes. SIGINT/SIGTERM stop
// the capture cleanly: every open flow is emitted as at the end of a file, the counters are
// printed (one JSON line on stderr), exit 0.
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <ctime>
#include <memory>
#include <optional>
#include <string>

#include "capture/analyzer.h"
#include "capture/link_layer.h"
#include "capture/live_capture.h"
#include "cli/commands.h"
#include "cli/service/capture_output.h"
#include "core/limits.h"
#include "engine/engine.h"
#include "engine/identify_support.h"

namespace fp::cli {
namespace {

struct CaptureOptions {
  std::string interface, bpf;
  OutputOptions output;
  bool identify = false;
  std::string db, p0f_db, models;
  double idle_timeout_s = 60;
  size_t max_flows = limits::kMaxFlows;
  uint64_t max_flow_bytes = uint64_t{256} << 20;
  int snaplen = 262144;
  int buffer_mib = 32;
  bool buffered = false;
  double stats_interval_s = 0;
};

// The signal handler's only ways out: async-signal-safe, both.
capture::LiveCapture* g_capture = nullptr;
volatile std::sig_atomic_t g_stop = 0;

extern "C" void on_stop_signal(int) {
  g_stop = 1;
  if (g_capture != nullptr) g_capture->stop();  // pcap_breakloop
}

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocked read returns at once
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int64_t wall_clock_us() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);  // the clock packet time stamps come from
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

// One JSON line on stderr: the kernel's counts, every analyzer counter, and the output's.
void print_stats(const std::string& event, const capture::LiveCapture& live,
                 const capture::Analyzer& analyzer, const CaptureOutput& output) {
  const capture::LiveStats k = live.stats();
  std::string line = "{\"event\":\"" + event + "\"";
  const auto member = [&](const char* name, uint64_t value) {
    line += ",\"";
    line += name;
    line += "\":";
    line += std::to_string(value);
  };
  member("received", k.received);
  member("dropped", k.dropped);
  member("interface_dropped", k.interface_dropped);
  member("buffered_bytes", analyzer.buffered_bytes());
  capture::for_each_counter(analyzer.counters(), member);
  std::fprintf(stderr, "%s%s}\n", line.c_str(), output.stats_members().c_str());
  std::fflush(stderr);
}

// The identification engine of --identify, as `analyze --identify` loads it.
struct Identification {
  std::unique_ptr<const identify::IdentityModel> model;  // outlives the engine
  std::unique_ptr<engine::Engine> engine;
};

std::optional<Identification> load_identification(const CaptureOptions& o) {
  std::string error;
  auto profiles = engine::load_profiles(engine::database_dir(o.db), error);
  if (profiles.empty()) {
    std::fprintf(stderr, "fingerprint: %s\n", error.c_str());
    return std::nullopt;
  }
  Identification id;
  std::string warning;
  id.model = engine::load_model(o.models, warning);
  if (!warning.empty()) std::fprintf(stderr, "fingerprint: %s\n", warning.c_str());
  warning.clear();
  std::shared_ptr<const identify::P0fDatabase> p0f;
  if (auto db = engine::load_p0f_database(o.p0f_db, warning)) {
    p0f = std::make_shared<const identify::P0fDatabase>(std::move(*db));
  }
  if (!warning.empty()) std::fprintf(stderr, "fingerprint: %s\n", warning.c_str());
  id.engine = std::make_unique<engine::Engine>(std::move(profiles), id.model.get(), p0f);
  return id;
}

bool has_identity_input(const capture::StreamRecord& r) {
  return r.tls || !r.http.empty() || r.akamai || r.ja4t;
}

int run_capture(const CaptureOptions& o) {
  std::optional<Identification> identification;
  if (o.identify && !(identification = load_identification(o))) return kExitUsage;
  std::string error;
  auto output = make_capture_output(o.output, error);
  if (!output) {
    std::fprintf(stderr, "fingerprint: %s\n", error.c_str());
    return kExitUsage;
  }
  capture::LiveOptions live_options{.interface = o.interface,
                                    .filter = o.bpf,
                                    .snaplen = o.snaplen,
                                    .buffer_bytes = o.buffer_mib * 1024 * 1024,
                                    .immediate = !o.buffered};
  auto live = capture::LiveCapture::open(live_options, error);
  if (!live) {
    std::fprintf(stderr, "fingerprint: capture: %s\n", error.c_str());
    output->finish();
    return error.starts_with("bad filter") ? kExitUsage : kExitDamagedInput;
  }
  if (!capture::link_type_supported(live->link_type())) {
    std::fprintf(stderr, "fingerprint: %s: link type %d is not supported\n", o.interface.c_str(),
                 live->link_type());
    output->finish();
    return kExitDamagedInput;
  }
  const capture::LiveLimits limits{.idle_timeout_us = static_cast<int64_t>(o.idle_timeout_s * 1e6),
                                   .max_buffered_bytes = o.max_flow_bytes};
  capture::Analyzer analyzer(
      [&](capture::StreamRecord&& r) {
        std::optional<identify::Identity> identity;
        if (identification && has_identity_input(r)) {
          identity = identification->engine->identify_record(r);
        }
        output->write(std::move(r), identity ? &*identity : nullptr);
      },
      o.max_flows, limits);
  g_capture = live.get();
  install_stop_handlers();
  std::fprintf(stderr, "fingerprint: capturing on %s%s%s\n", o.interface.c_str(),
               o.bpf.empty() ? "" : ", filter ", o.bpf.c_str());
  const int64_t stats_every_us = static_cast<int64_t>(o.stats_interval_s * 1e6);
  int64_t next_stats = wall_clock_us() + stats_every_us;
  const auto on_frame = [&](const capture::Frame& frame) {
    analyzer.add_frame(frame);
    analyzer.expire_idle(frame.timestamp_us);
  };
  int status = kExitOk;
  while (g_stop == 0) {
    const auto read = live->read(on_frame);
    if (read == capture::LiveCapture::Read::kStopped) break;
    if (read == capture::LiveCapture::Read::kError) {
      std::fprintf(stderr, "fingerprint: capture: %s: %s\n", o.interface.c_str(),
                   live->error().c_str());
      status = kExitDamagedInput;
      break;
    }
    // The periodic tick: a quiet link still ages its flows and sends waiting batches.
    const int64_t now = wall_clock_us();
    analyzer.expire_idle(now);
    output->tick(now);
    if (stats_every_us > 0 && now >= next_stats) {
      print_stats("capture_stats", *live, analyzer, *output);
      next_stats = now + stats_every_us;
    }
  }
  analyzer.finish();
  output->finish();
  print_stats("capture_end", *live, analyzer, *output);
  g_capture = nullptr;
  return status;
}

}  // namespace

void add_capture_command(CLI::App& app, int& exit_status) {
  auto o = std::make_shared<CaptureOptions>();
  CLI::App* cmd = app.add_subcommand(
      "capture", "Fingerprint live traffic of an interface (needs root or CAP_NET_RAW)");
  cmd->add_option("-i,--interface", o->interface, "Interface to capture on (e.g. eth0, lo)")
      ->required();
  cmd->add_option("--bpf", o->bpf, "BPF filter, as tcpdump takes it (e.g. 'tcp port 443')");
  cmd->add_option("--output", o->output.target,
                  "jsonl (stdout, default), store (the service's store), or http://HOST:PORT "
                  "(a running service's POST /api/v1/observations)");
  cmd->add_option("--state", o->output.state_dir, "--output store: the service's state folder");
  cmd->add_option("--config", o->output.config_file,
                  "--output store: the service's TOML settings (store backend)");
  cmd->add_option("--api-key", o->output.api_key,
                  "--output URL: an API key that may write (default: $FP_API_KEY)")
      ->envname("FP_API_KEY");
  cmd->add_flag("--identify", o->identify, "Add each record's identity (client, TLS, OS)");
  cmd->add_option("--db", o->db, "Profile folder for --identify (default: data/profiles)");
  cmd->add_option("--p0f-db", o->p0f_db, "p0f.fp for --identify (default: /etc/p0f/p0f.fp)");
  cmd->add_option("--models", o->models, "Classifier folder for --identify");
  cmd->add_option("--idle-timeout", o->idle_timeout_s,
                  "Seconds without a packet after which a flow is emitted (0: never)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 86400.0));
  cmd->add_option("--max-flows", o->max_flows, "Flows held at once; the least recent is evicted")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, limits::kMaxFlows));
  cmd->add_option("--max-flow-bytes", o->max_flow_bytes,
                  "Stream bytes buffered across all flows; over it the least recent flows are "
                  "emitted early (0: no budget)")
      ->capture_default_str();
  cmd->add_option("--snaplen", o->snaplen, "Bytes kept per packet")
      ->capture_default_str()
      ->check(CLI::Range(64, 262144));
  cmd->add_option("--buffer-mib", o->buffer_mib, "Kernel capture buffer, MiB")
      ->capture_default_str()
      ->check(CLI::Range(1, 2048));
  cmd->add_flag("--buffered", o->buffered,
                "Packed kernel blocks instead of immediate mode: several times more packets fit "
                "the buffer, records may leave up to 100 ms later");
  cmd->add_option("--stats-interval", o->stats_interval_s,
                  "Print the counters every S seconds too (0: only at the end)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 86400.0));
  cmd->callback([o, &exit_status] { exit_status = run_capture(*o); });
}

}  // namespace fp::cli
