#include "cli/service_commands.h"

#include <unistd.h>

#include <CLI/CLI.hpp>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string_view>

#include "cli/commands.h"

namespace fp::cli {
namespace {

struct ServiceCommand {
  std::string_view name, description;
};

constexpr std::array kServiceCommands = {
    ServiceCommand{"serve", "Run the service: REST API, web page and fingerprinting listener"},
    ServiceCommand{"keys", "Manage API keys in the service's store"},
    ServiceCommand{"capture", "Fingerprint live traffic on an interface"},
};

constexpr int kExitCannotRun = 127;  // as a shell reports a command it cannot run

// fingerprint-service in the folder of this executable (not $PATH: the two are one install).
std::filesystem::path service_program() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return (ec ? std::filesystem::path(".") : self.parent_path()) / "fingerprint-service";
}

}  // namespace

void add_service_command_stubs(CLI::App& app) {
  for (const ServiceCommand& c : kServiceCommands) {
    app.add_subcommand(std::string(c.name), std::string(c.description))
        ->allow_extras()
        ->group("Service commands (see `fingerprint COMMAND --help`)");
  }
}

int run_service_command_if_asked(int argc, char** argv) {
  if (argc < 2) return kExitOk;
  const std::string_view command = argv[1];
  bool service = false;
  for (const ServiceCommand& c : kServiceCommands) service |= c.name == command;
  if (!service) return kExitOk;
  const std::string program = service_program().string();
  execv(program.c_str(), argv);
  std::fprintf(stderr, "fingerprint: cannot run %s: %s\n", program.c_str(), std::strerror(errno));
  return kExitCannotRun;
}

}  // namespace fp::cli
