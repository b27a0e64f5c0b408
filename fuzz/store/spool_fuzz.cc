// The spool's segment reader on whatever a file may hold after a crash, a full disk or a hand
// edit: the bytes are fed in chunks whose size the input's first byte picks. Nothing may crash,
// consumed() never passes the bytes fed, the events do not depend on the chunking, and every
// row read encodes to a line that reads back as the same row.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "store/spool.h"

namespace {

using fp::store::ObservationRow;
using fp::store::spool_detail::SegmentParser;

// A small line limit, so that the overlong-line path is reached by small inputs.
constexpr size_t kMaxLine = 512;

struct Outcome {
  std::vector<SegmentParser::Event> events;
  std::vector<ObservationRow> rows;
  bool torn = false;
};

Outcome parse(std::string_view bytes, size_t chunk) {
  SegmentParser parser(kMaxLine);
  Outcome out;
  ObservationRow row;
  size_t fed = 0;
  for (;;) {
    const SegmentParser::Event event = parser.next(row);
    if (parser.consumed() > fed) std::abort();
    if (event == SegmentParser::Event::kNeedMore) {
      if (fed >= bytes.size()) break;
      const std::string_view piece = bytes.substr(fed, chunk);
      parser.feed(piece);
      fed += piece.size();
      continue;
    }
    out.events.push_back(event);
    if (event == SegmentParser::Event::kRow) out.rows.push_back(row);
  }
  out.torn = parser.torn_tail();
  return out;
}

bool same(const ObservationRow& a, const ObservationRow& b) {
  return a.uid == b.uid && a.time_ms == b.time_ms && a.source == b.source && a.peer == b.peer &&
         a.ja4 == b.ja4 && a.ja3n == b.ja3n && a.ja4h == b.ja4h && a.akamai == b.akamai &&
         a.ja4t == b.ja4t && a.client == b.client && a.client_version == b.client_version &&
         a.tls_library == b.tls_library && a.os == b.os && a.record == b.record;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t chunk = 1 + data[0] % 64;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  const Outcome small = parse(bytes, chunk);
  const Outcome whole = parse(bytes, bytes.size() + 1);
  if (small.events != whole.events || small.torn != whole.torn) std::abort();
  for (const ObservationRow& row : small.rows) {
    const std::string line = fp::store::spool_detail::encode_row(row);
    if (line.find('\n') != std::string::npos) std::abort();
    const auto again = fp::store::spool_detail::decode_row(line);
    if (!again || !same(*again, row)) std::abort();
  }
  return 0;
}
