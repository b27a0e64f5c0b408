#pragma once
// The normalisation rules of JA4.md, one named helper each (STYLE.md 12), shared by JA4, JA4S
// and their relatives. Section names refer to testdata/ja4/spec/JA4.md.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "tls/client_hello.h"

namespace fp::tls {

// "TLS and DTLS Version": the highest non-GREASE supported_versions value when the extension
// is present, else the hello's legacy version. Returns the code point.
[[nodiscard]] uint16_t ja4_version(const ClientHello& hello) noexcept;

// Code point -> two characters: 0x0304 "13", 0x0300 "s3", 0x0002 "s2", 0xfefd "d2", else "00".
[[nodiscard]] std::string_view version_code(uint16_t version) noexcept;

// "Number of Ciphers/Extensions": two digits, capped at 99.
[[nodiscard]] std::string count2(size_t n);

// "ALPN Extension Value": first and last character of the first ALPN value; "00" when absent or
// empty; the first and last hex digits of the value when either end is not ASCII alphanumeric.
[[nodiscard]] std::string alpn_code(std::string_view first_alpn);

// Comma-joined four-digit lower-case hex ("0403,0804").
[[nodiscard]] std::string hex_list(std::span<const uint16_t> values);

}  // namespace fp::tls
