#pragma once
// The service's settings: defaults, then a TOML file, then FP_* environment variables, each
// overriding the one before (command-line flags are applied by the caller afterwards and win).
// Every settable key is listed once in config_keys(), which `fingerprint serve --help` prints.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fp::server {

// A listening address: "127.0.0.1:8080", "localhost:80", "[::1]:8443" (IPv6 in brackets).
struct Endpoint {
  std::string host;
  uint16_t port = 0;
};
// nullopt when the text is not host:port with a non-empty host and a port in 1..65535.
[[nodiscard]] std::optional<Endpoint> parse_endpoint(std::string_view text);
// "host:port", with brackets around an IPv6 host: the inverse of parse_endpoint.
[[nodiscard]] std::string to_string(const Endpoint& endpoint);

// A token bucket's shape: `rate_per_second` tokens come back each second, up to `burst`.
struct TierLimits {
  std::string name;
  double rate_per_second = 0;
  double burst = 0;
};

struct ServerConfig {
  Endpoint api{"127.0.0.1", 8080};
  Endpoint tls{"127.0.0.1", 8443};  // the fingerprinting listener
  std::string api_cert, api_key;    // PEM files; both set => the API speaks TLS
  std::string tls_cert, tls_key;    // empty => self-signed, made under state_dir on first start
  std::filesystem::path state_dir = "var";
  std::string profiles_dir, models_dir, p0f_db;  // empty => the engine's defaults
  unsigned threads = 0;                          // 0 => std::thread::hardware_concurrency()
  size_t max_connections = 1024;                 // per listener
  size_t max_header_bytes = 16 * 1024;
  size_t max_body_bytes = 1 << 20;   // JSON bodies
  size_t max_pcap_bytes = 64 << 20;  // POST /api/v1/pcap
  size_t max_batch_lines = 1000;     // POST /api/v1/batch
  std::chrono::seconds handshake_timeout{10}, header_timeout{10}, body_timeout{30},
      idle_timeout{60};
  std::chrono::seconds shutdown_grace{20};
  size_t cache_entries = 65536;  // identification LRU; 0 disables the cache
  std::vector<TierLimits> tiers{{"free", 10, 20}, {"pro", 100, 200}, {"enterprise", 1000, 2000}};
  std::string anonymous_tier = "free";          // callers without an API key
  TierLimits per_address{"address", 200, 400};  // every caller address, whatever its key
  bool store_observations = true;
  size_t store_queue = 65536;
  // Observations are journalled in state_dir/spool before they are acknowledged, so a crash or
  // a store outage loses none; this bounds its size. 0 = no spool (memory queue only).
  size_t store_spool_max_bytes = size_t{256} << 20;
  // Where the store lives: "sqlite" (state_dir/fingerprint.db) or "postgres" (postgres_url,
  // shared by the replicas; may hold a password, never logged).
  std::string store_backend = "sqlite";
  std::string store_postgres_url;
  size_t store_postgres_pool = 4;
  std::string log_level = "info";  // trace|debug|info|warn|error|off
  // Redis (shared rate limits, shared identity cache, cluster events); empty => all local.
  std::string redis_url;  // redis://[:password@]host[:port][/db]
  std::chrono::seconds redis_cache_ttl{3600};
  std::chrono::milliseconds redis_connect_timeout{200}, redis_command_timeout{100};
  std::string replica_id;  // names this replica in cluster events; empty => hostname-pid

  // The tier of that name, or nullptr.
  [[nodiscard]] const TierLimits* tier(std::string_view name) const;
};

// One settable key: its TOML path ("api", "limits.max_body_bytes", "tiers.pro.rate" ...), its
// environment variable ("FP_API", "FP_LIMITS_MAX_BODY_BYTES" ...), its default as text, and
// what it means. `fingerprint serve --help` prints this table.
struct ConfigKey {
  std::string path, env, default_value, help;
};
[[nodiscard]] const std::vector<ConfigKey>& config_keys();

// Defaults, then the TOML file (if `file` is not empty), then FP_* variables from `env`
// (name -> value), each overriding the one before. Returns nullopt and sets `error` (naming the
// key and the problem: `limits.max_body_bytes: expected a positive integer, got "x"`) on a bad
// value, an unknown key or variable, an unreadable or invalid file (with line:column), or a
// combination that cannot work (anonymous_tier naming no tier). Durations are integer seconds.
// Further tiers may be added in TOML as [tiers.NAME] with rate and burst; env variables
// FP_TIERS_<NAME>_RATE / _BURST exist for the three default tiers.
[[nodiscard]] std::optional<ServerConfig> load_config(const std::string& file,
                                                      const std::map<std::string, std::string>& env,
                                                      std::string& error);

// The FP_* variables of the process environment (environ).
[[nodiscard]] std::map<std::string, std::string> process_environment();

}  // namespace fp::server
