#pragma once
// The subcommands of `fingerprint`. Each registers its options on the CLI11 app and returns the
// process exit status when run.

namespace CLI {
class App;
}

namespace fp::cli {

// Exit statuses shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitDamagedInput = 1;  // ran, but some input could not be read whole
inline constexpr int kExitUsage = 2;         // bad arguments (an unreadable file is damaged input)

void add_analyze_command(CLI::App& app, int& exit_status);
void add_hello_command(CLI::App& app, int& exit_status);
void add_profiles_command(CLI::App& app, int& exit_status);
void add_identify_command(CLI::App& app, int& exit_status);
void add_compare_command(CLI::App& app, int& exit_status);
void add_train_command(CLI::App& app, int& exit_status);
void add_keys_command(CLI::App& app, int& exit_status);
void add_serve_command(CLI::App& app, int& exit_status);
void add_capture_command(CLI::App& app, int& exit_status);

}  // namespace fp::cli
