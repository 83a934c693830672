#pragma once
// Values to and from JSON text. Contact data and event data arrive as JSON; effects leave
// as JSON. JSON has no times or durations: a time is written as an ISO-8601 string and a
// duration as its number of seconds; strings stay strings on the way in (days_since and
// comparisons with times read ISO-8601 strings where a time is wanted).
#include <string>
#include <string_view>
#include <variant>

#include "stdlib/value.hpp"

namespace flow::stdlib {

// Deeper nesting than this is refused, so hostile input cannot exhaust the stack.
inline constexpr int kMaxJsonDepth = 128;

struct JsonError {
  std::string message;
};

std::variant<Value, JsonError> parse_json(std::string_view text);
std::string to_json(const Value& v);  // compact, keys in order

}  // namespace flow::stdlib
