// HTTP/2 over the fingerprinting listener's TLS stream: an nghttp2 server session fed with the
// decrypted bytes (mem_recv / mem_send, no I/O in nghttp2). The client's bytes from the
// connection preface to the end of its first header block are kept in
// CallerCapture::http2_frames before nghttp2 sees them.

#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "server/listener_connection.h"
#include "server/listener_wire.h"

namespace fp::server::detail {
namespace {

constexpr uint32_t kMaxConcurrentStreams = 100;

// One client stream: its request as it arrives, then our response while nghttp2 sends it.
struct Stream {
  int32_t id = 0;
  http::HttpRequest head;  // method and target from the pseudo-headers; regular headers in order
  std::string body;
  size_t header_bytes = 0;  // RFC 9113 6.5.2 accounting: name + value + 32 per field
  bool headers_done = false;
  bool complete = false;  // END_STREAM received, or refused early (431, 413)
  bool headers_too_large = false;
  bool body_too_large = false;
  bool responded = false;
  Clock::time_point began = Clock::now();
  std::string response_body;
  size_t sent = 0;
};

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

nghttp2_nv header_nv(const std::string& name, const std::string& value) {
  return {reinterpret_cast<uint8_t*>(const_cast<char*>(name.data())),
          reinterpret_cast<uint8_t*>(const_cast<char*>(value.data())), name.size(), value.size(),
          NGHTTP2_NV_FLAG_NONE};
}

class Http2Session {
 public:
  explicit Http2Session(Connection& connection) : c_(connection) {}
  ~Http2Session() { nghttp2_session_del(session_); }
  Http2Session(const Http2Session&) = delete;
  Http2Session& operator=(const Http2Session&) = delete;

  asio::awaitable<void> run();

 private:
  bool open_session();
  asio::awaitable<bool> flush();
  void keep_preface(const uint8_t* data, size_t size);
  void arm_read_deadline();
  void answer_ready_streams();
  void answer(Stream& stream);
  void submit(Stream& stream, const Request& request, const Response& response);
  void send_goaway();
  Stream* find(int32_t id);

  // nghttp2 callbacks; user_data is the session.
  static int on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* self);
  static int on_header(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name,
                       size_t name_length, const uint8_t* value, size_t value_length, uint8_t,
                       void* self);
  static int on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* self);
  static int on_data_chunk(nghttp2_session*, uint8_t, int32_t stream_id, const uint8_t* data,
                           size_t length, void* self);
  static int on_frame_send(nghttp2_session*, const nghttp2_frame* frame, void* self);
  static int on_stream_close(nghttp2_session*, int32_t stream_id, uint32_t, void* self);
  static int on_invalid_frame(nghttp2_session*, const nghttp2_frame* frame, int error, void* self);
  static ssize_t read_body(nghttp2_session*, int32_t, uint8_t* buffer, size_t length,
                           uint32_t* flags, nghttp2_data_source* source, void*);

  Connection& c_;
  nghttp2_session* session_ = nullptr;
  std::map<int32_t, std::unique_ptr<Stream>> streams_;
  std::vector<int32_t> ready_;  // streams whose request is complete, to answer after mem_recv
  bool capturing_ = true;
  bool goaway_sent_ = false;
  uint64_t index_ = 0;
};

bool Http2Session::open_session() {
  nghttp2_session_callbacks* callbacks = nullptr;
  if (nghttp2_session_callbacks_new(&callbacks) != 0) return false;
  nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, on_begin_headers);
  nghttp2_session_callbacks_set_on_header_callback(callbacks, on_header);
  nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, on_frame_recv);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, on_data_chunk);
  nghttp2_session_callbacks_set_on_frame_send_callback(callbacks, on_frame_send);
  nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, on_stream_close);
  nghttp2_session_callbacks_set_on_invalid_frame_recv_callback(callbacks, on_invalid_frame);
  nghttp2_option* option = nullptr;
  if (nghttp2_option_new(&option) != 0) {
    nghttp2_session_callbacks_del(callbacks);
    return false;
  }
  // We give flow-control credit back ourselves, and none for a body past the limit: such a
  // client can send one stream window more, not an unbounded amount.
  nghttp2_option_set_no_auto_window_update(option, 1);
  const int rv = nghttp2_session_server_new2(&session_, callbacks, this, option);
  nghttp2_option_del(option);
  nghttp2_session_callbacks_del(callbacks);
  if (rv != 0) return false;
  const std::array<nghttp2_settings_entry, 2> settings{{
      {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, kMaxConcurrentStreams},
      {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE,
       static_cast<uint32_t>(std::min<size_t>(c_.options().max_header_bytes, UINT32_MAX))},
  }};
  return nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings.data(), settings.size()) ==
         0;
}

