// fingerprint-service: the commands that need the service's libraries (HTTP and TLS listeners,
// SQLite and PostgreSQL, Redis, metrics). `fingerprint serve|keys|capture` runs this program
// (cli/main.cc), so the offline commands do not load those libraries at every start.
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/run_app.h"

int main(int argc, char** argv) {
  CLI::App app{"Fingerprint API service: listeners, API keys and live capture"};
  app.name("fingerprint");
  app.require_subcommand(1);
  app.set_version_flag("--version", "fingerprint 0.1.0");
  int exit_status = fp::cli::kExitOk;
  fp::cli::add_keys_command(app, exit_status);
  fp::cli::add_serve_command(app, exit_status);
  fp::cli::add_capture_command(app, exit_status);
  return fp::cli::run_app(app, argc, argv, exit_status);
}
