#include "runtime/store/param.hpp"

#include <charconv>

namespace flow::runtime::store {

// Shortest text that reads back as the same double (std::to_string would round to 6 places).
Param::Param(double value) {
  char buffer[32];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
  value_ = std::string(buffer, end);
}

namespace {

template <typename T, typename Element>
std::string braced(std::span<const T> values, Element element) {
  std::string out = "{";
  for (const T& value : values) {
    if (out.size() > 1) out += ',';
    element(out, value);
  }
  return out + "}";
}

}  // namespace

std::string array_literal(std::span<const int64_t> values) {
  return braced(values, [](std::string& out, int64_t value) { out += std::to_string(value); });
}

// Quoted, so that any text is one element: commas, braces, spaces and NULL stay text.
std::string array_literal(std::span<const std::string> values) {
  return braced(values, [](std::string& out, const std::string& value) {
    out += '"';
    for (const char c : value) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  });
}

}  // namespace flow::runtime::store
