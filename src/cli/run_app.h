#pragma once
// What both programs' main() do after registering their subcommands: parse, run the chosen
// command, and map CLI11's parse errors to our exit statuses.

#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace fp::cli {

[[nodiscard]] inline int run_app(CLI::App& app, int argc, char** argv, const int& exit_status) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  return exit_status;
}

}  // namespace fp::cli
