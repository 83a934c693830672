#include "runtime/delivery/webhook_client.hpp"

#include <strings.h>
#include <sys/socket.h>

#include <algorithm>
#include <stdexcept>

namespace flow::runtime::delivery {

namespace {

constexpr std::string_view kMethods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};

// State the libcurl callbacks of one call share with call().
struct Transfer {
  const AddressPolicy* policy = nullptr;
  std::string refused_address;  // set when the guard refused a socket
  size_t max_body = 0;
  std::string body;
  bool body_cut = false;
};

curl_socket_t open_socket(void* user, curlsocktype, curl_sockaddr* address) {
  auto* transfer = static_cast<Transfer*>(user);
  if (!transfer->policy->allows(address_kind(address->addr))) {
    transfer->refused_address = address_text(address->addr);
    return CURL_SOCKET_BAD;
  }
  return ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

size_t write_body(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t n = size * count;
  const size_t room = transfer->max_body - transfer->body.size();
  if (n > room) {
    // Stop reading: a receiver can't make flowd buffer (or wait for) an endless body.
    transfer->body.append(data, room);
    transfer->body_cut = true;
    return 0;
  }
  transfer->body.append(data, n);
  return n;
}

bool valid_header(const std::string& name, const std::string& value) {
  const bool name_ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return c > 0x20 && c < 0x7f && c != ':';
  });
  return name_ok && value.find_first_of("\r\n") == std::string::npos;
}

bool has_header(const WebhookRequest& request, const char* name) {
  return std::any_of(request.headers.begin(), request.headers.end(),
                     [name](const auto& header) { return ::strcasecmp(header.first.c_str(), name) == 0; });
}

WebhookResult refuse(std::string error) { return {.status = 0, .body = {}, .retryable = false, .error = std::move(error)}; }

bool retryable_status(long status) { return status == 408 || status == 429 || (status >= 500 && status < 600); }

}  // namespace

WebhookClient::WebhookClient(WebhookOptions options) : options_(std::move(options)), curl_(make_curl_easy()) {}

WebhookResult WebhookClient::call(const WebhookRequest& request) {
  if (std::find(std::begin(kMethods), std::end(kMethods), request.method) == std::end(kMethods))
    return refuse("unsupported method \"" + request.method + "\"");
  std::vector<std::string> header_lines;
  for (const auto& [name, value] : request.headers) {
    if (!valid_header(name, value)) return refuse("invalid header \"" + name + "\"");
    header_lines.push_back(name + ": " + value);
  }
  if (!request.idempotency_key.empty()) {
    if (!valid_header("Idempotency-Key", request.idempotency_key)) return refuse("invalid idempotency key");
    header_lines.push_back("Idempotency-Key: " + request.idempotency_key);
  }
  if (request.body && !has_header(request, "Content-Type")) header_lines.push_back("Content-Type: application/json");
  header_lines.push_back("Expect:");  // no 100-continue round trip before the body
  const CurlSlist headers = make_curl_slist(header_lines);

  // Every option is set again per call, so nothing leaks from the previous request; the
  // reset keeps the connection cache.
  CURL* curl = curl_.get();
  curl_easy_reset(curl);
  Transfer transfer;
  transfer.policy = &options_.address_policy;
  transfer.max_body = options_.max_response_bytes;
  char error[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_PROXY, "");  // ignore http_proxy & co: a proxy would connect past the guard
  curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, open_socket);
  curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  if (request.body) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body->size()));
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body->data());
  }
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());

  const CURLcode code = curl_easy_perform(curl);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);  // `error` is about to go away
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  WebhookResult result{.status = static_cast<int>(status), .body = std::move(transfer.body), .retryable = false, .error = {}};

  if (code == CURLE_WRITE_ERROR && transfer.body_cut) {
    // A complete status with a long body: judged by its status like any other response.
  } else if (code != CURLE_OK) {
    if (!transfer.refused_address.empty() && code == CURLE_COULDNT_CONNECT) {
      result.error = "address " + transfer.refused_address + " is not allowed for webhooks";
    } else {
      result.error = *error ? error : curl_easy_strerror(code);
      // A URL that can't be parsed or spoken to won't improve with time.
      result.retryable = code != CURLE_URL_MALFORMAT && code != CURLE_UNSUPPORTED_PROTOCOL;
    }
    return result;
  }
  if (status >= 200 && status < 300) return result;
  result.retryable = retryable_status(status);
  result.error = "HTTP " + std::to_string(status) + (status >= 300 && status < 400 ? " (redirects are not followed)" : "");
  return result;
}

}  // namespace flow::runtime::delivery