asio::awaitable<void> Http2Session::run() {
  if (!open_session()) co_return;
  std::vector<uint8_t> in(kReadChunk);
  while (true) {
    const bool flushed = co_await flush();
    if (!flushed) co_return;
    if (c_.stopping() && !goaway_sent_) {
      send_goaway();
      continue;
    }
    if (goaway_sent_ && streams_.empty()) break;
    if (!nghttp2_session_want_read(session_) && !nghttp2_session_want_write(session_)) break;
    arm_read_deadline();
    const size_t n = co_await c_.read_some(asio::buffer(in));
    c_.set_idle(false);
    if (n == 0) {
      // Woken by stop() while idle: say goodbye properly. Otherwise the client left or timed out.
      if (c_.stopping() && !goaway_sent_ && c_.expired().empty()) continue;
      co_return;
    }
    keep_preface(in.data(), n);
    if (nghttp2_session_mem_recv(session_, in.data(), n) < 0) {
      (void)co_await flush();  // nghttp2 has queued a GOAWAY with the reason
      co_return;
    }
    answer_ready_streams();
  }
  co_await c_.close_gracefully();
}

asio::awaitable<bool> Http2Session::flush() {
  while (true) {
    const uint8_t* data = nullptr;
    const ssize_t n = nghttp2_session_mem_send(session_, &data);
    if (n < 0) co_return false;
    if (n == 0) co_return true;
    // mem_send's bytes stay valid only until its next call: write them before asking again.
    const bool written =
        co_await c_.write_all({reinterpret_cast<const char*>(data), static_cast<size_t>(n)});
    if (!written) co_return false;
  }
}

void Http2Session::keep_preface(const uint8_t* data, size_t size) {
  if (!capturing_) return;
  std::string& frames = c_.capture().http2_frames;
  frames.append(reinterpret_cast<const char*>(data),
                std::min(size, kMaxHttp2CaptureBytes - frames.size()));
  const Bytes kept(reinterpret_cast<const uint8_t*>(frames.data()), frames.size());
  if (std::optional<size_t> end = http2_first_header_block_end(kept)) {
    frames.resize(*end);
    capturing_ = false;
  } else if (frames.size() >= kMaxHttp2CaptureBytes) {
    capturing_ = false;
  }
}

// A stream still sending its request is bounded by the header timeout (then the body
// timeout) from its start; with none, the connection is idle.
void Http2Session::arm_read_deadline() {
  const Stream* oldest = nullptr;
  for (const auto& [id, stream] : streams_) {
    if (!stream->complete && (oldest == nullptr || stream->began < oldest->began)) {
      oldest = stream.get();
    }
  }
  if (oldest == nullptr) {
    c_.arm(c_.options().idle_timeout, kLimitIdleTimeout);
    c_.set_idle(true);
  } else if (!oldest->headers_done) {
    c_.arm_until(oldest->began + c_.options().header_timeout, kLimitHeaderTimeout);
  } else {
    c_.arm_until(oldest->began + c_.options().header_timeout + c_.options().body_timeout,
                 kLimitBodyTimeout);
  }
}

void Http2Session::answer_ready_streams() {
  if (ready_.empty()) return;
  c_.disarm();  // handlers may take their time; the loop arms the next read's deadline
  std::vector<int32_t> ready;
  ready.swap(ready_);
  for (int32_t id : ready) {
    if (Stream* stream = find(id); stream != nullptr && !stream->responded) answer(*stream);
  }
}

