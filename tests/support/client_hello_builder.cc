#include "support/client_hello_builder.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>

namespace fp::test {
namespace {

void put8(Wire& w, size_t v) { w.push_back(static_cast<uint8_t>(v)); }
void put16(Wire& w, size_t v) {
  put8(w, v >> 8);
  put8(w, v);
}
void put24(Wire& w, size_t v) {
  put8(w, v >> 16);
  put16(w, v & 0xffff);
}
void append(Wire& w, std::span<const uint8_t> b) { w.insert(w.end(), b.begin(), b.end()); }

Wire prefixed16(std::span<const uint8_t> b) {
  Wire w;
  put16(w, b.size());
  append(w, b);
  return w;
}

Wire prefixed8(std::span<const uint8_t> b) {
  Wire w;
  put8(w, b.size());
  append(w, b);
  return w;
}

Wire u16s(const std::vector<uint16_t>& values, uint16_t grease_first) {
  Wire w;
  if (grease_first != 0) put16(w, grease_first);
  for (uint16_t v : values) put16(w, v);
  return w;
}

std::vector<uint16_t> numbers(std::string_view field) {
  std::vector<uint16_t> out;
  while (!field.empty()) {
    const size_t dash = field.find('-');
    const std::string_view item = field.substr(0, dash);
    unsigned v = 0;
    std::from_chars(item.data(), item.data() + item.size(), v);
    out.push_back(static_cast<uint16_t>(v));
    field = dash == std::string_view::npos ? std::string_view() : field.substr(dash + 1);
  }
  return out;
}

}  // namespace

Wire from_hex(std::string_view hex) {
  Wire out;
  int high = -1;
  for (char c : hex) {
    int v = -1;
    if (c >= '0' && c <= '9') v = c - '0';
    if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    if (v < 0) {
      if (c == ' ' || c == '\n' || c == '\t' || c == ':') continue;
      std::fprintf(stderr, "from_hex: bad character '%c'\n", c);
      std::abort();
    }
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<uint8_t>(high << 4 | v));
      high = -1;
    }
  }
  return out;
}

Wire records(uint8_t content_type, std::span<const uint8_t> payload, size_t max_fragment,
             uint16_t record_version) {
  Wire w;
  size_t pos = 0;
  do {
    const size_t n = std::min(max_fragment, payload.size() - pos);
    put8(w, content_type);
    put16(w, record_version);
    put16(w, n);
    append(w, payload.subspan(pos, n));
    pos += n;
  } while (pos < payload.size());
  return w;
}

Wire handshake_message(uint8_t type, std::span<const uint8_t> body) {
  Wire w;
  put8(w, type);
  put24(w, body.size());
  append(w, body);
  return w;
}

Wire change_cipher_spec(uint16_t record_version) {
  const uint8_t one[1] = {1};
  return records(20, one, 16384, record_version);
}

Wire concat(std::initializer_list<std::span<const uint8_t>> parts) {
  Wire w;
  for (auto p : parts) append(w, p);
  return w;
}

ClientHelloBuilder& ClientHelloBuilder::version(uint16_t v) {
  version_ = v;
  return *this;
}
ClientHelloBuilder& ClientHelloBuilder::random(Wire r) {
  random_ = std::move(r);
  return *this;
}
ClientHelloBuilder& ClientHelloBuilder::session_id(Wire id) {
  session_id_ = std::move(id);
  return *this;
}
ClientHelloBuilder& ClientHelloBuilder::ciphers(std::vector<uint16_t> suites) {
  ciphers_ = std::move(suites);
  return *this;
}
ClientHelloBuilder& ClientHelloBuilder::compression(Wire methods) {
  compression_ = std::move(methods);
  return *this;
}
ClientHelloBuilder& ClientHelloBuilder::grease(uint16_t value) {
  grease_ = value;
  return *this;
}
ClientHelloBuilder& ClientHelloBuilder::no_extension_block() {
  extension_block_ = false;
  return *this;
}

ClientHelloBuilder& ClientHelloBuilder::typed(uint16_t type, Body body) {
  extensions_.push_back({type, std::move(body)});
  return *this;
}

