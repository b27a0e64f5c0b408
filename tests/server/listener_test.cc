// The fingerprinting listener against real clients on loopback: curl (HTTP/1.1 and HTTP/2),
// openssl s_client, and small hand-made clients for what curl will not do (stall, oversize,
// pipeline, send plain text to the TLS port). The captured bytes are checked with the library's
// parsers, never with the listener's own code.

#include "server/listener.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/hex.h"
#include "http/http1.h"
#include "http/http2.h"
#include "server/listener_wire.h"
#include "server/self_signed.h"
#include "server/tls_context.h"
#include "support/client_hello_builder.h"
#include "tcp/packet.h"
#include "tls/client_hello.h"
#include "tls/handshake.h"

namespace fp::server {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

Bytes bytes_of(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

std::string text_of(const test::Wire& wire) { return {wire.begin(), wire.end()}; }

// ---------------------------------------------------------------------------------------------
// The byte-level helpers (listener_wire.h)

TEST(ListenerWire, ClientHelloCompleteAcrossRecords) {
  const test::Wire records = test::ClientHelloBuilder()
                                 .ciphers({0x1301, 0xc02b})
                                 .sni("split.test")
                                 .alpn({"h2", "http/1.1"})
                                 .padding(300)
                                 .record(0x0301, 100);
  ASSERT_GT(records.size(), 400u);  // several records of at most 100 bytes
  const Bytes all(records);
  for (size_t size = 0; size < records.size(); ++size) {
    ASSERT_EQ(detail::client_hello_progress(all.first(size)).state, detail::HelloState::kNeedMore)
        << size;
  }
  const detail::HelloProgress done = detail::client_hello_progress(all);
  EXPECT_EQ(done.state, detail::HelloState::kComplete);
  EXPECT_EQ(done.end, records.size());

  // What follows the hello (a ChangeCipherSpec, say) is not part of it.
  const test::Wire more = test::concat({records, test::change_cipher_spec()});
  const detail::HelloProgress with_more = detail::client_hello_progress(more);
  EXPECT_EQ(with_more.state, detail::HelloState::kComplete);
  EXPECT_EQ(with_more.end, records.size());
}

TEST(ListenerWire, ClientHelloRejectsWhatIsNotOne) {
  EXPECT_EQ(detail::client_hello_progress(bytes_of("GET / HTTP/1.1\r\n")).state,
            detail::HelloState::kNotTls);
  const test::Wire alert = test::records(21, test::Wire{2, 40});
  EXPECT_EQ(detail::client_hello_progress(alert).state, detail::HelloState::kInvalid);
  const test::Wire server_hello = test::ServerHelloBuilder().cipher(0x1301).record();
  EXPECT_EQ(detail::client_hello_progress(server_hello).state, detail::HelloState::kInvalid);
}

// Frames: 9-byte header (24-bit length, type, flags, 31-bit stream) and `length` zero bytes.
std::string frame(uint8_t type, uint8_t flags, uint32_t stream, size_t length) {
  std::string out;
  out += static_cast<char>(length >> 16);
  out += static_cast<char>(length >> 8);
  out += static_cast<char>(length);
  out += static_cast<char>(type);
  out += static_cast<char>(flags);
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>(stream >> shift);
  out.append(length, '\0');
  return out;
}

TEST(ListenerWire, Http2HeaderBlockEndsWithEndHeaders) {
  const std::string magic(http::kHttp2ClientMagic);
  const std::string settings = frame(0x4, 0, 0, 12);
  const std::string window = frame(0x8, 0, 0, 4);
  const std::string headers = frame(0x1, 0x1, 1, 20);      // END_STREAM, no END_HEADERS
  const std::string continuation = frame(0x9, 0x4, 1, 7);  // END_HEADERS
  const std::string stream = magic + settings + window + headers + continuation + frame(0, 1, 1, 3);
  const size_t expected =
      magic.size() + settings.size() + window.size() + headers.size() + continuation.size();
  EXPECT_EQ(detail::http2_first_header_block_end(bytes_of(stream)), expected);
  EXPECT_EQ(detail::http2_first_header_block_end(bytes_of(stream.substr(0, expected - 1))),
            std::nullopt);
  const std::string single = magic + settings + frame(0x1, 0x5, 1, 30);
  EXPECT_EQ(detail::http2_first_header_block_end(bytes_of(single)), single.size());
  EXPECT_EQ(detail::http2_first_header_block_end(bytes_of(magic.substr(0, 10))), std::nullopt);
}

std::vector<http::Header> headers(std::initializer_list<http::Header> list) { return list; }

TEST(ListenerWire, BodyLength) {
  using detail::BodyFraming;
  auto length = [](std::vector<http::Header> h) { return detail::request_body_length(h); };
  EXPECT_EQ(length({}).framing, BodyFraming::kLength);
  EXPECT_EQ(length({}).length, 0u);
  EXPECT_EQ(length(headers({{"Content-Length", "12"}})).length, 12u);
  EXPECT_EQ(length(headers({{"content-length", "5, 5"}, {"Content-Length", "5"}})).length, 5u);
  EXPECT_EQ(length(headers({{"Content-Length", "5"}, {"Content-Length", "6"}})).framing,
            BodyFraming::kInvalid);
  EXPECT_EQ(length(headers({{"Content-Length", "-1"}})).framing, BodyFraming::kInvalid);
  EXPECT_EQ(length(headers({{"Content-Length", "0x10"}})).framing, BodyFraming::kInvalid);
  EXPECT_EQ(length(headers({{"Content-Length", ""}})).framing, BodyFraming::kInvalid);
  EXPECT_EQ(length(headers({{"Content-Length", "99999999999999999999"}})).framing,
            BodyFraming::kInvalid);
  EXPECT_EQ(length(headers({{"Transfer-Encoding", "chunked"}, {"Content-Length", "3"}})).framing,
            BodyFraming::kChunked);
}

TEST(ListenerWire, KeepAliveAndContinue) {
  http::HttpRequest request;
  request.version = "HTTP/1.1";
  EXPECT_TRUE(detail::wants_keep_alive(request));
  request.headers = {{"Connection", "Upgrade, Close"}};
  EXPECT_FALSE(detail::wants_keep_alive(request));
  request.version = "HTTP/1.0";
  request.headers = {};
  EXPECT_FALSE(detail::wants_keep_alive(request));
  request.headers = {{"connection", "keep-alive"}};
  EXPECT_TRUE(detail::wants_keep_alive(request));

  request.version = "HTTP/1.1";
  request.headers = {{"Expect", "100-continue"}};
  EXPECT_TRUE(detail::expects_continue(request));
  request.headers = {{"Expect", "something-else"}};
  EXPECT_FALSE(detail::expects_continue(request));
}

TEST(ListenerWire, DecodedPath) {
  EXPECT_EQ(detail::decoded_path("/a%20b/c?q=%20"), "/a b/c");
  EXPECT_EQ(detail::decoded_path("https://fp.test:8443/x%2Fy?z"), "/x/y");
  EXPECT_EQ(detail::decoded_path("https://fp.test"), "/");
  EXPECT_EQ(detail::decoded_path("*"), "*");
  EXPECT_EQ(detail::decoded_path("fp.test:443"), std::nullopt);
  EXPECT_EQ(detail::decoded_path("/bad%zz"), std::nullopt);
}

TEST(ListenerWire, Http1Response) {
  Response response;
  response.status = 429;
  response.content_type = "text/plain";
  response.body = "hi";
  response.headers = {{"Retry-After", "5"},
                      {"Bad Name", "x"},
                      {"X-Split", "a\r\nInjected: 1"},
                      {"Content-Length", "999"}};
  EXPECT_EQ(detail::http1_response(response, "rid", false, true),
            "HTTP/1.1 429 Too Many Requests\r\n"
            "Content-Type: text/plain\r\n"
            "Content-Length: 2\r\n"
            "X-Request-Id: rid\r\n"
            "Retry-After: 5\r\n"
            "Connection: close\r\n"
            "\r\n"
            "hi");
  // HEAD: the length of the body a GET would get, and no body.
  EXPECT_EQ(detail::http1_response(response, "rid", true, false),
            "HTTP/1.1 429 Too Many Requests\r\n"
            "Content-Type: text/plain\r\n"
            "Content-Length: 2\r\n"
            "X-Request-Id: rid\r\n"
            "Retry-After: 5\r\n"
            "\r\n");
  Response empty;
  empty.status = 204;
  empty.body = "ignored";
  EXPECT_EQ(detail::http1_response(empty, "r", false, false),
            "HTTP/1.1 204 No Content\r\nX-Request-Id: r\r\n\r\n");
}

TEST(ListenerWire, RequestIdIsTheClientsWhenUsable) {
  EXPECT_EQ(detail::request_id_for({{"X-Request-Id", "abc-1.2_3"}}), "abc-1.2_3");
  const std::string made = detail::request_id_for({{"X-Request-Id", "bad id\r\nx"}});
  EXPECT_EQ(made.size(), 32u);
  EXPECT_NE(made, detail::request_id_for({}));
}

// ---------------------------------------------------------------------------------------------
// Clients

struct CommandResult {
  int status = -1;
  std::string out;
};

CommandResult run(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.out.append(buffer, n);
  const int status = ::pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// A curl run's last header block and its body (after any "100 Continue" block).
struct HttpReply {
  std::string head;
  std::string body;
  std::string all;
};

HttpReply split_reply(const std::string& out) {
  HttpReply reply{{}, out, out};
  size_t start = 0;
  while (true) {
    const size_t end = out.find("\r\n\r\n", start);
    if (end == std::string::npos) break;
    reply.head = out.substr(start, end + 4 - start);
    reply.body = out.substr(end + 4);
    start = end + 4;
    if (out.compare(start, 5, "HTTP/") != 0) break;
  }
  return reply;
}

// A plain TCP socket with 5 s send and receive timeouts, so that no test can hang.
class TcpClient {
 public:
  explicit TcpClient(uint16_t port, bool v6 = false) {
    fd_ = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
    timeval timeout{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    if (v6) {
      sockaddr_in6 address{};
      address.sin6_family = AF_INET6;
      address.sin6_port = htons(port);
      address.sin6_addr = in6addr_loopback;
      connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    } else {
      sockaddr_in address{};
      address.sin_family = AF_INET;
      address.sin_port = htons(port);
      address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    }
  }
  ~TcpClient() { close(); }
  TcpClient(const TcpClient&) = delete;
  TcpClient& operator=(const TcpClient&) = delete;

  [[nodiscard]] bool connected() const { return connected_; }
  [[nodiscard]] int fd() const { return fd_; }

  bool send(std::string_view data) {
    size_t sent = 0;
    while (sent < data.size()) {
      const ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }

  // How the server ended the connection, as seen from here.
  enum class End { kClosed, kTimedOut };
  End wait_for_close() {
    char buffer[4096];
    while (true) {
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n > 0) continue;
      if (n == 0) return End::kClosed;
      return (errno == EAGAIN || errno == EWOULDBLOCK) ? End::kTimedOut : End::kClosed;
    }
  }

  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

// A TLS client on a TcpClient, with OpenSSL directly, for requests curl will not send.
class TlsClient {
 public:
  TlsClient(uint16_t port, std::vector<std::string> alpn, size_t max_fragment = 0)
      : tcp_(port), context_(SSL_CTX_new(TLS_client_method())) {
    if (max_fragment != 0) SSL_CTX_set_max_send_fragment(context_, max_fragment);
    ssl_ = SSL_new(context_);
    SSL_set_tlsext_host_name(ssl_, "fp.test");
    std::string wire;
    for (const auto& name : alpn) wire += static_cast<char>(name.size()) + name;
    if (!wire.empty()) {
      SSL_set_alpn_protos(ssl_, reinterpret_cast<const unsigned char*>(wire.data()),
                          static_cast<unsigned>(wire.size()));
    }
    SSL_set_fd(ssl_, tcp_.fd());
    ok_ = tcp_.connected() && SSL_connect(ssl_) == 1;
  }
  ~TlsClient() {
    SSL_free(ssl_);
    SSL_CTX_free(context_);
  }
  TlsClient(const TlsClient&) = delete;
  TlsClient& operator=(const TlsClient&) = delete;

  [[nodiscard]] bool ok() const { return ok_; }

  bool send(std::string_view data) {
    size_t sent = 0;
    while (sent < data.size()) {
      const int n = SSL_write(ssl_, data.data() + sent, static_cast<int>(data.size() - sent));
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }

  // Everything until the server closes (or 5 s pass without a byte).
  std::string read_all() {
    std::string out;
    char buffer[16384];
    int n = 0;
    while ((n = SSL_read(ssl_, buffer, sizeof buffer)) > 0) out.append(buffer, n);
    return out;
  }

  // One read's worth; "" when the connection ended or 5 s passed.
  std::string read_some() {
    char buffer[16384];
    const int n = SSL_read(ssl_, buffer, sizeof buffer);
    return n > 0 ? std::string(buffer, n) : std::string();
  }

  // At least `size` bytes, or what came before the connection ended.
  std::string read_at_least(size_t size) {
    std::string out;
    char buffer[16384];
    while (out.size() < size) {
      const int n = SSL_read(ssl_, buffer, sizeof buffer);
      if (n <= 0) break;
      out.append(buffer, n);
    }
    return out;
  }

 private:
  TcpClient tcp_;
  SSL_CTX* context_ = nullptr;
  SSL* ssl_ = nullptr;
  bool ok_ = false;
};

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds limit = 5s) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (condition()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return condition();
}

// ---------------------------------------------------------------------------------------------
// The listener in-process

class Recorder : public ListenerObserver {
 public:
  void handshake(std::string_view result, std::string_view alpn) override {
    std::lock_guard lock(mutex_);
    handshakes_.push_back(std::string(result) + "/" + std::string(alpn));
  }
  void limit_hit(std::string_view limit) override {
    std::lock_guard lock(mutex_);
    limits_.emplace_back(limit);
  }
  void connection_opened() override { ++opened; }
  void connection_closed() override { ++closed; }
  void request_done(const Request&, const Response& response,
                    std::chrono::nanoseconds took) override {
    std::lock_guard lock(mutex_);
    statuses_.push_back(response.status);
    if (took.count() < 0) negative_durations_ = true;
  }

  [[nodiscard]] size_t handshakes(std::string_view result_and_alpn) const {
    std::lock_guard lock(mutex_);
    return std::count(handshakes_.begin(), handshakes_.end(), result_and_alpn);
  }
  [[nodiscard]] size_t limits(std::string_view limit) const {
    std::lock_guard lock(mutex_);
    return std::count(limits_.begin(), limits_.end(), limit);
  }
  [[nodiscard]] size_t statuses(int status) const {
    std::lock_guard lock(mutex_);
    return std::count(statuses_.begin(), statuses_.end(), status);
  }
  [[nodiscard]] bool negative_durations() const { return negative_durations_; }

  std::atomic<int> opened{0}, closed{0};

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> handshakes_;
  std::vector<std::string> limits_;
  std::vector<int> statuses_;
  bool negative_durations_ = false;
};

struct Seen {
  CallerCapture capture;
  Request request;
};

class ListenerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::signal(SIGPIPE, SIG_IGN);  // our clients write to connections the listener closes
    std::random_device random;
    dir_ = new fs::path(fs::temp_directory_path() / ("fp-listener-" + std::to_string(random())));
    std::string error;
    ASSERT_TRUE(ensure_self_signed(*dir_ / "cert.pem", *dir_ / "key.pem", error)) << error;
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(*dir_, ec);
    delete dir_;
  }

  void start(ListenerOptions options = {}, const std::string& host = "127.0.0.1") {
    options.endpoint = {host, 0};
    std::string error;
    auto tls = make_server_tls_context((*dir_ / "cert.pem").string(), (*dir_ / "key.pem").string(),
                                       {"h2", "http/1.1"}, error);
    ASSERT_TRUE(tls) << error;
    listener_ = std::make_unique<FingerprintListener>(
        io_, options, tls,
        [this](const CallerCapture& c, const Request& r) { return handle(c, r); }, &recorder_);
    ASSERT_TRUE(listener_->start(error)) << error;
    port_ = listener_->port();
    ASSERT_NE(port_, 0);
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
  }

  void TearDown() override {
    release_slow();
    if (listener_) {
      listener_->stop();
      EXPECT_TRUE(eventually([&] { return listener_->open_connections() == 0; }, 10s));
      EXPECT_EQ(recorder_.opened.load(), recorder_.closed.load());
    }
    work_.reset();
    if (!eventually([&] { return io_.stopped(); }, 5s)) io_.stop();
    for (auto& thread : threads_) thread.join();
    listener_.reset();
    EXPECT_FALSE(recorder_.negative_durations());
  }

  // Answers with what it saw, as JSON; "/slow" waits for release_slow(), "/throw" throws.
  Response handle(const CallerCapture& capture, const Request& request) {
    {
      std::lock_guard lock(mutex_);
      seen_.push_back({capture, request});
    }
    if (request.path == "/throw") throw std::runtime_error("handler bug");
    if (request.path == "/slow") {
      std::unique_lock lock(mutex_);
      slow_entered_ = true;
      changed_.notify_all();
      changed_.wait(lock, [this] { return slow_released_; });
    }
    json::object out;
    out["alpn"] = capture.alpn;
    out["path"] = request.path;
    out["method"] = request.method;
    out["body_bytes"] = request.body.size();
    out["request_id"] = request.request_id;
    out["client_hello"] = base64_encode(bytes_of(capture.client_hello));
    out["peer_port"] = capture.peer_port;
    Response response;
    response.body = json::serialize(out);
    response.set_header("X-Test", "yes");
    return response;
  }

  void wait_for_slow() {
    std::unique_lock lock(mutex_);
    ASSERT_TRUE(changed_.wait_for(lock, 10s, [this] { return slow_entered_; }));
  }
  void release_slow() {
    std::lock_guard lock(mutex_);
    slow_released_ = true;
    changed_.notify_all();
  }

  std::vector<Seen> seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }

  // curl against the listener, with SNI "fp.test"; stderr discarded.
  std::string curl(const std::string& options, const std::string& path) const {
    const std::string port = std::to_string(port_);
    return "curl -sk --max-time 20 -D - --resolve fp.test:" + port + ":127.0.0.1 " + options +
           " https://fp.test:" + port + path + " 2>/dev/null";
  }

  json::object body_json(const std::string& body) {
    boost::system::error_code ec;
    json::value value = json::parse(body, ec);
    EXPECT_FALSE(ec) << body;
    return value.is_object() ? value.as_object() : json::object();
  }

  static fs::path* dir_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ =
      boost::asio::make_work_guard(io_);
  std::vector<std::thread> threads_;
  std::unique_ptr<FingerprintListener> listener_;
  Recorder recorder_;
  uint16_t port_ = 0;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Seen> seen_;
  bool slow_entered_ = false;
  bool slow_released_ = false;
};

fs::path* ListenerTest::dir_ = nullptr;

// The capture's SYN is the client's: a TCP SYN from the port the listener saw, to ours.
void expect_syn_of(const CallerCapture& capture, uint16_t listener_port, int ip_version) {
  auto packet = tcp::parse_ip_packet(bytes_of(capture.syn));
  ASSERT_TRUE(packet.ok()) << "syn of " << capture.syn.size() << " bytes";
  EXPECT_EQ(packet->ip.version, ip_version);
  ASSERT_EQ(packet->transport, tcp::Packet::Transport::kTcp);
  EXPECT_TRUE(packet->tcp.has(tcp::flag::kSyn));
  EXPECT_FALSE(packet->tcp.has(tcp::flag::kAck));
  EXPECT_EQ(packet->tcp.src_port, capture.peer_port);
  EXPECT_EQ(packet->tcp.dst_port, listener_port);
  EXPECT_EQ(packet->ip.src.to_string(), capture.peer);
  EXPECT_FALSE(packet->tcp.options.empty());  // Linux sends MSS, SACK, timestamps, wscale
}

// The raw hello is whole TLS records holding exactly one ClientHello, ending with the record that
// completes it.
tls::ClientHello expect_client_hello(const std::string& raw) {
  const tls::HandshakeScan scan = tls::scan_handshake(bytes_of(raw));
  EXPECT_EQ(scan.messages.size(), 1u);
  EXPECT_EQ(scan.status, tls::ScanStatus::kNeedMore);  // ends at a record boundary, nothing after
  EXPECT_TRUE(tls::scan_handshake(bytes_of(raw).first(raw.size() - 1)).messages.empty());
  auto hello = tls::parse_client_hello_any(bytes_of(raw));
  EXPECT_TRUE(hello.ok());
  return hello.ok() ? *hello : tls::ClientHello{};
}

std::optional<std::string> header_value(const http::HttpRequest& request, std::string_view name) {
  for (const auto& header : request.headers) {
    if (header.name == name) return header.value;
  }
  return std::nullopt;
}

TEST_F(ListenerTest, CurlHttp1) {
  start();
  const CommandResult result =
      run(curl("--http1.1 -A fp-test-agent/1.0 -H 'X-Request-Id: req-42'", "/p%20a?x=1"));
  ASSERT_EQ(result.status, 0) << result.out;
  const HttpReply reply = split_reply(result.out);
  EXPECT_TRUE(reply.head.starts_with("HTTP/1.1 200 OK\r\n")) << reply.head;
  EXPECT_NE(reply.head.find("\r\nX-Request-Id: req-42\r\n"), std::string::npos) << reply.head;
  EXPECT_NE(reply.head.find("\r\nX-Test: yes\r\n"), std::string::npos) << reply.head;
  const json::object body = body_json(reply.body);
  EXPECT_EQ(body.at("alpn").as_string(), "http/1.1");
  EXPECT_EQ(body.at("path").as_string(), "/p a");

  const std::vector<Seen> requests = seen();
  ASSERT_EQ(requests.size(), 1u);
  const CallerCapture& capture = requests[0].capture;
  const Request& request = requests[0].request;
  EXPECT_EQ(capture.alpn, "http/1.1");
  EXPECT_EQ(capture.tls_version, "TLSv1.3");
  EXPECT_EQ(capture.cipher.rfind("TLS_", 0), 0u) << capture.cipher;
  EXPECT_EQ(capture.peer, "127.0.0.1");
  EXPECT_TRUE(capture.http2_frames.empty());

  const tls::ClientHello hello = expect_client_hello(capture.client_hello);
  EXPECT_EQ(hello.server_name, "fp.test");
  EXPECT_EQ(hello.alpn, std::vector<std::string>{"http/1.1"});
  // The handler's answer carried the same bytes.
  EXPECT_EQ(base64_decode(std::string(body.at("client_hello").as_string())),
            std::vector<uint8_t>(capture.client_hello.begin(), capture.client_hello.end()));

  const http::Http1Parse head = http::parse_http1_request(bytes_of(capture.http1_head));
  ASSERT_EQ(head.status, http::ParseStatus::kDone);
  EXPECT_EQ(head.consumed, capture.http1_head.size());
  EXPECT_TRUE(capture.http1_head.starts_with("GET /p%20a?x=1 HTTP/1.1\r\n"));
  EXPECT_EQ(header_value(head.request, "User-Agent"), "fp-test-agent/1.0");

  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.target, "/p%20a?x=1");
  EXPECT_EQ(request.path, "/p a");
  EXPECT_EQ(request.request_id, "req-42");
  EXPECT_EQ(request.peer, "127.0.0.1");
  ASSERT_FALSE(request.headers.empty());
  EXPECT_EQ(request.headers.front().first, "Host");  // in the order sent
  EXPECT_EQ(request.header("user-agent"), "fp-test-agent/1.0");

  expect_syn_of(capture, port_, 4);
  EXPECT_EQ(recorder_.handshakes("ok/http/1.1"), 1u);
  // Reported once the response is written, which may be just after curl has read it.
  EXPECT_TRUE(eventually([&] { return recorder_.statuses(200) == 1; }));
}

TEST_F(ListenerTest, CurlHttp2) {
  start();
  const CommandResult result = run(curl("--http2 -A fp-test-agent/2.0", "/h2/path?q=1"));
  ASSERT_EQ(result.status, 0) << result.out;
  const HttpReply reply = split_reply(result.out);
  EXPECT_TRUE(reply.head.starts_with("HTTP/2 200")) << reply.head;
  EXPECT_NE(reply.head.find("\r\nx-test: yes\r\n"), std::string::npos) << reply.head;
  EXPECT_NE(reply.head.find("\r\ncontent-length: " + std::to_string(reply.body.size()) + "\r\n"),
            std::string::npos)
      << reply.head;
  EXPECT_EQ(body_json(reply.body).at("alpn").as_string(), "h2");

  const std::vector<Seen> requests = seen();
  ASSERT_EQ(requests.size(), 1u);
  const CallerCapture& capture = requests[0].capture;
  const Request& request = requests[0].request;
  EXPECT_EQ(capture.alpn, "h2");
  EXPECT_TRUE(capture.http1_head.empty());
  const tls::ClientHello hello = expect_client_hello(capture.client_hello);
  EXPECT_EQ(hello.server_name, "fp.test");
  EXPECT_EQ(hello.alpn, (std::vector<std::string>{"h2", "http/1.1"}));

  auto preface = http::parse_http2_preface(bytes_of(capture.http2_frames));
  ASSERT_TRUE(preface.ok());
  EXPECT_TRUE(preface->complete);
  ASSERT_FALSE(preface->frames.empty());
  EXPECT_EQ(preface->frames.front().type, 0x4);  // SETTINGS
  EXPECT_FALSE(preface->settings.empty());
  // Nothing after the end of the first header block.
  size_t framed = http::kHttp2ClientMagic.size();
  for (const auto& f : preface->frames) framed += 9 + f.length;
  EXPECT_EQ(framed, capture.http2_frames.size());
  EXPECT_NE(preface->frames.back().flags & 0x4, 0);  // END_HEADERS
  ASSERT_TRUE(preface->request.has_value());
  EXPECT_EQ(header_value(*preface->request, ":path"), "/h2/path?q=1");
  EXPECT_EQ(header_value(*preface->request, "user-agent"), "fp-test-agent/2.0");

  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.target, "/h2/path?q=1");
  EXPECT_EQ(request.path, "/h2/path");
  EXPECT_EQ(request.header("user-agent"), "fp-test-agent/2.0");
  for (const auto& [name, value] : request.headers) EXPECT_FALSE(name.starts_with(':')) << name;
  expect_syn_of(capture, port_, 4);
  EXPECT_EQ(recorder_.handshakes("ok/h2"), 1u);
}

