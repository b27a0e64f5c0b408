// Parses arbitrary text as p0f.fp, then matches a fixed SYN, SYN+ACK, HTTP request and MSS
// against whatever it yielded: neither step may crash, hang or read out of bounds, and every
// sig the parser keeps must be one the matcher can walk (label index in range).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "identify/p0f_match.h"

namespace {

fp::identify::P0fTcpObservation observation(bool syn_ack) {
  fp::identify::P0fTcpObservation o;
  o.syn_ack = syn_ack;
  o.ttl = 60;
  o.mss = 1460;
  o.window = 29200;
  o.window_multiplier = 20;
  o.scale = 7;
  o.olayout = {2, 4, 8, 1, 3};
  o.quirks = fp::tcp::kQuirkDf | fp::tcp::kQuirkNonZeroId;
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  fp::identify::P0fDatabase db = fp::identify::parse_p0f_database(text);
  (void)fp::identify::p0f_match_tcp(db, observation(false));
  (void)fp::identify::p0f_match_tcp(db, observation(true));
  fp::http::HttpRequest req{"GET", "/", "HTTP/1.1", {{"Host", "h"}, {"User-Agent", "curl/8"}}};
  if (auto obs = fp::identify::p0f_observe_http(req)) {
    (void)fp::identify::p0f_match_http(db, *obs);
  }
  (void)fp::identify::p0f_match_mtu(db, 1460, 4);
  return 0;
}
