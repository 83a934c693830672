#pragma once
// The JSON shapes of LSP 3.17 for the language features' answers (types.hpp), and the
// JSON-RPC error codes.
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "lsp/types.hpp"

namespace flow::lsp {

enum class ErrorCode : int {
  ParseError = -32700,
  InvalidRequest = -32600,
  MethodNotFound = -32601,
  InvalidParams = -32602,
  InternalError = -32603,
  ServerNotInitialized = -32002,
  RequestFailed = -32803,
};

// Thrown by a request handler; becomes the reply's `error`.
struct ResponseError : std::runtime_error {
  ResponseError(ErrorCode code, const std::string& message) : std::runtime_error(message), code(code) {}
  ErrorCode code;
};

void to_json(nlohmann::json& j, const Position& position);
void from_json(const nlohmann::json& j, Position& position);
void to_json(nlohmann::json& j, const Range& range);
void from_json(const nlohmann::json& j, Range& range);
void to_json(nlohmann::json& j, const Location& location);
void to_json(nlohmann::json& j, const TextEdit& edit);
void to_json(nlohmann::json& j, const Diagnostic& diagnostic);
void to_json(nlohmann::json& j, const Hover& hover);
void to_json(nlohmann::json& j, const CompletionItem& item);
void to_json(nlohmann::json& j, const DocumentSymbol& symbol);

nlohmann::json workspace_edit_json(const WorkspaceEdit& edit);

}  // namespace flow::lsp
