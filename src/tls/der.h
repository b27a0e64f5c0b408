#pragma once
// A minimal reader of DER (ITU-T X.690 8 and 10), enough to walk an X.509 certificate: one
// tag-length-value element at a time, through ByteReader. It accepts only what DER allows where
// it matters for safety: definite lengths (X.690 10.1; the indefinite form 0x80 is refused), at
// most kMaxLengthOctets length octets, and single-byte tags (X.509's own fields never use the
// high-tag-number form). Nesting is bounded: a reader opened inside kMaxDepth others refuses to
// open another. Lengths are not required to be minimal, as the lenient X.509 parsers allow.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/byte_reader.h"
#include "core/result.h"

namespace fp::tls::der {

// Universal tags (X.690 8.1.2, X.680 8.4) used by X.509; constructed ones carry the 0x20 bit.
inline constexpr uint8_t kBoolean = 0x01;
inline constexpr uint8_t kInteger = 0x02;
inline constexpr uint8_t kOctetString = 0x04;
inline constexpr uint8_t kOid = 0x06;
inline constexpr uint8_t kSequence = 0x30;
inline constexpr uint8_t kSet = 0x31;
inline constexpr uint8_t kConstructed = 0x20;
inline constexpr uint8_t kContextSpecific = 0x80;

// Nesting levels a reader may open (a certificate needs 6: Certificate, tbsCertificate, [3],
// Extensions, Extension; or Name, RDN, AttributeTypeAndValue).
inline constexpr size_t kMaxDepth = 16;
// Length octets after the 0x8n byte: 4 bytes already allow 4 GiB, far past any certificate.
inline constexpr size_t kMaxLengthOctets = 4;

enum class DerError : uint8_t {
  kTruncated,         // the input ends inside a tag, a length or the content it announces
  kIndefiniteLength,  // length byte 0x80: BER's indefinite form, not allowed in DER
  kLengthTooLong,     // more than kMaxLengthOctets length octets (or the reserved 0xff)
  kHighTagNumber,     // a tag number of 31 or more (multi-byte tag), not used by X.509 fields
  kUnexpectedTag,     // an element of another type than the structure requires
  kTooDeep,           // opening one more nested element would pass kMaxDepth
  kTrailingBytes,     // bytes after the element that should have ended the input
  kTooManyElements,   // a list longer than the caller's limit (x509.h)
};

[[nodiscard]] std::string_view describe(DerError error) noexcept;

struct Element {
  uint8_t tag = 0;  // the identifier octet: class, constructed bit and tag number
  Bytes content;    // the value octets
  [[nodiscard]] bool constructed() const noexcept { return (tag & kConstructed) != 0; }
};

class DerReader {
 public:
  explicit DerReader(Bytes data, size_t depth = 0) noexcept : in_(data), depth_(depth) {}

  [[nodiscard]] bool empty() const noexcept { return in_.empty(); }
  [[nodiscard]] size_t depth() const noexcept { return depth_; }
  // The identifier octet of the next element, without reading it (nullopt at the end).
  [[nodiscard]] std::optional<uint8_t> peek_tag() const noexcept;

  // The next element, whatever its tag. On error the reader does not move.
  [[nodiscard]] Result<Element, DerError> next() noexcept;
  // The next element, which must have identifier octet `tag` (else kUnexpectedTag).
  [[nodiscard]] Result<Element, DerError> expect(uint8_t tag) noexcept;
  // A reader over the content of the next element, which must be the constructed `tag`.
  [[nodiscard]] Result<DerReader, DerError> enter(uint8_t tag) noexcept;

 private:
  ByteReader in_;
  size_t depth_;
};

}  // namespace fp::tls::der