ClientHelloBuilder& ClientHelloBuilder::extension(uint16_t type, Wire data) {
  return typed(type, [data](uint16_t) { return data; });
}

ClientHelloBuilder& ClientHelloBuilder::sni(std::string_view host) {
  Wire entry{0};
  put16(entry, host.size());
  entry.insert(entry.end(), host.begin(), host.end());
  return extension(0x0000, prefixed16(entry));
}

ClientHelloBuilder& ClientHelloBuilder::alpn(std::vector<std::string> protocols) {
  Wire list;
  for (const std::string& p : protocols) {
    put8(list, p.size());
    list.insert(list.end(), p.begin(), p.end());
  }
  return extension(0x0010, prefixed16(list));
}

ClientHelloBuilder& ClientHelloBuilder::supported_versions(std::vector<uint16_t> versions) {
  return typed(0x002b, [versions](uint16_t g) { return prefixed8(u16s(versions, g)); });
}

ClientHelloBuilder& ClientHelloBuilder::supported_groups(std::vector<uint16_t> groups) {
  return typed(0x000a, [groups](uint16_t g) { return prefixed16(u16s(groups, g)); });
}

ClientHelloBuilder& ClientHelloBuilder::ec_point_formats(Wire formats) {
  return extension(0x000b, prefixed8(formats));
}

ClientHelloBuilder& ClientHelloBuilder::signature_algorithms(std::vector<uint16_t> algs) {
  return typed(0x000d, [algs](uint16_t g) { return prefixed16(u16s(algs, g)); });
}

ClientHelloBuilder& ClientHelloBuilder::key_share(
    std::vector<std::pair<uint16_t, size_t>> group_and_key_size) {
  return typed(0x0033, [group_and_key_size](uint16_t g) {
    Wire list;
    if (g != 0) {
      put16(list, g);
      put16(list, 1);
      put8(list, 0);
    }
    for (auto [group, size] : group_and_key_size) {
      put16(list, group);
      append(list, prefixed16(Wire(size, 0x5a)));
    }
    return prefixed16(list);
  });
}

ClientHelloBuilder& ClientHelloBuilder::psk_key_exchange_modes(Wire modes) {
  return extension(0x002d, prefixed8(modes));
}

ClientHelloBuilder& ClientHelloBuilder::compress_certificate(std::vector<uint16_t> algs) {
  return extension(0x001b, prefixed8(u16s(algs, 0)));
}

ClientHelloBuilder& ClientHelloBuilder::padding(size_t size) {
  return extension(0x0015, Wire(size, 0));
}

ClientHelloBuilder& ClientHelloBuilder::session_ticket(Wire ticket) {
  return extension(0x0023, std::move(ticket));
}

ClientHelloBuilder& ClientHelloBuilder::early_data() { return extension(0x002a, {}); }

ClientHelloBuilder& ClientHelloBuilder::pre_shared_key(size_t identity_size) {
  Wire identities = prefixed16(Wire(identity_size, 0x77));
  put16(identities, 0);  // obfuscated_ticket_age, 32 bits
  put16(identities, 0);
  Wire binders = prefixed8(Wire(32, 0x66));
  return extension(0x0029, concat({prefixed16(identities), prefixed16(binders)}));
}

Wire ClientHelloBuilder::body() const {
  Wire w;
  put16(w, version_);
  append(w, random_);
  append(w, prefixed8(session_id_));
  append(w, prefixed16(u16s(ciphers_, grease_)));
  append(w, prefixed8(compression_));
  if (!extension_block_) return w;
  Wire exts;
  const uint16_t last_grease = grease_ == 0 ? 0 : static_cast<uint16_t>(grease_ ^ 0x1010);
  if (grease_ != 0) put16(exts, grease_), put16(exts, 0);
  for (const Ext& e : extensions_) {
    if (grease_ != 0 && e.type == 0x0029) put16(exts, last_grease), put16(exts, 1), put8(exts, 0);
    put16(exts, e.type);
    append(exts, prefixed16(e.body(grease_)));
  }
  const bool psk_last = !extensions_.empty() && extensions_.back().type == 0x0029;
  if (grease_ != 0 && !psk_last) put16(exts, last_grease), put16(exts, 1), put8(exts, 0);
  append(w, prefixed16(exts));
  return w;
}

