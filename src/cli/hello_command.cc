// `fingerprint hello [HEX_OR_BASE64]`: the fingerprints of one raw ClientHello, given as an
// argument or on stdin, as TLS records, a handshake message or an SSLv2-compatible hello.
#include <CLI/CLI.hpp>

#include <cctype>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>

#include "capture/record_builders.h"
#include "capture/record_json.h"
#include "cli/commands.h"
#include "core/hex.h"
#include "tls/client_hello.h"

namespace fp::cli {
namespace {

struct HelloOptions {
  std::string input;
  std::string format = "json";
};

bool looks_like_hex(const std::string& text) {
  for (char c : text) {
    if (!std::isxdigit(static_cast<unsigned char>(c)) &&
        !std::isspace(static_cast<unsigned char>(c)) && c != ':') {
      return false;
    }
  }
  return true;
}

int run_hello(HelloOptions options) {
  if (options.input.empty() || options.input == "-") {
    options.input.assign(std::istreambuf_iterator<char>(std::cin),
                         std::istreambuf_iterator<char>());
  }
  auto bytes =
      looks_like_hex(options.input) ? hex_decode(options.input) : base64_decode(options.input);
  if (!bytes || bytes->empty()) {
    std::fprintf(stderr, "fingerprint: input is neither hex nor base64\n");
    return kExitUsage;
  }
  auto hello = tls::parse_client_hello_any(*bytes);
  if (!hello) {
    std::fprintf(stderr, "fingerprint: not a ClientHello: %s\n",
                 std::string(tls::describe(hello.error())).c_str());
    return kExitDamagedInput;
  }
  const capture::TlsClientRecord record = capture::client_record(*hello);
  std::puts(capture::client_hello_json(record, options.format == "json" ? 2 : 0).c_str());
  return kExitOk;
}

}  // namespace

void add_hello_command(CLI::App& app, int& exit_status) {
  auto options = std::make_shared<HelloOptions>();
  CLI::App* cmd = app.add_subcommand("hello", "Fingerprint one raw ClientHello (hex or base64)");
  cmd->add_option("input", options->input, "Hex or base64; '-' or nothing reads stdin");
  cmd->add_option("--format", options->format, "json (default, indented) or jsonl")
      ->check(CLI::IsMember({"json", "jsonl"}));
  cmd->callback([options, &exit_status] { exit_status = run_hello(*options); });
}

}  // namespace fp::cli
