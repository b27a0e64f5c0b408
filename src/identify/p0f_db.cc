// p0f.fp statements: sections, classes, labels, sys, ua_os and the dispatch of sig lines to the
// field parsers (p0f_db_tcp.cc, p0f_db_http.cc). Follows p0f 3.09b readfp.c, with its FATAL()s
// turned into {line, message} records.

#include <cctype>
#include <cstdlib>

#include "identify/p0f_db.h"
#include "identify/p0f_db_text.h"

namespace fp::identify {
namespace {

enum class Section : uint8_t {
  kNone,
  kTcpRequest,
  kTcpResponse,
  kHttpRequest,
  kHttpResponse,
  kMtu
};

// What the parser expects next, as readfp.c's CF_NEED_* states.
enum class Need : uint8_t { kSection, kLabel, kSys, kSig };

struct Parser {
  P0fDatabase db;
  Section section = Section::kNone;
  Need need = Need::kSection;
  bool label_ok = false;  // the current label parsed; its sigs are dropped otherwise
  std::string mtu_link;
  uint32_t line = 0;
  std::vector<std::string> names;  // OS / application names in first-seen spelling

  void error(std::string message) { db.errors.push_back({line, std::move(message)}); }
};

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || p0f_text::is_one_of(c, " ./-_!?()");
}

std::string parse_section(Parser& p, std::string_view s) {
  static constexpr std::pair<std::string_view, Section> kSections[] = {
      {"[tcp:request]", Section::kTcpRequest},
      {"[tcp:response]", Section::kTcpResponse},
      {"[http:request]", Section::kHttpRequest},
      {"[http:response]", Section::kHttpResponse},
      {"[mtu]", Section::kMtu}};
  for (const auto& [text, section] : kSections) {
    if (s == text) {
      p.section = section;
      p.need = Need::kLabel;
      p.label_ok = false;
      return {};
    }
  }
  return "unrecognized section '" + std::string(s) + "'";
}

std::string parse_classes(Parser& p, std::string_view v) {
  if (p.need != Need::kSection) return "misplaced 'classes'";
  for (std::string_view item : p0f_text::split(v, ',')) {
    item = p0f_text::trim(item);
    if (item.empty()) continue;  // p0f skips runs of blanks and commas
    if (!p0f_text::all_of(item, [](char c) { return std::isalnum(c) != 0; })) {
      return "malformed class entry";
    }
    p.db.classes.emplace_back(item);
  }
  return {};
}

// p0f keeps one spelling per name, compared case-insensitively: the first one seen (in a label,
// sys or ua_os line) is what it prints for every later label of that name.
std::string canonical_name(Parser& p, std::string_view name) {
  for (const auto& n : p.names) {
    if (p0f_text::iequals(n, name)) return n;
  }
  return p.names.emplace_back(name);
}

bool known_class(const Parser& p, std::string_view name) {
  for (const auto& c : p.db.classes) {
    if (p0f_text::iequals(c, name)) return true;
  }
  return false;
}

// "s:unix:Linux:3.11 and newer"; the flavor is everything after the third ':'.
std::string parse_label_text(Parser& p, std::string_view v, P0fLabel& label) {
  if (v.size() < 2 || (v[0] != 's' && v[0] != 'g') || v[1] != ':') return "malformed label";
  label.generic = v[0] == 'g';
  v.remove_prefix(2);
  size_t end = 0;
  while (end < v.size() && (std::isalnum(static_cast<unsigned char>(v[end])) || v[end] == '!')) {
    ++end;
  }
  if (end == 0 || end == v.size() || v[end] != ':') return "malformed class in label";
  label.os_class = std::string(v.substr(0, end));
  if (label.os_class != "!" && !known_class(p, label.os_class)) {
    return "unknown class '" + label.os_class + "'";
  }
  v.remove_prefix(end + 1);
  end = 0;
  while (end < v.size() && is_name_char(v[end])) ++end;
  if (end == 0 || end == v.size() || v[end] != ':') return "malformed name in label";
  label.name = canonical_name(p, v.substr(0, end));
  label.flavor = std::string(v.substr(end + 1));
  return {};
}

std::string parse_label(Parser& p, std::string_view v) {
  if (p.need != Need::kLabel && p.need != Need::kSig) return "misplaced 'label'";
  p.label_ok = false;
  p.need = Need::kSig;
  if (p.section == Section::kMtu) {
    if (v.empty()) return "empty MTU label";
    p.mtu_link = std::string(v);
    p.label_ok = true;
    return {};
  }
  P0fLabel label;
  if (std::string e = parse_label_text(p, v, label); !e.empty()) return e;
  if (label.is_app()) p.need = Need::kSys;
  p.db.labels.push_back(std::move(label));
  p.label_ok = true;
  return {};
}

std::string parse_sys(Parser& p, std::string_view v) {
  if (p.need != Need::kSys) return "misplaced 'sys'";
  p.need = Need::kSig;
  if (!p.label_ok) return {};
  auto& sys = p.db.labels.back().sys;
  for (std::string_view item : p0f_text::split(v, ',')) {
    item = p0f_text::trim(item);
    if (item.empty()) continue;
    std::string_view name = item.starts_with('@') ? item.substr(1) : item;
    if (name.empty() || !p0f_text::all_of(name, is_name_char)) return "malformed sys entry";
    if (item.starts_with('@') && !known_class(p, name)) {
      return "unknown class '" + std::string(name) + "'";
    }
    sys.push_back(item.starts_with('@') ? std::string(item) : canonical_name(p, item));
  }
  return {};
}

std::string parse_ua_os(Parser& p, std::string_view v) {
  if (p.need != Need::kLabel || p.section != Section::kHttpRequest) return "misplaced 'ua_os'";
  for (std::string_view item : p0f_text::split(v, ',')) {
    P0fUaOs entry;
    size_t eq = item.find('=');
    entry.os = std::string(item.substr(0, eq));
    if (eq != std::string_view::npos) {
      std::string_view rest = item.substr(eq + 1);
      if (rest.size() < 3 || rest.front() != '[' || rest.back() != ']') return "malformed ua_os";
      entry.needle = std::string(rest.substr(1, rest.size() - 2));
    }
    if (entry.os.empty() || !p0f_text::all_of(entry.os, is_name_char)) return "malformed ua_os";
    entry.os = canonical_name(p, entry.os);
    if (eq == std::string_view::npos) entry.needle = entry.os;
    p.db.ua_os.push_back(std::move(entry));
  }
  return {};
}

std::string parse_mtu_sig(Parser& p, std::string_view v) {
  if (v.empty() || v.size() > 5 || !p0f_text::all_of(v, [](char c) { return std::isdigit(c); })) {
    return "malformed MTU value";
  }
  long mtu = std::strtol(std::string(v).c_str(), nullptr, 10);
  if (mtu <= 0 || mtu > 65535) return "malformed MTU value";
  p.db.mtu.push_back({p.mtu_link, static_cast<uint16_t>(mtu), p.line});
  return {};
}

template <typename Sig, typename Fn>
std::string add_sig(Parser& p, std::vector<Sig>& list, std::string_view v, Fn parse) {
  Sig sig;
  if (std::string e = parse(v, sig); !e.empty()) return e;
  sig.label = static_cast<uint32_t>(p.db.labels.size() - 1);
  sig.line = p.line;
  list.push_back(std::move(sig));
  return {};
}

std::string parse_sig(Parser& p, std::string_view v) {
  if (p.need != Need::kSig) return "misplaced 'sig'";
  if (!p.label_ok) return {};  // the label's error was reported already
  switch (p.section) {
    case Section::kTcpRequest:
      return add_sig(p, p.db.tcp_request, v, parse_p0f_tcp_sig);
    case Section::kTcpResponse:
      return add_sig(p, p.db.tcp_response, v, parse_p0f_tcp_sig);
    case Section::kHttpRequest:
      return add_sig(p, p.db.http_request, v, parse_p0f_http_sig);
    case Section::kHttpResponse:
      return add_sig(p, p.db.http_response, v, parse_p0f_http_sig);
    case Section::kMtu:
      return parse_mtu_sig(p, v);
    case Section::kNone:
      break;
  }
  return "misplaced 'sig'";
}

std::string parse_statement(Parser& p, std::string_view s) {
  if (s.front() == '[') return parse_section(p, s);
  size_t name_end = 0;
  while (name_end < s.size() &&
         (std::isalpha(static_cast<unsigned char>(s[name_end])) || s[name_end] == '_')) {
    ++name_end;
  }
  std::string_view name = s.substr(0, name_end);
  std::string_view rest = p0f_text::trim_leading_blanks(s.substr(name_end));
  if (name.empty() || !rest.starts_with('=')) return "unexpected statement";
  std::string_view value = p0f_text::trim_leading_blanks(rest.substr(1));
  if (name == "classes") return parse_classes(p, value);
  if (name == "ua_os") return parse_ua_os(p, value);
  if (name == "label") return parse_label(p, value);
  if (name == "sys") return parse_sys(p, value);
  if (name == "sig") return parse_sig(p, value);
  return "unrecognized field '" + std::string(name) + "'";
}

}  // namespace

std::string P0fLabel::display() const { return flavor.empty() ? name : name + " " + flavor; }

P0fDatabase parse_p0f_database(std::string_view text) {
  Parser p;
  for (std::string_view line : p0f_text::split(text, '\n')) {
    ++p.line;
    // p0f keeps trailing blanks in values; a CR from a DOS editor would break every sig.
    if (line.ends_with('\r')) line.remove_suffix(1);
    line = p0f_text::trim_leading_blanks(line);
    if (line.empty() || line.front() == ';') continue;
    if (std::string e = parse_statement(p, line); !e.empty()) p.error(std::move(e));
  }
  return std::move(p.db);
}

}  // namespace fp::identify
