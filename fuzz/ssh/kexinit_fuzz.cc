// Any bytes as the payload of an SSH_MSG_KEXINIT, then HASSH of what parsed, and as a key
// exchange reply whose host key blob is checked. Neither may crash or read out of bounds.
#include <cstddef>
#include <cstdint>

#include "ssh/hassh.h"
#include "ssh/kexinit.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const fp::Bytes input(data, size);
  auto parsed = fp::ssh::parse_kexinit(input);
  if (parsed) {
    (void)fp::ssh::hassh(*parsed);
    (void)fp::ssh::hassh_server(*parsed);
    (void)fp::ssh::ja4ssh_encryption(*parsed, *parsed);
    if (fp::ssh::hassh(*parsed).hash.size() != 32) __builtin_trap();
  }
  (void)fp::ssh::host_key_fits(input);
  return 0;
}
