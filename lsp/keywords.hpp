#pragma once
// What the words of the language mean, once: hover shows the doc, completion offers the
// word (as a snippet when it starts a template, workflow or step).
#include <cstdint>
#include <string_view>
#include <vector>

namespace flow::lsp {

// Keywords are reserved (no template, label or local may take their name); setting words
// are only special at the start of a template's or workflow's setting line.
enum class WordKind : uint8_t { Keyword, Setting };

struct KeywordInfo {
  WordKind kind;
  std::string_view word;
  std::string_view doc;      // markdown, one or two sentences
  std::string_view snippet;  // LSP snippet syntax; empty for a plain word
};

// The keywords of docs/language.md and the setting words of templates and workflows.
const std::vector<KeywordInfo>& keyword_table();
const KeywordInfo* find_keyword(std::string_view word);
// A name a person may choose: an identifier that is not a keyword.
bool is_valid_name(std::string_view name);

}  // namespace flow::lsp
