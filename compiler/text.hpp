#pragma once
// Small text helpers shared by diagnostics and step labels.
#include <string>
#include <string_view>
#include <vector>

#include "grammar/ast.hpp"
#include "grammar/source.hpp"

namespace flow::compiler {

// "`name`": how messages quote code.
std::string quote(std::string_view code);

// "; did you mean `x`?" when one candidate is close enough to be a likely typo of `name`,
// otherwise "".
std::string did_you_mean(std::string_view name, const std::vector<std::string_view>& candidates);

// "`a`, `b` or `c`"
std::string one_of(const std::vector<std::string_view>& choices);

// The source text under `span` on one line (white space runs collapsed), shortened with
// "…" past `limit` characters: how step labels show conditions and values.
std::string source_text(const grammar::SourceSet& sources, const grammar::Span& span, size_t limit = 60);
// The same text appended to `out` (the limit counts the appended text only): a step label
// is built in one string instead of a concatenation of temporaries.
void append_source_text(std::string& out, const grammar::SourceSet& sources, const grammar::Span& span,
                        size_t limit = 60);

// "1 day", "24 hours" (the unit as written), or the source text for a non-literal duration.
std::string duration_text(const grammar::SourceSet& sources, const grammar::Expr& duration);

// "1 day", "3 hours", "90 seconds": the largest unit that divides `seconds` evenly.
std::string seconds_text(double seconds);

}  // namespace flow::compiler
