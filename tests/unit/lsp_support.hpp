#pragma once
// Helpers of the language server's unit tests: documents from text or from examples/, and
// positions found by searching their text.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "lsp/document.hpp"
#include "lsp/uri.hpp"

namespace flow::lsp::testing {

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::string example_path(const std::string& name) { return std::string(FLOW_SOURCE_DIR) + "/examples/" + name; }

// An example, opened under its real path so its template files are found.
inline Document example(const std::string& name) {
  return Document(path_to_uri(example_path(name)), read_text(example_path(name)));
}

inline Document text_document(std::string text) { return Document("file:///tmp/lsp_test.flow", std::move(text)); }

// The position of the `nth` occurrence of `needle`, moved `delta` bytes into it.
inline Position find(const Document& document, std::string_view needle, int nth = 0, uint32_t delta = 0) {
  size_t at = document.text().find(needle);
  for (; nth > 0 && at != std::string::npos; --nth) at = document.text().find(needle, at + 1);
  EXPECT_NE(at, std::string::npos) << "no `" << needle << "` in the document";
  const auto offset = static_cast<uint32_t>(at) + delta;
  return document.range_between(offset, offset).start;
}

}  // namespace flow::lsp::testing
