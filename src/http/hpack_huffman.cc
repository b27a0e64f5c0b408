#include "http/hpack_huffman.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace fp::http {
namespace {

struct HuffmanCode {
  uint32_t code;  // right-aligned
  uint8_t bits;
};

constexpr size_t kSymbols = 257;  // the 256 octets and EOS
constexpr uint16_t kEos = 256;
constexpr int kMaxBits = 30;
constexpr int kMinBits = 5;

// RFC 7541 Appendix B, in symbol order: (code as hex aligned to the LSB, length in bits).
constexpr std::array<HuffmanCode, kSymbols> kCodes{{
    {0x1ff8, 13},     {0x7fffd8, 23},   {0xfffffe2, 28},  {0xfffffe3, 28},  // 0-3
    {0xfffffe4, 28},  {0xfffffe5, 28},  {0xfffffe6, 28},  {0xfffffe7, 28},  // 4-7
    {0xfffffe8, 28},  {0xffffea, 24},   {0x3ffffffc, 30}, {0xfffffe9, 28},  // 8-11
    {0xfffffea, 28},  {0x3ffffffd, 30}, {0xfffffeb, 28},  {0xfffffec, 28},  // 12-15
    {0xfffffed, 28},  {0xfffffee, 28},  {0xfffffef, 28},  {0xffffff0, 28},  // 16-19
    {0xffffff1, 28},  {0xffffff2, 28},  {0x3ffffffe, 30}, {0xffffff3, 28},  // 20-23
    {0xffffff4, 28},  {0xffffff5, 28},  {0xffffff6, 28},  {0xffffff7, 28},  // 24-27
    {0xffffff8, 28},  {0xffffff9, 28},  {0xffffffa, 28},  {0xffffffb, 28},  // 28-31
    {0x14, 6},        {0x3f8, 10},      {0x3f9, 10},      {0xffa, 12},      // 32-35
    {0x1ff9, 13},     {0x15, 6},        {0xf8, 8},        {0x7fa, 11},      // 36-39
    {0x3fa, 10},      {0x3fb, 10},      {0xf9, 8},        {0x7fb, 11},      // 40-43
    {0xfa, 8},        {0x16, 6},        {0x17, 6},        {0x18, 6},        // 44-47
    {0x0, 5},         {0x1, 5},         {0x2, 5},         {0x19, 6},        // 48-51
    {0x1a, 6},        {0x1b, 6},        {0x1c, 6},        {0x1d, 6},        // 52-55
    {0x1e, 6},        {0x1f, 6},        {0x5c, 7},        {0xfb, 8},        // 56-59
    {0x7ffc, 15},     {0x20, 6},        {0xffb, 12},      {0x3fc, 10},      // 60-63
    {0x1ffa, 13},     {0x21, 6},        {0x5d, 7},        {0x5e, 7},        // 64-67
    {0x5f, 7},        {0x60, 7},        {0x61, 7},        {0x62, 7},        // 68-71
    {0x63, 7},        {0x64, 7},        {0x65, 7},        {0x66, 7},        // 72-75
    {0x67, 7},        {0x68, 7},        {0x69, 7},        {0x6a, 7},        // 76-79
    {0x6b, 7},        {0x6c, 7},        {0x6d, 7},        {0x6e, 7},        // 80-83
    {0x6f, 7},        {0x70, 7},        {0x71, 7},        {0x72, 7},        // 84-87
    {0xfc, 8},        {0x73, 7},        {0xfd, 8},        {0x1ffb, 13},     // 88-91
    {0x7fff0, 19},    {0x1ffc, 13},     {0x3ffc, 14},     {0x22, 6},        // 92-95
    {0x7ffd, 15},     {0x3, 5},         {0x23, 6},        {0x4, 5},         // 96-99
    {0x24, 6},        {0x5, 5},         {0x25, 6},        {0x26, 6},        // 100-103
    {0x27, 6},        {0x6, 5},         {0x74, 7},        {0x75, 7},        // 104-107
    {0x28, 6},        {0x29, 6},        {0x2a, 6},        {0x7, 5},         // 108-111
    {0x2b, 6},        {0x76, 7},        {0x2c, 6},        {0x8, 5},         // 112-115
    {0x9, 5},         {0x2d, 6},        {0x77, 7},        {0x78, 7},        // 116-119
    {0x79, 7},        {0x7a, 7},        {0x7b, 7},        {0x7ffe, 15},     // 120-123
    {0x7fc, 11},      {0x3ffd, 14},     {0x1ffd, 13},     {0xffffffc, 28},  // 124-127
    {0xfffe6, 20},    {0x3fffd2, 22},   {0xfffe7, 20},    {0xfffe8, 20},    // 128-131
    {0x3fffd3, 22},   {0x3fffd4, 22},   {0x3fffd5, 22},   {0x7fffd9, 23},   // 132-135
    {0x3fffd6, 22},   {0x7fffda, 23},   {0x7fffdb, 23},   {0x7fffdc, 23},   // 136-139
    {0x7fffdd, 23},   {0x7fffde, 23},   {0xffffeb, 24},   {0x7fffdf, 23},   // 140-143
    {0xffffec, 24},   {0xffffed, 24},   {0x3fffd7, 22},   {0x7fffe0, 23},   // 144-147
    {0xffffee, 24},   {0x7fffe1, 23},   {0x7fffe2, 23},   {0x7fffe3, 23},   // 148-151
    {0x7fffe4, 23},   {0x1fffdc, 21},   {0x3fffd8, 22},   {0x7fffe5, 23},   // 152-155
    {0x3fffd9, 22},   {0x7fffe6, 23},   {0x7fffe7, 23},   {0xffffef, 24},   // 156-159
    {0x3fffda, 22},   {0x1fffdd, 21},   {0xfffe9, 20},    {0x3fffdb, 22},   // 160-163
    {0x3fffdc, 22},   {0x7fffe8, 23},   {0x7fffe9, 23},   {0x1fffde, 21},   // 164-167
    {0x7fffea, 23},   {0x3fffdd, 22},   {0x3fffde, 22},   {0xfffff0, 24},   // 168-171
    {0x1fffdf, 21},   {0x3fffdf, 22},   {0x7fffeb, 23},   {0x7fffec, 23},   // 172-175
    {0x1fffe0, 21},   {0x1fffe1, 21},   {0x3fffe0, 22},   {0x1fffe2, 21},   // 176-179
    {0x7fffed, 23},   {0x3fffe1, 22},   {0x7fffee, 23},   {0x7fffef, 23},   // 180-183
    {0xfffea, 20},    {0x3fffe2, 22},   {0x3fffe3, 22},   {0x3fffe4, 22},   // 184-187
    {0x7ffff0, 23},   {0x3fffe5, 22},   {0x3fffe6, 22},   {0x7ffff1, 23},   // 188-191
    {0x3ffffe0, 26},  {0x3ffffe1, 26},  {0xfffeb, 20},    {0x7fff1, 19},    // 192-195
    {0x3fffe7, 22},   {0x7ffff2, 23},   {0x3fffe8, 22},   {0x1ffffec, 25},  // 196-199
    {0x3ffffe2, 26},  {0x3ffffe3, 26},  {0x3ffffe4, 26},  {0x7ffffde, 27},  // 200-203
    {0x7ffffdf, 27},  {0x3ffffe5, 26},  {0xfffff1, 24},   {0x1ffffed, 25},  // 204-207
    {0x7fff2, 19},    {0x1fffe3, 21},   {0x3ffffe6, 26},  {0x7ffffe0, 27},  // 208-211
    {0x7ffffe1, 27},  {0x3ffffe7, 26},  {0x7ffffe2, 27},  {0xfffff2, 24},   // 212-215
    {0x1fffe4, 21},   {0x1fffe5, 21},   {0x3ffffe8, 26},  {0x3ffffe9, 26},  // 216-219
    {0xffffffd, 28},  {0x7ffffe3, 27},  {0x7ffffe4, 27},  {0x7ffffe5, 27},  // 220-223
    {0xfffec, 20},    {0xfffff3, 24},   {0xfffed, 20},    {0x1fffe6, 21},   // 224-227
    {0x3fffe9, 22},   {0x1fffe7, 21},   {0x1fffe8, 21},   {0x7ffff3, 23},   // 228-231
    {0x3fffea, 22},   {0x3fffeb, 22},   {0x1ffffee, 25},  {0x1ffffef, 25},  // 232-235
    {0xfffff4, 24},   {0xfffff5, 24},   {0x3ffffea, 26},  {0x7ffff4, 23},   // 236-239
    {0x3ffffeb, 26},  {0x7ffffe6, 27},  {0x3ffffec, 26},  {0x3ffffed, 26},  // 240-243
    {0x7ffffe7, 27},  {0x7ffffe8, 27},  {0x7ffffe9, 27},  {0x7ffffea, 27},  // 244-247
    {0x7ffffeb, 27},  {0xffffffe, 28},  {0x7ffffec, 27},  {0x7ffffed, 27},  // 248-251
    {0x7ffffee, 27},  {0x7ffffef, 27},  {0x7fffff0, 27},  {0x3ffffee, 26},  // 252-255
    {0x3fffffff, 30},                                                       // 256 (EOS)
}};

// The code is canonical: ordered by length, and by symbol within a length, each code is the
// previous one plus one, shifted left when the length grows. So a code is decoded from three
// small tables per length (first code, how many, where its symbols start in symbol order), and
// `canonical()` below checks the typed-in table against that rule when this file compiles.
struct Canonical {
  std::array<uint32_t, kMaxBits + 1> first{};   // smallest code of each length
  std::array<uint32_t, kMaxBits + 1> count{};   // codes of each length
  std::array<uint16_t, kMaxBits + 1> offset{};  // index in `symbols` of that smallest code
  std::array<uint16_t, kSymbols> symbols{};     // symbols by (length, symbol)
  bool valid = true;                            // the table is canonical and complete
};

constexpr Canonical canonical() {
  Canonical c;
  for (const HuffmanCode& h : kCodes) c.count[h.bits] += 1;
  uint32_t code = 0;
  uint16_t next = 0;
  for (int bits = 1; bits <= kMaxBits; ++bits) {
    code = (code + c.count[bits - 1]) << 1;
    c.first[bits] = code;
    c.offset[bits] = next;
    for (uint16_t s = 0; s < kSymbols; ++s) {
      if (kCodes[s].bits != bits) continue;
      if (kCodes[s].code != code + (next - c.offset[bits])) c.valid = false;
      c.symbols[next++] = s;
    }
  }
  // Complete (Kraft equality): the last code of the longest length is all ones.
  if (c.first[kMaxBits] + c.count[kMaxBits] != (1u << kMaxBits)) c.valid = false;
  return c;
}

constexpr Canonical kCanonical = canonical();
static_assert(kCanonical.valid, "kCodes is not RFC 7541 Appendix B's canonical code");

struct Decoded {
  uint16_t symbol;
  uint8_t bits;
};

// The symbol whose code starts `window` (the next 32 bits, most significant first), by the
// canonical tables: the first length whose range holds the window's leading bits.
constexpr Decoded decode_canonical(uint32_t window, int from_bits) noexcept {
  for (int bits = from_bits; bits <= kMaxBits; ++bits) {
    const uint32_t code = window >> (32 - bits);
    if (code - kCanonical.first[bits] < kCanonical.count[bits]) {
      const size_t index = kCanonical.offset[bits] + (code - kCanonical.first[bits]);
      return {kCanonical.symbols[index], uint8_t(bits)};
    }
  }
  return {kEos, kMaxBits};  // unreachable: the code is complete
}

// One lookup decodes the codes that lie whole in the next 12 bits: two when both are short (a
// header's letters and digits take 5 to 7 bits), so the decoder's serial chain (load, shift,
// shift) runs about half as often as with a symbol per step. An entry is one 32-bit word, so it
// stays in a register:
//   bits  0-5   the bits its symbols take (low bits: one mask, no shift, on the critical path)
//   bits  8-15  the first symbol; bits 16-23 the second
//   bits 24-25  how many symbols: 0 when the first code is longer than 12 bits
//   bits 26-31  the first code's length
// 16 KiB, built when this file compiles.
constexpr int kStepBits = 12;

struct Step {
  uint32_t word;
  [[nodiscard]] constexpr int bits() const noexcept { return static_cast<int>(word & 0x3f); }
  [[nodiscard]] constexpr char first() const noexcept { return static_cast<char>(word >> 8); }
  [[nodiscard]] constexpr char second() const noexcept { return static_cast<char>(word >> 16); }
  [[nodiscard]] constexpr int symbols() const noexcept { return (word >> 24) & 0x3; }
  [[nodiscard]] constexpr int first_bits() const noexcept { return static_cast<int>(word >> 26); }
};

constexpr Step make_step(Decoded one, Decoded two, int symbols) {
  const uint32_t second = symbols == 2 ? two.symbol : 0;
  const uint32_t bits = one.bits + (symbols == 2 ? two.bits : 0);
  return {bits | uint32_t(one.symbol) << 8 | second << 16 | uint32_t(symbols) << 24 |
          uint32_t(one.bits) << 26};
}

constexpr std::array<Step, 1u << kStepBits> steps() {
  std::array<Step, 1u << kStepBits> t{};
  for (uint32_t lead = 0; lead < t.size(); ++lead) {
    const uint32_t window = lead << (32 - kStepBits);
    const Decoded one = decode_canonical(window, kMinBits);
    if (one.bits > kStepBits) continue;
    const Decoded two = decode_canonical(window << one.bits, kMinBits);
    t[lead] = make_step(one, two, one.bits + two.bits <= kStepBits ? 2 : 1);
  }
  return t;
}

constexpr std::array<Step, 1u << kStepBits> kSteps = steps();

// A code longer than kStepBits, from the next 32 bits, as a one-symbol step; EOS as a step of
// no symbols (and its 30 bits). Rare in headers: out of line, off the loop's fast path.
[[gnu::noinline]] Step long_code(uint64_t pending) noexcept {
  const Decoded d = decode_canonical(static_cast<uint32_t>(pending >> 32), kStepBits + 1);
  const uint32_t symbols = d.symbol == kEos ? 0 : 1;
  return {uint32_t(d.bits) | uint32_t(d.symbol & 0xff) << 8 | symbols << 24 |
          uint32_t(d.bits) << 26};
}

[[gnu::always_inline]] inline uint64_t load_be64(const uint8_t* p) noexcept {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap64(v);
  return v;
}

// The last 8 readable octets followed by ones, so that loads near the end stay in bounds.
// refill() reads at most 7 octets past the string (it keeps at most 63 bits and the decoder
// consumes only real bits), so 8 + 7 + 8 octets suffice.
using Tail = std::array<uint8_t, 24>;

// The decoding of one string: the bits loaded and not decoded yet, most significant first, at
// the top of `pending`, then zeros or the next bits; kept left-aligned so that consuming a code
// is one shift. Every member function is forced inline and the object stays local, so that GCC
// keeps the state in registers (at -O2 it left a helper out of line, with the state in memory,
// on the critical path).
class Lane {
 public:
  // `readable`: octets from encoded.data() that may be loaded (at least the string's). Bits
  // past the string are loaded but never decoded into symbols, so they may be anything.
  Lane(Bytes encoded, size_t readable, char* out, Tail& tail) noexcept
      : in_(encoded.data()),
        readable_(std::max(readable, encoded.size())),
        tail_start_(readable_ >= 8 ? readable_ - 8 : 0),
        tail_(tail.data()),
        remaining_(encoded.size() * 8),
        first_(out),
        o_(out) {
    tail.fill(0xff);
    if (readable_ >= 8) {
      std::memcpy(tail.data(), in_ + tail_start_, 8);
    } else if (readable_ > 0) {
      std::memcpy(tail.data(), in_, readable_);
    }
  }

