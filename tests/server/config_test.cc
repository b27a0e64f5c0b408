#include "server/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <set>

namespace fp::server {
namespace {

using ::testing::HasSubstr;
using Env = std::map<std::string, std::string>;

// A TOML file in the test's temporary directory, removed afterwards.
class TomlFile {
 public:
  explicit TomlFile(const std::string& text) {
    static int counter = 0;
    path_ = ::testing::TempDir() + "fp_config_" + std::to_string(::getpid()) + "_" +
            std::to_string(counter++) + ".toml";
    std::ofstream(path_) << text;
  }
  ~TomlFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The error of loading `toml` (may be empty: no file) with `env`; "" when it loaded.
std::string error_of(const std::string& toml, const Env& env = {}) {
  std::string error;
  if (toml.empty()) {
    EXPECT_FALSE(load_config("", env, error).has_value());
    return error;
  }
  TomlFile file(toml);
  auto config = load_config(file.path(), env, error);
  EXPECT_EQ(config.has_value(), error.empty());
  // The file's name is part of some errors; the tests compare what follows it.
  if (error.rfind(file.path(), 0) == 0) error = "FILE" + error.substr(file.path().size());
  return error;
}

TEST(ParseEndpoint, AcceptsHostAndPort) {
  auto v4 = parse_endpoint("127.0.0.1:8080");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 8080);
  auto v6 = parse_endpoint("[::1]:8443");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 8443);
  auto name = parse_endpoint("localhost:65535");
  ASSERT_TRUE(name);
  EXPECT_EQ(name->host, "localhost");
  EXPECT_EQ(name->port, 65535);
  auto any_port = parse_endpoint("0.0.0.0:0");
  ASSERT_TRUE(any_port);
  EXPECT_EQ(any_port->port, 0);
}

TEST(ParseEndpoint, RejectsMalformed) {
  for (std::string_view bad :
       {"", ":", "8080", "127.0.0.1", "127.0.0.1:", ":8080", "127.0.0.1:65536", "127.0.0.1:-1",
        "127.0.0.1:80x", "::1:8443", "[::1]", "[]:80", "a b:80", "host:+80", "host:123456"}) {
    EXPECT_FALSE(parse_endpoint(bad)) << bad;
  }
}

TEST(ParseEndpoint, PrintsWhatItParses) {
  EXPECT_EQ(to_string(Endpoint{"::1", 8443}), "[::1]:8443");
  EXPECT_EQ(to_string(Endpoint{"127.0.0.1", 80}), "127.0.0.1:80");
}

TEST(LoadConfig, DefaultsWithoutFileOrEnvironment) {
  std::string error = "stale";
  auto config = load_config("", {}, error);
  ASSERT_TRUE(config) << error;
  EXPECT_EQ(error, "");
  EXPECT_EQ(config->api.host, "127.0.0.1");
  EXPECT_EQ(config->api.port, 8080);
  EXPECT_EQ(config->tls.port, 8443);
  EXPECT_EQ(config->state_dir, "var");
  EXPECT_EQ(config->max_body_bytes, 1048576u);
  EXPECT_EQ(config->max_pcap_bytes, 67108864u);
  EXPECT_EQ(config->header_timeout, std::chrono::seconds(10));
  EXPECT_EQ(config->anonymous_tier, "free");
  ASSERT_TRUE(config->tier("pro"));
  EXPECT_EQ(config->tier("pro")->rate_per_second, 100);
  EXPECT_EQ(config->tier("pro")->burst, 200);
  EXPECT_EQ(config->tier("gold"), nullptr);
  EXPECT_TRUE(config->store_observations);
  EXPECT_EQ(config->log_level, "info");
}

TEST(ConfigKeys, NameEveryKeyOnceWithItsVariableAndDefault) {
  std::set<std::string> paths, envs;
  for (const auto& key : config_keys()) {
    EXPECT_TRUE(paths.insert(key.path).second) << key.path;
    EXPECT_TRUE(envs.insert(key.env).second) << key.env;
    EXPECT_FALSE(key.help.empty()) << key.path;
  }
  auto find = [](std::string_view path) -> const ConfigKey* {
    for (const auto& key : config_keys()) {
      if (key.path == path) return &key;
    }
    return nullptr;
  };
  const ConfigKey* body = find("limits.max_body_bytes");
  ASSERT_TRUE(body);
  EXPECT_EQ(body->env, "FP_LIMITS_MAX_BODY_BYTES");
  EXPECT_EQ(body->default_value, "1048576");
  const ConfigKey* api = find("api");
  ASSERT_TRUE(api);
  EXPECT_EQ(api->env, "FP_API");
  EXPECT_EQ(api->default_value, "127.0.0.1:8080");
  const ConfigKey* pro = find("tiers.pro.rate");
  ASSERT_TRUE(pro);
  EXPECT_EQ(pro->env, "FP_TIERS_PRO_RATE");
  EXPECT_EQ(pro->default_value, "100");
  const ConfigKey* idle = find("timeouts.idle");
  ASSERT_TRUE(idle);
  EXPECT_EQ(idle->default_value, "60");
}

// Every key the file can set, one of each kind: endpoint, string, path, integer, seconds,
// number, boolean, enum, and a new tier.
constexpr const char* kFullFile = R"(
api = "[::1]:9080"
tls = "0.0.0.0:9443"
state_dir = "/tmp/fp-state"
threads = 3
log_level = "debug"

[certificates]
api_cert = "api.pem"
api_key = "api.key"
tls_cert = "tls.pem"
tls_key = "tls.key"

[data]
profiles_dir = "profiles"
models_dir = "models"
p0f_db = "p0f.fp"

[limits]
max_connections = 10
max_header_bytes = 2048
max_body_bytes = 4096
max_pcap_bytes = 8192
max_batch_lines = 5

[timeouts]
handshake = 1
header = 2
body = 3
idle = 4
shutdown_grace = 5

[cache]
entries = 0

[rate_limits]
anonymous_tier = "gold"
per_address_rate = 2.5
per_address_burst = 7

[store]
observations = false
queue = 11

[tiers.pro]
rate = 150

[tiers.gold]
rate = 0.5
burst = 3
)";

