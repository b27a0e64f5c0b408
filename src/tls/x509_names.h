#pragma once
// The issuer and subject attributes of a certificate as FoxIO's Rust tool prints them beside
// JA4X: `issuerCountryName: US`, `subjectCommonName: example.com` ... The key is "issuer" or
// "subject" and the attribute's short name with its first letter upper-cased. Like the Rust tool
// (ja4x crate with x509-parser 0.15 and oid-registry's X.509 names), an attribute is left out when
// its type has no name in that registry (emailAddress, a PKCS#9 name, for one) or when its value
// is not one of the string types read as text there (BMPString and UniversalString are not) or
// is not valid UTF-8. A key seen twice (two OU attributes) keeps its first place and takes the
// last value, as an insertion-ordered map does.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/byte_reader.h"
#include "tls/x509.h"

namespace fp::tls {

using NameField = std::pair<std::string, std::string>;

// The registry's short name of an attribute type (OID content octets): "countryName" ...
[[nodiscard]] std::optional<std::string_view> attribute_short_name(Bytes oid) noexcept;

// The value as text, when its type is a string type the reference prints.
[[nodiscard]] std::optional<std::string_view> attribute_text(const NameAttribute& a) noexcept;

// Issuer fields, then subject fields, in certificate order.
[[nodiscard]] std::vector<NameField> name_fields(const Certificate& certificate);

}  // namespace fp::tls
