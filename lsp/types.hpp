#pragma once
// What the language features answer, in the editor's coordinates but free of JSON: the
// protocol layer (protocol.hpp) turns these into LSP messages, and the unit tests compare
// them directly.
#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace flow::lsp {

// LSP positions: 0-based line, and the character offset in UTF-16 code units.
struct Position {
  uint32_t line = 0;
  uint32_t character = 0;
  auto operator<=>(const Position&) const = default;
};

struct Range {
  Position start;
  Position end;
  bool operator==(const Range&) const = default;
};

struct Location {
  std::string uri;
  Range range;
  bool operator==(const Location&) const = default;
};

struct TextEdit {
  Range range;
  std::string new_text;
  bool operator==(const TextEdit&) const = default;
};

// Edits by document URI.
using WorkspaceEdit = std::map<std::string, std::vector<TextEdit>>;

enum class DiagnosticSeverity : uint8_t { Error = 1, Warning = 2, Information = 3, Hint = 4 };

struct RelatedInformation {
  Location location;
  std::string message;
};

struct Diagnostic {
  Range range;
  DiagnosticSeverity severity = DiagnosticSeverity::Error;
  std::string code;  // the stable kind code, e.g. "unknown-template"
  std::string message;
  std::vector<RelatedInformation> related;  // the notes
};

struct Hover {
  std::string markdown;
  Range range;
};

// The LSP CompletionItemKind values the server uses.
enum class CompletionKind : uint8_t {
  Function = 3,
  Field = 5,
  Variable = 6,
  Class = 7,
  Keyword = 14,
  Snippet = 15,
  Reference = 18,
  Event = 23,
};

struct CompletionItem {
  std::string label;
  CompletionKind kind = CompletionKind::Keyword;
  std::string detail;
  std::string documentation;     // markdown
  std::string insert_text;       // empty: the label
  bool snippet = false;          // insert_text uses $1 placeholders
  std::optional<Range> replace;  // the text the item replaces, when not just the word
};

// The LSP SymbolKind values the outline uses.
enum class SymbolKind : uint8_t { Key = 20, Function = 12, Variable = 13, Event = 24, Struct = 23 };

struct DocumentSymbol {
  std::string name;  // the first line of its text: `send welcome`
  SymbolKind kind = SymbolKind::Event;
  Range range;            // the whole item or statement
  Range selection_range;  // its first line, inside `range`
  std::vector<DocumentSymbol> children;
};

}  // namespace flow::lsp