TEST(LoadConfig, FileOverridesEveryKindOfKey) {
  TomlFile file(kFullFile);
  std::string error;
  auto config = load_config(file.path(), {}, error);
  ASSERT_TRUE(config) << error;
  EXPECT_EQ(config->api.host, "::1");
  EXPECT_EQ(config->api.port, 9080);
  EXPECT_EQ(config->tls.host, "0.0.0.0");
  EXPECT_EQ(config->tls.port, 9443);
  EXPECT_EQ(config->state_dir, "/tmp/fp-state");
  EXPECT_EQ(config->threads, 3u);
  EXPECT_EQ(config->log_level, "debug");
  EXPECT_EQ(config->api_cert, "api.pem");
  EXPECT_EQ(config->api_key, "api.key");
  EXPECT_EQ(config->tls_cert, "tls.pem");
  EXPECT_EQ(config->tls_key, "tls.key");
  EXPECT_EQ(config->profiles_dir, "profiles");
  EXPECT_EQ(config->models_dir, "models");
  EXPECT_EQ(config->p0f_db, "p0f.fp");
  EXPECT_EQ(config->max_connections, 10u);
  EXPECT_EQ(config->max_header_bytes, 2048u);
  EXPECT_EQ(config->max_body_bytes, 4096u);
  EXPECT_EQ(config->max_pcap_bytes, 8192u);
  EXPECT_EQ(config->max_batch_lines, 5u);
  EXPECT_EQ(config->handshake_timeout, std::chrono::seconds(1));
  EXPECT_EQ(config->header_timeout, std::chrono::seconds(2));
  EXPECT_EQ(config->body_timeout, std::chrono::seconds(3));
  EXPECT_EQ(config->idle_timeout, std::chrono::seconds(4));
  EXPECT_EQ(config->shutdown_grace, std::chrono::seconds(5));
  EXPECT_EQ(config->cache_entries, 0u);
  EXPECT_EQ(config->anonymous_tier, "gold");
  EXPECT_EQ(config->per_address.rate_per_second, 2.5);
  EXPECT_EQ(config->per_address.burst, 7);
  EXPECT_FALSE(config->store_observations);
  EXPECT_EQ(config->store_queue, 11u);
  ASSERT_TRUE(config->tier("pro"));
  EXPECT_EQ(config->tier("pro")->rate_per_second, 150);
  EXPECT_EQ(config->tier("pro")->burst, 200);  // not in the file: the default stays
  ASSERT_TRUE(config->tier("gold"));
  EXPECT_EQ(config->tier("gold")->rate_per_second, 0.5);
  EXPECT_EQ(config->tier("gold")->burst, 3);
  EXPECT_TRUE(config->tier("free"));
}

