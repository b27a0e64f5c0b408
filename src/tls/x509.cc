#include "tls/x509.h"

#include "core/hash.h"
#include "core/hex.h"

namespace fp::tls {
namespace {

using der::DerError;
using der::DerReader;

constexpr uint8_t kVersionTag = der::kContextSpecific | der::kConstructed | 0;     // [0]
constexpr uint8_t kExtensionsTag = der::kContextSpecific | der::kConstructed | 3;  // [3]

// Name ::= SEQUENCE OF RelativeDistinguishedName; RDN ::= SET OF AttributeTypeAndValue;
// AttributeTypeAndValue ::= SEQUENCE { type OBJECT IDENTIFIER, value ANY } (RFC 5280 4.1.2.4).
Result<bool, DerError> read_name(DerReader& tbs, std::vector<NameAttribute>& out) noexcept {
  auto name = tbs.enter(der::kSequence);
  if (!name) return Unexpected{name.error()};
  while (!name->empty()) {
    auto rdn = name->enter(der::kSet);
    if (!rdn) return Unexpected{rdn.error()};
    while (!rdn->empty()) {
      auto atv = rdn->enter(der::kSequence);
      if (!atv) return Unexpected{atv.error()};
      auto type = atv->expect(der::kOid);
      if (!type) return Unexpected{type.error()};
      auto value = atv->next();
      if (!value) return Unexpected{value.error()};
      if (out.size() == kMaxNameAttributes) return Unexpected{DerError::kTooManyElements};
      out.push_back({{type->content.begin(), type->content.end()},
                     value->tag,
                     {value->content.begin(), value->content.end()}});
    }
  }
  return true;
}

// extensions [3] EXPLICIT SEQUENCE OF Extension; Extension ::= SEQUENCE { extnID OBJECT
// IDENTIFIER, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING } (RFC 5280 4.1.2.9).
Result<bool, DerError> read_extensions(DerReader& tbs, Certificate& out) noexcept {
  auto wrapper = tbs.enter(kExtensionsTag);
  if (!wrapper) return Unexpected{wrapper.error()};
  auto list = wrapper->enter(der::kSequence);
  if (!list) return Unexpected{list.error()};
  while (!list->empty()) {
    auto extension = list->enter(der::kSequence);
    if (!extension) return Unexpected{extension.error()};
    auto oid = extension->expect(der::kOid);
    if (!oid) return Unexpected{oid.error()};
    if (out.extension_oids.size() == kMaxExtensions) {
      return Unexpected{DerError::kTooManyElements};
    }
    out.extension_oids.emplace_back(oid->content.begin(), oid->content.end());
  }
  return true;
}

// Reads one element of `tag` and drops it.
Result<bool, DerError> skip(DerReader& r, uint8_t tag) noexcept {
  auto e = r.expect(tag);
  if (!e) return Unexpected{e.error()};
  return true;
}

// TBSCertificate (RFC 5280 4.1): version [0] (optional), serialNumber, signature, issuer,
// validity, subject, subjectPublicKeyInfo, then the optional unique IDs [1] [2] and extensions.
Result<bool, DerError> read_tbs(DerReader& tbs, Certificate& out) noexcept {
  if (tbs.peek_tag() == kVersionTag) (void)tbs.next();
  auto step = skip(tbs, der::kInteger);
  if (step) step = skip(tbs, der::kSequence);
  if (step) step = read_name(tbs, out.issuer);
  if (step) step = skip(tbs, der::kSequence);
  if (step) step = read_name(tbs, out.subject);
  if (step) step = skip(tbs, der::kSequence);
  if (!step) return step;
  while (!tbs.empty()) {
    if (tbs.peek_tag() == kExtensionsTag) return read_extensions(tbs, out);
    auto other = tbs.next();  // issuerUniqueID, subjectUniqueID
    if (!other) return Unexpected{other.error()};
  }
  return true;
}

std::string oid_list(const std::vector<std::vector<uint8_t>>& oids) {
  std::string out;
  for (const auto& oid : oids) {
    if (!out.empty()) out += ',';
    out += hex_encode(oid);
  }
  return out;
}

std::string oid_list(const std::vector<NameAttribute>& attributes) {
  std::string out;
  for (const auto& a : attributes) {
    if (!out.empty()) out += ',';
    out += hex_encode(a.oid);
  }
  return out;
}

}  // namespace

Result<Certificate, DerError> parse_certificate(Bytes der) noexcept {
  DerReader top(der);
  auto certificate = top.enter(der::kSequence);
  if (!certificate) return Unexpected{certificate.error()};
  auto tbs = certificate->enter(der::kSequence);
  if (!tbs) return Unexpected{tbs.error()};
  Certificate out;
  auto read = read_tbs(*tbs, out);
  if (!read) return Unexpected{read.error()};
  return out;
}

Ja4x ja4x(const Certificate& c) {
  const std::string parts[] = {oid_list(c.issuer), oid_list(c.subject), oid_list(c.extension_oids)};
  Ja4x out;
  for (const std::string& part : parts) {
    if (!out.ja4x.empty()) {
      out.ja4x += '_';
      out.ja4x_r += '_';
    }
    out.ja4x += sha256_hex12(part);
    out.ja4x_r += part;
  }
  return out;
}

}  // namespace fp::tls
