// Dispatch and lifecycle. The handlers of the language features are in
// server_features.cpp.
#include "lsp/server.hpp"

#include "lsp/framing.hpp"
#include "lsp/uri.hpp"

namespace flow::lsp {

using nlohmann::json;

const std::map<std::string_view, Server::Request>& Server::requests() {
  static const std::map<std::string_view, Request> table = {
      {"initialize", &Server::initialize},
      {"shutdown", &Server::shutdown},
      {"textDocument/hover", &Server::hover},
      {"textDocument/definition", &Server::definition},
      {"textDocument/references", &Server::references},
      {"textDocument/prepareRename", &Server::prepare_rename},
      {"textDocument/rename", &Server::rename},
      {"textDocument/completion", &Server::completion},
      {"textDocument/documentSymbol", &Server::document_symbol},
      {"textDocument/formatting", &Server::formatting},
  };
  return table;
}

const std::map<std::string_view, Server::Notification>& Server::notifications() {
  static const std::map<std::string_view, Notification> table = {
      {"initialized", &Server::initialized},
      {"exit", &Server::exit},
      {"textDocument/didOpen", &Server::did_open},
      {"textDocument/didChange", &Server::did_change},
      {"textDocument/didClose", &Server::did_close},
      {"workspace/didChangeWatchedFiles", &Server::did_change_watched_files},
  };
  return table;
}

void Server::handle(std::string_view body) {
  const json message = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (message.is_discarded()) return reply_error(nullptr, ErrorCode::ParseError, "the message is not valid JSON");
  if (!message.is_object()) return reply_error(nullptr, ErrorCode::InvalidRequest, "a message must be an object");
  const auto id = message.find("id");
  const bool has_id = id != message.end();
  if (has_id && !id->is_number_integer() && !id->is_string()) {
    return reply_error(nullptr, ErrorCode::InvalidRequest, "`id` must be an integer or a string");
  }
  const auto method = message.find("method");
  if (method == message.end() || !method->is_string()) {
    // A response to a request of ours (the server sends none) needs no answer.
    const bool is_response = message.contains("result") || message.contains("error");
    if (has_id && !is_response) reply_error(*id, ErrorCode::InvalidRequest, "`method` must be a string");
    return;
  }
  const json params = message.value("params", json::object());
  if (has_id) {
    request(*id, method->get<std::string>(), params);
  } else {
    notification(method->get<std::string>(), params);
  }
}

void Server::handle_malformed_frame() {
  reply_error(nullptr, ErrorCode::ParseError, "a message needs a `Content-Length` header");
}

void Server::request(const json& id, const std::string& method, const json& params) {
  const auto handler = requests().find(method);
  if (handler == requests().end()) return reply_error(id, ErrorCode::MethodNotFound, "unknown method `" + method + "`");
  if (!initialized_ && method != "initialize") {
    return reply_error(id, ErrorCode::ServerNotInitialized, "the first request must be `initialize`");
  }
  if (shutdown_) return reply_error(id, ErrorCode::InvalidRequest, "the server is shutting down");
  try {
    send_({{"jsonrpc", "2.0"}, {"id", id}, {"result", (this->*handler->second)(params)}});
  } catch (const ResponseError& e) {
    reply_error(id, e.code, e.what());
  } catch (const json::exception& e) {
    reply_error(id, ErrorCode::InvalidParams, std::string("invalid params: ") + e.what());
  } catch (const std::exception& e) {
    reply_error(id, ErrorCode::InternalError, e.what());
  }
}

void Server::notification(const std::string& method, const json& params) {
  const auto handler = notifications().find(method);
  // Unknown notifications (`$/cancelRequest`, …) are ignored, as are all but `exit`
  // before `initialize`.
  if (handler == notifications().end() || (!initialized_ && method != "exit")) return;
  try {
    (this->*handler->second)(params);
  } catch (const std::exception&) {
    // A notification has nobody to tell; the document keeps its last good state.
  }
}

void Server::notify(const std::string& method, json params) {
  send_({{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
}

void Server::reply_error(const json& id, ErrorCode code, const std::string& message) {
  send_({{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", static_cast<int>(code)}, {"message", message}}}});
}

json Server::initialize(const json& params) {
  initialized_ = true;
  if (const auto folders = params.find("workspaceFolders");
      folders != params.end() && folders->is_array() && !folders->empty()) {
    workspace_.set_root(uri_to_path(folders->at(0).at("uri").get<std::string>()));
  } else if (params.contains("rootUri") && params["rootUri"].is_string()) {
    workspace_.set_root(uri_to_path(params["rootUri"].get<std::string>()));
  }
  constexpr int kIncremental = 2;
  return {
      {"capabilities",
       {{"positionEncoding", "utf-16"},
        {"textDocumentSync", {{"openClose", true}, {"change", kIncremental}}},
        {"hoverProvider", true},
        {"definitionProvider", true},
        {"referencesProvider", true},
        {"renameProvider", {{"prepareProvider", true}}},
        {"completionProvider", {{"triggerCharacters", {".", "\""}}}},
        {"documentSymbolProvider", true},
        {"documentFormattingProvider", true}}},
      {"serverInfo", {{"name", "flowc"}}},
  };
}

json Server::shutdown(const json&) {
  shutdown_ = true;
  return nullptr;
}

int serve(std::istream& in, std::ostream& out) {
  Server server([&out](const json& message) {
    // Invalid UTF-8 from a document must not stop the server: it is replaced, not thrown.
    write_frame(out, message.dump(-1, ' ', false, json::error_handler_t::replace));
  });
  while (!server.exited()) {
    Frame frame = read_frame(in);
    if (frame.status == FrameStatus::End) break;
    if (frame.status == FrameStatus::Malformed) {
      server.handle_malformed_frame();
    } else {
      server.handle(frame.body);
    }
  }
  return server.exit_code();
}

}  // namespace flow::lsp
