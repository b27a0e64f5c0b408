#pragma once
// `fingerprint serve|keys|capture` run the program fingerprint-service installed beside
// `fingerprint`: those commands need the service's libraries (PostgreSQL and its LDAP and
// Kerberos chain, Redis, nghttp2, Prometheus, spdlog ...), which, linked into `fingerprint`, cost
// every `analyze` about 5 ms of dynamic linking at start — a quarter of a typical run.

namespace CLI {
class App;
}

namespace fp::cli {

// Lists the service's commands in `fingerprint --help` (their own help is the service's).
void add_service_command_stubs(CLI::App& app);

// When argv[1] names a service command, replaces this process with fingerprint-service and the
// same arguments; returns only if that fails, with the exit status to use.
[[nodiscard]] int run_service_command_if_asked(int argc, char** argv);

}  // namespace fp::cli
