// The server must never crash, whatever state the text is in: every query at every
// position of an example, and at the end of every prefix of it (a file being typed, so
// mostly broken).
#include <gtest/gtest.h>

#include "lsp/completion.hpp"
#include "lsp/diagnostics.hpp"
#include "lsp/formatting.hpp"
#include "lsp/hover.hpp"
#include "lsp/navigation.hpp"
#include "lsp/outline.hpp"
#include "lsp_support.hpp"

namespace flow::lsp {
namespace {

// Asks everything at `position`; returns how many answers were not empty.
size_t ask_everything(const Document& document, Position position) {
  size_t answers = 0;
  answers += hover(document, position).has_value();
  answers += definition(document, position).has_value();
  answers += !references(document, position, true).empty();
  answers += prepare_rename(document, position).has_value();
  answers += rename(document, position, "renamed").edit.has_value();
  answers += !complete(document, position, {}).empty();
  return answers;
}

bool contains(const Range& outer, const Range& inner) { return outer.start <= inner.start && inner.end <= outer.end; }

// What editors check of an outline: the selection inside the symbol, children inside it.
void expect_nested(const std::vector<DocumentSymbol>& symbols, const Range* parent = nullptr) {
  for (const DocumentSymbol& symbol : symbols) {
    EXPECT_TRUE(contains(symbol.range, symbol.selection_range)) << symbol.name;
    if (parent != nullptr) {
      EXPECT_TRUE(contains(*parent, symbol.range)) << symbol.name;
    }
    expect_nested(symbol.children, &symbol.range);
  }
}

TEST(LspRobustness, EveryPositionOfAnExample) {
  for (const char* name : {"onboarding.flow", "abandoned_cart.flow", "plan_branching.flow"}) {
    const Document document = testing::example(name);
    size_t answers = 0;
    const auto lines = document.file().line_count();
    for (uint32_t line = 0; line <= lines; ++line) {
      for (uint32_t character = 0; character <= document.file().line(line + 1).size() + 1; ++character) {
        answers += ask_everything(document, Position{line, character});
      }
    }
    EXPECT_GT(answers, 0u) << name;
  }
}

TEST(LspRobustness, EveryPrefixOfAFileBeingTyped) {
  const std::string text = testing::read_text(testing::example_path("abandoned_cart.flow"));
  Document document = testing::text_document("");
  for (uint32_t cut = 0; cut <= text.size(); ++cut) {
    document.apply_change(std::nullopt, text.substr(0, cut));
    document.analyze();
    ask_everything(document, document.range_between(cut, cut).start);
    diagnostics_by_uri(document);
    expect_nested(document_symbols(document));
    format_document(document);
  }
  EXPECT_FALSE(document.has_syntax_errors());
}

}  // namespace
}  // namespace flow::lsp
