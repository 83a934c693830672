#include "stdlib/time.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>

namespace flow::stdlib {

namespace {

// Howard Hinnant's civil-date algorithms: exact for every proleptic Gregorian date and
// free of the C library's time zone and locale.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct Civil {
  int64_t year;
  unsigned month, day, hour, minute, second, millis, weekday, yearday;
};

Civil civil_from_time(double time) {
  const double whole = std::floor(time);
  int64_t seconds = static_cast<int64_t>(whole);
  Civil c{};
  c.millis = static_cast<unsigned>(std::llround((time - whole) * 1000));
  if (c.millis == 1000) {
    c.millis = 0;
    ++seconds;
  }
  const int64_t days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
  const int64_t rest = seconds - days * 86400;
  c.hour = static_cast<unsigned>(rest / 3600);
  c.minute = static_cast<unsigned>(rest % 3600 / 60);
  c.second = static_cast<unsigned>(rest % 60);
  c.weekday = static_cast<unsigned>((days % 7 + 11) % 7);  // 1970-01-01 was a Thursday
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  c.day = doy - (153 * mp + 2) / 5 + 1;
  c.month = mp < 10 ? mp + 3 : mp - 9;
  c.year = static_cast<int64_t>(yoe) + era * 400 + (c.month <= 2);
  c.yearday = static_cast<unsigned>(days - days_from_civil(c.year, 1, 1));
  return c;
}

// Reads exactly `width` digits at `pos`.
bool digits(std::string_view text, size_t& pos, size_t width, unsigned& out) {
  if (pos + width > text.size()) return false;
  out = 0;
  for (size_t i = 0; i < width; ++i) {
    const char ch = text[pos + i];
    if (ch < '0' || ch > '9') return false;
    out = out * 10 + static_cast<unsigned>(ch - '0');
  }
  pos += width;
  return true;
}

bool expect(std::string_view text, size_t& pos, char ch) {
  if (pos >= text.size() || text[pos] != ch) return false;
  ++pos;
  return true;
}

constexpr std::array<const char*, 12> kMonths = {"January", "February", "March",     "April",   "May",      "June",
                                                 "July",    "August",   "September", "October", "November", "December"};
constexpr std::array<const char*, 7> kWeekdays = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                  "Thursday", "Friday", "Saturday"};

}  // namespace

std::optional<double> parse_iso8601(std::string_view text) {
  size_t pos = 0;
  unsigned year, month, day;
  if (!digits(text, pos, 4, year) || !expect(text, pos, '-') || !digits(text, pos, 2, month) ||
      !expect(text, pos, '-') || !digits(text, pos, 2, day))
    return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  double seconds = static_cast<double>(days_from_civil(year, month, day)) * 86400;
  if (pos == text.size()) return seconds;

  if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') return std::nullopt;
  ++pos;
  unsigned hour, minute, second = 0;
  if (!digits(text, pos, 2, hour) || !expect(text, pos, ':') || !digits(text, pos, 2, minute)) return std::nullopt;
  if (pos < text.size() && text[pos] == ':' && !(++pos, digits(text, pos, 2, second))) return std::nullopt;
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
  seconds += hour * 3600.0 + minute * 60.0 + second;
  if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
    double scale = 0.1;
    const size_t start = ++pos;
    for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos, scale /= 10)
      seconds += (text[pos] - '0') * scale;
    if (pos == start) return std::nullopt;
  }
  if (pos == text.size()) return seconds;
  if ((text[pos] == 'Z' || text[pos] == 'z') && pos + 1 == text.size()) return seconds;
  if (text[pos] != '+' && text[pos] != '-') return std::nullopt;
  const double sign = text[pos++] == '+' ? -1 : 1;  // +02:00 is two hours ahead of UTC
  unsigned zone_hours, zone_minutes = 0;
  if (!digits(text, pos, 2, zone_hours)) return std::nullopt;
  if (pos < text.size() && text[pos] == ':') ++pos;
  if (pos < text.size() && !digits(text, pos, 2, zone_minutes)) return std::nullopt;
  if (pos != text.size() || zone_hours > 23 || zone_minutes > 59) return std::nullopt;
  return seconds + sign * (zone_hours * 3600.0 + zone_minutes * 60.0);
}