TEST_F(ListenerTest, RequestsOnOneConnection) {
  start();
  const std::string port = std::to_string(port_);
  uint64_t previous_connection = 0;
  for (const std::string protocol : {"--http1.1", "--http2"}) {
    const size_t before = seen().size();
    // curl reuses the connection for a second URL on the same host.
    const CommandResult both =
        run("curl -sk --max-time 20 --resolve fp.test:" + port + ":127.0.0.1 " + protocol +
            " https://fp.test:" + port + "/a https://fp.test:" + port + "/b 2>/dev/null");
    ASSERT_EQ(both.status, 0) << both.out;
    const std::vector<Seen> requests = seen();
    ASSERT_EQ(requests.size(), before + 2) << protocol;
    const Seen& a = requests[before];
    const Seen& b = requests[before + 1];
    EXPECT_EQ(a.request.path, "/a");
    EXPECT_EQ(b.request.path, "/b");
    EXPECT_EQ(a.capture.connection_id, b.capture.connection_id) << protocol;
    EXPECT_GT(a.capture.connection_id, previous_connection);
    previous_connection = a.capture.connection_id;
    EXPECT_EQ(a.capture.request_index, 0u);
    EXPECT_EQ(b.capture.request_index, 1u);
    EXPECT_EQ(a.capture.client_hello, b.capture.client_hello);
    EXPECT_EQ(a.capture.http2_frames, b.capture.http2_frames);  // the connection's preface
  }
}

