#pragma once
// One attempt of a webhook call over HTTP(S) with libcurl. Like the mailers it never
// retries by itself: the result says whether a retry can help, and the webhook worker
// schedules it in the `webhook_calls` row with the same idempotency key.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runtime/delivery/address_policy.hpp"
#include "runtime/delivery/curl_handle.hpp"

namespace flow::runtime::delivery {

struct WebhookRequest {
  std::string method = "POST";  // GET POST PUT PATCH DELETE
  std::string url;              // http:// or https://
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<std::string> body;  // JSON; sent with Content-Type: application/json
  std::string idempotency_key;      // the row's key, the same on every attempt
  std::chrono::milliseconds timeout{std::chrono::seconds(10)};
};

struct WebhookResult {
  int status = 0;      // the HTTP status; 0 when no response arrived
  std::string body;    // the response body, cut at WebhookOptions::max_response_bytes
  bool retryable = false;  // when not ok(): may another attempt succeed?
  std::string error;   // empty when ok()

  bool ok() const { return status >= 200 && status < 300 && error.empty(); }
};

struct WebhookOptions {
  AddressPolicy address_policy;
  std::string user_agent = "flowd/0.1";
  size_t max_response_bytes = 64 * 1024;
};

// Keeps one libcurl handle (and its open connections) across calls: use from one thread
// at a time.
class WebhookClient {
 public:
  explicit WebhookClient(WebhookOptions options = {});

  // 2xx is success. 408, 429, 5xx, timeouts and network errors are retryable; other
  // statuses (redirects are not followed: they could lead past the address guard), a
  // refused address and a malformed request are not.
  WebhookResult call(const WebhookRequest& request);

 private:
  WebhookOptions options_;
  CurlEasy curl_;
};

}  // namespace flow::runtime::delivery
