#pragma once
// flowd's HTTP/1.1 server (docs/runtime.md, "Server"): sessions only do I/O — a timeout
// before every read, a body limit, a strand per connection, a bounded clean shutdown — and
// hand each complete request to the Handler on one of the server's threads, which answers
// it then or later, from any thread.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "runtime/http/message.hpp"

namespace flow::runtime::http {

struct Options {
  std::string address = "127.0.0.1";
  uint16_t port = 0;  // 0: an ephemeral port, see Server::port()
  unsigned threads = 2;
  size_t body_limit = 1024 * 1024;  // larger bodies get 413 without calling the handler
  std::chrono::milliseconds read_timeout{std::chrono::seconds(30)};  // also bounds each write
  size_t max_connections = 0;  // 0: unlimited; beyond it new connections are closed at once
  std::chrono::milliseconds stop_timeout{std::chrono::seconds(10)};  // for in-flight requests
};

class Server {
 public:
  Server(Options options, Handler handler);
  ~Server();  // stop()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, listens and starts the threads; throws std::runtime_error when the address is
  // unusable. A server starts once.
  void start();
  // The bound port (the ephemeral one when Options::port is 0); valid after start().
  uint16_t port() const;
  // Stops accepting, closes idle connections, lets in-flight requests be answered (with
  // Connection: close) for up to Options::stop_timeout, then joins the threads. A handler
  // still running past the timeout is waited for: it cannot be interrupted. Idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace flow::runtime::http