TEST(LoadConfig, EnvironmentOverridesFile) {
  TomlFile file(kFullFile);
  const Env env = {{"FP_API", "127.0.0.2:7000"},
                   {"FP_LIMITS_MAX_BODY_BYTES", "777"},
                   {"FP_TIMEOUTS_IDLE", "99"},
                   {"FP_STORE_OBSERVATIONS", "true"},
                   {"FP_TIERS_PRO_BURST", "250"},
                   {"FP_TIERS_GOLD_RATE", "4"},  // a tier the file added
                   {"FP_RATE_LIMITS_PER_ADDRESS_RATE", "0.25"},
                   {"FP_LOG_LEVEL", "warn"},
                   {"HOME", "/root"}};  // not ours: ignored
  std::string error;
  auto config = load_config(file.path(), env, error);
  ASSERT_TRUE(config) << error;
  EXPECT_EQ(config->api.host, "127.0.0.2");
  EXPECT_EQ(config->api.port, 7000);
  EXPECT_EQ(config->max_body_bytes, 777u);
  EXPECT_EQ(config->idle_timeout, std::chrono::seconds(99));
  EXPECT_TRUE(config->store_observations);
  EXPECT_EQ(config->tier("pro")->rate_per_second, 150);  // from the file
  EXPECT_EQ(config->tier("pro")->burst, 250);
  EXPECT_EQ(config->tier("gold")->rate_per_second, 4);
  EXPECT_EQ(config->per_address.rate_per_second, 0.25);
  EXPECT_EQ(config->log_level, "warn");
  EXPECT_EQ(config->max_pcap_bytes, 8192u);  // from the file, untouched
}

TEST(LoadConfig, EnvironmentAloneOverridesDefaults) {
  std::string error;
  auto config = load_config("", {{"FP_THREADS", "2"}, {"FP_CACHE_ENTRIES", "0"}}, error);
  ASSERT_TRUE(config) << error;
  EXPECT_EQ(config->threads, 2u);
  EXPECT_EQ(config->cache_entries, 0u);
}

TEST(LoadConfig, BadValuesInTheFileNameKeyAndValue) {
  EXPECT_EQ(error_of("[limits]\nmax_body_bytes = \"x\"\n"),
            "limits.max_body_bytes: expected a positive integer, got \"x\"");
  EXPECT_EQ(error_of("[limits]\nmax_body_bytes = 0\n"),
            "limits.max_body_bytes: expected a positive integer, got 0");
  EXPECT_EQ(error_of("[limits]\nmax_body_bytes = -5\n"),
            "limits.max_body_bytes: expected a positive integer, got -5");
  EXPECT_EQ(error_of("[limits]\nmax_batch_lines = 1.5\n"),
            "limits.max_batch_lines: expected a positive integer, got 1.5");
  EXPECT_EQ(error_of("threads = 5000\n"), "threads: expected at most 1024, got 5000");
  EXPECT_EQ(error_of("[cache]\nentries = -1\n"),
            "cache.entries: expected a non-negative integer, got -1");
  EXPECT_EQ(error_of("[timeouts]\nidle = 100000\n"),
            "timeouts.idle: expected at most 86400, got 100000");
  EXPECT_EQ(error_of("api = \"localhost\"\n"),
            "api: expected host:port such as 127.0.0.1:8080 or [::1]:8443, got \"localhost\"");
  EXPECT_EQ(error_of("tls = 8443\n"),
            "tls: expected host:port such as 127.0.0.1:8080 or [::1]:8443, got 8443");
  EXPECT_EQ(error_of("log_level = \"loud\"\n"),
            "log_level: expected one of trace, debug, info, warn, error, off, got \"loud\"");
  EXPECT_EQ(error_of("[store]\nobservations = \"yes\"\n"),
            "store.observations: expected true or false, got \"yes\"");
  EXPECT_EQ(error_of("[data]\np0f_db = [1, 2]\n"), "data.p0f_db: expected a string, got an array");
  EXPECT_EQ(error_of("[tiers.pro]\nrate = 0\n"),
            "tiers.pro.rate: expected a positive number (at most 1e9), got 0");
  EXPECT_EQ(error_of("[tiers.pro]\nburst = 0.5\n"),
            "tiers.pro.burst: expected a number from 1 to 1e9, got 0.5");
  EXPECT_EQ(error_of("[rate_limits]\nper_address_rate = \"fast\"\n"),
            "rate_limits.per_address_rate: expected a positive number (at most 1e9), got \"fast\"");
}

TEST(LoadConfig, BadValuesInTheEnvironmentNameTheVariable) {
  EXPECT_EQ(error_of("", {{"FP_LIMITS_MAX_BODY_BYTES", "x"}}),
            "FP_LIMITS_MAX_BODY_BYTES: expected a positive integer, got \"x\"");
  EXPECT_EQ(error_of("", {{"FP_LIMITS_MAX_BODY_BYTES", " 12"}}),
            "FP_LIMITS_MAX_BODY_BYTES: expected a positive integer, got \" 12\"");
  EXPECT_EQ(error_of("", {{"FP_TIMEOUTS_BODY", "1e3"}}),
            "FP_TIMEOUTS_BODY: expected a positive integer, got \"1e3\"");
  EXPECT_EQ(error_of("", {{"FP_STORE_OBSERVATIONS", "maybe"}}),
            "FP_STORE_OBSERVATIONS: expected true or false, got \"maybe\"");
  EXPECT_EQ(error_of("", {{"FP_TIERS_FREE_RATE", "nan"}}),
            "FP_TIERS_FREE_RATE: expected a positive number (at most 1e9), got \"nan\"");
  EXPECT_EQ(error_of("", {{"FP_TLS", "[::1]:99999"}}),
            "FP_TLS: expected host:port such as 127.0.0.1:8080 or [::1]:8443, got "
            "\"[::1]:99999\"");
  // Control characters in a bad value are shown escaped, not written to the terminal.
  EXPECT_EQ(error_of("", {{"FP_LOG_LEVEL", "a\x1b[2Jb"}}),
            "FP_LOG_LEVEL: expected one of trace, debug, info, warn, error, off, got "
            "\"a\\x1b[2Jb\"");
}

