// runtime/http over real loopback sockets: framing, keep-alive, the body limit, malformed
// input, throwing handlers, read timeouts, concurrency and a clean stop().
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "http_client.hpp"
#include "runtime/http/server.hpp"

namespace flow::runtime::http {
namespace {

using namespace std::chrono_literals;
using test::RawClient;

// Starts on an ephemeral port; stops on destruction. Handlers answer before they return
// unless a test says otherwise.
struct Running {
  explicit Running(std::function<Response(const Request&)> handler, Options options = {})
      : Running([handler = std::move(handler)](const Request& request, Respond respond) { respond(handler(request)); },
                options) {}
  Running(Handler handler, Options options) : server(options, std::move(handler)) { server.start(); }
  Server server;
  uint16_t port() const { return server.port(); }
};

Response ok(std::string body) {
  Response response;
  response.body = std::move(body);
  return response;
}

std::string get(std::string_view target, std::string_view extra_fields = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: t\r\n" + std::string(extra_fields) + "\r\n";
}

TEST(HttpHeaders, LookupIgnoresCase) {
  Headers headers;
  headers.add("Content-Type", "text/plain");
  headers.set("content-type", "application/json");
  EXPECT_EQ(headers.find("CONTENT-TYPE"), "application/json");
  EXPECT_FALSE(headers.find("Accept").has_value());
}

TEST(HttpServer, RoundTripsGetAndPostWithHeadersAndBody) {
  Running running([](const Request& request) {
    Response response;
    response.status = request.method == "POST" ? 201 : 200;
    response.content_type = "text/plain";
    response.headers.add("X-Echo", std::string(request.headers.find("x-flow-test").value_or("none")));
    response.body = request.method + " " + request.target + " ?" + request.query + " " + request.body;
    EXPECT_EQ(request.remote.rfind("127.0.0.1:", 0), 0u) << request.remote;
    return response;
  });
  RawClient client(running.port());

  client.send(get("/v1/things?limit=2&x=%20", "X-Flow-Test: hello\r\n"));
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_NE(response->head.find("\r\ncontent-type: text/plain"), std::string::npos);
  EXPECT_NE(response->head.find("\r\nx-echo: hello"), std::string::npos);
  EXPECT_EQ(response->body, "GET /v1/things ?limit=2&x=%20 ");

  client.send("POST /v1/track HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
              "Content-Length: 13\r\n\r\n{\"event\":\"a\"}");
  response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 201);
  EXPECT_NE(response->head.find("\r\nx-echo: none"), std::string::npos);
  EXPECT_EQ(response->body, "POST /v1/track ? {\"event\":\"a\"}");
}

TEST(HttpServer, KeepsTheConnectionAliveBetweenRequests) {
  std::vector<std::string> remotes;  // the handler runs one request at a time here
  Running running([&](const Request& request) {
    remotes.push_back(request.remote);
    return ok(request.target);
  });
  RawClient client(running.port());
  // Both requests in one write: the second is pipelined behind the first.
  client.send(get("/one") + get("/two"));
  const auto first = client.read_response();
  const auto second = client.read_response();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->body, "/one");
  EXPECT_EQ(second->body, "/two");
  EXPECT_EQ(first->head.find("connection: close"), std::string::npos);
  ASSERT_EQ(remotes.size(), 2u);
  EXPECT_EQ(remotes[0], remotes[1]);  // the same client port: one connection
}

TEST(HttpServer, RejectsAnOverLimitBodyWith413WithoutCallingTheHandler) {
  std::atomic<int> calls{0};
  Options options;
  options.body_limit = 1024;
  Running running([&](const Request&) { return ++calls, ok("called"); }, options);
  RawClient client(running.port());
  client.send("POST /v1/track HTTP/1.1\r\nHost: t\r\nContent-Length: 4096\r\n\r\n" + std::string(4096, 'x'));
  const auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  EXPECT_EQ(response->body.rfind(R"({"success":false,"error":{"code":"payload_too_large","message":)", 0), 0u)
      << response->body;
  EXPECT_TRUE(client.closed_by_server());
  EXPECT_EQ(calls, 0);
}

TEST(HttpServer, AnswersGarbageWith400AndCloses) {
  std::atomic<int> calls{0};
  Running running([&](const Request&) { return ++calls, ok(""); });
  RawClient client(running.port());
  client.send("\x01\x02 this is not HTTP\r\n\r\n");
  const auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_NE(response->body.find(R"("code":"bad_request")"), std::string::npos);
  EXPECT_TRUE(client.closed_by_server());
  EXPECT_EQ(calls, 0);
}

