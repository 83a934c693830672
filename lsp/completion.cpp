#include "lsp/completion.hpp"

#include <regex>

#include "lsp/keywords.hpp"
#include "stdlib/functions.hpp"

namespace flow::lsp {

namespace {

enum class LineState { Code, String, Comment };

// Whether the end of `prefix` (a line up to the cursor) is code, inside a string or inside
// a comment. Holes (`{{ … }}`) in strings are code again, and may hold strings.
LineState state_at_end(std::string_view prefix) {
  std::vector<bool> in_string = {false};  // a stack: strings inside holes inside strings
  for (size_t i = 0; i < prefix.size(); ++i) {
    const std::string_view rest = prefix.substr(i);
    if (in_string.back()) {
      if (rest[0] == '\\') {
        ++i;
      } else if (rest[0] == '"') {
        in_string.pop_back();
      } else if (rest.starts_with("{{")) {
        in_string.push_back(false);
        i += rest.starts_with("{{{") ? 2 : 1;
      }
    } else if (rest.starts_with("//")) {
      return LineState::Comment;
    } else if (rest[0] == '"') {
      in_string.push_back(true);
    } else if (rest.starts_with("}}") && in_string.size() > 1) {
      in_string.pop_back();
      i += rest.starts_with("}}}") ? 2 : 1;
    }
  }
  return in_string.back() ? LineState::String : LineState::Code;
}

CompletionItem item(std::string label, CompletionKind kind, std::string detail = {}) {
  CompletionItem out;
  out.label = std::move(label);
  out.kind = kind;
  out.detail = std::move(detail);
  return out;
}

std::vector<CompletionItem> items_named(const std::vector<std::string>& names, CompletionKind kind,
                                        const char* detail) {
  std::vector<CompletionItem> out;
  for (const std::string& name : names) out.push_back(item(name, kind, detail));
  return out;
}

std::vector<CompletionItem> from_set(const std::set<std::string>& names, CompletionKind kind, const char* detail) {
  return items_named(std::vector<std::string>(names.begin(), names.end()), kind, detail);
}

// Event names inside the string; they replace what is typed so far, dots included (the
// editor's word would stop at a dot).
std::vector<CompletionItem> events(const Facts& workspace, Range typed) {
  std::vector<CompletionItem> out = from_set(workspace.events, CompletionKind::Event, "event");
  for (CompletionItem& event : out) event.replace = typed;
  return out;
}

std::vector<CompletionItem> everything(const Document& document, uint32_t workflow) {
  std::vector<CompletionItem> out;
  for (const KeywordInfo& keyword : keyword_table()) {
    CompletionItem& k = out.emplace_back(item(std::string(keyword.word), CompletionKind::Keyword));
    k.documentation = keyword.doc;
    if (!keyword.snippet.empty()) {
      k.kind = CompletionKind::Snippet;
      k.insert_text = keyword.snippet;
      k.snippet = true;
    }
  }
  for (const stdlib::FunctionInfo& function : stdlib::function_table()) {
    CompletionItem& f =
        out.emplace_back(item(std::string(function.name), CompletionKind::Function, std::string(function.signature)));
    f.documentation = function.doc;
    f.insert_text = std::string(function.name) + (function.max_args == 0 ? "()" : "($1)");
    f.snippet = true;
  }
  if (workflow != grammar::kNone) {
    for (CompletionItem& local :
         items_named(document.names().defined(NameKind::Local, workflow), CompletionKind::Variable, "local")) {
      out.push_back(std::move(local));
    }
  }
  return out;
}

}  // namespace

std::vector<CompletionItem> complete(const Document& document, Position position, const Facts& workspace) {
  const uint32_t offset = document.offset_of(position);
  const uint32_t line_begin = document.offset_of(Position{position.line, 0});
  const std::string prefix = document.text().substr(line_begin, offset - line_begin);
  const uint32_t workflow = document.workflow_at(offset);
  std::smatch match;
  switch (state_at_end(prefix)) {
    case LineState::Comment: return {};
    case LineState::String: {
      static const std::regex kEvent(R"((^|\W)(on|for)\s+"([^"]*)$)");
      if (!std::regex_search(prefix, match, kEvent)) return {};
      const auto typed = static_cast<uint32_t>(match.length(3));
      return events(workspace, document.range_between(offset - typed, offset));
    }
    case LineState::Code: break;
  }
  static const std::regex kDataField(R"(\bcontact\s*\.\s*data\s*\.\s*\w*$)");
  static const std::regex kSend(R"((^|\W)send\s+\w*$)");
  static const std::regex kGoto(R"((^|\W)goto\s+\w*$)");
  static const std::regex kOtherMember(R"(\.\s*\w*$)");
  if (std::regex_search(prefix, kDataField)) {
    return from_set(workspace.data_fields, CompletionKind::Field, "contact data");
  }
  if (std::regex_search(prefix, kSend)) {
    return items_named(document.names().defined(NameKind::Template, workflow), CompletionKind::Class, "template");
  }
  if (std::regex_search(prefix, kGoto)) {
    return items_named(document.names().defined(NameKind::Label, workflow), CompletionKind::Reference, "label");
  }
  if (std::regex_search(prefix, kOtherMember)) return {};
  return everything(document, workflow);
}

}  // namespace flow::lsp
