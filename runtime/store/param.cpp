#include "runtime/store/param.hpp"

#include <charconv>

namespace flow::runtime::store {

// Shortest text that reads back as the same double (std::to_string would round to 6 places).
Param::Param(double value) {
  char buffer[32];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
  value_ = std::string(buffer, end);
}

void ArrayLiteral::add(const Param& value) {
  if (text_.size() > 1) text_ += ',';
  if (value.is_null()) {
    text_ += "NULL";
    return;
  }
  text_ += '"';
  if (value.is_binary()) {
    static constexpr char kHex[] = "0123456789abcdef";
    text_ += "\\\\x";  // bytea's hex prefix \x, its backslash escaped for the array
    for (const unsigned char byte : value.value()) text_ += kHex[byte >> 4], text_ += kHex[byte & 15];
  } else {
    for (const char c : value.value()) {
      if (c == '"' || c == '\\') text_ += '\\';
      text_ += c;
    }
  }
  text_ += '"';
}

namespace {

template <typename T>
std::string array_of(std::span<const T> values) {
  ArrayLiteral array;
  for (const T& value : values) array.add(value);
  return array.literal();
}

}  // namespace

std::string array_literal(std::span<const int64_t> values) { return array_of(values); }
std::string array_literal(std::span<const std::string> values) { return array_of(values); }

}  // namespace flow::runtime::store
