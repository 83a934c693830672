#include "runtime/api/page.hpp"

#include "runtime/api/api_error.hpp"
#include "runtime/api/base64url.hpp"
#include "runtime/api/numbers.hpp"

namespace flow::runtime::api {

PageRequest page_request(const Context& context) {
  PageRequest page{0, kDefaultPageLimit};
  if (const auto cursor = context.query("cursor"); cursor && !cursor->empty()) {
    const auto decoded = base64url_decode(*cursor);
    const auto id = decoded ? parse_int64(*decoded) : std::nullopt;
    if (!id || *id <= 0) throw invalid_request("`cursor` is not a cursor this API gave out");
    page.after_id = *id;
  }
  page.limit = static_cast<int>(context.query_number("limit", kDefaultPageLimit, kMaxPageLimit));
  return page;
}

nlohmann::json next_cursor(bool more, int64_t last_id) {
  if (!more) return nullptr;
  return base64url_encode(std::to_string(last_id));
}

}  // namespace flow::runtime::api
