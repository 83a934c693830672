// Positions: code-point columns and byte offsets to UTF-16 positions and back, URIs, and
// incremental edits applied at UTF-16 positions.
#include <gtest/gtest.h>

#include "lsp/document.hpp"
#include "lsp/uri.hpp"
#include "lsp/utf16.hpp"

namespace flow::lsp {
namespace {

TEST(LspPosition, CountsUtf16UnitsNotCodePointsOrBytes) {
  // `x` is at code-point column 6 (1-based), UTF-16 character 6 (0-based), byte 11.
  const grammar::SourceFile file("t.flow", "a\n\"😀é\" x\n");
  const grammar::Pos x = file.position(11);
  EXPECT_EQ(x.column, 6u);
  EXPECT_EQ(to_position(file, x), (Position{1, 6}));
  EXPECT_EQ(to_offset(file.text(), Position{1, 6}), 11u);
  EXPECT_EQ(to_offset(file.text(), Position{1, 1}), 3u);  // the emoji
  EXPECT_EQ(to_offset(file.text(), Position{1, 3}), 7u);  // é
}

TEST(LspPosition, ClampsPastTheEndOfALineOrTheText) {
  const std::string text = "ab\r\ncd";
  EXPECT_EQ(to_offset(text, Position{0, 99}), 2u);  // before the \r\n
  EXPECT_EQ(to_offset(text, Position{1, 99}), 6u);
  EXPECT_EQ(to_offset(text, Position{7, 0}), 6u);
}

TEST(LspPosition, FileUrisRoundTripWithPercentEncoding) {
  EXPECT_EQ(uri_to_path("file:///home/a%20b/x%C3%A9.flow"), "/home/a b/xé.flow");
  EXPECT_EQ(path_to_uri("/home/a b/xé.flow"), "file:///home/a%20b/x%C3%A9.flow");
  EXPECT_EQ(uri_to_path("untitled:Untitled-1"), "untitled:Untitled-1");
}

TEST(LspDocument, AppliesIncrementalAndFullChanges) {
  Document document("file:///t.flow", "let 😀 = 1\nsecond\n");
  document.apply_change(Range{{0, 4}, {0, 6}}, "x");  // the emoji is two units
  EXPECT_EQ(document.text(), "let x = 1\nsecond\n");
  document.apply_change(Range{{1, 0}, {1, 6}}, "2nd");
  EXPECT_EQ(document.text(), "let x = 1\n2nd\n");
  document.apply_change(std::nullopt, "all new");
  EXPECT_EQ(document.text(), "all new");
}

}  // namespace
}  // namespace flow::lsp
