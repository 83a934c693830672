#include "flowd_process.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <nlohmann/json.hpp>

namespace flow::runtime::testing {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

size_t append(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

std::atomic<int> instances{0};

}  // namespace

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

HttpResponse http_request(uint16_t port, const HttpRequest& request) {
  HttpResponse response;
  CURL* curl = curl_easy_init();
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + request.path;
  curl_slist* headers = nullptr;
  if (!request.content_type.empty()) headers = curl_slist_append(headers, ("Content-Type: " + request.content_type).c_str());
  if (!request.key.empty()) headers = curl_slist_append(headers, ("Authorization: Bearer " + request.key).c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, append);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  if (request.method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  if (request.body) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body->data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body->size()));
  }
  if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return response;
}

FlowdProcess::FlowdProcess(fs::path dir, fs::path flows, std::string conninfo)
    : dir_(std::move(dir)), flows_(std::move(flows)), conninfo_(std::move(conninfo)) {
  log_ = dir_ / ("flowd-" + std::to_string(instances++) + ".log");
}

FlowdProcess::~FlowdProcess() {
  if (pid_ > 0) kill_hard();
}

void FlowdProcess::start(const std::vector<std::string>& extra) {
  port_ = free_port();
  std::vector<std::string> args = {"flowd", "serve", "--flows", flows_.string(), "--database-url", conninfo_,
                                   "--listen", "127.0.0.1:" + std::to_string(port_)};
  if (use_test_keys) args.insert(args.end(), {"--secret-key", kSecretKey, "--public-key", kPublicKey});
  args.insert(args.end(), extra.begin(), extra.end());
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    const int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    execv(FLOWD_PATH, argv.data());
    _exit(127);
  }
}

bool FlowdProcess::start_and_wait(const std::vector<std::string>& extra) {
  start(extra);
  return eventually([&] { return get("/healthz").status == 200; }, 30s);
}

HttpResponse FlowdProcess::track(const std::string& event, const std::string& email) const {
  return post("/v1/track", nlohmann::json({{"event", event}, {"email", email}}).dump());
}

void FlowdProcess::kill_hard() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

std::optional<int> FlowdProcess::terminate() {
  if (pid_ <= 0) return std::nullopt;
  ::kill(pid_, SIGTERM);
  return wait_exit();
}

std::optional<int> FlowdProcess::wait_exit() {
  if (pid_ <= 0) return std::nullopt;
  int status = 0;
  if (!eventually([&] { return waitpid(pid_, &status, WNOHANG) == pid_; }, 20s)) return std::nullopt;
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string FlowdProcess::log() const {
  std::ifstream in(log_);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace flow::runtime::testing
