#include "dhcp/ja4d.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <string_view>

namespace fp::dhcp {
namespace {

// RFC 2132 9.6 and later registrations (RFC 4388, 6926, 7724, 3203, 8926), as FoxIO names them.
constexpr std::array<std::string_view, 19> kV4Types = {
    "00000", "disco", "offer", "reqst", "decln", "dpack", "dpnak", "relse", "infor", "frenw",
    "lqery", "lunas", "lunkn", "lactv", "blklq", "lqdon", "actlq", "lqsta", "dhtls"};

// RFC 8415 7.3 and later registrations, as FoxIO names them.
constexpr std::array<std::string_view, 38> kV6Types = {
    "00000", "solct", "advrt", "reqst", "confm", "renew", "rebnd", "reply", "relse", "decln",
    "recon", "inreq", "rlayf", "rlayr", "query", "qrply", "qdone", "qdata", "rereq", "rrply",
    "v4qry", "v4res", "acqry", "sttls", "bdudp", "brply", "poreq", "pores", "urqst", "ureqa",
    "udone", "conne", "connr", "dconn", "state", "conta", "arinf", "arrep"};

constexpr unsigned kMaxSize = 9999;
constexpr uint8_t kRequestedAddress = 50, kMessageType = 53, kClientFqdn = 81, kEnd = 255;

template <size_t N>
std::string type_name(const std::array<std::string_view, N>& names, unsigned type) {
  if (type < N) return std::string(names[type]);
  char digits[8];
  std::snprintf(digits, sizeof(digits), "%05u", type);
  return digits;
}

std::string four_digits(unsigned v) {
  char digits[8];
  std::snprintf(digits, sizeof(digits), "%04u", std::min(v, kMaxSize));
  return digits;
}

template <typename T>
std::string joined(const std::vector<T>& values) {
  if (values.empty()) return "00";
  std::string out;
  for (T v : values) {
    if (!out.empty()) out += '-';
    out += std::to_string(v);
  }
  return out;
}

bool has(const std::vector<uint8_t>& options, uint8_t code) {
  return std::find(options.begin(), options.end(), code) != options.end();
}

}  // namespace

std::string ja4d(const Dhcpv4Message& m) {
  std::vector<uint8_t> listed;
  for (uint8_t code : m.options) {
    if (code != kRequestedAddress && code != kMessageType && code != kClientFqdn && code != kEnd) {
      listed.push_back(code);
    }
  }
  std::string out = type_name(kV4Types, m.type.value_or(0));
  out += four_digits(m.max_size.value_or(0));
  out += has(m.options, kRequestedAddress) ? 'i' : 'n';
  out += has(m.options, kClientFqdn) ? 'd' : 'n';
  return out + '_' + joined(listed) + '_' + joined(m.parameter_request_list);
}

std::string ja4d(const Dhcpv6Message& m) {
  const bool domain = m.client_fqdn && m.client_fqdn->size() >= 2 && (*m.client_fqdn)[0] == 0 &&
                      (*m.client_fqdn)[1] == 0;
  std::string out = type_name(kV6Types, m.type);
  out += four_digits(m.client_duid_length.value_or(0));
  out += m.ia_address_in_ia ? 'i' : 'n';
  out += domain ? 'd' : 'n';
  return out + '_' + joined(m.options) + '_' + joined(m.option_request_list);
}

}  // namespace fp::dhcp
