#pragma once
// The real flowd binary as a child process for end-to-end tests: `flowd serve` on a free
// loopback port against a test's database, its output in a log file, driven over HTTP with
// libcurl. Several may run at once (two flowd on one database).
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace flow::runtime::testing {

// The keys every FlowdProcess is started with (--secret-key/--public-key).
inline constexpr const char* kSecretKey = "sk_test_secret";
inline constexpr const char* kPublicKey = "pk_test_public";

// A port nothing listens on right now: bound and released, so a server can take it.
uint16_t free_port();

struct HttpResponse {
  long status = 0;  // 0: no connection
  std::string body;
  std::string headers;  // the raw header block
};

struct HttpRequest {
  std::string method = "GET";
  std::string path;
  std::optional<std::string> body;
  std::string key = kSecretKey;  // sent as `Authorization: Bearer <key>`; empty: none
  std::string content_type = "application/json";
};

HttpResponse http_request(uint16_t port, const HttpRequest& request);

// Polls `done` every 50 ms until it is true or `timeout` passes; returns its last value.
template <typename Done>
bool eventually(Done done, std::chrono::milliseconds timeout) {
  for (auto deadline = std::chrono::steady_clock::now() + timeout; std::chrono::steady_clock::now() < deadline;) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

class FlowdProcess {
 public:
  // `dir` holds the log (dir/flowd-<n>.log); `flows` is passed as --flows.
  FlowdProcess(std::filesystem::path dir, std::filesystem::path flows, std::string conninfo);
  ~FlowdProcess();  // SIGKILL if still running
  FlowdProcess(const FlowdProcess&) = delete;
  FlowdProcess& operator=(const FlowdProcess&) = delete;

  // Starts `flowd serve` (with the test keys unless use_test_keys is false) and `extra` arguments on a new free port.
  void start(const std::vector<std::string>& extra = {});
  // start() and then wait (up to 30 s) until /healthz answers; false if it never does.
  bool start_and_wait(const std::vector<std::string>& extra = {});

  HttpResponse request(HttpRequest request) const { return http_request(port_, request); }
  HttpResponse get(const std::string& path) const { return request({.method = "GET", .path = path, .body = std::nullopt}); }
  HttpResponse post(const std::string& path, const std::string& body) const {
    return request({.method = "POST", .path = path, .body = body});
  }
  HttpResponse track(const std::string& event, const std::string& email) const;

  // SIGKILL, and reap: a crash.
  void kill_hard();
  // SIGTERM; the exit status once flowd has exited (within 20 s), or nullopt.
  std::optional<int> terminate();
  // The exit status once flowd has exited by itself (within 20 s), or nullopt.
  std::optional<int> wait_exit();

  // Whether start() passes --secret-key kSecretKey --public-key kPublicKey.
  bool use_test_keys = true;

  bool running() const { return pid_ > 0; }
  uint16_t port() const { return port_; }
  std::string log() const;  // everything every start of this process wrote

 private:
  std::filesystem::path dir_, flows_, log_;
  std::string conninfo_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

}  // namespace flow::runtime::testing
