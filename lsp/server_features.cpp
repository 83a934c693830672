// The handlers of document sync and the language features: JSON params to Workspace
// and Document calls, and their answers back to JSON.
#include "lsp/completion.hpp"
#include "lsp/diagnostics.hpp"
#include "lsp/formatting.hpp"
#include "lsp/hover.hpp"
#include "lsp/navigation.hpp"
#include "lsp/outline.hpp"
#include "lsp/server.hpp"

namespace flow::lsp {

using nlohmann::json;

namespace {

const std::string& uri_of(const json& params) {
  return params.at("textDocument").at("uri").get_ref<const std::string&>();
}

Position position_of(const json& params) { return params.at("position").get<Position>(); }

template <typename T>
json or_null(const std::optional<T>& answer) {
  return answer ? json(*answer) : json(nullptr);
}

}  // namespace

// ---- Document sync

void Server::did_open(const json& params) {
  const json& item = params.at("textDocument");
  publish_diagnostics(workspace_.open(item.at("uri").get<std::string>(), item.at("text").get<std::string>(),
                                      item.value("version", int64_t{0})));
}

void Server::did_change(const json& params) {
  Document* doc = document(params);
  if (doc == nullptr) return;
  // All changes are read before the first is applied, so a malformed one changes nothing.
  std::vector<std::pair<std::optional<Range>, std::string>> changes;
  for (const json& change : params.at("contentChanges")) {
    std::optional<Range> range;
    if (change.contains("range")) range = change["range"].get<Range>();
    changes.emplace_back(range, change.at("text").get<std::string>());
  }
  const int64_t version = params.at("textDocument").value("version", doc->version());
  for (const auto& [range, text] : changes) doc->apply_change(range, text);
  doc->set_version(version);
  doc->analyze();
  publish_diagnostics(*doc);
}

void Server::did_close(const json& params) {
  const std::string& uri = uri_of(params);
  std::set<std::string> published = std::move(published_elsewhere_[uri]);
  published.insert(uri);
  for (const std::string& cleared : published) {
    notify("textDocument/publishDiagnostics", {{"uri", cleared}, {"diagnostics", json::array()}});
  }
  published_elsewhere_.erase(uri);
  workspace_.close(uri);
}

// A template file a document reads may have changed on disk.
void Server::did_change_watched_files(const json&) {
  for (auto& [uri, doc] : workspace_.documents()) {
    doc.analyze();
    publish_diagnostics(doc);
  }
}

void Server::publish_diagnostics(const Document& doc) {
  std::map<std::string, std::vector<Diagnostic>> by_uri = diagnostics_by_uri(doc);
  std::set<std::string>& elsewhere = published_elsewhere_[doc.uri()];
  for (const std::string& stale : elsewhere) by_uri[stale];  // an empty list clears them
  elsewhere.clear();
  for (const auto& [uri, diagnostics] : by_uri) {
    json params = {{"uri", uri}, {"diagnostics", diagnostics}};
    if (uri == doc.uri()) {
      params["version"] = doc.version();
    } else if (!diagnostics.empty()) {
      elsewhere.insert(uri);
    }
    notify("textDocument/publishDiagnostics", std::move(params));
  }
}

// ---- Queries (null or empty answers for a document that is not open)

Document* Server::document(const json& params) { return workspace_.find(uri_of(params)); }

json Server::hover(const json& params) {
  const Document* doc = document(params);
  if (doc == nullptr) return nullptr;
  return or_null(lsp::hover(*doc, position_of(params)));
}

json Server::definition(const json& params) {
  const Document* doc = document(params);
  if (doc == nullptr) return nullptr;
  return or_null(lsp::definition(*doc, position_of(params)));
}

json Server::references(const json& params) {
  const Document* doc = document(params);
  if (doc == nullptr) return json::array();
  const bool include_declaration = params.value("context", json::object()).value("includeDeclaration", true);
  return lsp::references(*doc, position_of(params), include_declaration);
}

json Server::prepare_rename(const json& params) {
  const Document* doc = document(params);
  if (doc == nullptr) return nullptr;
  return or_null(lsp::prepare_rename(*doc, position_of(params)));
}

json Server::rename(const json& params) {
  const Document* doc = document(params);
  if (doc == nullptr) return nullptr;
  RenameResult result = lsp::rename(*doc, position_of(params), params.at("newName").get<std::string>());
  if (!result.error.empty()) throw ResponseError(ErrorCode::RequestFailed, result.error);
  return result.edit ? workspace_edit_json(*result.edit) : json(nullptr);
}

json Server::completion(const json& params) {
  const Document* doc = document(params);
  if (doc == nullptr) return json::array();
  return complete(*doc, position_of(params), workspace_.facts());
}

json Server::document_symbol(const json& params) {
  const Document* doc = document(params);
  if (doc == nullptr) return json::array();
  return document_symbols(*doc);
}

json Server::formatting(const json& params) {
  const Document* doc = document(params);
  if (doc == nullptr) return json::array();
  return format_document(*doc);
}

}  // namespace flow::lsp
