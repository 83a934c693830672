#include "lsp/protocol.hpp"

namespace flow::lsp {

using nlohmann::json;

void to_json(json& j, const Position& position) { j = {{"line", position.line}, {"character", position.character}}; }

void from_json(const json& j, Position& position) {
  position.line = j.at("line").get<uint32_t>();
  position.character = j.at("character").get<uint32_t>();
}

void to_json(json& j, const Range& range) { j = {{"start", range.start}, {"end", range.end}}; }

void from_json(const json& j, Range& range) {
  range.start = j.at("start").get<Position>();
  range.end = j.at("end").get<Position>();
}

void to_json(json& j, const Location& location) { j = {{"uri", location.uri}, {"range", location.range}}; }

void to_json(json& j, const TextEdit& edit) { j = {{"range", edit.range}, {"newText", edit.new_text}}; }

void to_json(json& j, const Diagnostic& diagnostic) {
  j = {{"range", diagnostic.range},
       {"severity", static_cast<int>(diagnostic.severity)},
       {"code", diagnostic.code},
       {"source", "flowc"},
       {"message", diagnostic.message}};
  if (diagnostic.related.empty()) return;
  json& related = j["relatedInformation"] = json::array();
  for (const RelatedInformation& info : diagnostic.related) {
    related.push_back({{"location", info.location}, {"message", info.message}});
  }
}

void to_json(json& j, const Hover& hover) {
  j = {{"contents", {{"kind", "markdown"}, {"value", hover.markdown}}}, {"range", hover.range}};
}

void to_json(json& j, const CompletionItem& item) {
  j = {{"label", item.label}, {"kind", static_cast<int>(item.kind)}};
  if (!item.detail.empty()) j["detail"] = item.detail;
  if (!item.documentation.empty()) j["documentation"] = {{"kind", "markdown"}, {"value", item.documentation}};
  const std::string& text = item.insert_text.empty() ? item.label : item.insert_text;
  if (item.replace) {
    j["textEdit"] = TextEdit{*item.replace, text};
  } else if (!item.insert_text.empty()) {
    j["insertText"] = item.insert_text;
  }
  constexpr int kPlainText = 1;
  constexpr int kSnippet = 2;
  j["insertTextFormat"] = item.snippet ? kSnippet : kPlainText;
}

void to_json(json& j, const DocumentSymbol& symbol) {
  j = {{"name", symbol.name},
       {"kind", static_cast<int>(symbol.kind)},
       {"range", symbol.range},
       {"selectionRange", symbol.selection_range},
       {"children", symbol.children}};
}

json workspace_edit_json(const WorkspaceEdit& edit) {
  json changes = json::object();
  for (const auto& [uri, edits] : edit) changes[uri] = edits;
  return {{"changes", changes}};
}

}  // namespace flow::lsp