void Http2Session::answer(Stream& stream) {
  stream.responded = true;
  std::optional<Request> request = make_request(stream.head, c_.capture().peer);
  const bool has_pseudo = !stream.head.method.empty() && !stream.head.target.empty();
  if (!request || !has_pseudo) {
    Request fallback;
    fallback.method = stream.head.method;
    fallback.peer = c_.capture().peer;
    fallback.request_id = request_id_for({});
    submit(stream, fallback,
           listener_problem(400, "bad-request", "the request has no usable :method and :path",
                            fallback.request_id));
    return;
  }
  if (stream.headers_too_large) {
    submit(stream, *request,
           listener_problem(431, "header-too-large", "the request's header list is too large",
                            request->request_id));
    return;
  }
  if (stream.body_too_large) {
    submit(stream, *request,
           listener_problem(413, "body-too-large", "the request body is too large",
                            request->request_id));
    return;
  }
  request->body = std::move(stream.body);
  c_.capture().request_index = index_++;
  submit(stream, *request, c_.call_handler(*request));
}

void Http2Session::submit(Stream& stream, const Request& request, const Response& response) {
  const bool with_body = !status_without_content(response.status) && request.method != "HEAD";
  std::vector<std::pair<std::string, std::string>> fields;
  fields.emplace_back(":status", std::to_string(response.status));
  if (!status_without_content(response.status)) {
    if (!response.content_type.empty()) fields.emplace_back("content-type", response.content_type);
    fields.emplace_back("content-length", std::to_string(response.body.size()));
  }
  fields.emplace_back("x-request-id", request.request_id);
  for (const auto& [name, value] : response.headers) {
    if (writable_header(name, value)) fields.emplace_back(lower(name), value);
  }
  std::vector<nghttp2_nv> nva;
  nva.reserve(fields.size());
  for (const auto& [name, value] : fields) nva.push_back(header_nv(name, value));

  nghttp2_data_provider provider{};
  provider.source.ptr = &stream;
  provider.read_callback = read_body;
  if (with_body) stream.response_body = response.body;
  // nghttp2 copies the header fields; the body is read from the stream as it is sent.
  (void)nghttp2_submit_response(session_, stream.id, nva.data(), nva.size(),
                                with_body ? &provider : nullptr);
  c_.request_done(request, response, stream.began);
}

void Http2Session::send_goaway() {
  goaway_sent_ = true;
  (void)nghttp2_submit_goaway(session_, NGHTTP2_FLAG_NONE,
                              nghttp2_session_get_last_proc_stream_id(session_), NGHTTP2_NO_ERROR,
                              nullptr, 0);
}

Stream* Http2Session::find(int32_t id) {
  auto it = streams_.find(id);
  return it == streams_.end() ? nullptr : it->second.get();
}

int Http2Session::on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* self) {
  auto& session = *static_cast<Http2Session*>(self);
  if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST) return 0;
  auto stream = std::make_unique<Stream>();
  stream->id = frame->hd.stream_id;
  stream->head.version = "HTTP/2";
  session.streams_[stream->id] = std::move(stream);
  return 0;
}

int Http2Session::on_header(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name,
                            size_t name_length, const uint8_t* value, size_t value_length, uint8_t,
                            void* self) {
  auto& session = *static_cast<Http2Session*>(self);
  if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST) {
    return 0;  // trailers: not part of the request we hand on
  }
  Stream* stream = session.find(frame->hd.stream_id);
  if (stream == nullptr || stream->headers_too_large) return 0;
  constexpr size_t kFieldOverhead = 32;  // RFC 9113 6.5.2
  stream->header_bytes += name_length + value_length + kFieldOverhead;
  if (stream->header_bytes > session.c_.options().max_header_bytes) {
    session.c_.report_limit(kLimitMaxHeaderBytes);
    stream->headers_too_large = true;
    stream->head.headers.clear();
    return 0;
  }
  const std::string_view key(reinterpret_cast<const char*>(name), name_length);
  std::string text(reinterpret_cast<const char*>(value), value_length);
  if (key == ":method") {
    stream->head.method = std::move(text);
  } else if (key == ":path") {
    stream->head.target = std::move(text);
  } else if (!key.starts_with(':')) {
    stream->head.headers.push_back({std::string(key), std::move(text)});
  }
  return 0;
}

