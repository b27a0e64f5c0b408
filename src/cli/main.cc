// fingerprint: passive client fingerprints (JA3, JA4+, Akamai HTTP/2, JA4T, p0f) from captures
// and raw bytes. The service's commands run fingerprint-service (cli/service_commands.h).
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/run_app.h"
#include "cli/service_commands.h"

int main(int argc, char** argv) {
  if (const int rc = fp::cli::run_service_command_if_asked(argc, argv); rc != fp::cli::kExitOk) {
    return rc;
  }
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
  fp::cli::add_service_command_stubs(app);
  return fp::cli::run_app(app, argc, argv, exit_status);
}