TEST_F(ListenerTest, PostBodies) {
  start();
  const fs::path file = *dir_ / "body.bin";
  std::ofstream(file, std::ios::binary) << std::string(300 * 1024, 'b');
  for (const std::string protocol : {"--http1.1", "--http2"}) {
    const CommandResult result =
        run(curl(protocol + " --data-binary @" + file.string(), "/upload"));
    ASSERT_EQ(result.status, 0) << protocol;
    const json::object body = body_json(split_reply(result.out).body);
    EXPECT_EQ(body.at("method").as_string(), "POST");
    EXPECT_EQ(body.at("body_bytes").as_int64(), 300 * 1024) << protocol;
  }
}

TEST_F(ListenerTest, ExpectContinue) {
  start();
  const CommandResult result =
      run(curl("--http1.1 -H 'Expect: 100-continue' --data-binary hello", "/continue"));
  ASSERT_EQ(result.status, 0);
  EXPECT_TRUE(result.out.starts_with("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"))
      << result.out;
  EXPECT_EQ(body_json(split_reply(result.out).body).at("body_bytes").as_int64(), 5);
}

TEST_F(ListenerTest, OpensslClientWithAndWithoutAlpn) {
  start();
  const std::string port = std::to_string(port_);
  const CommandResult h2 = run("openssl s_client -connect 127.0.0.1:" + port +
                               " -servername fp.test -alpn h2 </dev/null 2>/dev/null");
  EXPECT_EQ(h2.status, 0);
  EXPECT_NE(h2.out.find("ALPN protocol: h2"), std::string::npos) << h2.out;
  EXPECT_TRUE(eventually([&] { return recorder_.handshakes("ok/h2") == 1; }));
  // Our preference wins over the client's order.
  const CommandResult preferred =
      run("openssl s_client -connect 127.0.0.1:" + port +
          " -servername fp.test -alpn http/1.1,h2 </dev/null 2>/dev/null");
  EXPECT_NE(preferred.out.find("ALPN protocol: h2"), std::string::npos) << preferred.out;
  // No protocol in common: no ALPN, not a failed handshake (RFC 7301 3.2 lets the server go on).
  const CommandResult other = run("openssl s_client -connect 127.0.0.1:" + port +
                                  " -servername fp.test -alpn spdy/3 </dev/null 2>/dev/null");
  EXPECT_NE(other.out.find("No ALPN negotiated"), std::string::npos) << other.out;
  EXPECT_TRUE(eventually([&] { return recorder_.handshakes("ok/") == 1; }));

  const CommandResult plain =
      run("printf 'GET /plain HTTP/1.1\\r\\nHost: fp.test\\r\\nConnection: close\\r\\n\\r\\n' | "
          "openssl s_client -quiet -connect 127.0.0.1:" +
          port + " -servername fp.test 2>/dev/null");
  const HttpReply reply = split_reply(plain.out);
  EXPECT_TRUE(reply.head.starts_with("HTTP/1.1 200 OK\r\n")) << plain.out;
  EXPECT_NE(reply.head.find("\r\nConnection: close\r\n"), std::string::npos);
  EXPECT_EQ(body_json(reply.body).at("alpn").as_string(), "");
  EXPECT_EQ(recorder_.handshakes("ok/"), 2u);
}

