// p0f 3.09b's TCP option walk, rewritten from its documented behaviour. It differs from an RFC
// walk on purpose: MSS, window scale, SACK-permitted and timestamp are read at their fixed sizes
// whatever their length byte says (a wrong length byte only adds "bad"), and SACK and unknown
// options must have a length in 10..34 and 2..40. An option that does not fit ends the walk with
// "bad", as do leftover bytes.
#include "tcp/p0f_options.h"

#include "tcp/p0f.h"

namespace fp::tcp::detail {
namespace {

enum : uint8_t { kEol = 0, kNop = 1, kMss = 2, kWs = 3, kSackOk = 4, kSack = 5, kTs = 8 };
constexpr uint8_t kMaxWindowScale = 14;  // RFC 7323 2.3

// Option length byte as p0f sees it; past the end of the options there is none (p0f reads a
// byte beyond, but every such case ends the walk as "bad" either way).
uint8_t length_byte(const ByteReader& r) noexcept { return r.empty() ? 0 : r.rest()[0]; }

// The fixed-size options: body is the bytes after the kind, length byte included.
bool read_fixed(ByteReader& r, uint8_t kind, size_t body, bool syn_only,
                P0fOptionWalk& w) noexcept {
  if (length_byte(r) != body + 1) w.quirks |= kQuirkBad;
  auto bytes = r.bytes(body);
  if (!bytes) return false;
  ByteReader v(bytes->subspan(1));
  switch (kind) {
    case kMss:
      w.mss = v.u16().value_or(0);
      break;
    case kWs:
      w.wscale = v.u8().value_or(0);
      if (w.wscale > kMaxWindowScale) w.quirks |= kQuirkExws;
      break;
    case kTs: {
      w.ts1 = v.u32().value_or(0);
      if (w.ts1 == 0) w.quirks |= kQuirkZeroTs1;
      if (syn_only && v.u32().value_or(0) != 0) w.quirks |= kQuirkNonZeroTs2;
      break;
    }
    default:
      break;
  }
  return true;
}

// SACK and unknown options: the length byte counts kind and length; out of range ends the walk.
bool read_variable(ByteReader& r, size_t min_length, size_t max_length) noexcept {
  const size_t length = length_byte(r);
  if (r.empty() || length < min_length || length > max_length) return false;
  return r.skip(length - 1);
}

// EOL: the rest is padding; nonzero padding is "opt+" unless the first nonzero byte is the
// very last one (p0f's scan steps past the byte it stops on).
void read_eol(ByteReader& r, P0fOptionWalk& w) noexcept {
  w.eol_pad = r.remaining();
  while (auto b = r.u8()) {
    if (*b != 0) {
      if (!r.empty()) w.quirks |= kQuirkOptEolNz;
      (void)r.skip(r.remaining());
    }
  }
}

bool read_option(ByteReader& r, uint8_t kind, bool syn_only, P0fOptionWalk& w) noexcept {
  switch (kind) {
    case kEol:
      read_eol(r, w);
      return true;
    case kNop:
      return true;
    case kMss:
      return read_fixed(r, kind, 3, syn_only, w);
    case kWs:
      return read_fixed(r, kind, 2, syn_only, w);
    case kSackOk:
      return read_fixed(r, kind, 1, syn_only, w);
    case kTs:
      return read_fixed(r, kind, 9, syn_only, w);
    case kSack:
      return read_variable(r, 10, 34);
    default:
      return read_variable(r, 2, 40);
  }
}

}  // namespace

P0fOptionWalk walk_p0f_options(Bytes options, bool syn_only) noexcept {
  P0fOptionWalk w;
  ByteReader r(options);
  while (!r.empty() && w.count < kP0fMaxOptions) {
    const uint8_t kind = r.u8().value_or(0);
    w.layout[w.count++] = kind;
    if (!read_option(r, kind, syn_only, w)) {
      w.quirks |= kQuirkBad;
      return w;
    }
  }
  if (!r.empty()) w.quirks |= kQuirkBad;
  return w;
}

}  // namespace fp::tcp::detail
