#pragma once
// Every request of a client's HTTP/2 connection (RFC 9113), not only the first: the header
// block of each client stream (HEADERS + CONTINUATION), decoded with one HPACK context for the
// whole connection, as RFC 7541 2.2 requires once the dynamic table is in use. Incremental:
// feed the client's bytes as they come (starting with the connection preface magic).
// Trailers (a second header block on a stream) are decoded, to keep the context right, but not
// returned as requests.

#include <cstdint>
#include <memory>
#include <vector>

#include "core/byte_reader.h"
#include "core/result.h"
#include "http/http2.h"
#include "http/request.h"

namespace fp::http {

class Http2RequestReader {
 public:
  Http2RequestReader() noexcept;
  ~Http2RequestReader();
  Http2RequestReader(const Http2RequestReader&) = delete;
  Http2RequestReader& operator=(const Http2RequestReader&) = delete;

  // Reads the whole frames at the start of `bytes` (the stream's unread bytes; the first call
  // starts with the magic) and appends the requests they complete to `out`. Returns the bytes
  // used; the rest (an incomplete frame) is for the next call with more bytes. Errors:
  // kNoMagic, kBadFrame, kBadHeaderBlock, kTooLarge (a block past kMaxHttp2HeaderBlock); after
  // an error the reader stays failed.
  [[nodiscard]] Result<size_t, Http2Error> feed(Bytes bytes,
                                                std::vector<HttpRequest>& out) noexcept;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace fp::http
