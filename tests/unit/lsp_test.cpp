// The real `flowc lsp` as an editor sees it: a child process spoken to in JSON-RPC over
// pipes. Every read has a generous timeout, so a broken server fails the test instead of
// hanging it.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <deque>
#include <nlohmann/json.hpp>

#include "lsp/uri.hpp"
#include "lsp_support.hpp"

namespace flow::lsp {
namespace {

using nlohmann::json;
using testing::example_path;
using testing::read_text;

constexpr int kTimeoutMs = 20000;

class ServerProcess {
 public:
  ServerProcess() {
    signal(SIGPIPE, SIG_IGN);  // a dead server must fail a write, not kill the test
    int in[2];
    int out[2];
    if (pipe(in) != 0 || pipe(out) != 0) ADD_FAILURE() << "pipe failed";
    pid_ = fork();
    if (pid_ == 0) {
      dup2(in[0], STDIN_FILENO);
      dup2(out[1], STDOUT_FILENO);
      for (const int fd : {in[0], in[1], out[0], out[1]}) close(fd);
      execl(FLOWC_PATH, FLOWC_PATH, "lsp", "--stdio", static_cast<char*>(nullptr));
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    to_server_ = in[1];
    from_server_ = out[0];
  }

  ~ServerProcess() {
    close_input();
    close(from_server_);
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  void send_raw(const std::string& bytes) {
    for (size_t done = 0; done < bytes.size();) {
      const ssize_t n = write(to_server_, bytes.data() + done, bytes.size() - done);
      ASSERT_GT(n, 0) << "the server stopped reading";
      done += static_cast<size_t>(n);
    }
  }

  void send(const json& message) {
    const std::string body = message.dump();
    send_raw("Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  }

  void notify(const std::string& method, json params) {
    send({{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
  }

  // Sends a request and returns its reply; notifications that come first are kept.
  json request(const std::string& method, json params = json::object()) {
    const int id = next_id_++;
    send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
    return reply(id);
  }

  json reply(const json& id) {
    for (;;) {
      json message = read();
      if (message.is_null()) return message;
      if (message.contains("id") && message["id"] == id && !message.contains("method")) return message;
      pending_.push_back(std::move(message));
    }
  }

  // The next notification of `method`, from those kept or from the server.
  json notification(const std::string& method) {
    for (auto it = pending_.begin(); it != pending_.end(); ++it) {
      if ((*it)["method"] == method) {
        json found = std::move(*it);
        pending_.erase(it);
        return found;
      }
    }
    for (;;) {
      json message = read();
      if (message.is_null() || message["method"] == method) return message;
      pending_.push_back(std::move(message));
    }
  }

  void close_input() {
    if (to_server_ >= 0) close(to_server_);
    to_server_ = -1;
  }

  // The exit code, or -1 when the server is still running after the timeout.
  int wait_exit() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kTimeoutMs);
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      usleep(10000);
    }
    return -1;
  }

 private:
  // One message, or null (after a test failure) on timeout or end of output.
  json read() {
    for (;;) {
      const size_t header_end = buffer_.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        const size_t length = std::stoul(buffer_.substr(buffer_.find(':') + 1, header_end));
        if (buffer_.size() >= header_end + 4 + length) {
          json message = json::parse(buffer_.substr(header_end + 4, length));
          buffer_.erase(0, header_end + 4 + length);
          return message;
        }
      }
      pollfd fd{from_server_, POLLIN, 0};
      if (poll(&fd, 1, kTimeoutMs) <= 0) {
        ADD_FAILURE() << "no message from the server within " << kTimeoutMs << " ms";
        return nullptr;
      }
      char chunk[65536];
      const ssize_t n = ::read(from_server_, chunk, sizeof chunk);
      if (n <= 0) {
        ADD_FAILURE() << "the server closed its output";
        return nullptr;
      }
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }

  pid_t pid_ = -1;
  bool exited_ = false;
  int to_server_ = -1;
  int from_server_ = -1;
  int next_id_ = 1;
  std::string buffer_;
  std::deque<json> pending_;
};

json position(int line, int character) { return {{"line", line}, {"character", character}}; }

json range(int line, int character, int end_line, int end_character) {
  return {{"start", position(line, character)}, {"end", position(end_line, end_character)}};
}

json at(const std::string& uri, int line, int character) {
  return {{"textDocument", {{"uri", uri}}}, {"position", position(line, character)}};
}

class LspProcess : public ::testing::Test {
 protected:
  void SetUp() override {
    const json init = server.request(
        "initialize", {{"processId", nullptr}, {"rootUri", path_to_uri(std::string(FLOW_SOURCE_DIR) + "/examples")}});
    ASSERT_TRUE(init["result"]["capabilities"]["hoverProvider"].get<bool>());
    server.notify("initialized", json::object());
  }

  // Opens a file of the repository and returns its URI and first diagnostics.
  std::pair<std::string, json> open(const std::string& path) {
    const std::string uri = path_to_uri(path);
    server.notify(
        "textDocument/didOpen",
        {{"textDocument", {{"uri", uri}, {"languageId", "flow"}, {"version", 1}, {"text", read_text(path)}}}});
    const json published = server.notification("textDocument/publishDiagnostics");
    EXPECT_EQ(published["params"]["uri"], uri);
    return {uri, published["params"]["diagnostics"]};
  }

  ServerProcess server;
};

TEST_F(LspProcess, DiagnosticsWhileTyping) {
  const auto [uri, diagnostics] = open(std::string(FLOW_SOURCE_DIR) + "/tests/lsp/broken.flow");
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0]["code"], "syntax-error");
  EXPECT_EQ(diagnostics[0]["severity"], 1);
  EXPECT_EQ(diagnostics[0]["range"]["start"], position(10, 7));  // `flowc check`: 11:8

  // `delay` → `delay 1 day`, as an incremental change at the end of line 10.
  server.notify("textDocument/didChange", {{"textDocument", {{"uri", uri}, {"version", 2}}},
                                           {"contentChanges", {{{"range", range(10, 7, 10, 7)}, {"text", " 1 day"}}}}});
  const json cleared = server.notification("textDocument/publishDiagnostics");
  EXPECT_EQ(cleared["params"]["version"], 2);
  EXPECT_EQ(cleared["params"]["diagnostics"], json::array());

  const auto [unicode_uri, unicode] = open(std::string(FLOW_SOURCE_DIR) + "/tests/lsp/unicode.flow");
  ASSERT_EQ(unicode.size(), 1u);
  EXPECT_EQ(unicode[0]["range"], range(3, 21, 3, 25));  // after an emoji (2 units) and é (1)
}

TEST_F(LspProcess, FeaturesOnAnExample) {
  const auto [uri, diagnostics] = open(example_path("abandoned_cart.flow"));
  EXPECT_EQ(diagnostics, json::array());

  // Line 29 is `  wait for "checkout.completed" within 1 day {`.
  const json hover = server.request("textDocument/hover", at(uri, 29, 40));
  EXPECT_EQ(hover["result"]["contents"]["value"], "`1 day` = 86,400 s");

  // Line 37 is `    goto remind`; the label is on line 28.
  const json definition = server.request("textDocument/definition", at(uri, 37, 10));
  EXPECT_EQ(definition["result"], json({{"uri", uri}, {"range", range(28, 8, 28, 14)}}));

  json references_params = at(uri, 28, 9);
  references_params["context"] = {{"includeDeclaration", true}};
  EXPECT_EQ(server.request("textDocument/references", references_params)["result"].size(), 2u);

  json rename_params = at(uri, 37, 10);
  rename_params["newName"] = "again";
  const json edits = server.request("textDocument/rename", rename_params)["result"]["changes"][uri];
  ASSERT_EQ(edits.size(), 2u);
  EXPECT_EQ(edits[1], json({{"range", range(37, 9, 37, 15)}, {"newText", "again"}}));
  rename_params["newName"] = "workflow";
  EXPECT_EQ(server.request("textDocument/rename", rename_params)["error"]["code"], -32803);

  // Line 36 is `    send cart_reminder`: after `send ` come the templates.
  const json completion = server.request("textDocument/completion", at(uri, 36, 9));
  std::vector<std::string> labels;
  for (const json& item : completion["result"]) labels.push_back(item["label"]);
  EXPECT_EQ(labels, (std::vector<std::string>{"cart_reminder", "cart_last_chance"}));

  const json symbols = server.request("textDocument/documentSymbol", {{"textDocument", {{"uri", uri}}}});
  ASSERT_EQ(symbols["result"].size(), 3u);
  EXPECT_EQ(symbols["result"][2]["name"], "workflow abandoned_cart on \"cart.abandoned\"");

  const json formatting =
      server.request("textDocument/formatting", {{"textDocument", {{"uri", uri}}}, {"options", {{"tabSize", 2}}}});
  EXPECT_EQ(formatting["result"], json::array());  // the examples are formatted
}

TEST_F(LspProcess, MalformedInputGetsErrorsThenShutdownExitsCleanly) {
  server.send_raw("Content-Length: 5\r\n\r\n{oops");
  EXPECT_EQ(server.reply(nullptr)["error"]["code"], -32700);
  server.send({{"jsonrpc", "2.0"}, {"id", 99}, {"method", "no/such"}});
  EXPECT_EQ(server.reply(99)["error"]["code"], -32601);
  server.send({{"jsonrpc", "2.0"}, {"method", "no/such"}});  // a notification: ignored
  server.send({{"jsonrpc", "2.0"}, {"id", 100}, {"params", 1}});
  EXPECT_EQ(server.reply(100)["error"]["code"], -32600);
  EXPECT_TRUE(server.request("shutdown")["result"].is_null());
  server.notify("exit", json::object());
  EXPECT_EQ(server.wait_exit(), 0);
}

TEST_F(LspProcess, ClosedInputWithoutShutdownExitsWithOne) {
  server.close_input();
  EXPECT_EQ(server.wait_exit(), 1);
}

}  // namespace
}  // namespace flow::lsp