TEST_F(ListenerTest, ClientHelloSplitAcrossRecords) {
  start();
  // Long ALPN names make a hello of several 512-byte records.
  const std::vector<std::string> alpn{std::string(200, 'x'), std::string(200, 'y'),
                                      std::string(200, 'z'), "http/1.1"};
  TlsClient client(port_, alpn, 512);
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(client.send("GET /split HTTP/1.1\r\nHost: fp.test\r\nConnection: close\r\n\r\n"));
  EXPECT_TRUE(client.read_all().starts_with("HTTP/1.1 200 OK"));
  ASSERT_EQ(seen().size(), 1u);
  const CallerCapture capture = seen()[0].capture;
  EXPECT_EQ(capture.alpn, "http/1.1");
  const tls::ClientHello hello = expect_client_hello(capture.client_hello);
  EXPECT_EQ(hello.alpn, alpn);
  // Several records of at most 512 bytes of payload each.
  size_t records = 0;
  for (size_t at = 0; at + 5 <= capture.client_hello.size(); ++records) {
    const size_t length = (static_cast<uint8_t>(capture.client_hello[at + 3]) << 8) |
                          static_cast<uint8_t>(capture.client_hello[at + 4]);
    EXPECT_LE(length, 512u);
    at += 5 + length;
  }
  EXPECT_GE(records, 2u);
}

