// The protocol layer without pipes: framing, JSON-RPC errors and the lifecycle, driven
// through Server::handle and serve() on string streams.
#include <gtest/gtest.h>

#include <sstream>

#include "lsp/framing.hpp"
#include "lsp/server.hpp"

namespace flow::lsp {
namespace {

using nlohmann::json;

struct Recorder {
  std::vector<json> sent;
  Server server{[this](const json& message) { sent.push_back(message); }};

  json handle(const json& message) {
    sent.clear();
    server.handle(message.dump());
    return sent.empty() ? json() : sent.back();
  }
};

json request(int id, const std::string& method, json params = json::object()) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
}

int error_code(const json& reply) { return reply.at("error").at("code").get<int>(); }

TEST(LspServer, ErrorsForBrokenMessagesAndUnknownMethods) {
  Recorder r;
  r.server.handle("{not json");
  ASSERT_EQ(r.sent.size(), 1u);
  EXPECT_EQ(error_code(r.sent[0]), -32700);
  EXPECT_TRUE(r.sent[0]["id"].is_null());
  EXPECT_EQ(error_code(r.handle(json::array({1, 2}))), -32600);
  EXPECT_EQ(error_code(r.handle({{"jsonrpc", "2.0"}, {"id", 3}})), -32600);
  EXPECT_EQ(error_code(r.handle({{"jsonrpc", "2.0"}, {"id", {1}}, {"method", "x"}})), -32600);
  EXPECT_EQ(error_code(r.handle(request(4, "textDocument/hover"))), -32002);  // before initialize
  EXPECT_TRUE(r.handle(request(5, "initialize"))["result"].contains("capabilities"));
  const json unknown = r.handle(request(6, "no/such"));
  EXPECT_EQ(error_code(unknown), -32601);
  EXPECT_EQ(unknown["id"], 6);
  EXPECT_TRUE(r.handle({{"jsonrpc", "2.0"}, {"method", "no/such"}}).is_null());  // a notification: no reply
  EXPECT_EQ(error_code(r.handle(request(7, "textDocument/hover", {{"textDocument", 1}}))), -32602);
  EXPECT_TRUE(r.handle(request(
      8, "textDocument/hover",
      {{"textDocument", {{"uri", "file:///closed.flow"}}}, {"position", {{"line", 0}, {"character", 0}}}}))["result"]
                  .is_null());
}

TEST(LspServer, ShutdownThenExitIsExitCodeZero) {
  Recorder r;
  r.handle(request(1, "initialize"));
  EXPECT_TRUE(r.handle(request(2, "shutdown"))["result"].is_null());
  EXPECT_EQ(error_code(r.handle(request(3, "textDocument/hover"))), -32600);
  r.handle({{"jsonrpc", "2.0"}, {"method", "exit"}});
  EXPECT_TRUE(r.server.exited());
  EXPECT_EQ(r.server.exit_code(), 0);
}

TEST(LspServer, ExitWithoutShutdownIsExitCodeOne) {
  Recorder r;
  r.handle({{"jsonrpc", "2.0"}, {"method", "exit"}});
  EXPECT_TRUE(r.server.exited());
  EXPECT_EQ(r.server.exit_code(), 1);
}

TEST(LspFraming, ReadsMessagesAndSurvivesABrokenHeader) {
  std::istringstream in(
      "Content-Type: x\r\n\r\n"
      "Content-Length: 2\r\nContent-Type: application/vscode-jsonrpc\r\n\r\n{}"
      "content-length: 4\r\n\r\nnull");
  EXPECT_EQ(read_frame(in).status, FrameStatus::Malformed);
  const Frame first = read_frame(in);
  EXPECT_EQ(first.status, FrameStatus::Message);
  EXPECT_EQ(first.body, "{}");
  EXPECT_EQ(read_frame(in).body, "null");
  EXPECT_EQ(read_frame(in).status, FrameStatus::End);
}

TEST(LspFraming, ServeStopsAtTheEndOfInput) {
  std::ostringstream body;
  body << request(1, "initialize");
  std::istringstream in("Content-Length: " + std::to_string(body.str().size()) + "\r\n\r\n" + body.str());
  std::ostringstream out;
  EXPECT_EQ(serve(in, out), 1);  // no shutdown
  EXPECT_TRUE(out.str().starts_with("Content-Length: "));
}

}  // namespace
}  // namespace flow::lsp
