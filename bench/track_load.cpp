// track_load: drives POST /v1/track over keep-alive HTTP/1.1 connections and reports
// throughput and latency percentiles. One thread and epoll: a Python client tops out far
// below the rates flowd is asked to reach, and this one spends a few µs per request.
//
//   track_load --port 8080 --key pk_… [--connections 32] [--rate 1000] [--duration 10]
//              [--requests N] [--event bench.signup] [--prefix run1] [--first-index 0]
//
// --rate 0 (the default) is closed loop: every connection sends its next request as soon as
// the previous answer arrives (maximum throughput). --rate R is open loop: request k is due at
// start + k/R whether or not earlier ones were answered, and its latency counts from that due
// time, so a stall shows up in the percentiles instead of silently lowering the offered rate
// (coordinated omission). Each request tracks a new contact, <prefix>-<index>@bench.test.
// The last line is `RESULT {json}` for bench/flowd_bench.py.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start, Clock::time_point t) {
  return std::chrono::duration<double>(t - start).count();
}

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string key;
  std::string event = "bench.signup";
  std::string prefix = "load";
  long first_index = 0;
  int connections = 32;
  double rate = 0;        // requests per second; 0: closed loop
  double duration = 10;   // seconds of sending
  long requests = 0;      // stop after this many (0: no limit but the duration)
};

[[noreturn]] void usage(const char* message) {
  std::fprintf(stderr, "track_load: %s\n(see the comment at the top of bench/track_load.cpp)\n", message);
  std::exit(2);
}

Options parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (i + 1 >= argc) usage("every flag takes a value");
    const char* value = argv[++i];
    if (flag == "--host") options.host = value;
    else if (flag == "--port") options.port = std::atoi(value);
    else if (flag == "--key") options.key = value;
    else if (flag == "--event") options.event = value;
    else if (flag == "--prefix") options.prefix = value;
    else if (flag == "--first-index") options.first_index = std::atol(value);
    else if (flag == "--connections") options.connections = std::atoi(value);
    else if (flag == "--rate") options.rate = std::atof(value);
    else if (flag == "--duration") options.duration = std::atof(value);
    else if (flag == "--requests") options.requests = std::atol(value);
    else usage("unknown flag");
  }
  if (options.port <= 0 || options.key.empty()) usage("--port and --key are required");
  if (options.connections < 1) usage("--connections must be at least 1");
  return options;
}

std::string track_request(const Options& options, long index) {
  const std::string body = "{\"event\":\"" + options.event + "\",\"email\":\"" + options.prefix + "-" +
                           std::to_string(index) + "@bench.test\",\"data\":{\"firstName\":\"Ann\",\"plan\":\"pro\"}}";
  return "POST /v1/track HTTP/1.1\r\nHost: " + options.host + "\r\nAuthorization: Bearer " + options.key +
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// Where a response in `buffer` ends, or 0 while it is incomplete. Sets `status` and `close`.
size_t response_end(const std::string& buffer, int& status, bool& close) {
  const size_t head_end = buffer.find("\r\n\r\n");
  if (head_end == std::string::npos) return 0;
  if (buffer.size() < 12 || buffer.compare(0, 5, "HTTP/") != 0) throw std::runtime_error("not an HTTP response");
  status = std::atoi(buffer.c_str() + 9);
  std::string head = buffer.substr(0, head_end);
  std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) { return std::tolower(c); });
  close = head.find("\r\nconnection: close") != std::string::npos;
  const size_t length_at = head.find("\r\ncontent-length:");
  if (length_at == std::string::npos) throw std::runtime_error("response without Content-Length");
  const size_t length = std::strtoul(head.c_str() + length_at + 17, nullptr, 10);
  const size_t end = head_end + 4 + length;
  return buffer.size() >= end ? end : 0;
}

struct Connection {
  int fd = -1;
  bool busy = false;
  std::string out;  // unsent part of the request
  std::string in;   // received, not yet consumed
  Clock::time_point started;  // the request's due time (open loop) or send time (closed)
};

class Load {
 public:
  explicit Load(Options options) : options_(std::move(options)), epoll_(epoll_create1(0)) {
    connections_.resize(options_.connections);
    for (auto& connection : connections_) open(connection);
  }