TEST_F(ListenerTest, PlainHttpToTheTlsPortIsClosed) {
  start();
  {
    TcpClient client(port_);
    ASSERT_TRUE(client.connected());
    ASSERT_TRUE(client.send("GET / HTTP/1.1\r\nHost: fp.test\r\n\r\n"));
    EXPECT_EQ(client.wait_for_close(), TcpClient::End::kClosed);
  }
  EXPECT_TRUE(eventually([&] { return recorder_.handshakes("not_tls/") == 1; }));
  EXPECT_EQ(run(curl("--http1.1", "/after")).status, 0);  // still serving
}

TEST_F(ListenerTest, StalledHandshakeTimesOut) {
  ListenerOptions options;
  options.handshake_timeout = 1s;
  start(options);
  TcpClient client(port_);
  ASSERT_TRUE(client.connected());
  const auto began = std::chrono::steady_clock::now();
  EXPECT_EQ(client.wait_for_close(), TcpClient::End::kClosed);
  const auto took = std::chrono::steady_clock::now() - began;
  EXPECT_GE(took, 900ms);
  EXPECT_LT(took, 4s);
  EXPECT_TRUE(eventually([&] { return recorder_.limits(kLimitHandshakeTimeout) == 1; }));
  EXPECT_TRUE(eventually([&] { return recorder_.handshakes("timeout/") == 1; }));
}