std::string format_iso8601(double time) {
  if (!std::isfinite(time)) return "invalid time";
  const Civil c = civil_from_time(time);
  char buffer[64];
  if (c.millis != 0) {
    std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02uT%02u:%02u:%02u.%03uZ", static_cast<long long>(c.year),
                  c.month, c.day, c.hour, c.minute, c.second, c.millis);
  } else {
    std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02uT%02u:%02u:%02uZ", static_cast<long long>(c.year), c.month,
                  c.day, c.hour, c.minute, c.second);
  }
  return buffer;
}

std::string format_time(double time, std::string_view format) {
  if (!std::isfinite(time)) return "invalid time";
  const Civil c = civil_from_time(time);
  std::string out;
  char buffer[32];
  auto number = [&](const char* pattern, long long value) {
    std::snprintf(buffer, sizeof buffer, pattern, value);
    out += buffer;
  };
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%' || i + 1 == format.size()) {
      out += format[i];
      continue;
    }
    switch (const char field = format[++i]) {
      case 'Y': number("%04lld", c.year); break;
      case 'y': number("%02lld", ((c.year % 100) + 100) % 100); break;
      case 'm': number("%02lld", c.month); break;
      case 'd': number("%02lld", c.day); break;
      case 'e': number("%2lld", c.day); break;
      case 'j': number("%03lld", c.yearday + 1); break;
      case 'H': number("%02lld", c.hour); break;
      case 'I': number("%02lld", c.hour % 12 == 0 ? 12 : c.hour % 12); break;
      case 'M': number("%02lld", c.minute); break;
      case 'S': number("%02lld", c.second); break;
      case 'p': out += c.hour < 12 ? "AM" : "PM"; break;
      case 'B': out += kMonths[c.month - 1]; break;
      case 'b': out += std::string_view(kMonths[c.month - 1]).substr(0, 3); break;
      case 'A': out += kWeekdays[c.weekday]; break;
      case 'a': out += std::string_view(kWeekdays[c.weekday]).substr(0, 3); break;
      case 'F': out += format_time(time, "%Y-%m-%d"); break;
      case 'T': out += format_time(time, "%H:%M:%S"); break;
      case '%': out += '%'; break;
      default: out += '%'; out += field; break;
    }
  }
  return out;
}

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds)) return "invalid duration";
  std::string out = seconds < 0 ? "-" : "";
  double rest = std::fabs(seconds);
  static constexpr std::array<std::pair<double, char>, 4> units = {
      {{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}}};
  for (const auto& [size, letter] : units) {
    const double count = size == 1 ? rest : std::floor(rest / size);
    if (count <= 0) continue;
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.15g%c", count, letter);
    out += buffer;
    rest -= count * size;
  }
  return out.empty() || out == "-" ? "0s" : out;
}

std::optional<double> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double total = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t start = pos;
    while (pos < text.size() && ((text[pos] >= '0' && text[pos] <= '9') || text[pos] == '.')) ++pos;
    if (pos == start || pos == text.size()) return std::nullopt;
    double amount = 0;
    if (std::sscanf(std::string(text.substr(start, pos - start)).c_str(), "%lf", &amount) != 1) return std::nullopt;
    switch (text[pos++]) {
      case 's': total += amount; break;
      case 'm': total += amount * 60; break;
      case 'h': total += amount * 3600; break;
      case 'd': total += amount * 86400; break;
      case 'w': total += amount * 604800; break;
      default: return std::nullopt;
    }
  }
  return total;
}

}  // namespace flow::stdlib
