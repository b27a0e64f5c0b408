#pragma once
// X.509 certificates (RFC 5280 4.1), read only as far as JA4X needs: the issuer and subject
// Names (attribute types in order, RDN by RDN, with their values) and the extension OIDs of
// tbsCertificate. Nothing is verified; signature, key and validity are stepped over.
//
// JA4X (FoxIO, spec/JA4X.png, FoxIO License 1.1): three parts joined by `_`, each the first 12 hex
// digits of SHA-256 over a comma-joined list of OIDs written as the hex of their DER content
// octets (2.5.4.3 -> "550403"): the issuer's attribute types in order, the subject's, and the
// extensions' in order. An empty list gives `000000000000`. JA4X_r is the same before hashing
// (the Wireshark plugin's `ja4.ja4x_r`, FoxIO's Rust `ja4x_r` with `-r`).

#include <cstdint>
#include <string>
#include <vector>

#include "core/byte_reader.h"
#include "core/result.h"
#include "tls/der.h"

namespace fp::tls {

// Per certificate. Real certificates have fewer than 20 name attributes and 15 extensions.
inline constexpr size_t kMaxNameAttributes = 64;
inline constexpr size_t kMaxExtensions = 64;

struct NameAttribute {
  std::vector<uint8_t> oid;  // the attribute type's OID content octets
  uint8_t value_tag = 0;     // the value's identifier octet (0x0c UTF8String, 0x13 Printable ...)
  std::string value;         // the value's content octets, as sent
};

struct Certificate {
  std::vector<NameAttribute> issuer, subject;        // in order, RDN by RDN
  std::vector<std::vector<uint8_t>> extension_oids;  // in order
};

// `der` is one DER Certificate. Errors: DER structure (der::DerError), an element of the wrong
// type in tbsCertificate (kUnexpectedTag), more than kMaxNameAttributes attributes in a Name or
// kMaxExtensions extensions (kTooManyElements). Bytes after the Certificate are ignored.
[[nodiscard]] Result<Certificate, der::DerError> parse_certificate(Bytes der) noexcept;

struct Ja4x {
  std::string ja4x;    // hash12(issuer)_hash12(subject)_hash12(extensions)
  std::string ja4x_r;  // the three OID lists themselves
};

[[nodiscard]] Ja4x ja4x(const Certificate& certificate);

}  // namespace fp::tls
