#include "runtime/api/page.hpp"

#include <charconv>

#include "runtime/api/api_error.hpp"
#include "runtime/api/base64url.hpp"

namespace flow::runtime::api {

namespace {

std::optional<int64_t> parse_int(std::string_view text) {
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

PageRequest page_request(const Context& context) {
  PageRequest page{0, kDefaultPageLimit};
  if (const auto cursor = context.query("cursor"); cursor && !cursor->empty()) {
    const auto decoded = base64url_decode(*cursor);
    const auto id = decoded ? parse_int(*decoded) : std::nullopt;
    if (!id || *id <= 0) throw invalid_request("`cursor` is not a cursor this API gave out");
    page.after_id = *id;
  }
  if (const auto limit = context.query("limit")) {
    const auto value = parse_int(*limit);
    if (!value || *value < 1 || *value > kMaxPageLimit) {
      throw invalid_request("`limit` must be a number from 1 to " + std::to_string(kMaxPageLimit));
    }
    page.limit = static_cast<int>(*value);
  }
  return page;
}

nlohmann::json next_cursor(bool more, int64_t last_id) {
  if (!more) return nullptr;
  return base64url_encode(std::to_string(last_id));
}

}  // namespace flow::runtime::api
