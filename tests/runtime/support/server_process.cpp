#include "server_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>

extern char** environ;

namespace flow::runtime::testing {

namespace {

// This file lives in tests/runtime/support/; the servers next door.
std::filesystem::path servers_dir() { return std::filesystem::path(__FILE__).parent_path().parent_path() / "servers"; }

// The first line the child writes, or "" if it writes none within the deadline.
std::string read_line(int fd, int timeout_ms) {
  std::string line;
  pollfd readable{.fd = fd, .events = POLLIN, .revents = 0};
  char c = 0;
  while (::poll(&readable, 1, timeout_ms) > 0 && ::read(fd, &c, 1) == 1 && c != '\n') line += c;
  return c == '\n' ? line : "";
}

}  // namespace

ServerProcess::ServerProcess(const std::string& script, std::filesystem::path out_file) : out_file_(std::move(out_file)) {
  const char* python_env = std::getenv("FLOW_TEST_PYTHON");
  std::string python = python_env && *python_env ? python_env : "/usr/bin/python3";
  std::string script_path = (servers_dir() / script).string();
  std::string out_flag = "--out", out_path = out_file_.string();
  char* argv[] = {python.data(), script_path.data(), out_flag.data(), out_path.data(), nullptr};

  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  const int spawned = ::posix_spawn(&pid_, python.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  if (spawned != 0) {
    ::close(pipe_fds[0]);
    throw std::runtime_error("cannot start " + python + " " + script_path);
  }
  const std::string line = read_line(pipe_fds[0], 10'000);
  ::close(pipe_fds[0]);
  port_ = std::atoi(line.c_str());
  if (port_ <= 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    throw std::runtime_error(script + " reported no port (is python3-aiosmtpd installed? scripts/install-deps)");
  }
}

ServerProcess::~ServerProcess() {
  ::kill(pid_, SIGTERM);
  ::waitpid(pid_, nullptr, 0);
}

std::string ServerProcess::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<nlohmann::json> ServerProcess::records() const {
  std::vector<nlohmann::json> records;
  std::ifstream in(out_file_);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) records.push_back(nlohmann::json::parse(line));
  return records;
}

}  // namespace flow::runtime::testing