TEST_F(ListenerTest, ClientHelloTooLarge) {
  start();
  TcpClient client(port_);
  ASSERT_TRUE(client.connected());
  // A ClientHello announced at 64 KiB arrives in full records; the listener stops at 64 KiB.
  const test::Wire header{1, 0x01, 0x00, 0x00};  // type 1, length 65536
  const test::Wire message = test::concat({header, test::Wire(65536, 0)});
  (void)client.send(text_of(test::records(22, message)));
  EXPECT_EQ(client.wait_for_close(), TcpClient::End::kClosed);
  EXPECT_TRUE(eventually([&] { return recorder_.limits(kLimitMaxClientHelloBytes) == 1; }));
}

TEST_F(ListenerTest, OversizedHeadGets431) {
  start();
  TlsClient client(port_, {"http/1.1"});
  ASSERT_TRUE(client.ok());
  (void)client.send("GET / HTTP/1.1\r\nHost: fp.test\r\nX-Big: " + std::string(100 * 1024, 'a') +
                    "\r\n\r\n");
  const std::string reply = client.read_all();
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n")) << reply;
  EXPECT_NE(reply.find("\r\nConnection: close\r\n"), std::string::npos);
  EXPECT_NE(reply.find("application/problem+json"), std::string::npos);
  EXPECT_EQ(recorder_.limits(kLimitMaxHeaderBytes), 1u);
  EXPECT_TRUE(seen().empty());
}

TEST_F(ListenerTest, OversizedHeaderListOverHttp2Gets431) {
  start();
  const CommandResult result =
      run(curl("--http2 -H 'X-Big: " + std::string(20 * 1024, 'a') + "'", "/big"));
  EXPECT_TRUE(result.out.starts_with("HTTP/2 431")) << result.out.substr(0, 200);
  EXPECT_GE(recorder_.limits(kLimitMaxHeaderBytes), 1u);
  EXPECT_TRUE(seen().empty());
}

TEST_F(ListenerTest, OversizedBodyGets413) {
  ListenerOptions options;
  options.max_body_bytes = 1000;
  start(options);
  const fs::path file = *dir_ / "big.bin";
  // Over the limit, yet small enough to sit in the socket buffers and inside HTTP/2's initial
  // window: the client has sent it all when the 413 comes, so it always reads the answer (with
  // 200 KiB curl was sometimes still writing when the connection closed, and saw no reply).
  std::ofstream(file, std::ios::binary) << std::string(20 * 1024, 'b');
  for (const std::string protocol : {"--http1.1", "--http2"}) {
    const CommandResult result =
        run(curl(protocol + " --data-binary @" + file.string(), "/upload"));
    const std::string status = protocol == "--http2" ? "HTTP/2 413" : "HTTP/1.1 413";
    EXPECT_TRUE(split_reply(result.out).head.starts_with(status)) << result.out.substr(0, 300);
  }
  EXPECT_EQ(recorder_.limits(kLimitMaxBodyBytes), 2u);
  EXPECT_TRUE(seen().empty());
}

