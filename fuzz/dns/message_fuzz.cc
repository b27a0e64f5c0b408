// Any bytes as one DNS message, then our client fingerprint of what parsed: never a crash or a
// hang (compression loops are bounded in dns/message.h), and the hash form always keeps the raw
// form's readable first part.
#include <cstddef>
#include <cstdint>

#include "dns/fingerprint.h"
#include "dns/message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const fp::Bytes input(data, size);
  (void)fp::dns::is_response(input);
  auto query = fp::dns::parse_query(input);
  if (!query) return 0;
  fp::dns::DnsClient client;
  fp::dns::add_query(client, *query);
  fp::dns::add_query(client, *query);
  const fp::Fingerprint f = fp::dns::dns_fingerprint(client);
  const size_t first = f.raw.find('_');
  if (first == std::string::npos || f.hash.compare(0, first, f.raw, 0, first) != 0) {
    __builtin_trap();
  }
  return 0;
}
