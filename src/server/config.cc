#include "server/config.h"

#include <toml++/toml.h>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <sstream>

#include "server/redis_client.h"
#include "store/open_store.h"

extern char** environ;

namespace fp::server {
namespace {

constexpr size_t kMaxConfigFileBytes = 1 << 20;
constexpr size_t kMaxTiers = 64;
constexpr size_t kMaxTierName = 32;
constexpr int64_t kMaxSeconds = 86400;
constexpr int64_t kMaxMilliseconds = 10000;  // Redis timeouts: longer would stall requests
constexpr size_t kMaxReplicaId = 256;
constexpr int64_t kMaxBytes = int64_t{1} << 40;
constexpr double kMaxRate = 1e9;
constexpr std::string_view kLogLevels[] = {"trace", "debug", "info", "warn", "error", "off"};

// One value to set, from the TOML file (`node`) or from an environment variable (`text`).
struct RawValue {
  const toml::node* node = nullptr;
  std::string_view text;
};

std::string shown(std::string_view text) {
  constexpr size_t kShown = 64;  // an error message need not repeat a whole bad value
  std::string out = "\"";
  for (char c : text.substr(0, kShown)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f || c == '"' || c == '\\') {
      constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else {
      out += c;
    }
  }
  if (text.size() > kShown) out += "...";
  return out + "\"";
}

std::string number_text(double value) {
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc() ? std::string(buffer, end) : "?";
}

// The value as the error message shows it: `got "x"`, `got 12`, `got a table`.
std::string describe(const RawValue& value) {
  if (!value.node) return shown(value.text);
  const toml::node& node = *value.node;
  if (auto s = node.as_string()) return shown(s->get());
  if (auto i = node.as_integer()) return std::to_string(i->get());
  if (auto f = node.as_floating_point()) return number_text(f->get());
  if (auto b = node.as_boolean()) return b->get() ? "true" : "false";
  if (node.is_table()) return "a table";
  if (node.is_array()) return "an array";
  return "a date or time";
}

std::string expected(std::string_view what, const RawValue& value) {
  return "expected " + std::string(what) + ", got " + describe(value);
}

// The number that is the whole text (no "+", space or suffix), or nullopt.
template <class T>
std::optional<T> parse_whole(std::string_view text) {
  T result{};
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, result);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return result;
}

std::optional<std::string> read_string(const RawValue& value) {
  if (!value.node) return std::string(value.text);
  if (auto s = value.node->as_string()) return s->get();
  return std::nullopt;
}

std::optional<int64_t> read_integer(const RawValue& value) {
  if (value.node) {
    if (auto i = value.node->as_integer()) return i->get();
    return std::nullopt;
  }
  return parse_whole<int64_t>(value.text);
}

std::optional<double> read_number(const RawValue& value) {
  if (value.node) {
    if (auto f = value.node->as_floating_point()) return f->get();
    if (auto i = value.node->as_integer()) return static_cast<double>(i->get());
    return std::nullopt;
  }
  return parse_whole<double>(value.text);
}

std::optional<bool> read_bool(const RawValue& value) {
  if (value.node) {
    if (auto b = value.node->as_boolean()) return b->get();
    return std::nullopt;
  }
  for (std::string_view yes : {"true", "yes", "on", "1"}) {
    if (value.text == yes) return true;
  }
  for (std::string_view no : {"false", "no", "off", "0"}) {
    if (value.text == no) return false;
  }
  return std::nullopt;
}

// "" when `value` is an integer in [min, max], else the problem.
std::string check_integer(const RawValue& value, int64_t min, int64_t max, int64_t& out) {
  auto number = read_integer(value);
  if (!number || *number < min) {
    return expected(min > 0 ? "a positive integer" : "a non-negative integer", value);
  }
  if (*number > max) return "expected at most " + std::to_string(max) + ", got " + describe(value);
  out = *number;
  return {};
}

std::string set_rate(const RawValue& value, double& out) {
  auto number = read_number(value);
  if (!number || !(*number > 0 && *number <= kMaxRate)) {
    return expected("a positive number (at most 1e9)", value);
  }
  out = *number;
  return {};
}

std::string set_burst(const RawValue& value, double& out) {
  auto number = read_number(value);
  // A bucket that holds less than one token would refuse every request.
  if (!number || !(*number >= 1 && *number <= kMaxRate)) {
    return expected("a number from 1 to 1e9", value);
  }
  out = *number;
  return {};
}

// A settable key: its TOML path, its help, its current value as text, and how to set it
// (returns "" or the problem).
struct KeyDef {
  std::string path;
  std::string help;
  std::function<std::string(const ServerConfig&)> show;
  std::function<std::string(ServerConfig&, const RawValue&)> set;
};

std::string env_name(std::string_view path) {
  std::string name = "FP_";
  for (char c : path) {
    name += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return name;
}

KeyDef endpoint_key(std::string path, Endpoint ServerConfig::*member, std::string help) {
  return {std::move(path), std::move(help),
          [member](const ServerConfig& c) { return to_string(c.*member); },
          [member](ServerConfig& c, const RawValue& v) -> std::string {
            auto text = read_string(v);
            std::optional<Endpoint> endpoint;
            if (text) endpoint = parse_endpoint(*text);
            if (!endpoint) return expected("host:port such as 127.0.0.1:8080 or [::1]:8443", v);
            c.*member = std::move(*endpoint);
            return {};
          }};
}

KeyDef string_key(std::string path, std::string ServerConfig::*member, std::string help) {
  return {std::move(path), std::move(help), [member](const ServerConfig& c) { return c.*member; },
          [member](ServerConfig& c, const RawValue& v) -> std::string {
            auto text = read_string(v);
            if (!text) return expected("a string", v);
            c.*member = std::move(*text);
            return {};
          }};
}

template <class T>
KeyDef integer_key(std::string path, T ServerConfig::*member, int64_t min, int64_t max,
                   std::string help) {
  return {std::move(path), std::move(help),
          [member](const ServerConfig& c) { return std::to_string(c.*member); },
          [member, min, max](ServerConfig& c, const RawValue& v) -> std::string {
            int64_t number = 0;
            std::string problem = check_integer(v, min, max, number);
            if (problem.empty()) c.*member = static_cast<T>(number);
            return problem;
          }};
}

KeyDef seconds_key(std::string path, std::chrono::seconds ServerConfig::*member, std::string help) {
  return {std::move(path), std::move(help),
          [member](const ServerConfig& c) { return std::to_string((c.*member).count()); },
          [member](ServerConfig& c, const RawValue& v) -> std::string {
            int64_t number = 0;
            std::string problem = check_integer(v, 1, kMaxSeconds, number);
            if (problem.empty()) c.*member = std::chrono::seconds(number);
            return problem;
          }};
}

KeyDef bool_key(std::string path, bool ServerConfig::*member, std::string help) {
  return {std::move(path), std::move(help),
          [member](const ServerConfig& c) { return std::string(c.*member ? "true" : "false"); },
          [member](ServerConfig& c, const RawValue& v) -> std::string {
            auto flag = read_bool(v);
            if (!flag) return expected("true or false", v);
            c.*member = *flag;
            return {};
          }};
}

KeyDef state_dir_key() {
  return {"state_dir", "directory for the database and generated certificates",
          [](const ServerConfig& c) { return c.state_dir.string(); },
          [](ServerConfig& c, const RawValue& v) -> std::string {
            auto text = read_string(v);
            if (!text || text->empty()) return expected("a directory", v);
            c.state_dir = *text;
            return {};
          }};
}

KeyDef log_level_key() {
  return {"log_level", "trace, debug, info, warn, error or off",
          [](const ServerConfig& c) { return c.log_level; },
          [](ServerConfig& c, const RawValue& v) -> std::string {
            auto text = read_string(v);
            if (!text || std::find(std::begin(kLogLevels), std::end(kLogLevels), *text) ==
                             std::end(kLogLevels)) {
              return expected("one of trace, debug, info, warn, error, off", v);
            }
            c.log_level = *text;
            return {};
          }};
}

KeyDef milliseconds_key(std::string path, std::chrono::milliseconds ServerConfig::*member,
                        std::string help) {
  return {std::move(path), std::move(help),
          [member](const ServerConfig& c) { return std::to_string((c.*member).count()); },
          [member](ServerConfig& c, const RawValue& v) -> std::string {
            int64_t number = 0;
            std::string problem = check_integer(v, 1, kMaxMilliseconds, number);
            if (problem.empty()) c.*member = std::chrono::milliseconds(number);
            return problem;
          }};
}

KeyDef store_backend_key() {
  return {"store.backend", "sqlite (a file under state_dir) or postgres (store.postgres_url)",
          [](const ServerConfig& c) { return c.store_backend; },
          [](ServerConfig& c, const RawValue& v) -> std::string {
            auto text = read_string(v);
            if (!text || (*text != store::kSqliteBackend && *text != store::kPostgresBackend)) {
              return expected("sqlite or postgres", v);
            }
            c.store_backend = std::move(*text);
            return {};
          }};
}

// Shown without its password; a bad one is described, never quoted.
KeyDef postgres_url_key() {
  return {"store.postgres_url", "postgresql://user[:password]@host[:port]/db for store.backend",
          [](const ServerConfig& c) { return store::describe_postgres_url(c.store_postgres_url); },
          [](ServerConfig& c, const RawValue& v) -> std::string {
            auto text = read_string(v);
            if (!text) return "expected a string";
            std::string problem;
            if (!text->empty() && !store::valid_postgres_url(*text, problem)) return problem;
            c.store_postgres_url = std::move(*text);
            return {};
          }};
}

// The URL may hold a password: it is shown redacted, and a bad one is described, never quoted.
KeyDef redis_url_key() {
  return {"redis.url",
          "redis://[:password@]host[:port][/db] shared by the replicas; empty = all local",
          [](const ServerConfig& c) {
            std::string ignored;
            auto url = parse_redis_url(c.redis_url, ignored);
            return url ? describe(*url) : std::string();
          },
          [](ServerConfig& c, const RawValue& v) -> std::string {
            auto text = read_string(v);
            if (!text) return "expected a string";
            std::string problem;
            if (!text->empty() && !parse_redis_url(*text, problem)) return problem;
            c.redis_url = std::move(*text);
            return {};
          }};
}

KeyDef replica_id_key() {
  return {"cluster.replica_id", "name of this replica in cluster events; empty = hostname-pid",
          [](const ServerConfig& c) { return c.replica_id; },
          [](ServerConfig& c, const RawValue& v) -> std::string {
            auto text = read_string(v);
            const bool printable = text && std::all_of(text->begin(), text->end(), [](char ch) {
                                     return ch > 0x20 && ch < 0x7f;
                                   });
            if (!printable || text->size() > kMaxReplicaId) {
              return expected("at most 256 printable characters without spaces", v);
            }
            c.replica_id = std::move(*text);
            return {};
          }};
}

KeyDef per_address_key(std::string path, bool is_rate, std::string help) {
  return {std::move(path), std::move(help),
          [is_rate](const ServerConfig& c) {
            return number_text(is_rate ? c.per_address.rate_per_second : c.per_address.burst);
          },
          [is_rate](ServerConfig& c, const RawValue& v) {
            return is_rate ? set_rate(v, c.per_address.rate_per_second)
                           : set_burst(v, c.per_address.burst);
          }};
}

const std::vector<KeyDef>& key_defs() {
  using C = ServerConfig;
  static const std::vector<KeyDef> defs = {
      endpoint_key("api", &C::api, "address of the REST API (port 0: any free port)"),
      endpoint_key("tls", &C::tls, "address of the fingerprinting TLS listener"),
      state_dir_key(),
      integer_key("threads", &C::threads, 0, 1024, "worker threads; 0 = one per CPU"),
      log_level_key(),
      string_key("certificates.api_cert", &C::api_cert,
                 "PEM certificate of the API; with api_key the API speaks TLS"),
      string_key("certificates.api_key", &C::api_key, "PEM private key of api_cert"),
      string_key("certificates.tls_cert", &C::tls_cert,
                 "PEM certificate of the TLS listener; empty = self-signed under state_dir"),
      string_key("certificates.tls_key", &C::tls_key, "PEM private key of tls_cert"),
      string_key("data.profiles_dir", &C::profiles_dir, "profile database; empty = built in"),
      string_key("data.models_dir", &C::models_dir, "classifier models; empty = built in"),
      string_key("data.p0f_db", &C::p0f_db, "p0f.fp signatures; empty = built in"),
      integer_key("limits.max_connections", &C::max_connections, 1, 1000000,
                  "open connections per listener"),
      integer_key("limits.max_header_bytes", &C::max_header_bytes, 1, kMaxBytes,
                  "request line and headers"),
      integer_key("limits.max_body_bytes", &C::max_body_bytes, 1, kMaxBytes, "JSON bodies"),
      integer_key("limits.max_pcap_bytes", &C::max_pcap_bytes, 1, kMaxBytes,
                  "capture uploaded to POST /api/v1/pcap"),
      integer_key("limits.max_batch_lines", &C::max_batch_lines, 1, 1000000,
                  "records in one POST /api/v1/batch"),
      seconds_key("timeouts.handshake", &C::handshake_timeout, "seconds to finish TLS handshake"),
      seconds_key("timeouts.header", &C::header_timeout, "seconds to send the request headers"),
      seconds_key("timeouts.body", &C::body_timeout, "seconds to send the request body"),
      seconds_key("timeouts.idle", &C::idle_timeout, "seconds a kept-alive connection may idle"),
      seconds_key("timeouts.shutdown_grace", &C::shutdown_grace,
                  "seconds given to requests in flight at shutdown"),
      integer_key("cache.entries", &C::cache_entries, 0, int64_t{1} << 26,
                  "identifications cached; 0 = no cache"),
      string_key("rate_limits.anonymous_tier", &C::anonymous_tier,
                 "tier of callers without an API key"),
      per_address_key("rate_limits.per_address_rate", true,
                      "requests per second of each caller address, whatever its key"),
      per_address_key("rate_limits.per_address_burst", false,
                      "requests at once from each caller address"),
      bool_key("store.observations", &C::store_observations, "store what the listener sees"),
      integer_key("store.queue", &C::store_queue, 1, int64_t{1} << 24,
                  "observations waiting in memory; more wait in the spool (or are dropped "
                  "without one)"),
      integer_key("store.spool_max_bytes", &C::store_spool_max_bytes, 0, int64_t{1} << 40,
                  "bytes of the observation spool under --state; 0 = no spool"),
      store_backend_key(),
      postgres_url_key(),
      integer_key("store.postgres_pool", &C::store_postgres_pool, 1, 64,
                  "PostgreSQL connections of this replica"),
      redis_url_key(),
      seconds_key("redis.cache_ttl_seconds", &C::redis_cache_ttl,
                  "seconds an identity stays in the shared cache"),
      milliseconds_key("redis.connect_timeout_ms", &C::redis_connect_timeout,
                       "milliseconds to connect to Redis"),
      milliseconds_key("redis.command_timeout_ms", &C::redis_command_timeout,
                       "milliseconds a Redis command may take; slower = down, limits go local"),
      replica_id_key(),
  };
  return defs;
}

const KeyDef* find_key(std::string_view path) {
  for (const auto& def : key_defs()) {
    if (def.path == path) return &def;
  }
  return nullptr;
}

bool is_section(std::string_view path) {
  for (const auto& def : key_defs()) {
    if (def.path.size() > path.size() && def.path.compare(0, path.size(), path) == 0 &&
        def.path[path.size()] == '.') {
      return true;
    }
  }
  return false;
}

bool valid_tier_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxTierName) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

TierLimits* find_tier(ServerConfig& config, std::string_view name) {
  for (auto& tier : config.tiers) {
    if (tier.name == name) return &tier;
  }
  return nullptr;
}

std::string set_tier_field(TierLimits& tier, std::string_view field, const RawValue& value) {
  return field == "rate" ? set_rate(value, tier.rate_per_second) : set_burst(value, tier.burst);
}

// [tiers.NAME] with rate and burst; a tier not among the defaults needs both.
std::string apply_tier(ServerConfig& config, std::string_view name, const toml::node& node) {
  const std::string path = "tiers." + std::string(name);
  const toml::table* table = node.as_table();
  if (!table) return path + ": expected a table with rate and burst";
  if (!valid_tier_name(name)) {
    return path + ": a tier name is 1 to 32 characters of a-z, 0-9 and _";
  }
  TierLimits* tier = find_tier(config, name);
  if (!tier) {
    if (!table->contains("rate") || !table->contains("burst")) {
      return path + ": a new tier needs both rate and burst";
    }
    if (config.tiers.size() >= kMaxTiers) return path + ": too many tiers (at most 64)";
    config.tiers.push_back({std::string(name), 0, 0});
    tier = &config.tiers.back();
  }
  for (const auto& entry : *table) {
    const std::string_view field = entry.first.str();
    const std::string field_path = path + "." + std::string(field);
    if (field != "rate" && field != "burst") return field_path + ": unknown key";
    std::string problem = set_tier_field(*tier, field, RawValue{&entry.second, {}});
    if (!problem.empty()) return field_path + ": " + problem;
  }
  return {};
}

std::string apply_table(ServerConfig& config, const toml::table& table, const std::string& prefix) {
  for (const auto& entry : table) {
    const std::string path = prefix.empty() ? std::string(entry.first.str())
                                            : prefix + "." + std::string(entry.first.str());
    const toml::node& node = entry.second;
    std::string problem;
    if (path == "tiers") {
      const toml::table* tiers = node.as_table();
      if (!tiers) return "tiers: expected a table of [tiers.NAME] tables";
      for (const auto& tier : *tiers) {
        problem = apply_tier(config, tier.first.str(), tier.second);
        if (!problem.empty()) return problem;
      }
    } else if (const KeyDef* def = find_key(path)) {
      problem = def->set(config, RawValue{&node, {}});
      if (!problem.empty()) return path + ": " + problem;
    } else if (node.is_table() && is_section(path)) {
      problem = apply_table(config, *node.as_table(), path);
      if (!problem.empty()) return problem;
    } else {
      return path + ": unknown key";
    }
  }
  return {};
}

std::string apply_file(ServerConfig& config, const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return file + ": cannot read: " + std::strerror(errno);
  std::string text;
  text.resize(kMaxConfigFileBytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) return file + ": cannot read: " + std::strerror(errno);
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > kMaxConfigFileBytes) return file + ": larger than 1 MiB";
  try {
    toml::table table = toml::parse(text, file);
    return apply_table(config, table, "");
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    return file + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) + ": " +
           std::string(e.description());
  }
}