TEST_F(ListenerTest, MalformedAndChunkedRequests) {
  start();
  {
    TlsClient client(port_, {"http/1.1"});
    ASSERT_TRUE(client.ok());
    ASSERT_TRUE(client.send("GET / HTTP/1.1\r\nBad Header Line\r\n\r\n"));
    EXPECT_TRUE(client.read_all().starts_with("HTTP/1.1 400 Bad Request\r\n"));
  }
  {
    TlsClient client(port_, {"http/1.1"});
    ASSERT_TRUE(client.ok());
    ASSERT_TRUE(
        client.send("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "5\r\nhello\r\n0\r\n\r\n"));
    EXPECT_TRUE(client.read_all().starts_with("HTTP/1.1 411 Length Required\r\n"));
  }
  {
    TlsClient client(port_, {"http/1.1"});
    ASSERT_TRUE(client.ok());
    ASSERT_TRUE(client.send("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1, 2\r\n\r\n"));
    EXPECT_TRUE(client.read_all().starts_with("HTTP/1.1 400 Bad Request\r\n"));
  }
  EXPECT_TRUE(seen().empty());
  EXPECT_EQ(recorder_.statuses(400), 2u);
  EXPECT_EQ(recorder_.statuses(411), 1u);
}

TEST_F(ListenerTest, PipelinedRequestsAnswerInOrder) {
  start();
  TlsClient client(port_, {"http/1.1"});
  ASSERT_TRUE(client.ok());
  const std::string first = "GET /one HTTP/1.1\r\nHost: a\r\n\r\n";
  const std::string second = "POST /two HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc";
  const std::string third = "GET /three HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
  ASSERT_TRUE(client.send(first + second + third));
  const std::string replies = client.read_all();
  const size_t one = replies.find("\"path\":\"/one\"");
  const size_t two = replies.find("\"path\":\"/two\"");
  const size_t three = replies.find("\"path\":\"/three\"");
  ASSERT_NE(three, std::string::npos) << replies;
  EXPECT_LT(one, two);
  EXPECT_LT(two, three);
  const std::vector<Seen> requests = seen();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].capture.http1_head, first);
  EXPECT_EQ(requests[1].capture.http1_head, second.substr(0, second.size() - 3));
  EXPECT_EQ(requests[1].request.body, "abc");
  EXPECT_EQ(requests[2].capture.http1_head, third);
  EXPECT_EQ(requests[2].capture.request_index, 2u);
}

TEST_F(ListenerTest, HandlerExceptionGives500AndTheConnectionGoesOn) {
  start();
  const std::string port = std::to_string(port_);
  const CommandResult result =
      run("curl -sk --max-time 20 --http1.1 -w '%{http_code}\\n' -o /dev/null -o "
          "/dev/null --resolve fp.test:" +
          port + ":127.0.0.1 https://fp.test:" + port + "/throw https://fp.test:" + port +
          "/ok 2>/dev/null");
  EXPECT_EQ(result.out, "500\n200\n");
  const std::vector<Seen> requests = seen();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].capture.connection_id, requests[1].capture.connection_id);
}

TEST_F(ListenerTest, IdleConnectionTimesOut) {
  ListenerOptions options;
  options.idle_timeout = 1s;
  start(options);
  TlsClient client(port_, {"http/1.1"});
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(client.send("GET /idle HTTP/1.1\r\nHost: a\r\n\r\n"));
  const auto began = std::chrono::steady_clock::now();
  const std::string reply = client.read_all();  // the response, then the close
  const auto took = std::chrono::steady_clock::now() - began;
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 200 OK\r\n"));
  EXPECT_EQ(reply.find("Connection: close"), std::string::npos);
  EXPECT_GE(took, 900ms);
  EXPECT_LT(took, 4s);
  EXPECT_TRUE(eventually([&] { return recorder_.limits(kLimitIdleTimeout) == 1; }));
}

TEST_F(ListenerTest, SlowHeadTimesOut) {
  ListenerOptions options;
  options.header_timeout = 1s;
  start(options);
  TlsClient client(port_, {"http/1.1"});
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(client.send("GET /slowloris HTTP/1.1\r\nHost: a\r\n"));
  const auto began = std::chrono::steady_clock::now();
  EXPECT_EQ(client.read_all(), "");
  const auto took = std::chrono::steady_clock::now() - began;
  EXPECT_GE(took, 900ms);
  EXPECT_LT(took, 4s);
  EXPECT_TRUE(eventually([&] { return recorder_.limits(kLimitHeaderTimeout) == 1; }));
}

TEST_F(ListenerTest, ConnectionCap) {
  ListenerOptions options;
  options.max_connections = 2;
  start(options);
  {
    TlsClient first(port_, {"http/1.1"});
    TlsClient second(port_, {"http/1.1"});
    ASSERT_TRUE(first.ok() && second.ok());
    ASSERT_TRUE(eventually([&] { return listener_->open_connections() == 2; }));
    TcpClient third(port_);
    ASSERT_TRUE(third.connected());  // the kernel accepts; the listener closes at once
    EXPECT_EQ(third.wait_for_close(), TcpClient::End::kClosed);
    EXPECT_TRUE(eventually([&] { return recorder_.limits(kLimitMaxConnections) == 1; }));
  }
  ASSERT_TRUE(eventually([&] { return listener_->open_connections() == 0; }));
  EXPECT_EQ(run(curl("--http1.1", "/after")).status, 0);
}

// HTTP/2 frames from the server, as (type, stream id, first 4 payload bytes as a number).
struct ServerFrame {
  uint8_t type = 0;
  uint32_t stream = 0;
  uint32_t first_word = 0;
};

