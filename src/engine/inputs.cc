#include "engine/inputs.h"

#include <cctype>

#include "capture/record_builders.h"
#include "core/hex.h"
#include "http/http1.h"
#include "http/http2.h"
#include "tcp/packet.h"
#include "tls/client_hello.h"
#include "tls/errors.h"

namespace fp::engine {
namespace {

using capture::StreamRecord;
using Failure = Unexpected<InputError>;

Bytes bytes_of(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

bool looks_like_hex(std::string_view text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (!std::isxdigit(u) && !std::isspace(u) && c != ':') return false;
  }
  return true;
}

std::optional<InputError> add_client_hello(const std::string& bytes, StreamRecord& record) {
  auto hello = tls::parse_client_hello_any(bytes_of(bytes));
  if (!hello) {
    return InputError{"tls_client_hello",
                      "not a ClientHello: " + std::string(tls::describe(hello.error()))};
  }
  record.tls = capture::client_record(*hello);
  return std::nullopt;
}

std::optional<InputError> add_syn(const std::string& bytes, StreamRecord& record) {
  auto packet = tcp::parse_ip_packet(bytes_of(bytes));
  if (!packet) {
    return InputError{"syn", "not an IP packet: " + std::string(tcp::describe(packet.error()))};
  }
  if (packet->transport != tcp::Packet::Transport::kTcp || !packet->tcp.has(tcp::flag::kSyn) ||
      packet->tcp.has(tcp::flag::kAck)) {
    return InputError{"syn", "not a TCP SYN (a SYN without ACK is needed)"};
  }
  record.transport = "tcp";
  record.src = packet->ip.src;
  record.dst = packet->ip.dst;
  record.src_port = packet->tcp.src_port;
  record.dst_port = packet->tcp.dst_port;
  capture::add_syn(*packet, record);
  return std::nullopt;
}

std::optional<InputError> add_http1(const std::string& bytes, StreamRecord& record) {
  const http::Http1Parse parsed = http::parse_http1_request(bytes_of(bytes));
  if (parsed.status == http::ParseStatus::kNeedMore) {
    return InputError{"http_request", "the request head does not end with an empty line"};
  }
  if (parsed.status == http::ParseStatus::kError) {
    return InputError{"http_request", std::string(http::describe(parsed.error))};
  }
  record.http.push_back(capture::http_record(parsed.request));
  return std::nullopt;
}

std::optional<InputError> add_http2(const std::string& bytes, StreamRecord& record) {
  const Bytes b = bytes_of(bytes);
  const bool has_magic = bytes.starts_with(http::kHttp2ClientMagic);
  auto preface = has_magic ? http::parse_http2_preface(b) : http::parse_http2_frames(b);
  if (!preface) {
    return InputError{"http2_frames", std::string(http::describe(preface.error()))};
  }
  capture::add_http2_preface(*preface, record);
  return std::nullopt;
}

}  // namespace

Result<StreamRecord, InputError> record_from_inputs(const RawInputs& in) {
  StreamRecord record;
  std::optional<InputError> error;
  if (in.syn && !error) error = add_syn(*in.syn, record);
  if (in.client_hello && !error) error = add_client_hello(*in.client_hello, record);
  if (in.http1_head && !error) error = add_http1(*in.http1_head, record);
  if (in.http2_frames && !error) error = add_http2(*in.http2_frames, record);
  if (error) return Failure{std::move(*error)};
  return record;
}

std::optional<std::string> decode_bytes(std::string_view text) {
  auto bytes = looks_like_hex(text) ? hex_decode(text) : base64_decode(text);
  if (!bytes) return std::nullopt;
  return std::string(bytes->begin(), bytes->end());
}

std::string http1_head_of(std::string_view method, std::string_view target,
                          std::string_view version,
                          const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string head;
  head.append(method).append(" ").append(target).append(" HTTP/").append(version).append("\r\n");
  for (const auto& [name, value] : headers) head += name + ": " + value + "\r\n";
  head += "\r\n";
  return head;
}

}  // namespace fp::engine
