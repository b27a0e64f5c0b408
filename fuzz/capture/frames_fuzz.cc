// libFuzzer target: captured frames through the whole capture layer (link layer, IP/TCP parsing,
// flow table, reassembly, TLS/HTTP detection, fingerprints) and every record to JSON.
// Input: one byte choosing the link type from kLinkTypes (modulo its size), then frames, each
// prefixed by its length as 2 bytes big-endian; a last frame shorter than its length prefix is
// taken as it is. A small flow limit makes eviction run too.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "capture/analyzer.h"
#include "capture/link_layer.h"
#include "capture/record_json.h"

namespace {

// Every link type of link_layer.h's table; make_frames_seeds.py uses the same order.
constexpr std::array<int, 10> kLinkTypes = {
    fp::capture::linktype::kNull,     fp::capture::linktype::kEthernet,
    fp::capture::linktype::kRawBsd,   fp::capture::linktype::kRawOpenBsd,
    fp::capture::linktype::kRaw,      fp::capture::linktype::kLoop,
    fp::capture::linktype::kLinuxSll, fp::capture::linktype::kIpv4,
    fp::capture::linktype::kIpv6,     fp::capture::linktype::kLinuxSll2,
};
constexpr size_t kMaxFlows = 8;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const fp::Bytes input(data, size);
  const int link_type = kLinkTypes[input[0] % kLinkTypes.size()];
  size_t json_bytes = 0;
  fp::capture::Analyzer analyzer(
      [&](fp::capture::StreamRecord&& record) {
        json_bytes += fp::capture::to_json_line(record).size();
        json_bytes += fp::capture::to_json_pretty(record, 2).size();
      },
      kMaxFlows);
  fp::ByteReader reader(input.subspan(1));
  int64_t timestamp = 0;
  while (!reader.empty()) {
    const auto length = reader.u16();
    if (!length) break;
    auto frame = reader.bytes(*length);
    const fp::Bytes bytes = frame ? *frame : reader.rest();
    if (!frame) (void)reader.skip(reader.remaining());
    analyzer.add_frame({.timestamp_us = ++timestamp,
                        .original_length = static_cast<uint32_t>(bytes.size()),
                        .data = bytes,
                        .link_type = link_type});
  }
  analyzer.finish();
  (void)json_bytes;
  return 0;
}
