// Any bytes as a pcapng file: the block walk ends (a result or an error), and the key logs it
// finds parse as key logs.
#include <cstddef>
#include <cstdint>

#include "decrypt/key_log.h"
#include "decrypt/pcapng_secrets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto secrets = fp::decrypt::read_pcapng_secrets(fp::Bytes(data, size));
  if (!secrets) return 0;
  fp::decrypt::KeyLog log;
  for (const auto& text : secrets->tls_key_logs) (void)log.add_text(text);
  return 0;
}
