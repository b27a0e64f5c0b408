// `fingerprint serve [--api HOST:PORT] [--tls HOST:PORT] [--state DIR] [--config FILE]`: the
// service (src/server/service.h). Settings come from the defaults, then the TOML file, then FP_*
// variables, then these flags; `--help` lists every setting with its variable and default.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "cli/commands.h"
#include "server/config.h"
#include "server/service.h"

namespace fp::cli {
namespace {

struct ServeOptions {
  std::string api, tls, state, config;
};

std::string settings_help() {
  std::string text = "\nSettings (TOML key / environment variable = default):\n";
  for (const server::ConfigKey& key : server::config_keys()) {
    text += "  " + key.path + " / " + key.env + " = " + key.default_value + "\n      " + key.help +
            "\n";
  }
  return text;
}

bool apply_endpoint(const std::string& text, const char* flag, server::Endpoint& out) {
  if (text.empty()) return true;
  auto endpoint = server::parse_endpoint(text);
  if (!endpoint) {
    std::fprintf(stderr, "fingerprint: %s: expected HOST:PORT, got \"%s\"\n", flag, text.c_str());
    return false;
  }
  out = *endpoint;
  return true;
}

int run_serve(const ServeOptions& o) {
  std::string error;
  std::optional<server::ServerConfig> config =
      server::load_config(o.config, server::process_environment(), error);
  if (!config) {
    std::fprintf(stderr, "fingerprint: %s\n", error.c_str());
    return kExitUsage;
  }
  if (!apply_endpoint(o.api, "--api", config->api) ||
      !apply_endpoint(o.tls, "--tls", config->tls)) {
    return kExitUsage;
  }
  if (!o.state.empty()) config->state_dir = o.state;
  server::Service service(std::move(*config));
  if (!service.start(error)) {
    std::fprintf(stderr, "fingerprint: cannot start: %s\n", error.c_str());
    return kExitDamagedInput;
  }
  return service.run();
}

}  // namespace

void add_serve_command(CLI::App& app, int& exit_status) {
  auto o = std::make_shared<ServeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "serve", "Run the REST API and the listener that fingerprints its own callers");
  cmd->add_option("--api", o->api, "API listener HOST:PORT (default 127.0.0.1:8080)");
  cmd->add_option("--tls", o->tls,
                  "Fingerprinting TLS listener HOST:PORT (default 127.0.0.1:8443)");
  cmd->add_option("--state", o->state,
                  "Folder for the database, certificate and models (default ./var)");
  cmd->add_option("--config", o->config, "TOML settings file");
  cmd->footer(settings_help());
  cmd->callback([o, &exit_status] { exit_status = run_serve(*o); });
}

}  // namespace fp::cli
