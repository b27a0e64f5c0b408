// curl-impersonate signatures (testdata/profiles/curl-impersonate/README.md): one YAML document
// per browser, lwthiker's forks several per file. The ClientHello fields become JA4/JA3N, the
// HTTP/2 frames (lexiforest only) the Akamai string, the header lines the header order.
#include <array>
#include <charconv>
#include <string>
#include <utility>

#include "http/akamai.h"
#include "identify/importers.h"
#include "identify/importers_hello.h"
#include "identify/importers_names.h"
#include "identify/importers_tree.h"

namespace fp::identify {
namespace {

// Extension names the files use, with their IANA code points (the README's table).
constexpr std::array<std::pair<std::string_view, uint16_t>, 22> kExtensions = {{
    {"server_name", 0},
    {"status_request", 5},
    {"supported_groups", 10},
    {"ec_point_formats", 11},
    {"signature_algorithms", 13},
    {"application_layer_protocol_negotiation", 16},
    {"signed_certificate_timestamp", 18},
    {"padding", 21},
    {"extended_master_secret", 23},
    {"compress_certificate", 27},
    {"record_size_limit", 28},
    {"delegated_credentials", 34},
    {"session_ticket", 35},
    {"pre_shared_key", 41},
    {"supported_versions", 43},
    {"psk_key_exchange_modes", 45},
    {"keyshare", 51},
    {"application_settings", 17513},
    {"application_settings_new", 17613},
    {"encrypted_client_hello", 65037},
    {"renegotiation_info", 65281},
    {"GREASE", kGreasePlaceholder},
}};

struct Context {
  const SourceText& file;
  ImportResult& out;
  void issue(size_t line, std::string message) {
    out.issues.push_back({file.name, line, std::move(message)});
  }
};

std::vector<uint16_t> code_points(const TreeNode* list, Context& cx, std::string_view what) {
  std::vector<uint16_t> out;
  if (list == nullptr) return out;
  for (const TreeNode& item : list->items) {
    if (auto v = parse_code_point(item.scalar)) {
      out.push_back(*v);
    } else {
      cx.issue(item.line, "not a 16-bit " + std::string(what) + ": '" + item.scalar + "'");
    }
  }
  return out;
}

std::optional<uint16_t> extension_type(std::string_view name) {
  for (const auto& [n, code] : kExtensions) {
    if (n == name) return code;
  }
  return parse_code_point(name);
}

HelloFields hello_fields(const TreeNode& tls, Context& cx) {
  HelloFields f;
  f.legacy_version = parse_code_point(tls.text("handshake_version")).value_or(0x0303);
  f.ciphers = code_points(tls.get("ciphersuites"), cx, "cipher suite");
  const TreeNode* exts = tls.get("extensions");
  for (const TreeNode& e : exts ? exts->items : std::vector<TreeNode>{}) {
    const auto type = extension_type(e.text("type"));
    if (!type) {
      cx.issue(e.line, "unknown extension '" + std::string(e.text("type")) + "'; left out");
      continue;
    }
    f.extensions.push_back(*type);
    if (*type == 10) f.groups = code_points(e.get("supported_groups"), cx, "group");
    if (*type == 13) f.sig_algs = code_points(e.get("sig_hash_algs"), cx, "signature algorithm");
    if (*type == 43) f.versions = code_points(e.get("supported_versions"), cx, "version");
    if (*type == 11) {
      for (uint16_t p : code_points(e.get("ec_point_formats"), cx, "point format")) {
        f.point_formats.push_back(static_cast<uint8_t>(p));
      }
    }
    if (const TreeNode* alpn = e.get("alpn_list"); *type == 16 && alpn != nullptr) {
      for (const TreeNode& a : alpn->items) f.alpn.push_back(a.scalar);
    }
  }
  return f;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return out;
}

// The names of "name: value" header lines, and the User-Agent's value.
void add_headers(const TreeNode* pseudo, const TreeNode* headers, Profile& p) {
  std::string order;
  auto add = [&](std::string_view name) { order += (order.empty() ? "" : ",") + lower(name); };
  for (const TreeNode& h : pseudo ? pseudo->items : std::vector<TreeNode>{}) add(h.scalar);
  for (const TreeNode& h : headers ? headers->items : std::vector<TreeNode>{}) {
    const size_t colon = h.scalar.find(':', 1);
    const std::string name = h.scalar.substr(0, colon);
    add(name);
    if (lower(name) == "user-agent" && colon != std::string::npos) {
      const size_t value = h.scalar.find_first_not_of(' ', colon + 1);
      p.user_agent = value == std::string::npos ? "" : h.scalar.substr(value);
    }
  }
  if (!order.empty()) p.header_orders.push_back(order);
}

// lexiforest's `frames`: SETTINGS, WINDOW_UPDATE and HEADERS as a record for akamai_fingerprint.
void add_frames(const TreeNode& frames, Profile& p, Context& cx) {
  http::Http2Preface preface;
  bool settings_seen = false;
  for (const TreeNode& f : frames.items) {
    const std::string_view type = f.text("frame_type");
    if (type == "SETTINGS" && f.get("settings") != nullptr) {
      for (const TreeNode& s : f.get("settings")->items) {
        const auto id = parse_code_point(s.text("key"));
        unsigned long value = 0;
        const std::string_view v = s.text("value");
        if (!id || std::from_chars(v.data(), v.data() + v.size(), value).ec != std::errc() ||
            value > 0xffffffffUL) {
          cx.issue(s.line, "bad SETTINGS entry; left out");
          continue;
        }
        preface.settings.push_back({*id, static_cast<uint32_t>(value)});
        settings_seen = true;
      }
    } else if (type == "WINDOW_UPDATE" && f.text("stream_id") == "0") {
      preface.window_updates.push_back(
          static_cast<uint32_t>(std::stoul("0" + std::string(f.text("window_size_increment")))));
    } else if (type == "HEADERS" && !preface.request) {
      preface.request.emplace();
      if (const TreeNode* pseudo = f.get("pseudo_headers")) {
        for (const TreeNode& h : pseudo->items) preface.request->headers.push_back({h.scalar, ""});
      }
      add_headers(f.get("pseudo_headers"), f.get("headers"), p);
    }
  }
  // Without SETTINGS the Akamai string would be made up; lwthiker-style files have none.
  if (!settings_seen) return;
  const std::string akamai = http::akamai_fingerprint(preface).raw;
  p.of(FingerprintKind::kAkamai).push_back(akamai);
  p.h2_settings = akamai.substr(0, akamai.find('|'));
}

}  // namespace

ImportResult import_curl_impersonate(const SourceText& file) {
  ImportResult out;
  Context cx{file, out};
  const TreeDocuments docs = parse_tree(file.text);
  for (const TreeError& e : docs.errors) cx.issue(e.line, e.message);
  const bool lwthiker = file.name.find("lwthiker") != std::string::npos;
  for (const TreeNode& doc : docs.documents) {
    const TreeNode* browser = doc.get("browser");
    const TreeNode* sig = doc.get("signature");
    const TreeNode* tls = sig ? sig->get("tls_client_hello") : nullptr;
    if (browser == nullptr || tls == nullptr) {
      cx.issue(doc.line, "document without browser or signature.tls_client_hello; skipped");
      continue;
    }
    Profile p;
    std::string stem = std::string(doc.text("name"));
    if (stem.empty()) {
      stem = file.name.substr(file.name.find_last_of('/') + 1);
      stem = stem.substr(0, stem.rfind(".yaml"));
    }
    p.id = to_profile_id((lwthiker ? "lwthiker-" : "lexiforest-") + stem);
    p.line = doc.line;
    set_browser_identity(browser->text("name"), browser->text("os"), p);
    p.version = browser->text("version");
    p.source = "curl-impersonate " + file.name;
    const HelloFields hello = hello_fields(*tls, cx);
    if (const auto defect = hello_defect(hello)) {
      cx.issue(doc.line, *defect + "; not a client's hello, skipped");
      continue;
    }
    add_hello_fields(hello, p);
    const TreeNode* h2 = sig->get("http2");
    if (h2 != nullptr && h2->get("frames") != nullptr) {
      add_frames(*h2->get("frames"), p, cx);
    } else if (h2 != nullptr) {
      add_headers(h2->get("pseudo_headers"), h2->get("headers"), p);
    }
    out.profiles.push_back(std::move(p));
  }
  return out;
}

}  // namespace fp::identify
