#include "cli/key_log_loader.h"

#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>

#include "decrypt/pcapng_secrets.h"

namespace fp::cli {
namespace {

struct FileCloser {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};

void report_bad_lines(const std::string& where, const decrypt::KeyLogStats& stats) {
  if (stats.bad == 0) return;
  std::fprintf(stderr, "fingerprint: %s: %zu of %zu key log lines not understood (skipped)\n",
               where.c_str(), stats.bad, stats.lines);
}

}  // namespace

bool read_key_log_file(const std::string& path, decrypt::KeyLog& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "fingerprint: %s: cannot read the key log\n", path.c_str());
    return false;
  }
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  report_bad_lines(path, out.add_text(text));
  return true;
}

std::optional<decrypt::KeyLog> key_log_for_capture(const std::string& path,
                                                   const decrypt::KeyLog* base, bool stats) {
  decrypt::KeyLog log = base ? *base : decrypt::KeyLog{};
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (file) {
    const auto secrets = decrypt::read_pcapng_secrets(file.get());
    if (!secrets) {
      // The packets are read by libpcap, which reports a damaged file itself.
      if (stats) {
        std::fprintf(stderr, "fingerprint: %s: secrets blocks: %s\n", path.c_str(),
                     std::string(decrypt::describe(secrets.error())).c_str());
      }
    } else {
      for (const std::string& text : secrets->tls_key_logs) {
        report_bad_lines(path + " (secrets block)", log.add_text(text));
      }
      if (stats && !secrets->tls_key_logs.empty()) {
        std::fprintf(stderr, "%s: %zu TLS key log secrets blocks\n", path.c_str(),
                     secrets->tls_key_logs.size());
      }
    }
  }
  if (log.empty()) return std::nullopt;
  return log;
}

}  // namespace fp::cli