Wire ClientHelloBuilder::message() const { return handshake_message(1, body()); }

Wire ClientHelloBuilder::record(uint16_t record_version, size_t max_fragment) const {
  return records(22, message(), max_fragment, record_version);
}

ClientHelloBuilder ClientHelloBuilder::from_ja3(std::string_view ja3) {
  std::vector<std::string_view> fields;
  for (size_t start = 0;;) {
    const size_t comma = ja3.find(',', start);
    fields.push_back(ja3.substr(start, comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  fields.resize(5);
  ClientHelloBuilder b;
  const auto version = numbers(fields[0]);
  b.version(version.empty() ? 0x0303 : version[0]).ciphers(numbers(fields[1]));
  if (fields[2].empty()) b.no_extension_block();
  for (uint16_t type : numbers(fields[2])) {
    if (type == 0x000a) {
      b.supported_groups(numbers(fields[3]));
    } else if (type == 0x000b) {
      Wire formats;
      for (uint16_t f : numbers(fields[4])) formats.push_back(static_cast<uint8_t>(f));
      b.ec_point_formats(formats);
    } else {
      b.extension(type, {});
    }
  }
  return b;
}

ServerHelloBuilder& ServerHelloBuilder::version(uint16_t v) {
  version_ = v;
  return *this;
}
ServerHelloBuilder& ServerHelloBuilder::cipher(uint16_t suite) {
  cipher_ = suite;
  return *this;
}
ServerHelloBuilder& ServerHelloBuilder::hello_retry_request() {
  random_ = from_hex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");
  return *this;
}
ServerHelloBuilder& ServerHelloBuilder::extension(uint16_t type, Wire data) {
  extensions_.emplace_back(type, std::move(data));
  return *this;
}
ServerHelloBuilder& ServerHelloBuilder::selected_version(uint16_t v) {
  Wire w;
  put16(w, v);
  return extension(0x002b, w);
}
ServerHelloBuilder& ServerHelloBuilder::alpn(std::string_view protocol) {
  Wire list;
  put8(list, protocol.size());
  list.insert(list.end(), protocol.begin(), protocol.end());
  return extension(0x0010, prefixed16(list));
}

Wire ServerHelloBuilder::body() const {
  Wire w;
  put16(w, version_);
  append(w, random_);
  put8(w, 0);  // empty session id
  put16(w, cipher_);
  put8(w, 0);
  if (extensions_.empty()) return w;
  Wire exts;
  for (const auto& [type, data] : extensions_) {
    put16(exts, type);
    append(exts, prefixed16(data));
  }
  append(w, prefixed16(exts));
  return w;
}

Wire ServerHelloBuilder::message() const { return handshake_message(2, body()); }

Wire ServerHelloBuilder::record(uint16_t record_version) const {
  return records(22, message(), 16384, record_version);
}

ClientHelloBuilder ja4_spec_example_hello(bool with_sigalgs) {
  ClientHelloBuilder b;
  b.ciphers({0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014,
             0x009c, 0x009d, 0x002f, 0x0035})
      .compress_certificate({2})
      .sni("example.com")
      .key_share({{0x001d, 32}})
      .alpn({"h2", "http/1.1"})
      .extension(0x4469, {0, 3, 2, 'h', '2'})
      .extension(0x0017, {})
      .psk_key_exchange_modes({1});
  b.signature_algorithms(with_sigalgs ? std::vector<uint16_t>{0x0403, 0x0804, 0x0401, 0x0503,
                                                              0x0805, 0x0501, 0x0806, 0x0601}
                                      : std::vector<uint16_t>{});
  b.extension(0x0005, {1, 0, 0, 0, 0})
      .session_ticket()
      .extension(0x0012, {})
      .supported_versions({0x0304, 0x0303})
      .extension(0xff01, {0})
      .ec_point_formats({0})
      .supported_groups({0x001d, 0x0017, 0x0018})
      .padding(10);
  return b;
}

}  // namespace fp::test