TEST(LoadConfig, UnknownKeysAndVariablesAreErrors) {
  EXPECT_EQ(error_of("colour = \"blue\"\n"), "colour: unknown key");
  EXPECT_EQ(error_of("[limits]\nmax_body_byte = 10\n"), "limits.max_body_byte: unknown key");
  EXPECT_EQ(error_of("[nonsense]\na = 1\n"), "nonsense: unknown key");
  EXPECT_EQ(error_of("[tiers.pro]\nrat = 1\n"), "tiers.pro.rat: unknown key");
  EXPECT_EQ(error_of("", {{"FP_LIMITS_MAX_BODY_BYTE", "10"}}),
            "FP_LIMITS_MAX_BODY_BYTE: unknown setting (fingerprint serve --help lists them)");
  EXPECT_EQ(error_of("", {{"FP_TIERS_GOLD_RATE", "10"}}),
            "FP_TIERS_GOLD_RATE: no tier named \"gold\"");
  // FP_* names outside the settings' sections belong to other programs: left alone.
  std::string error;
  EXPECT_TRUE(load_config("", {{"FP_KEEP_TMP", "1"}, {"FP_API_KEY", "fpk_x"}}, error).has_value())
      << error;
}

TEST(LoadConfig, TiersAndCombinationsAreChecked) {
  EXPECT_EQ(error_of("[tiers.gold]\nrate = 1\n"),
            "tiers.gold: a new tier needs both rate and burst");
  EXPECT_EQ(error_of("[tiers.Gold]\nrate = 1\nburst = 2\n"),
            "tiers.Gold: a tier name is 1 to 32 characters of a-z, 0-9 and _");
  EXPECT_EQ(error_of("tiers = 3\n"), "tiers: expected a table of [tiers.NAME] tables");
  EXPECT_EQ(error_of("[rate_limits]\nanonymous_tier = \"gold\"\n"),
            "rate_limits.anonymous_tier: no tier named \"gold\"");
  EXPECT_EQ(error_of("[certificates]\napi_cert = \"a.pem\"\n"),
            "certificates.api_cert and certificates.api_key: set both or neither");
  EXPECT_EQ(error_of("", {{"FP_CERTIFICATES_TLS_KEY", "k.pem"}}),
            "certificates.tls_cert and certificates.tls_key: set both or neither");
  EXPECT_EQ(error_of("api = \"127.0.0.1:8443\"\n"),
            "api and tls: both listeners on 127.0.0.1:8443");
}

TEST(LoadConfig, InvalidTomlReportsLineAndColumn) {
  const std::string error = error_of("api = \"127.0.0.1:1\"\n\n[limits\nmax_body_bytes = 1\n");
  EXPECT_THAT(error, ::testing::StartsWith("FILE:3:")) << error;
  const std::string duplicate = error_of("threads = 1\nthreads = 2\n");
  EXPECT_THAT(duplicate, ::testing::StartsWith("FILE:2:")) << duplicate;
}

TEST(LoadConfig, UnreadableFileIsAnError) {
  std::string error;
  EXPECT_FALSE(load_config("/nonexistent/fp.toml", {}, error));
  EXPECT_THAT(error, HasSubstr("/nonexistent/fp.toml: cannot read"));
  const std::string directory = ::testing::TempDir();
  EXPECT_FALSE(load_config(directory, {}, error));
  EXPECT_THAT(error, HasSubstr(directory + ": cannot read"));
}

TEST(ProcessEnvironment, ReturnsOnlyOurVariables) {
  ASSERT_EQ(::setenv("FP_TEST_COMPONENTS_VARIABLE", "a=b", 1), 0);
  auto env = process_environment();
  ::unsetenv("FP_TEST_COMPONENTS_VARIABLE");
  EXPECT_EQ(env["FP_TEST_COMPONENTS_VARIABLE"], "a=b");
  for (const auto& entry : env) EXPECT_EQ(entry.first.rfind("FP_", 0), 0u) << entry.first;
}

}  // namespace
}  // namespace fp::server
