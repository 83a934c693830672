#pragma once
// The HTTP request and response as plain values: the API layer (runtime/api/) is a function
// from one to the other and never sees Boost, which stays inside server.cpp.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flow::runtime::http {

// Header fields in arrival order; names compare case-insensitively (RFC 9110 §5.1).
class Headers {
 public:
  void add(std::string name, std::string value);
  // Replaces every field of that name with one.
  void set(std::string name, std::string value);
  // The first field of that name.
  std::optional<std::string_view> find(std::string_view name) const;

  auto begin() const { return fields_.begin(); }
  auto end() const { return fields_.end(); }
  bool empty() const { return fields_.empty(); }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

struct Request {
  std::string method;  // upper case, as sent: GET POST …
  std::string target;  // the path, without the query
  std::string query;   // after '?', undecoded; empty when none
  Headers headers;
  std::string body;
  std::string remote;  // peer "address:port"
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  std::string content_type = "application/json";  // empty: no Content-Type field
};

// Sends a request's response. Call it once, from any thread; later calls are ignored.
using Respond = std::function<void(Response)>;
// Answers each request by calling `respond`, before returning or later from another thread
// (a /v1/track waiting for its group commit). The request is the handler's only until it
// returns. Until it is answered, its connection reads nothing more.
using Handler = std::function<void(const Request& request, Respond respond)>;

// The API's error shape, keys in this order: {"success":false,"error":{"code":…,"message":…}}.
Response json_error(int status, std::string_view code, std::string_view message);

}  // namespace flow::runtime::http
