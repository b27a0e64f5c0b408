#pragma once
// From parsed protocol messages to the record's fingerprint fields: the one place where the
// capture layer calls the fingerprint functions, shared by every source of messages.

#include "capture/record.h"
#include "capture/record_fields.h"
#include "http/http2.h"
#include "http/request.h"
#include "tls/client_hello.h"
#include "tls/server_hello.h"

namespace fp::capture {

// `compute` (record_fields.h): the fingerprints wanted; the others are left empty.
[[nodiscard]] TlsClientRecord client_record(const tls::ClientHello& hello,
                                            FingerprintMask compute = kAllFingerprints);
[[nodiscard]] TlsServerRecord server_record(const tls::ServerHello& hello,
                                            FingerprintMask compute = kAllFingerprints);
[[nodiscard]] HttpRecord http_record(const http::HttpRequest& request);
// The SYN's JA4T, p0f signature and TTL distance into `record`.
void add_syn(const tcp::Packet& syn, StreamRecord& record,
             FingerprintMask compute = kAllFingerprints);
// The HTTP/2 preface's Akamai fingerprint, frame list and first request into `record`.
void add_http2_preface(const http::Http2Preface& preface, StreamRecord& record);

}  // namespace fp::capture
