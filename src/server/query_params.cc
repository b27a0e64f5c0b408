#include "server/query_params.h"

#include <cstdio>
#include <ctime>
#include <optional>
#include <string>

#include "server/problem.h"

namespace fp::server {
namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// "YYYY-MM-DDTHH:MM:SS[.fff][Z|+HH:MM|-HH:MM]" -> Unix ms.
std::optional<int64_t> parse_rfc3339(const std::string& text) {
  int year, month, day, hour, minute, second, consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%*1[Tt ]%2d:%2d:%2d%n", &year, &month, &day, &hour,
                  &minute, &second, &consumed) != 6 ||
      consumed != 19) {
    return std::nullopt;
  }
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1] ||
      (month == 2 && day == 29 && !leap) || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;  // timegm() would roll 30 February over into March
  }
  std::string_view rest = std::string_view(text).substr(19);
  int64_t millis = 0;
  if (rest.starts_with('.')) {
    size_t digits = 1;
    while (digits < rest.size() && std::isdigit(static_cast<unsigned char>(rest[digits]))) {
      if (digits <= 3) millis = millis * 10 + (rest[digits] - '0');
      ++digits;
    }
    if (digits == 1) return std::nullopt;
    for (size_t d = digits; d <= 3; ++d) millis *= 10;
    rest.remove_prefix(digits);
  }
  int64_t offset_minutes = 0;
  if (rest.empty()) return std::nullopt;  // RFC 3339 requires Z or an offset
  if (rest == "Z" || rest == "z") {
    rest = {};
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':' &&
             all_digits(rest.substr(1, 2)) && all_digits(rest.substr(4, 2))) {
    offset_minutes =
        std::stoi(std::string(rest.substr(1, 2))) * 60 + std::stoi(std::string(rest.substr(4, 2)));
    if (rest[0] == '-') offset_minutes = -offset_minutes;
    rest = {};
  }
  if (!rest.empty()) return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const int64_t seconds = static_cast<int64_t>(timegm(&tm)) - offset_minutes * 60;
  return seconds * 1000 + millis;
}

}  // namespace

std::variant<size_t, Response> count_parameter(const Request& request, std::string_view name,
                                               size_t fallback, size_t most) {
  const std::optional<std::string> text = request.query(name);
  if (!text) return fallback;
  const bool digits = all_digits(*text) && text->size() <= 12;
  const size_t value = digits ? std::stoull(*text) : 0;
  if (!digits || value > most) {
    return problem(400, "invalid-parameter", "Bad Request",
                   std::string(name) + ": expected an integer from 0 to " + std::to_string(most),
                   name, request.request_id);
  }
  return value;
}

std::variant<int64_t, Response> time_parameter(const Request& request, std::string_view name,
                                               int64_t fallback) {
  const std::optional<std::string> text = request.query(name);
  if (!text) return fallback;
  if (all_digits(*text) && text->size() <= 15) return static_cast<int64_t>(std::stoll(*text));
  if (auto ms = parse_rfc3339(*text)) return *ms;
  return problem(
      400, "invalid-parameter", "Bad Request",
      std::string(name) + ": expected an RFC 3339 time (2026-11-29T10:00:00Z) or Unix milliseconds",
      name, request.request_id);
}

}  // namespace fp::server
