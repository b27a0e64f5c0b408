// tls-client profile export (testdata/profiles/tls-client-export/README.md): one JSON file per
// profile, named like chrome_133_PSK or safari_ios_18_5. Identity comes from the file name;
// the ClientHello from `cipher_suites` and the typed `extensions`. These profiles imitate
// clients, so values that cannot be on the wire are reported and left out.
#include <array>
#include <utility>

#include "identify/importers.h"
#include "identify/importers_hello.h"
#include "identify/importers_names.h"
#include "identify/importers_tree.h"
#include "identify/vocabulary.h"

namespace fp::identify {
namespace {

// tls-client's extension type names and their IANA code points.
constexpr std::array<std::pair<std::string_view, uint16_t>, 24> kExtensions = {{
    {"SNI", 0},
    {"StatusRequest", 5},
    {"SupportedCurves", 10},
    {"SupportedPoints", 11},
    {"SignatureAlgorithms", 13},
    {"ALPN", 16},
    {"SCT", 18},
    {"Padding", 21},
    {"ExtendedMasterSecret", 23},
    {"CompressCertificate", 27},
    {"RecordSizeLimit", 28},
    {"DelegatedCredentials", 34},
    {"SessionTicket", 35},
    {"PreSharedKey", 41},
    {"FakePreSharedKey", 41},
    {"EarlyData", 42},
    {"SupportedVersions", 43},
    {"PSKKeyExchangeModes", 45},
    {"KeyShare", 51},
    {"ApplicationSettings", 17513},
    {"ApplicationSettingsNew", 17613},
    {"ECH", 65037},
    {"RenegotiationInfo", 65281},
    {"GREASE", kGreasePlaceholder},
}};

std::optional<uint16_t> extension_type(std::string_view name) {
  for (const auto& [n, code] : kExtensions) {
    if (n == name) return code;
  }
  return std::nullopt;
}

struct Reader {
  const SourceText& file;
  ImportResult& out;

  std::vector<uint16_t> numbers(const TreeNode* list, std::string_view what) {
    std::vector<uint16_t> values;
    for (const TreeNode& n : list ? list->items : std::vector<TreeNode>{}) {
      if (auto v = parse_code_point(n.scalar)) {
        values.push_back(*v);
      } else {
        out.issues.push_back(
            {file.name, n.line,
             "not a wire " + std::string(what) + ": '" + n.scalar + "'; left out"});
      }
    }
    return values;
  }

  HelloFields hello(const TreeNode& root) {
    HelloFields f;
    f.ciphers = numbers(root.get("cipher_suites"), "cipher suite");
    const TreeNode* exts = root.get("extensions");
    for (const TreeNode& e : exts ? exts->items : std::vector<TreeNode>{}) {
      const auto type = extension_type(e.text("type"));
      if (!type) {
        out.issues.push_back(
            {file.name, e.line, "unknown extension type '" + std::string(e.text("type")) + "'"});
        continue;
      }
      f.extensions.push_back(*type);
      const TreeNode* data = e.get("data");
      if (*type == 10) f.groups = numbers(data, "group");
      if (*type == 13) f.sig_algs = numbers(data, "signature algorithm");
      if (*type == 43) f.versions = numbers(data, "version");
      if (*type == 11) {
        for (uint16_t p : numbers(data, "point format")) f.point_formats.push_back(uint8_t(p));
      }
      if (*type == 16 && data != nullptr) {
        for (const TreeNode& a : data->items) f.alpn.push_back(a.scalar);
      }
    }
    return f;
  }
};

std::vector<std::string> split_stem(std::string_view stem) {
  std::vector<std::string> parts;
  for (size_t start = 0;;) {
    const size_t at = stem.find('_', start);
    parts.emplace_back(stem.substr(start, at - start));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

bool is_number(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// chrome_116_PSK_PQ, safari_ios_18_5, okhttp4_android_13, nike_android_mobile.
void identity_from_name(std::string_view stem, Profile& p) {
  std::vector<std::string> parts = split_stem(stem);
  std::string family = parts[0];
  std::string version;
  if (family.rfind("okhttp", 0) == 0) {
    version = family.substr(6);  // okhttp4: the library's major version
    family = "okhttp";
  }
  set_family(family, p);
  if (p.name.empty() && is_client_name(family + "-app")) {
    p.name = family + "-app";
    p.kind = "app";
  }
  if (p.name.empty()) p.label = stem;
  std::string notes;
  for (size_t i = 1; i < parts.size(); ++i) {
    const std::string& w = parts[i];
    if (is_number(w) && p.os == "Android" && p.os_flavor.empty() && family == "okhttp") {
      p.os_flavor = w;
    } else if (is_number(w) && p.kind != "app") {
      version += (version.empty() ? "" : ".") + w;
    } else if (w == "ios" || w == "ipad" || w == "android") {
      set_os(w, p);
    } else {
      notes += (notes.empty() ? "" : " ") + w;  // PSK, PQ, mobile, custom
    }
  }
  p.version = version;
  if (!notes.empty()) p.notes = "tls-client variant: " + notes;
  // An app's TLS stack is the platform's.
  if (p.kind == "app") p.tls_library = p.os == "iOS" ? "apple" : "boringssl";
}

}  // namespace

ImportResult import_tls_client(const SourceText& file) {
  ImportResult out;
  const TreeDocuments docs = parse_tree(file.text);
  for (const TreeError& e : docs.errors) out.issues.push_back({file.name, e.line, e.message});
  if (docs.documents.size() != 1 || docs.documents[0].kind != TreeNode::Kind::kMap) {
    out.issues.push_back({file.name, 0, "not one JSON object; skipped"});
    return out;
  }
  std::string stem = file.name.substr(file.name.find_last_of('/') + 1);
  stem = stem.substr(0, stem.rfind(".json"));
  Profile p;
  p.id = to_profile_id("tls-client-" + stem);
  identity_from_name(stem, p);
  p.source = "tls-client export " + file.name;
  const HelloFields hello = Reader{file, out}.hello(docs.documents[0]);
  // 17 of the 66 exported files are one byte-identical placeholder hello without a key share,
  // under Safari and iOS-app names; 12 another under Firefox names. Imported, they taught the
  // classifier that a hello no client sends is Safari, mms-app, mesh-app... (model-card.md).
  if (const auto defect = hello_defect(hello)) {
    out.issues.push_back({file.name, 0, *defect + "; not a client's hello, profile skipped"});
    return out;
  }
  add_hello_fields(hello, p);
  out.profiles.push_back(std::move(p));
  return out;
}

}  // namespace fp::identify
