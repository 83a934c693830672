#include "lsp/hover.hpp"

#include <cmath>
#include <sstream>

#include "lsp/keywords.hpp"
#include "lsp/syntax_at.hpp"
#include "stdlib/functions.hpp"

namespace flow::lsp {

namespace {

std::string code_block(std::string_view code) { return "```flow\n" + std::string(code) + "\n```"; }

std::string template_hover(const Document& document, const Occurrence& definition) {
  for (const grammar::Template& item : document.ast().templates) {
    if (item.name.span.begin.offset != definition.span.begin.offset) continue;
    std::string code = "template " + item.name.text;
    for (const grammar::Setting& setting : item.settings) {
      if (setting.key.text == "type" || setting.key.text == "subject") {
        code += "\n  " + std::string(first_line(document.text_of(setting.span)));
      }
    }
    return code_block(code);
  }
  return {};
}

std::string name_hover(const Document& document, const Occurrence& occurrence) {
  const Occurrence* definition = document.names().definition_of(occurrence);
  if (definition == nullptr) {
    static constexpr std::string_view kWhat[] = {"template", "label", "local"};
    return "unknown " + std::string(kWhat[static_cast<size_t>(occurrence.kind)]) + " `" + occurrence.name + "`";
  }
  if (occurrence.kind == NameKind::Template) return template_hover(document, *definition);
  // The statement that defines a label or local starts on the line of its name.
  const grammar::SourceFile& file = document.file();
  const uint32_t line_number = file.position(definition->span.begin.offset).line;
  const std::string_view line = file.line(line_number);
  const size_t indent = line.find_first_not_of(" \t");
  return code_block(first_line(line.substr(indent == std::string_view::npos ? 0 : indent))) + "\n\ndefined on line " +
         std::to_string(line_number);
}

std::string function_hover(std::string_view name) {
  const auto index = stdlib::find_function(name);
  if (!index) return "unknown function `" + std::string(name) + "`";
  const stdlib::FunctionInfo& f = stdlib::function_table()[*index];
  return code_block(f.signature) + "\n\n" + std::string(f.doc);
}

std::optional<Hover> expr_hover(const Document& document, uint32_t offset) {
  const grammar::ExprId id = expr_at(document, offset);
  if (id == grammar::kNone) return std::nullopt;
  const grammar::Expr& e = document.ast().expr(id);
  if (e.kind == grammar::ExprKind::Duration) {
    return Hover{"`" + std::string(document.text_of(e.span)) + "` = " + seconds_text(e.seconds()),
                 document.range_of(e.span)};
  }
  if (e.kind == grammar::ExprKind::Call && offset < e.name.span.end.offset) {
    return Hover{function_hover(e.name.text), document.range_of(e.name.span)};
  }
  return std::nullopt;
}

// Words inside strings and comments are text, and field names and object keys may be
// keywords (`event.data.label`, `{ type: 1 }`) without meaning one.
bool may_be_keyword(const Document& document, uint32_t offset) {
  if (in_comment(document, offset)) return false;
  const grammar::ExprId inner = expr_at(document, offset);
  if (inner == grammar::kNone) return true;
  const grammar::ExprKind kind = document.ast().expr(inner).kind;
  return kind != grammar::ExprKind::String && kind != grammar::ExprKind::Member && kind != grammar::ExprKind::Object;
}

}  // namespace

std::string seconds_text(double seconds) {
  if (seconds != std::floor(seconds) || std::abs(seconds) >= 1e15) {
    std::ostringstream out;
    out << seconds << " s";
    return out.str();
  }
  std::string digits = std::to_string(static_cast<long long>(std::abs(seconds)));
  for (auto i = static_cast<std::ptrdiff_t>(digits.size()) - 3; i > 0; i -= 3) {
    digits.insert(static_cast<size_t>(i), ",");
  }
  return (seconds < 0 ? "-" : "") + digits + " s";
}

std::optional<Hover> hover(const Document& document, Position position) {
  const uint32_t offset = document.offset_of(position);
  if (const Occurrence* occurrence = document.names().at(offset)) {
    return Hover{name_hover(document, *occurrence), document.range_of(occurrence->span)};
  }
  if (auto found = expr_hover(document, offset)) return found;
  if (!may_be_keyword(document, offset)) return std::nullopt;
  const Word word = word_at(document.text(), offset);
  const KeywordInfo* keyword = find_keyword(word.text);
  if (keyword == nullptr) return std::nullopt;
  return Hover{std::string(keyword->doc),
               document.range_between(word.begin, word.begin + static_cast<uint32_t>(word.text.size()))};
}

}  // namespace flow::lsp
