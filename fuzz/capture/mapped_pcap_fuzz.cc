// libFuzzer target: a classic pcap file read by MappedPcap (capture/mapped_pcap.h), every record
// to the end or to the damage.
#include <cstddef>
#include <cstdint>

#include "capture/mapped_pcap.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto file = fp::capture::MappedPcap::over(fp::Bytes(data, size));
  if (!file) return 0;
  volatile size_t sum = 0;
  while (auto frame = file->next()) {
    for (const uint8_t b : frame->data) sum = sum + b;  // every byte handed out must be readable
  }
  return 0;
}
