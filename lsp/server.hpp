#pragma once
// The protocol layer: JSON-RPC messages in, replies and notifications out, with the LSP
// lifecycle (initialize … shutdown, exit) around the Workspace. It does no I/O itself:
// serve() connects it to a byte stream, and tests can call handle() directly.
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>

#include "lsp/protocol.hpp"
#include "lsp/workspace.hpp"

namespace flow::lsp {

class Server {
 public:
  using Send = std::function<void(const nlohmann::json&)>;
  explicit Server(Send send) : send_(std::move(send)) {}

  // One message body. Never throws: a broken message gets an error reply (requests) or
  // is dropped (notifications).
  void handle(std::string_view body);
  // A frame whose header could not be read.
  void handle_malformed_frame();

  bool exited() const { return exited_; }
  // 0 after `shutdown` then `exit`, 1 when the server stops without a shutdown.
  int exit_code() const { return shutdown_ ? 0 : 1; }

 private:
  using Request = nlohmann::json (Server::*)(const nlohmann::json& params);
  using Notification = void (Server::*)(const nlohmann::json& params);
  static const std::map<std::string_view, Request>& requests();
  static const std::map<std::string_view, Notification>& notifications();

  void request(const nlohmann::json& id, const std::string& method, const nlohmann::json& params);
  void notification(const std::string& method, const nlohmann::json& params);
  void notify(const std::string& method, nlohmann::json params);
  void reply_error(const nlohmann::json& id, ErrorCode code, const std::string& message);

  // Lifecycle
  nlohmann::json initialize(const nlohmann::json& params);
  nlohmann::json shutdown(const nlohmann::json& params);
  void initialized(const nlohmann::json& params) {}
  void exit(const nlohmann::json& params) { exited_ = true; }

  // Documents
  void did_open(const nlohmann::json& params);
  void did_change(const nlohmann::json& params);
  void did_close(const nlohmann::json& params);
  void did_change_watched_files(const nlohmann::json& params);
  void publish_diagnostics(const Document& document);

  // Queries
  Document* document(const nlohmann::json& params);
  nlohmann::json hover(const nlohmann::json& params);
  nlohmann::json definition(const nlohmann::json& params);
  nlohmann::json references(const nlohmann::json& params);
  nlohmann::json prepare_rename(const nlohmann::json& params);
  nlohmann::json rename(const nlohmann::json& params);
  nlohmann::json completion(const nlohmann::json& params);
  nlohmann::json document_symbol(const nlohmann::json& params);
  nlohmann::json formatting(const nlohmann::json& params);

  Send send_;
  Workspace workspace_;
  // Other files (template files) each document has published diagnostics for, so they can
  // be cleared when they go away.
  std::map<std::string, std::set<std::string>> published_elsewhere_;
  bool initialized_ = false;
  bool shutdown_ = false;
  bool exited_ = false;
};

// Runs a server on a stream pair until `exit` or the end of the input; returns the exit
// code.
int serve(std::istream& in, std::ostream& out);

}  // namespace flow::lsp
