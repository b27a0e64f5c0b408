#include "cli/service/capture_http_output.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <thread>

#include "capture/record_json.h"

namespace fp::cli {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

constexpr std::chrono::seconds kIoTimeout{10};
constexpr std::chrono::milliseconds kFirstRetry{200};
constexpr std::chrono::milliseconds kMaxRetry{5000};

struct Target {
  std::string host, port, path;
};

struct PostResult {
  int status = 0;  // 0: no answer (connection failed, timed out)
  std::string detail;
  uint64_t stored = 0, dropped = 0;
};

// Sends and receives are bounded by socket timeouts: a service that stops answering costs a
// batch kIoTimeout, never a hung sensor.
void set_io_timeouts(asio::ip::tcp::socket& socket) {
  timeval tv{};
  tv.tv_sec = std::chrono::duration_cast<std::chrono::seconds>(kIoTimeout).count();
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

PostResult post(const Target& t, const std::string& api_key, std::string body) {
  PostResult out;
  asio::io_context io;
  asio::ip::tcp::resolver resolver(io);
  asio::ip::tcp::socket socket(io);
  boost::system::error_code ec;
  const auto endpoints = resolver.resolve(t.host, t.port, ec);
  if (!ec) asio::connect(socket, endpoints, ec);
  if (ec) {
    out.detail = t.host + ":" + t.port + ": " + ec.message();
    return out;
  }
  set_io_timeouts(socket);
  http::request<http::string_body> request{http::verb::post, t.path, 11};
  request.set(http::field::host, t.host + ":" + t.port);
  request.set(http::field::content_type, "application/x-ndjson");
  request.set(http::field::user_agent, "fingerprint-capture");
  if (!api_key.empty()) request.set(http::field::authorization, "Bearer " + api_key);
  request.body() = std::move(body);
  request.prepare_payload();
  http::write(socket, request, ec);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  if (!ec) http::read(socket, buffer, response, ec);
  if (ec) {  // a default response says 200: only a read that succeeded has a status
    out.detail = t.host + ":" + t.port + ": " + ec.message();
    return out;
  }
  socket.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  out.status = static_cast<int>(response.result_int());
  out.detail = response.body().substr(0, 300);
  if (out.status == 200) {
    boost::system::error_code jec;
    const auto v = boost::json::parse(response.body(), jec);
    if (!jec && v.is_object()) {
      if (const auto* s = v.as_object().if_contains("stored"); s && s->is_int64()) {
        out.stored = static_cast<uint64_t>(s->as_int64());
      }
      if (const auto* d = v.as_object().if_contains("dropped"); d && d->is_int64()) {
        out.dropped = static_cast<uint64_t>(d->as_int64());
      }
    }
  }
  return out;
}

bool transient(int status) { return status == 0 || status == 429 || status >= 500; }

class HttpOutput final : public CaptureOutput {
 public:
  HttpOutput(Target target, std::string api_key)
      : target_(std::move(target)), api_key_(std::move(api_key)), thread_([this] { run(); }) {}
  ~HttpOutput() override { finish(); }

  void write(capture::StreamRecord&& record, const identify::Identity*) override {
    std::string line = capture::to_json_line(record);
    std::lock_guard lock(mutex_);
    if (queue_.size() >= kMaxQueuedRecords) {
      ++dropped_;
      return;
    }
    queue_.push_back(std::move(line));
    if (queue_.size() >= kBatchRecords) wake_.notify_one();
  }

  void finish() override {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }

  [[nodiscard]] std::string stats_members() const override {
    return ",\"posted_records\":" + std::to_string(posted_.load()) +
           ",\"posted_batches\":" + std::to_string(batches_.load()) +
           ",\"service_stored\":" + std::to_string(stored_.load()) +
           ",\"post_failures\":" + std::to_string(failures_.load()) +
           ",\"records_rejected\":" + std::to_string(rejected_.load()) +
           ",\"records_dropped\":" + std::to_string(dropped_.load()) +
           ",\"records_lost\":" + std::to_string(lost_.load());
  }

 private:
  // Takes the next batch (in order) under the lock.
  std::string take_batch(size_t& count) {
    std::string body;
    count = 0;
    while (!queue_.empty() && count < kBatchRecords &&
           (count == 0 || body.size() + queue_.front().size() < kBatchBytes)) {
      body += queue_.front();
      body += '\n';
      queue_.pop_front();
      ++count;
    }
    return body;
  }

  void run() {
    std::unique_lock lock(mutex_);
    auto retry = kFirstRetry;
    int final_attempts = 0;
    while (true) {
      wake_.wait_for(lock, kBatchInterval,
                     [this] { return stopping_ || queue_.size() >= kBatchRecords; });
      while (!queue_.empty()) {
        size_t count = 0;
        std::string body = take_batch(count);
        lock.unlock();
        const PostResult r = post(target_, api_key_, body);
        lock.lock();
        if (r.status == 200) {
          posted_ += count;
          ++batches_;
          stored_ += r.stored;
          retry = kFirstRetry;
          continue;
        }
        ++failures_;
        report(r);
        if (!transient(r.status)) {
          rejected_ += count;
          continue;
        }
        if (stopping_ && ++final_attempts >= kMaxFinalAttempts) {
          lost_ += count + queue_.size();
          queue_.clear();
          break;
        }
        put_back(body);
        wake_.wait_for(lock, retry);
        retry = std::min(retry * 2, kMaxRetry);
      }
      if (stopping_ && queue_.empty()) return;
    }
  }

  // A batch whose post failed goes back to the front, line by line, in order.
  void put_back(const std::string& body) {
    std::deque<std::string> lines;
    size_t start = 0;
    for (size_t end; (end = body.find('\n', start)) != std::string::npos; start = end + 1) {
      lines.push_back(body.substr(start, end - start));
    }
    queue_.insert(queue_.begin(), lines.begin(), lines.end());
  }

  // Once per kind of failure in a row, so a service that is down does not flood stderr.
  void report(const PostResult& r) {
    const std::string what = std::to_string(r.status) + " " + r.detail;
    if (what == last_report_) return;
    last_report_ = what;
    std::fprintf(stderr, "fingerprint: capture: POST %s: %s\n", target_.path.c_str(),
                 r.status == 0 ? r.detail.c_str() : what.c_str());
  }

  const Target target_;
  const std::string api_key_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::string> queue_;
  bool stopping_ = false;
  std::string last_report_;
  std::atomic<uint64_t> posted_{0}, batches_{0}, stored_{0}, failures_{0}, rejected_{0},
      dropped_{0}, lost_{0};
  std::thread thread_;  // last: starts once every member above exists
};

}  // namespace

std::unique_ptr<CaptureOutput> make_http_output(const std::string& url, const std::string& api_key,
                                                std::string& error) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed || parsed->scheme() != "http" || parsed->host().empty()) {
    error = "--output: expected http://HOST:PORT (https is not supported), got \"" + url + "\"";
    return nullptr;
  }
  Target t;
  t.host = parsed->host_address();  // an IPv6 address without its brackets
  t.port = parsed->has_port() ? std::string(parsed->port()) : "80";
  std::string prefix = parsed->path();
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  t.path = prefix + "/api/v1/observations";
  return std::make_unique<HttpOutput>(std::move(t), api_key);
}

}  // namespace fp::cli
