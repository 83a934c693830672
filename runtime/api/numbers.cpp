#include "runtime/api/numbers.hpp"

#include <charconv>

namespace flow::runtime::api {

std::optional<int64_t> parse_int64(std::string_view text) {
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace flow::runtime::api
