#pragma once
// A test server from tests/runtime/servers/ running as a child process for the life of
// the object: started with `--out <file>`, it listens on 127.0.0.1 and reports its port on
// the first line of stdout; it appends what it receives to <file> as JSON lines. Debian's
// /usr/bin/python3 runs it (it has python3-aiosmtpd; a pyenv python may not), unless
// FLOW_TEST_PYTHON names another.
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace flow::runtime::testing {

class ServerProcess {
 public:
  // `script`: a file name in tests/runtime/servers/. Throws std::runtime_error when the
  // server doesn't report a port within 10 s.
  ServerProcess(const std::string& script, std::filesystem::path out_file);
  ~ServerProcess();  // SIGTERM, then reaps the child
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& path) const;  // http://127.0.0.1:<port><path>

  // Every record written so far, in order.
  std::vector<nlohmann::json> records() const;

 private:
  std::filesystem::path out_file_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace flow::runtime::testing
