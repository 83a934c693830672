// The keyword table agrees with the parser: its keywords are reserved (refused as a
// local's name, so rename must refuse them too) and its setting words are not.
#include <gtest/gtest.h>

#include "lsp/keywords.hpp"
#include "lsp_support.hpp"

namespace flow::lsp {
namespace {

TEST(LspKeywords, KeywordsAreReservedAndSettingWordsAreNot) {
  size_t keywords = 0;
  for (const KeywordInfo& word : keyword_table()) {
    const Document document =
        testing::text_document("workflow w on \"e\" {\n  let " + std::string(word.word) + " = 1\n}\n");
    const bool reserved = word.kind == WordKind::Keyword;
    EXPECT_EQ(document.has_syntax_errors(), reserved) << word.word;
    EXPECT_EQ(is_valid_name(word.word), !reserved) << word.word;
    keywords += reserved;
  }
  EXPECT_EQ(keywords, 27u);  // the list in docs/language.md
}

}  // namespace
}  // namespace flow::lsp