TEST(HttpServer, AnswersAThrowingHandlerWith500AndKeepsServing) {
  Running running([](const Request& request) -> Response {
    if (request.target == "/boom") throw std::runtime_error("secret database detail");
    return ok("fine");
  });
  RawClient client(running.port());
  client.send(get("/boom"));
  const auto failed = client.read_response();
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->status, 500);
  EXPECT_NE(failed->body.find(R"("code":"internal_error")"), std::string::npos);
  EXPECT_EQ(failed->body.find("secret"), std::string::npos);

  client.send(get("/after"));  // the same connection still works
  const auto after = client.read_response();
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200);
  EXPECT_EQ(after->body, "fine");
}

TEST(HttpServer, ClosesAConnectionThatStallsPastTheReadTimeout) {
  Options options;
  options.read_timeout = 200ms;
  Running running([](const Request&) { return ok(""); }, options);

  RawClient stalled(running.port());
  stalled.send("GET / HTTP/1.1\r\nHost: t\r\n");  // the header never ends
  EXPECT_TRUE(stalled.closed_by_server());

  RawClient idle(running.port());  // keep-alive, then silence
  idle.send(get("/"));
  ASSERT_TRUE(idle.read_response());
  EXPECT_TRUE(idle.closed_by_server());
}

TEST(HttpServer, AnswersManyConcurrentRequests) {
  std::atomic<int> calls{0};
  Running running([&](const Request& request) { return ++calls, ok(request.target); });
  constexpr int kThreads = 8;
  constexpr int kPerThread = 25;
  std::atomic<int> answered{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < kThreads; ++t)
    clients.emplace_back([&, t] {
      // Half on fresh connections, half on one kept-alive connection.
      RawClient kept(running.port());
      for (int i = 0; i < kPerThread; ++i) {
        const std::string target = "/" + std::to_string(t) + "/" + std::to_string(i);
        std::optional<RawClient> fresh;
        RawClient& client = i % 2 == 0 ? fresh.emplace(running.port()) : kept;
        client.send(get(target));
        const auto response = client.read_response();
        if (response && response->status == 200 && response->body == target) ++answered;
      }
    });
  for (auto& client : clients) client.join();
  EXPECT_EQ(answered, kThreads * kPerThread);
  EXPECT_EQ(calls, kThreads * kPerThread);
}

// A handler may keep `respond` and answer from another thread (flowd's group commit of
// /v1/track): the connection waits for it while the others are served.
TEST(HttpServer, AnswersARequestLaterFromAnotherThreadWhileServingOthers) {
  std::mutex mutex;
  std::vector<Respond> held;
  Running running(
      [&](const Request& request, Respond respond) {
        if (request.target != "/later") return respond(ok("now"));
        std::lock_guard lock(mutex);
        held.push_back(std::move(respond));
      },
      Options{});
  RawClient waiting(running.port());
  waiting.send(get("/later"));
  for (;;) {  // until the handler holds it
    std::this_thread::sleep_for(5ms);
    std::lock_guard lock(mutex);
    if (!held.empty()) break;
  }
  RawClient other(running.port());
  other.send(get("/now"));
  const auto answered_now = other.read_response();
  ASSERT_TRUE(answered_now);
  EXPECT_EQ(answered_now->body, "now");

  std::thread([&] {
    std::lock_guard lock(mutex);
    held.front()(ok("later"));
    held.front()(ok("twice"));  // ignored: a request has one answer
    held.clear();  // it holds the connection, which stop() would wait for
  }).join();
  const auto answered_later = waiting.read_response();
  ASSERT_TRUE(answered_later);
  EXPECT_EQ(answered_later->body, "later");
  waiting.send(get("/now"));  // the connection is usable again, and carries no second answer
  const auto next = waiting.read_response();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "now");
}

TEST(HttpServer, StopCompletesARequestInFlight) {
  std::promise<void> entered;
  Running running([&](const Request&) {
    entered.set_value();
    std::this_thread::sleep_for(200ms);  // still running when stop() begins
    return ok("finished");
  });
  const uint16_t port = running.port();
  RawClient client(port);
  RawClient idle(port);
  client.send(get("/slow"));
  entered.get_future().wait();

  running.server.stop();
  running.server.stop();  // idempotent

  const auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "finished");
  EXPECT_NE(response->head.find("\r\nconnection: close"), std::string::npos);
  EXPECT_TRUE(idle.closed_by_server());
  EXPECT_FALSE(test::can_connect(port));
}

}  // namespace
}  // namespace flow::runtime::http
