#pragma once
// Akamai HTTP/2 fingerprint (Shuster, Black Hat EU 2017), as TrackMe names it:
//   SETTINGS|WINDOW_UPDATE|PRIORITY|PSEUDO_HEADER_ORDER
//   1:65536;2:0;4:6291456;6:262144|15663105|0|m,a,s,p
// Settings `id:value` in order sent joined by ';'; the first connection WINDOW_UPDATE increment or
// "00" when none; PRIORITY frames `stream:exclusive:depends_on:weight` joined by ',' or "0";
// pseudo-headers as their first letters. `hash` is the MD5 of `raw`.

#include "core/fingerprint.h"
#include "http/http2.h"

namespace fp::http {

[[nodiscard]] Fingerprint akamai_fingerprint(const Http2Preface& preface);

}  // namespace fp::http
