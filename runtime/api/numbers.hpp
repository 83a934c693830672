#pragma once
// Whole numbers from request text (path segments, query values, cursors, tokens), parsed
// the one strict way the API accepts them.
#include <cstdint>
#include <optional>
#include <string_view>

namespace flow::runtime::api {

// `text` as a decimal integer, all of it; nullopt otherwise (empty, a sign or space, junk,
// overflow).
std::optional<int64_t> parse_int64(std::string_view text);

}  // namespace flow::runtime::api
