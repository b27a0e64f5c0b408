#include "tls/der.h"

namespace fp::tls::der {
namespace {

constexpr uint8_t kTagNumberMask = 0x1f;  // 31: the high-tag-number form follows
constexpr uint8_t kLongFormBit = 0x80;

// X.690 8.1.3: short form (one byte, 0-127) or long form (0x80 | count, then count bytes).
Result<size_t, DerError> read_length(ByteReader& r) noexcept {
  const auto first = r.u8();
  if (!first) return Unexpected{DerError::kTruncated};
  if ((*first & kLongFormBit) == 0) return static_cast<size_t>(*first);
  const size_t octets = *first & ~kLongFormBit;
  if (octets == 0) return Unexpected{DerError::kIndefiniteLength};
  if (octets > kMaxLengthOctets) return Unexpected{DerError::kLengthTooLong};
  size_t length = 0;
  for (size_t i = 0; i < octets; ++i) {
    const auto b = r.u8();
    if (!b) return Unexpected{DerError::kTruncated};
    length = (length << 8) | *b;
  }
  return length;
}

}  // namespace

std::string_view describe(DerError error) noexcept {
  switch (error) {
    case DerError::kTruncated:
      return "input ends inside a DER element";
    case DerError::kIndefiniteLength:
      return "indefinite length (BER) where DER requires a definite one";
    case DerError::kLengthTooLong:
      return "length field longer than the reader accepts";
    case DerError::kHighTagNumber:
      return "multi-byte tag number";
    case DerError::kUnexpectedTag:
      return "element of another type than the structure requires";
    case DerError::kTooDeep:
      return "elements nested deeper than the reader's limit";
    case DerError::kTrailingBytes:
      return "bytes after the element that should end the input";
    case DerError::kTooManyElements:
      return "list longer than the reader's limit";
  }
  return "unknown error";
}

std::optional<uint8_t> DerReader::peek_tag() const noexcept {
  if (in_.empty()) return std::nullopt;
  return in_.rest()[0];
}

Result<Element, DerError> DerReader::next() noexcept {
  ByteReader r(in_.rest());
  const auto tag = r.u8();
  if (!tag) return Unexpected{DerError::kTruncated};
  if ((*tag & kTagNumberMask) == kTagNumberMask) return Unexpected{DerError::kHighTagNumber};
  const auto length = read_length(r);
  if (!length) return Unexpected{length.error()};
  const auto content = r.bytes(*length);
  if (!content) return Unexpected{DerError::kTruncated};
  (void)in_.skip(r.position());
  return Element{*tag, *content};
}

Result<Element, DerError> DerReader::expect(uint8_t tag) noexcept {
  const auto t = peek_tag();
  if (!t) return Unexpected{DerError::kTruncated};
  if (*t != tag) return Unexpected{DerError::kUnexpectedTag};
  return next();
}

Result<DerReader, DerError> DerReader::enter(uint8_t tag) noexcept {
  if (depth_ + 1 > kMaxDepth) return Unexpected{DerError::kTooDeep};
  auto e = expect(tag);
  if (!e) return Unexpected{e.error()};
  return DerReader(e->content, depth_ + 1);
}

}  // namespace fp::tls::der
