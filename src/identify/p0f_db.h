#pragma once
// p0f v3 fingerprint database (p0f.fp, as p0f 3.09b's readfp.c reads it), parsed from its text.
// No I/O: the caller reads the file (Debian installs it as /etc/p0f/p0f.fp).
//
// Format: one statement a line, leading blanks skipped, ';' starts a comment line.
//   classes = win,unix,other          before the first section
//   [tcp:request] [tcp:response] [http:request] [http:response] [mtu]
//   label = s|g:class:name:flavor     s = specific, g = generic; class "!" = application
//   label = Ethernet or modem         ([mtu]: the link name)
//   sys   = Windows,@unix             after an application label: the systems it runs on
//   sig   = ...                       one or more after a label
//   ua_os = Linux,iOS=[iPad],...      [http:request] only: OS names looked for in User-Agent
// TCP sig:  ver:ittl:olen:mss:wsize,scale:olayout:quirks:pclass  (see P0fTcpSig)
// HTTP sig: ver:horder:habsent:expsw                              (see P0fHttpSig)
// MTU sig:  the MTU as a number
//
// Errors: p0f stops at the first bad line; we report each as {line, message}, skip that line and
// go on, so a bad edit never takes a running service down. A bad label also drops the sigs that
// follow it until the next label. p0f's check that a sig is not already covered by an earlier
// one is not repeated here: the earlier sig simply wins, as it would in p0f.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fp::identify {

struct P0fLabel {
  bool generic = false;          // "g:" label: used only when no specific sig matches
  std::string os_class;          // one of `classes`, or "!" for an application
  std::string name;              // "Linux"
  std::string flavor;            // "3.11 and newer"; may be empty
  std::vector<std::string> sys;  // application labels: "Windows", "@unix" (class), ...
  [[nodiscard]] bool is_app() const noexcept { return os_class == "!"; }
  // "Linux 3.11 and newer", as p0f prints a label in its os= / app= field.
  [[nodiscard]] std::string display() const;
};

enum class P0fWindow : uint8_t {
  kAny,    // "*"
  kValue,  // "8192": exactly this window
  kMod,    // "%8192": a multiple of this
  kMss,    // "mss*20": 20 times the MSS (p0f's multiplier rules, see p0f_match.h)
  kMtu,    // "mtu*4": 4 times the MTU
};

struct P0fTcpSig {
  uint32_t label = 0;      // index into P0fDatabase::labels
  uint32_t line = 0;       // 1-based line in p0f.fp
  int8_t ip_version = -1;  // 4, 6, or -1 for "*"
  uint8_t ttl = 0;         // initial TTL, "+N" added (p0f folds a distance into it)
  bool bad_ttl = false;    // "64-": the TTL is random; match only if the packet's is lower
  uint8_t ip_options_length = 0;
  int32_t mss = -1;  // -1 for "*"
  P0fWindow window_type = P0fWindow::kAny;
  uint16_t window = 0;           // value, modulus or multiplier, by window_type
  int16_t scale = -1;            // -1 for "*"
  std::vector<uint8_t> olayout;  // TCP option kinds in order: 0 eol, 1 nop, 2 mss, 3 ws, ...
  uint8_t eol_pad = 0;           // "eol+N": bytes after EOL
  uint32_t quirks = 0;           // tcp::P0fQuirk bits
  int8_t payload = -1;           // pclass: 0, 1 ("+") or -1 ("*")
};

struct P0fHttpHeader {
  std::string name;   // as written; p0f compares names case-sensitively
  std::string value;  // "=[...]": must occur in the header's value (substring)
  bool has_value = false;
  bool optional = false;  // "?Name": may be absent, but if present must be in this place
};

struct P0fHttpSig {
  uint32_t label = 0;
  uint32_t line = 0;
  int8_t http_version = -1;            // 0 (HTTP/1.0), 1 (HTTP/1.1) or -1 for "*"
  std::vector<P0fHttpHeader> headers;  // horder: in this order, others may sit in between
  std::vector<std::string> absent;     // habsent: none of these may appear
  std::string software;                // expsw: expected in User-Agent / Server, else dishonest
};

struct P0fMtuSig {
  std::string link;  // the [mtu] label
  uint16_t mtu = 0;
  uint32_t line = 0;
};

struct P0fUaOs {
  std::string os;      // OS name as in labels ("iOS")
  std::string needle;  // text looked for in User-Agent ("iPad"); the name itself when absent
};

struct P0fDbError {
  uint32_t line = 0;
  std::string message;
  bool operator==(const P0fDbError&) const = default;
};

// Section limits, as p0f's config.h has them.
inline constexpr size_t kP0fMaxTcpOptions = 24;   // MAX_TCP_OPT
inline constexpr size_t kP0fMaxHttpHeaders = 32;  // HTTP_MAX_HDRS

struct P0fDatabase {
  std::vector<std::string> classes;  // "win", "unix", "other"
  std::vector<P0fLabel> labels;
  std::vector<P0fTcpSig> tcp_request, tcp_response;  // file order: first match wins
  std::vector<P0fHttpSig> http_request, http_response;
  std::vector<P0fMtuSig> mtu;
  std::vector<P0fUaOs> ua_os;
  std::vector<P0fDbError> errors;  // empty when every line parsed
};

[[nodiscard]] P0fDatabase parse_p0f_database(std::string_view text);

// The field parsers, for tests and for tools that take one signature on the command line.
// Each returns an empty string on success, else what is wrong.
[[nodiscard]] std::string parse_p0f_tcp_sig(std::string_view text, P0fTcpSig& out);
[[nodiscard]] std::string parse_p0f_http_sig(std::string_view text, P0fHttpSig& out);
// "mss,nop,ws,sok,sack,ts,eol+N,?K" -> kinds; text is the whole olayout field (may be empty).
[[nodiscard]] std::string parse_p0f_olayout(std::string_view text, std::vector<uint8_t>& kinds,
                                            uint8_t& eol_pad);

}  // namespace fp::identify