  void run() {
    start_ = Clock::now();
    const auto stop_sending = start_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options_.duration));
    std::vector<epoll_event> events(connections_.size());
    long scheduled = 0;  // open loop: requests whose due time has come
    for (;;) {
      const auto now = Clock::now();
      const bool sending = now < stop_sending && (options_.requests == 0 || issued_ + backlog_.size() < static_cast<size_t>(options_.requests));
      if (sending && options_.rate > 0) {
        // Every request due by now joins the backlog with its due time.
        const long due = static_cast<long>(seconds_since(start_, now) * options_.rate) + 1;
        for (; scheduled < due && (options_.requests == 0 || scheduled < options_.requests); ++scheduled) {
          backlog_.push_back(start_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(scheduled / options_.rate)));
        }
      }
      for (auto& connection : connections_) {
        if (connection.busy) continue;
        if (options_.rate > 0) {
          if (backlog_.empty()) break;
          send(connection, backlog_.front());
          backlog_.pop_front();
        } else if (sending && (options_.requests == 0 || issued_ < static_cast<size_t>(options_.requests))) {
          send(connection, Clock::now());
        }
      }
      if (!sending && in_flight_ == 0 && backlog_.empty()) break;
      int timeout_ms = 100;
      if (sending && options_.rate > 0) {
        const double next_due = (scheduled) / options_.rate - seconds_since(start_, Clock::now());
        timeout_ms = std::max(0, static_cast<int>(std::ceil(next_due * 1000)));
      }
      const int ready = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), timeout_ms);
      if (ready < 0 && errno != EINTR) throw std::runtime_error(std::string("epoll_wait: ") + std::strerror(errno));
      for (int i = 0; i < ready; ++i) handle(connections_[events[i].data.u32], events[i].events);
    }
    end_ = Clock::now();
  }

  void report() {
    std::sort(latencies_.begin(), latencies_.end());
    auto percentile = [&](double p) {
      if (latencies_.empty()) return 0.0;
      const size_t at = std::min(latencies_.size() - 1, static_cast<size_t>(std::ceil(p / 100 * latencies_.size())) - (p > 0 ? 1 : 0));
      return latencies_[at] * 1000;
    };
    const double elapsed = seconds_since(start_, end_);
    const double throughput = ok_ / elapsed;
    std::printf("mode %s, %d connections, %.1f s\n", options_.rate > 0 ? "open loop" : "closed loop", options_.connections, elapsed);
    if (options_.rate > 0) std::printf("offered %.0f requests/s\n", options_.rate);
    std::printf("answered 2xx %ld, other status %ld, failed %ld\n", ok_, bad_status_, failed_);
    std::printf("throughput %.0f 2xx/s (%.0f answers/s of any status)\n", throughput, (ok_ + bad_status_) / elapsed);
    std::printf("latency ms: p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f\n", percentile(50), percentile(90),
                percentile(99), percentile(99.9), percentile(100));
    std::printf(
        "RESULT {\"mode\":\"%s\",\"connections\":%d,\"rate\":%.1f,\"seconds\":%.3f,\"ok\":%ld,\"bad_status\":%ld,"
        "\"failed\":%ld,\"throughput\":%.1f,\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,"
        "\"max_ms\":%.3f,\"next_index\":%ld}\n",
        options_.rate > 0 ? "open" : "closed", options_.connections, options_.rate, elapsed, ok_, bad_status_, failed_,
        throughput, percentile(50), percentile(90), percentile(99), percentile(99.9), percentile(100),
        options_.first_index + static_cast<long>(issued_));
  }

 private:
  void open(Connection& connection) {
    connection = Connection{};
    connection.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    const int one = 1;
    setsockopt(connection.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(options_.port));
    if (inet_pton(AF_INET, options_.host.c_str(), &address.sin_addr) != 1) usage("--host must be an IPv4 address");
    if (connect(connection.fd, reinterpret_cast<sockaddr*>(&address), sizeof address) < 0 && errno != EINPROGRESS) {
      throw std::runtime_error(std::string("connect: ") + std::strerror(errno));
    }
    epoll_event event{};
    event.events = EPOLLIN | EPOLLOUT | EPOLLET;
    event.data.u32 = static_cast<uint32_t>(&connection - connections_.data());
    epoll_ctl(epoll_, EPOLL_CTL_ADD, connection.fd, &event);
  }

  void reopen(Connection& connection) {
    epoll_ctl(epoll_, EPOLL_CTL_DEL, connection.fd, nullptr);
    ::close(connection.fd);
    open(connection);
  }

  void send(Connection& connection, Clock::time_point started) {
    connection.busy = true;
    connection.started = started;
    connection.out = track_request(options_, options_.first_index + static_cast<long>(issued_++));
    ++in_flight_;
    flush(connection);
  }

  void flush(Connection& connection) {
    while (!connection.out.empty()) {
      const ssize_t sent = ::send(connection.fd, connection.out.data(), connection.out.size(), MSG_NOSIGNAL);
      if (sent < 0) {
        if (errno == EAGAIN || errno == ENOTCONN) return;  // EPOLLOUT will call again
        fail(connection);
        return;
      }
      connection.out.erase(0, static_cast<size_t>(sent));
    }
  }

  // The request in flight on `connection` got no answer: count it and start a new connection.
  void fail(Connection& connection) {
    if (connection.busy) {
      ++failed_;
      --in_flight_;
    }
    reopen(connection);
  }

  void handle(Connection& connection, uint32_t events) {
    if (events & EPOLLOUT) flush(connection);
    if (!(events & (EPOLLIN | EPOLLERR | EPOLLHUP))) return;
    char buffer[16384];
    bool closed = false;  // by the server, or an error
    for (;;) {
      const ssize_t got = recv(connection.fd, buffer, sizeof buffer, 0);
      if (got > 0) {
        connection.in.append(buffer, static_cast<size_t>(got));
        continue;
      }
      closed = !(got < 0 && errno == EAGAIN);
      break;
    }
    int status = 0;
    bool close = false;
    const size_t end = response_end(connection.in, status, close);
    if (end == 0) {
      if (closed) fail(connection);
      return;
    }
    if (!connection.busy) throw std::runtime_error("a response nobody asked for");
    latencies_.push_back(seconds_since(connection.started, Clock::now()));
    (status >= 200 && status < 300 ? ok_ : bad_status_) += 1;
    if (bad_status_ == 1 && !(status >= 200 && status < 300)) {
      std::fprintf(stderr, "first non-2xx response: %s\n", connection.in.substr(0, end).c_str());
    }
    connection.in.erase(0, end);
    connection.busy = false;
    --in_flight_;
    if (close || closed) reopen(connection);
  }

  Options options_;
  int epoll_;
  std::vector<Connection> connections_;
  std::deque<Clock::time_point> backlog_;  // open loop: due requests waiting for a free connection
  std::vector<double> latencies_;
  Clock::time_point start_, end_;
  size_t issued_ = 0;
  long in_flight_ = 0;
  long ok_ = 0, bad_status_ = 0, failed_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  try {
    Load load(parse_options(argc, argv));
    load.run();
    load.report();
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "track_load: %s\n", error.what());
    return 1;
  }
}