int Http2Session::on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* self) {
  auto& session = *static_cast<Http2Session*>(self);
  Stream* stream = session.find(frame->hd.stream_id);
  if (stream == nullptr) return 0;
  if (frame->hd.type == NGHTTP2_HEADERS) stream->headers_done = true;
  const bool ends_stream = (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0 &&
                           (frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA);
  // An oversized head is answered at once: its fields were dropped, nothing more is needed.
  if (ends_stream || (frame->hd.type == NGHTTP2_HEADERS && stream->headers_too_large)) {
    if (!stream->complete) session.ready_.push_back(stream->id);
    stream->complete = true;
  }
  return 0;
}

int Http2Session::on_data_chunk(nghttp2_session* ng, uint8_t, int32_t stream_id,
                                const uint8_t* data, size_t length, void* self) {
  auto& session = *static_cast<Http2Session*>(self);
  Stream* stream = session.find(stream_id);
  const bool wanted = stream != nullptr && !stream->complete;
  if (wanted && stream->body.size() + length > session.c_.options().max_body_bytes) {
    session.c_.report_limit(kLimitMaxBodyBytes);
    stream->body_too_large = true;
    stream->body.clear();
    stream->complete = true;
    session.ready_.push_back(stream_id);
  } else if (wanted) {
    stream->body.append(reinterpret_cast<const char*>(data), length);
    (void)nghttp2_session_consume(ng, stream_id, length);
    return 0;
  }
  // Bytes we do not keep still count against the connection window, which other streams need.
  (void)nghttp2_session_consume_connection(ng, length);
  return 0;
}

// A response sent before its request ended (413, 431): the rest of the request is not wanted
// (RFC 9113 8.1 allows RST_STREAM NO_ERROR then).
int Http2Session::on_frame_send(nghttp2_session* ng, const nghttp2_frame* frame, void* self) {
  auto& session = *static_cast<Http2Session*>(self);
  if ((frame->hd.flags & NGHTTP2_FLAG_END_STREAM) == 0) return 0;
  const Stream* stream = session.find(frame->hd.stream_id);
  if (stream != nullptr && (stream->body_too_large || stream->headers_too_large)) {
    (void)nghttp2_submit_rst_stream(ng, NGHTTP2_FLAG_NONE, stream->id, NGHTTP2_NO_ERROR);
  }
  return 0;
}

int Http2Session::on_stream_close(nghttp2_session*, int32_t stream_id, uint32_t, void* self) {
  static_cast<Http2Session*>(self)->streams_.erase(stream_id);
  return 0;
}

// nghttp2 turns away a stream past SETTINGS_MAX_CONCURRENT_STREAMS through this callback:
// REFUSED_STREAM before the client acknowledged our SETTINGS, a connection error after.
int Http2Session::on_invalid_frame(nghttp2_session*, const nghttp2_frame* frame, int error,
                                   void* self) {
  auto& session = *static_cast<Http2Session*>(self);
  const bool over_limit =
      error == NGHTTP2_ERR_REFUSED_STREAM || session.streams_.size() >= kMaxConcurrentStreams;
  if (frame->hd.type == NGHTTP2_HEADERS && over_limit) {
    session.c_.report_limit(kLimitMaxConcurrentStreams);
  }
  return 0;
}

ssize_t Http2Session::read_body(nghttp2_session*, int32_t, uint8_t* buffer, size_t length,
                                uint32_t* flags, nghttp2_data_source* source, void*) {
  auto& stream = *static_cast<Stream*>(source->ptr);
  const size_t n = std::min(length, stream.response_body.size() - stream.sent);
  std::memcpy(buffer, stream.response_body.data() + stream.sent, n);
  stream.sent += n;
  if (stream.sent == stream.response_body.size()) *flags |= NGHTTP2_DATA_FLAG_EOF;
  return static_cast<ssize_t>(n);
}

}  // namespace

asio::awaitable<void> serve_http2(Connection& connection) {
  Http2Session session(connection);
  co_await session.run();
}

}  // namespace fp::server::detail