  // Tops `pending_` up to 56..63 bits with one load (the bits it loads again are the same).
  [[gnu::always_inline]] void refill() noexcept {
    const uint8_t* at = next_ + 8 <= readable_ ? in_ + next_ : tail_ + (next_ - tail_start_);
    pending_ |= load_be64(at) >> available_;
    next_ += static_cast<size_t>(63 - available_) >> 3;
    available_ |= 56;
  }

  // Decodes the next step's symbols (one or two codes); false at the end of the real bits or on
  // EOS. Needs 12 bits loaded; loads the 30 of a long code itself.
  [[gnu::always_inline]] bool step() noexcept {
    Step s = kSteps[pending_ >> (64 - kStepBits)];
    if (s.symbols() == 0) [[unlikely]] {
      // A long code takes more than kStepBits: with fewer real bits left, this is the padding
      // (which reads as a prefix of EOS), found without the long code's search.
      if (remaining_ <= kStepBits) return false;
      if (available_ < kMaxBits) refill();
      s = long_code(pending_);
      if (static_cast<size_t>(s.bits()) > remaining_) return false;  // padding
      if (s.symbols() == 0) {                                        // EOS within the real bits
        eos_ = true;
        return false;
      }
    } else if (static_cast<size_t>(s.bits()) > remaining_) [[unlikely]] {
      // Only the first code may lie in the real bits; else what is left is padding.
      if (static_cast<size_t>(s.first_bits()) > remaining_) return false;
      s = Step{(s.word & ~(0x3fu | 0x3u << 24)) | uint32_t(s.first_bits()) | 1u << 24};
    }
    o_[0] = s.first();
    o_[1] = s.second();  // the bound's spare octet covers a single symbol
    o_ += s.symbols();
    pending_ <<= s.bits();
    available_ -= s.bits();
    remaining_ -= static_cast<size_t>(s.bits());
    return true;
  }

