// Raw inputs as the API and the listener give them: the bytes are split into the four inputs
// (ClientHello, SYN, HTTP/1 head, HTTP/2 frames) by the first bytes, and the record is built;
// nothing may crash, and hex/base64 decoding of the same bytes never crashes either.
#include <cstdint>
#include <string>
#include <string_view>

#include "capture/record_json.h"
#include "engine/inputs.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  const size_t quarter = (static_cast<size_t>(data[0]) * size / 255) / 4;
  fp::engine::RawInputs in;
  const std::string_view rest = all.substr(1);
  in.client_hello = std::string(rest.substr(0, quarter));
  in.syn = std::string(rest.substr(quarter, quarter));
  in.http1_head = std::string(rest.substr(2 * quarter, quarter));
  in.http2_frames = std::string(rest.substr(3 * quarter));
  for (int drop = 0; drop < 4; ++drop) {
    auto record = fp::engine::record_from_inputs(in);
    if (record) (void)fp::capture::to_json_line(*record);
    if (drop == 0) in.client_hello.reset();
    if (drop == 1) in.syn.reset();
    if (drop == 2) in.http1_head.reset();
  }
  (void)fp::engine::decode_bytes(all);
  return 0;
}