std::vector<ServerFrame> server_frames(std::string_view bytes) {
  std::vector<ServerFrame> out;
  auto byte = [&](size_t i) { return static_cast<uint32_t>(static_cast<uint8_t>(bytes[i])); };
  size_t at = 0;
  while (at + 9 <= bytes.size()) {
    const size_t length = (byte(at) << 16) | (byte(at + 1) << 8) | byte(at + 2);
    if (at + 9 + length > bytes.size()) break;
    ServerFrame frame;
    frame.type = static_cast<uint8_t>(byte(at + 3));
    frame.stream =
        ((byte(at + 5) & 0x7f) << 24) | (byte(at + 6) << 16) | (byte(at + 7) << 8) | byte(at + 8);
    if (length >= 4) {
      frame.first_word =
          (byte(at + 9) << 24) | (byte(at + 10) << 16) | (byte(at + 11) << 8) | byte(at + 12);
    }
    out.push_back(frame);
    at += 9 + length;
  }
  return out;
}

TEST_F(ListenerTest, Http2StreamsBeyondTheLimitAreRefused) {
  start();
  TlsClient client(port_, {"h2"});
  ASSERT_TRUE(client.ok());
  // 101 requests whose bodies never come: HEADERS with END_HEADERS, without END_STREAM, each
  // block the static-table fields :method GET, :scheme https, :path / (RFC 7541 appendix A)
  // and a literal ":authority: a".
  std::string out(http::kHttp2ClientMagic);
  out += frame(0x4, 0, 0, 0);  // empty SETTINGS
  for (uint32_t stream = 1; stream <= 201; stream += 2) {
    std::string headers = frame(0x1, 0x4, stream, 6);
    headers.replace(headers.size() - 6, 6,
                    "\x82\x87\x84\x01\x01"
                    "a");
    out += headers;
  }
  ASSERT_TRUE(client.send(out));
  // The 101st stream is reset with REFUSED_STREAM (RFC 9113 5.1.2, error code 0x7).
  bool refused = false;
  std::string received;
  while (!refused) {
    const std::string more = client.read_some();
    if (more.empty()) break;
    received += more;
    for (const ServerFrame& f : server_frames(received)) {
      if (f.type == 0x3 && f.stream == 201 && f.first_word == 0x7) refused = true;
    }
  }
  for (const ServerFrame& f : server_frames(received)) {
    EXPECT_FALSE(f.type == 0x3 && f.stream < 201)
        << "stream " << f.stream << " reset, error " << f.first_word;
  }
  EXPECT_TRUE(refused);
  EXPECT_TRUE(eventually([&] { return recorder_.limits(kLimitMaxConcurrentStreams) == 1; }));
  EXPECT_TRUE(seen().empty());
}

class ListenerStopTest : public ListenerTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(ListenerStopTest, InFlightRequestCompletes) {
  start();
  std::future<CommandResult> slow =
      std::async(std::launch::async, [&] { return run(curl(GetParam(), "/slow")); });
  wait_for_slow();
  listener_->stop();
  // No new connection is accepted...
  EXPECT_TRUE(eventually([&] { return !TcpClient(port_).connected(); }));
  // ...but the request in flight gets its answer.
  release_slow();
  const CommandResult result = slow.get();
  EXPECT_EQ(result.status, 0);
  const HttpReply reply = split_reply(result.out);
  EXPECT_EQ(body_json(reply.body).at("path").as_string(), "/slow");
  if (GetParam() == "--http1.1") {
    EXPECT_NE(reply.head.find("\r\nConnection: close\r\n"), std::string::npos) << reply.head;
  }
  EXPECT_TRUE(eventually([&] { return listener_->open_connections() == 0; }));
}

INSTANTIATE_TEST_SUITE_P(Protocols, ListenerStopTest,
                         ::testing::Values(std::string("--http1.1"), std::string("--http2")),
                         [](const auto& info) { return info.param == "--http2" ? "H2" : "H1"; });

TEST_F(ListenerTest, StopClosesIdleConnectionsAtOnce) {
  start();
  TlsClient client(port_, {"http/1.1"});
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(client.send("GET /keep HTTP/1.1\r\nHost: a\r\n\r\n"));
  const std::string reply = client.read_at_least(1);
  ASSERT_TRUE(reply.starts_with("HTTP/1.1 200 OK\r\n"));
  ASSERT_TRUE(eventually([&] { return listener_->open_connections() == 1; }));
  const auto began = std::chrono::steady_clock::now();
  listener_->stop();
  (void)client.read_all();  // ends when the listener closes, long before the 60 s idle timeout
  EXPECT_LT(std::chrono::steady_clock::now() - began, 4s);
  EXPECT_TRUE(eventually([&] { return listener_->open_connections() == 0; }));
}

bool ipv6_loopback_available() {
  const int fd = ::socket(AF_INET6, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in6 address{};
  address.sin6_family = AF_INET6;
  address.sin6_addr = in6addr_loopback;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
}

TEST_F(ListenerTest, Ipv6) {
  ListenerOptions options;
  options.endpoint = {"::1", 0};
  if (!ipv6_loopback_available()) GTEST_SKIP() << "no IPv6 loopback";
  start(options, "::1");
  const std::string port = std::to_string(port_);
  const CommandResult result =
      run("curl -sk -g --max-time 20 --http2 https://[::1]:" + port + "/v6 2>/dev/null");
  ASSERT_EQ(result.status, 0);
  ASSERT_EQ(seen().size(), 1u);
  const CallerCapture capture = seen()[0].capture;
  EXPECT_EQ(capture.peer, "::1");
  expect_syn_of(capture, port_, 6);
}

TEST_F(ListenerTest, StartFailsOnABoundPort) {
  start();
  ListenerOptions options;
  options.endpoint = {"127.0.0.1", port_};
  std::string error;
  auto tls = make_server_tls_context((*dir_ / "cert.pem").string(), (*dir_ / "key.pem").string(),
                                     {"h2", "http/1.1"}, error);
  FingerprintListener second(io_, options, tls, nullptr);
  EXPECT_FALSE(second.start(error));
  EXPECT_NE(error.find("cannot bind 127.0.0.1:" + std::to_string(port_)), std::string::npos)
      << error;
}

}  // namespace
}  // namespace fp::server
