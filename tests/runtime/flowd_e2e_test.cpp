// flowd end to end: the real binary started as a child process against the test's schema,
// driven over HTTP with libcurl, observed through the database.
#include <arpa/inet.h>
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>

#include "database.hpp"

namespace flow::runtime::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* kFlow = R"(
template receipt { type transactional subject "Receipt" from "a@acme.test" html "<p>thanks</p>" }
workflow welcome on "signup" {
  send receipt
  delay 1 hour
}
)";

// A port nothing listens on right now: bound and released, so flowd can take it.
uint16_t free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

struct HttpResponse {
  long status = 0;  // 0: no connection
  std::string body;
};

size_t append(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

HttpResponse request(uint16_t port, const std::string& path, const std::optional<std::string>& post_body) {
  HttpResponse response;
  CURL* curl = curl_easy_init();
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + path;
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 5L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  if (post_body) curl_easy_setopt(curl, CURLOPT_POSTFIELDS, post_body->c_str());
  if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return response;
}

// Polls `done` every 100 ms for up to `timeout`.
template <typename Done>
bool eventually(Done done, std::chrono::milliseconds timeout) {
  for (auto deadline = std::chrono::steady_clock::now() + timeout; std::chrono::steady_clock::now() < deadline;) {
    if (done()) return true;
    std::this_thread::sleep_for(100ms);
  }
  return done();
}

class FlowdTest : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped()) return;
    dir_ = fs::temp_directory_path() / ("flowd_e2e_" + std::to_string(getpid()));
    fs::create_directories(dir_ / "flows");
  }
  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (!dir_.empty()) fs::remove_all(dir_);
    DatabaseTest::TearDown();
  }

  void write_flow(const std::string& text) { std::ofstream(dir_ / "flows" / "main.flow") << text; }

  // Starts `flowd serve` against this test's schema; its output goes to dir_/flowd.log.
  void start(uint16_t port) {
    const std::string flows = (dir_ / "flows").string(), log = (dir_ / "flowd.log").string();
    const std::string listen = "127.0.0.1:" + std::to_string(port);
    pid_ = fork();
    ASSERT_GE(pid_, 0);
    if (pid_ == 0) {
      const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(fd, 1);
      dup2(fd, 2);
      execl(FLOWD_PATH, "flowd", "serve", "--flows", flows.c_str(), "--database-url", conninfo().c_str(),
            "--listen", listen.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
  }

  // The exit status once flowd has exited (within 20 s), or nullopt.
  std::optional<int> wait_exit() {
    int status = 0;
    const bool exited = eventually([&] { return waitpid(pid_, &status, WNOHANG) == pid_; }, 20s);
    if (!exited) return std::nullopt;
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  std::string log() const {
    std::ifstream in(dir_ / "flowd.log");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  fs::path dir_;
  pid_t pid_ = -1;
};

TEST_F(FlowdTest, TracksAnEventRunsTheWorkflowAndStopsCleanly) {
  write_flow(kFlow);
  const uint16_t port = free_port();
  start(port);
  ASSERT_TRUE(eventually([&] { return request(port, "/healthz", std::nullopt).status == 200; }, 30s)) << log();
  EXPECT_EQ(nlohmann::json::parse(request(port, "/healthz", std::nullopt).body), nlohmann::json({{"status", "ok"}}));

  const HttpResponse tracked = request(port, "/v1/track", R"({"event":"signup","email":"ada@example.com"})");
  ASSERT_EQ(tracked.status, 200) << tracked.body << log();
  const auto reply = nlohmann::json::parse(tracked.body);
  EXPECT_EQ(reply["success"], true);
  const int64_t contact = reply["contact"].get<int64_t>();

  const auto outbox_and_waiting = [&] {
    return db().exec("SELECT 1 FROM outbox o JOIN executions e USING (contact_id) "
                     "WHERE o.contact_id = $1 AND o.template = 'receipt' AND e.status = 'WAITING'",
                     contact).size() == 1;
  };
  EXPECT_TRUE(eventually(outbox_and_waiting, 15s)) << log();

  const HttpResponse bad = request(port, "/v1/track", "{not json");
  EXPECT_EQ(bad.status, 400);
  const auto error = nlohmann::json::parse(bad.body);
  EXPECT_EQ(error["success"], false);
  EXPECT_TRUE(error["error"]["code"].is_string());
  EXPECT_TRUE(error["error"]["message"].is_string());
  EXPECT_EQ(request(port, "/v1/track", R"({"event":"signup"})").status, 422);
  EXPECT_EQ(request(port, "/healthz", "{}").status, 405);
  EXPECT_EQ(request(port, "/nowhere", std::nullopt).status, 404);

  ASSERT_EQ(kill(pid_, SIGTERM), 0);
  EXPECT_EQ(wait_exit(), 0) << log();
}

TEST_F(FlowdTest, ACompileErrorStopsTheStartWithTheDiagnostics) {
  write_flow("workflow broken on \"signup\" { send nosuchtemplate }");
  start(free_port());
  EXPECT_EQ(wait_exit(), 1) << log();
  EXPECT_NE(log().find("nosuchtemplate"), std::string::npos) << log();
}

}  // namespace
}  // namespace flow::runtime::testing
