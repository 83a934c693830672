#pragma once
// base64url without padding (RFC 4648 §5): opaque tokens that sit in URLs and paths
// unescaped (page cursors, unsubscribe tokens).
#include <optional>
#include <string>
#include <string_view>

namespace flow::runtime::api {

std::string base64url_encode(std::string_view bytes);
// nullopt when `text` is not base64url.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace flow::runtime::api
