#pragma once
// JA4H (FoxIO License 1.1): HTTP client fingerprint. Spec: testdata/ja4/spec/JA4H.png.
//   ge11cr04enus_<headers>_<cookie names>_<cookie name=value>
//   a: method (2 lower-case letters), version ("11", "20"), cookie c/n, referer r/n,
//      header count (2 digits, without Cookie and Referer), Accept-Language (4 chars or 0000)
//   b: sha256/12 of header names in wire order (without Cookie and Referer)
//   c: sha256/12 of sorted cookie names; d: of sorted cookie name=value pairs.
// The Rust reference counts HTTP/2 pseudo-headers; Python and Wireshark do not (TRAPS.md).

#include <string>

#include "http/request.h"

namespace fp::http {

struct Ja4hOptions {
  // Whether ":method"-style pseudo-headers count as headers (Rust reference: yes).
  bool count_pseudo_headers = true;
};

struct Ja4h {
  std::string ja4h;     // hashed
  std::string ja4h_r;   // raw, cookies sorted
  std::string ja4h_ro;  // raw, cookies in original order
};

[[nodiscard]] Ja4h ja4h(const HttpRequest& request, Ja4hOptions options = {});

// Header names in wire order, joined by ',' (names as sent, pseudo-headers included): the
// header-order signature that tells browsers and libraries apart.
[[nodiscard]] std::string header_order(const HttpRequest& request);

}  // namespace fp::http
