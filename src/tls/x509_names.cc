#include "tls/x509_names.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "core/hex.h"
#include "core/utf8.h"

namespace fp::tls {
namespace {

struct AttributeName {
  std::string_view oid_hex;  // DER content octets of the OID, as JA4X_r writes them
  std::string_view short_name;
};

// The attribute types among the X.509 names of oid-registry (the names FoxIO's Rust output
// uses): X.520 (2.5.4.x), RFC 4519 domainComponent and Microsoft's EV jurisdiction fields.
constexpr std::array<AttributeName, 28> kAttributeNames{{
    {"0992268993f22c640119", "domainComponent"},           // 0.9.2342.19200300.100.1.25
    {"2b0601040182373c020101", "msJurisdictionLocality"},  // 1.3.6.1.4.1.311.60.2.1.1
    {"2b0601040182373c020102", "msJurisdictionStateOrProvince"},
    {"2b0601040182373c020103", "msJurisdictionCountry"},
    {"550400", "objectClass"},
    {"550401", "aliasedEntryName"},
    {"550402", "knowledgeInformation"},
    {"550403", "commonName"},
    {"550404", "surname"},
    {"550405", "serialNumber"},
    {"550406", "countryName"},
    {"550407", "localityName"},
    {"550408", "stateOrProvinceName"},
    {"550409", "streetAddress"},
    {"55040a", "organizationName"},
    {"55040b", "organizationalUnit"},
    {"55040c", "title"},
    {"55040d", "description"},
    {"55040e", "searchGuide"},
    {"55040f", "businessCategory"},
    {"550410", "postalAddress"},
    {"550411", "postalCode"},
    {"550429", "name"},
    {"55042a", "givenName"},
    {"55042b", "initials"},
    {"55042c", "generationQualifier"},
    {"55042d", "uniqueIdentifier"},
    {"55042e", "dnQualifier"},
}};

// X.680 string types that x509-parser 0.15 reads as text (AttributeTypeAndValue::as_str).
constexpr std::array<uint8_t, 10> kTextTags{
    0x07,  // ObjectDescriptor
    0x0c,  // UTF8String
    0x12,  // NumericString
    0x13,  // PrintableString
    0x14,  // TeletexString (T61String)
    0x15,  // VideotexString
    0x16,  // IA5String
    0x19,  // GraphicString
    0x1a,  // VisibleString
    0x1b,  // GeneralString
};

void add_fields(std::string_view prefix, const std::vector<NameAttribute>& attributes,
                std::vector<NameField>& out) {
  for (const NameAttribute& a : attributes) {
    const auto name = attribute_short_name(a.oid);
    const auto text = attribute_text(a);
    if (!name || !text || name->empty()) continue;
    std::string key(prefix);
    key += static_cast<char>(std::toupper(static_cast<unsigned char>(name->front())));
    key += name->substr(1);
    auto same =
        std::find_if(out.begin(), out.end(), [&](const NameField& f) { return f.first == key; });
    if (same != out.end()) {
      same->second = std::string(*text);
    } else {
      out.emplace_back(std::move(key), std::string(*text));
    }
  }
}

}  // namespace

std::optional<std::string_view> attribute_short_name(Bytes oid) noexcept {
  const std::string hex = hex_encode(oid);
  for (const AttributeName& n : kAttributeNames) {
    if (n.oid_hex == hex) return n.short_name;
  }
  return std::nullopt;
}

std::optional<std::string_view> attribute_text(const NameAttribute& a) noexcept {
  if (std::find(kTextTags.begin(), kTextTags.end(), a.value_tag) == kTextTags.end()) {
    return std::nullopt;
  }
  if (!is_valid_utf8(a.value)) return std::nullopt;
  return std::string_view(a.value);
}

std::vector<NameField> name_fields(const Certificate& certificate) {
  std::vector<NameField> out;
  add_fields("issuer", certificate.issuer, out);
  add_fields("subject", certificate.subject, out);
  return out;
}

}  // namespace fp::tls
