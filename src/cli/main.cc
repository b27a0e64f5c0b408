// fingerprint: passive client fingerprints (JA3, JA4+, Akamai HTTP/2, JA4T, p0f) from captures
// and raw bytes.
#include <CLI/CLI.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"Passive client fingerprints from what a client sends before any content"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "fingerprint 0.1.0");
  int exit_status = fp::cli::kExitOk;
  fp::cli::add_analyze_command(app, exit_status);
  fp::cli::add_hello_command(app, exit_status);
  fp::cli::add_profiles_command(app, exit_status);
  fp::cli::add_identify_command(app, exit_status);
  fp::cli::add_compare_command(app, exit_status);
  fp::cli::add_train_command(app, exit_status);
  fp::cli::add_keys_command(app, exit_status);
  fp::cli::add_serve_command(app, exit_status);
  fp::cli::add_capture_command(app, exit_status);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : fp::cli::kExitUsage;
  }
  return exit_status;
}
