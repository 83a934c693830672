#include "runtime/api/context.hpp"

#include <memory>

#include "runtime/api/api_error.hpp"
#include "runtime/api/numbers.hpp"

namespace flow::runtime::api {

namespace {

// On the heap, not in the thread's TLS block: UBSan found a thread_local Connection
// misaligned on the server's threads (the TLS block of a static library under the sanitizers).
thread_local std::unique_ptr<store::Connection> session;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded decoding: `+` is a space, a bad escape stays as it is.
std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

const std::string& Context::param(std::string_view name) const {
  const auto found = params_.find(name);
  if (found == params_.end()) throw std::logic_error("route has no parameter " + std::string(name));
  return found->second;
}

int64_t Context::id_param(std::string_view name) const {
  const std::string& text = param(name);
  const auto id = parse_int64(text);
  if (!id || *id <= 0) throw not_found("no " + std::string(name) + " \"" + text + "\"");
  return *id;
}

int64_t Context::query_number(std::string_view name, int64_t fallback, int64_t max) const {
  const auto text = query(name);
  if (!text) return fallback;
  const auto value = parse_int64(*text);
  if (!value || *value < 1 || *value > max) {
    throw invalid_request("`" + std::string(name) + "` must be a whole number from 1 to " + std::to_string(max));
  }
  return *value;
}

std::optional<std::string> Context::query(std::string_view name) const {
  std::string_view rest = request.query;
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    const size_t eq = pair.find('=');
    if (percent_decode(pair.substr(0, eq)) != name) continue;
    return eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1));
  }
  return std::nullopt;
}

nlohmann::json Context::json_body() const {
  nlohmann::json body = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) throw ApiError(400, "malformed_json", "the body is not valid JSON");
  return body;
}

store::Connection& Context::db() {
  if (!session) session = std::make_unique<store::Connection>(services.conninfo);
  return *session;
}

void Context::drop_session() { session.reset(); }

http::Response json_response(const nlohmann::json& body, int status) {
  http::Response response;
  response.status = status;
  response.body = body.dump();
  return response;
}

}  // namespace flow::runtime::api
