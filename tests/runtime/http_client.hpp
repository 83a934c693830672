#pragma once
// A raw loopback HTTP/1.1 client for the server tests: it can send garbage, stall mid-request
// and observe the server closing, which a real client library hides. Every receive is
// bounded (5 s) so that a failing test fails instead of hanging.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace flow::runtime::http::test {

struct RawResponse {
  int status = 0;
  std::string head;  // status line and fields, lower-cased
  std::string body;
};

class RawClient {
 public:
  explicit RawClient(uint16_t port);  // connects to 127.0.0.1; throws on failure
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  void send(std::string_view bytes);
  // One response (Content-Length framing); nullopt when the connection ends first.
  std::optional<RawResponse> read_response();
  // True when the server closes (EOF or reset) before 5 s pass and without sending more.
  bool closed_by_server();

 private:
  bool fill();  // one recv into buffer_; false on EOF, error or timeout
  int fd_ = -1;
  std::string buffer_;
};

// Whether a TCP connection to 127.0.0.1:port is accepted.
bool can_connect(uint16_t port);

}  // namespace flow::runtime::http::test
