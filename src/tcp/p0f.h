#pragma once
// p0f v3 raw TCP signature of a SYN or SYN+ACK, as p0f prints it in `raw_sig` and as `p0f.fp`
// lists signatures:   ver:ittl:olen:mss:wsize,scale:olayout:quirks:pclass
// e.g. 4:64+0:0:1460:mss*20,7:mss,sok,ts,nop,ws:df,id+:0

#include <cstdint>
#include <string>

#include "tcp/packet.h"

namespace fp::tcp {

struct P0fSignature {
  std::string raw;             // the signature line
  uint8_t initial_ttl = 0;     // guessed initial TTL: 32, 64, 128 or 255
  uint8_t distance = 0;        // hops: initial_ttl - observed ttl
};

// The TTL a sender most likely started from, as p0f guesses it (the next of 32/64/128/255).
[[nodiscard]] uint8_t guess_initial_ttl(uint8_t observed_ttl) noexcept;

[[nodiscard]] P0fSignature p0f_signature(const Packet& packet);

}  // namespace fp::tcp