  // A refill and two steps: 56 bits hold a long code (30) and then a step's 12.
  [[gnu::always_inline]] bool steps() noexcept {
    refill();
    return step() && step();
  }

  // RFC 7541 5.2: no EOS, at most 7 bits of padding, all ones. `pending_` holds them: a step
  // ends with at least 26 bits loaded.
  [[nodiscard]] std::optional<size_t> finish() const noexcept {
    if (eos_ || remaining_ >= 8) return std::nullopt;
    if (remaining_ > 0 && (pending_ >> (64 - remaining_)) != (uint64_t{1} << remaining_) - 1) {
      return std::nullopt;
    }
    return static_cast<size_t>(o_ - first_);
  }

 private:
  const uint8_t* in_;
  size_t readable_;
  size_t tail_start_;
  const uint8_t* tail_;
  uint64_t pending_ = 0;
  int available_ = 0;  // bits loaded into `pending_`
  size_t next_ = 0;    // the first octet not wholly in `pending_`
  size_t remaining_;   // real bits not decoded yet; past them, padding
  char* const first_;
  char* o_;
  bool eos_ = false;
};

}  // namespace

std::optional<size_t> huffman_decode(Bytes encoded, std::span<char> out, size_t readable) noexcept {
  if (out.size() < huffman_decoded_bound(encoded.size())) return std::nullopt;
  Tail tail;
  Lane lane(encoded, readable, out.data(), tail);
  while (lane.steps()) {
  }
  return lane.finish();
}

// Two strings' serial chains (load, shift, shift per step) are independent: run side by side,
// the processor overlaps them.
HuffmanPair huffman_decode_pair(const HuffmanInput& a, std::span<char> out_a, const HuffmanInput& b,
                                std::span<char> out_b) noexcept {
  if (out_a.size() < huffman_decoded_bound(a.encoded.size()) ||
      out_b.size() < huffman_decoded_bound(b.encoded.size())) {
    return {};
  }
  Tail tail_a;
  Tail tail_b;
  Lane lane_a(a.encoded, a.readable, out_a.data(), tail_a);
  Lane lane_b(b.encoded, b.readable, out_b.data(), tail_b);
  bool more_a = true;
  bool more_b = true;
  while (more_a && more_b) {
    more_a = lane_a.steps();
    more_b = lane_b.steps();
  }
  while (more_a) more_a = lane_a.steps();
  while (more_b) more_b = lane_b.steps();
  return {lane_a.finish(), lane_b.finish()};
}

}  // namespace fp::http