// FP_TIERS_<NAME>_RATE or _BURST, for a tier that exists by now.
std::string apply_tier_variable(ServerConfig& config, const std::string& name,
                                const std::string& value) {
  constexpr std::string_view kPrefix = "FP_TIERS_";
  for (std::string_view suffix : {"_RATE", "_BURST"}) {
    if (name.size() <= kPrefix.size() + suffix.size() || name.rfind(kPrefix, 0) != 0 ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
      continue;
    }
    std::string tier_name =
        name.substr(kPrefix.size(), name.size() - kPrefix.size() - suffix.size());
    std::transform(tier_name.begin(), tier_name.end(), tier_name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    TierLimits* tier = find_tier(config, tier_name);
    if (!tier) return name + ": no tier named " + shown(tier_name);
    std::string problem =
        set_tier_field(*tier, suffix == "_RATE" ? "rate" : "burst", RawValue{nullptr, value});
    return problem.empty() ? problem : name + ": " + problem;
  }
  return name + ": unknown setting (fingerprint serve --help lists them)";
}

// A variable named like a setting of a section (FP_LIMITS_..., FP_TIERS_...) is ours: a typo
// there is an error. Other FP_* names (a client's FP_API_KEY, a test's FP_KEEP_TMP) are not
// settings of the service and are left alone.
bool in_a_section(const std::string& name) {
  for (const auto& def : key_defs()) {
    const size_t dot = def.path.find('.');
    if (dot == std::string::npos) continue;
    const std::string section = env_name(def.path.substr(0, dot)) + "_";
    if (name.rfind(section, 0) == 0) return true;
  }
  return name.rfind("FP_TIERS_", 0) == 0;
}

std::string apply_environment(ServerConfig& config, const std::map<std::string, std::string>& env) {
  for (const auto& [name, value] : env) {
    if (name.rfind("FP_", 0) != 0) continue;
    const KeyDef* def = nullptr;
    for (const auto& candidate : key_defs()) {
      if (env_name(candidate.path) == name) def = &candidate;
    }
    std::string problem;
    if (def) {
      problem = def->set(config, RawValue{nullptr, value});
      if (!problem.empty()) problem = name + ": " + problem;
    } else if (in_a_section(name)) {
      problem = apply_tier_variable(config, name, value);
    }
    if (!problem.empty()) return problem;
  }
  return {};
}

// Combinations no single key can check.
std::string check_consistency(const ServerConfig& config) {
  if (config.store_backend == store::kPostgresBackend && config.store_postgres_url.empty()) {
    return "store.backend postgres needs store.postgres_url";
  }
  if (!config.tier(config.anonymous_tier)) {
    return "rate_limits.anonymous_tier: no tier named " + shown(config.anonymous_tier);
  }
  if (config.api_cert.empty() != config.api_key.empty()) {
    return "certificates.api_cert and certificates.api_key: set both or neither";
  }
  if (config.tls_cert.empty() != config.tls_key.empty()) {
    return "certificates.tls_cert and certificates.tls_key: set both or neither";
  }
  if (config.api.port != 0 && config.api.port == config.tls.port &&
      config.api.host == config.tls.host) {
    return "api and tls: both listeners on " + to_string(config.api);
  }
  return {};
}

bool valid_host_char(char c, bool bracketed) {
  if (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-') return true;
  return bracketed && (c == ':' || c == '%');  // IPv6, with an optional zone
}

}  // namespace

std::optional<Endpoint> parse_endpoint(std::string_view text) {
  constexpr size_t kMaxHost = 253;  // a DNS name
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  const bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
  if (bracketed) host = host.substr(1, host.size() - 2);
  if (host.empty() || host.size() > kMaxHost) return std::nullopt;
  for (char c : host) {
    if (!valid_host_char(c, bracketed)) return std::nullopt;
  }
  if (port_text.empty() || port_text.size() > 5) return std::nullopt;
  auto port = parse_whole<unsigned>(port_text);
  if (!port || *port > 65535) return std::nullopt;
  return Endpoint{std::string(host), static_cast<uint16_t>(*port)};
}

std::string to_string(const Endpoint& endpoint) {
  const bool ipv6 = endpoint.host.find(':') != std::string::npos;
  std::string host = ipv6 ? "[" + endpoint.host + "]" : endpoint.host;
  return host + ":" + std::to_string(endpoint.port);
}

const TierLimits* ServerConfig::tier(std::string_view name) const {
  for (const auto& candidate : tiers) {
    if (candidate.name == name) return &candidate;
  }
  return nullptr;
}

const std::vector<ConfigKey>& config_keys() {
  static const std::vector<ConfigKey> keys = [] {
    const ServerConfig defaults;
    std::vector<ConfigKey> out;
    for (const auto& def : key_defs()) {
      out.push_back({def.path, env_name(def.path), def.show(defaults), def.help});
    }
    for (const auto& tier : defaults.tiers) {
      const std::string path = "tiers." + tier.name;
      out.push_back({path + ".rate", env_name(path + ".rate"), number_text(tier.rate_per_second),
                     "requests per second of a caller whose key is in tier " + tier.name});
      out.push_back({path + ".burst", env_name(path + ".burst"), number_text(tier.burst),
                     "requests at once of a caller in tier " + tier.name});
    }
    return out;
  }();
  return keys;
}

std::optional<ServerConfig> load_config(const std::string& file,
                                        const std::map<std::string, std::string>& env,
                                        std::string& error) {
  ServerConfig config;
  error = file.empty() ? std::string() : apply_file(config, file);
  if (error.empty()) error = apply_environment(config, env);
  if (error.empty()) error = check_consistency(config);
  if (!error.empty()) return std::nullopt;
  return config;
}

std::map<std::string, std::string> process_environment() {
  std::map<std::string, std::string> out;
  for (char** entry = environ; entry && *entry; ++entry) {
    std::string_view text(*entry);
    const size_t equals = text.find('=');
    if (equals == std::string_view::npos || text.rfind("FP_", 0) != 0) continue;
    out.emplace(text.substr(0, equals), text.substr(equals + 1));
  }
  return out;
}

}  // namespace fp::server
