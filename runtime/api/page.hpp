#pragma once
// Keyset pagination of list routes: `?cursor=&limit=`. The cursor is opaque to clients
// (base64url of the last id seen), so its form may change without breaking them; a list
// answers `next_cursor`, null on the last page.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "runtime/api/context.hpp"

namespace flow::runtime::api {

struct PageRequest {
  int64_t after_id = 0;  // rows with a larger id; 0: from the start
  int limit = 0;
};

inline constexpr int kDefaultPageLimit = 50;
inline constexpr int kMaxPageLimit = 100;

// The request's cursor and limit (1..kMaxPageLimit, default kDefaultPageLimit); 422 for a
// cursor this API did not make or a limit out of range.
PageRequest page_request(const Context& context);

// `next_cursor` after a page whose last row has `last_id`; null when there are no more
// rows (a list fetches limit + 1 rows to know).
nlohmann::json next_cursor(bool more, int64_t last_id);

}  // namespace flow::runtime::api
