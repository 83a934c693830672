#pragma once
// Times and durations as text. A time is seconds since 1970-01-01T00:00:00Z (a double, so
// milliseconds survive); everything is UTC and independent of the process's locale and
// time zone, so the same execution renders the same text on every machine.
#include <optional>
#include <string>
#include <string_view>

namespace flow::stdlib {

// ISO-8601 / RFC 3339: `2024-05-01`, `2024-05-01T10:30:00Z`, `2024-05-01T10:30:00.250+02:00`
// (a `T` or a space between date and time; no zone means UTC). nullopt if it is not one.
std::optional<double> parse_iso8601(std::string_view text);

// `2024-05-01T10:30:00Z`, with `.250` when there are milliseconds.
std::string format_iso8601(double time);

// strftime-style fields in UTC: %Y %m %d %H %M %S %y %j %e %B %b %A %a %p %I %F %T %%.
// An unknown field is copied as written.
std::string format_time(double time, std::string_view format);

// `3d`, `1h30m`, `45s`, `0s`: the largest units first, zero parts left out.
std::string format_duration(double seconds);

// A duration written as `<number><unit>` with unit s, m, h, d or w (`90d`, `1.5h`), or
// several such in a row (`1d12h`). nullopt when it is not one.
std::optional<double> parse_duration(std::string_view text);

}  // namespace flow::stdlib
