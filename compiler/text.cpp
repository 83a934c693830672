#include "compiler/text.hpp"

#include "bytecode/disassembler.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace flow::compiler {

std::string quote(std::string_view code) { return "`" + std::string(code) + "`"; }

namespace {

// Optimal string alignment distance: insertions, deletions, substitutions and swaps of
// two neighbouring characters (`retyr` -> `retry`) each cost one edit.
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

std::string did_you_mean(std::string_view name, const std::vector<std::string_view>& candidates) {
  // A typo changes a few characters; allow one edit per three characters, at least one.
  size_t best = std::max<size_t>(1, name.size() / 3) + 1;
  std::string_view choice;
  for (const std::string_view candidate : candidates) {
    const size_t distance = edit_distance(name, candidate);
    if (distance < best) {
      best = distance;
      choice = candidate;
    }
  }
  return choice.empty() ? "" : "; did you mean " + quote(choice) + "?";
}

std::string one_of(const std::vector<std::string_view>& choices) {
  std::string out;
  for (size_t i = 0; i < choices.size(); ++i) {
    if (i > 0) out += i + 1 == choices.size() ? " or " : ", ";
    out += quote(choices[i]);
  }
  return out;
}

namespace {

// How source_text treats a byte: white space runs collapse to one space; quotes, brackets
// and backslashes decide whether the brackets balance; anything else is copied as it is.
// A table lookup per byte, instead of a comparison with each of those characters.
enum class CharClass : uint8_t { Plain, Space, Syntax };
constexpr std::array<CharClass, 256> kCharClass = [] {
  std::array<CharClass, 256> table{};
  for (const char c : std::string_view(" \t\n\r")) table[static_cast<unsigned char>(c)] = CharClass::Space;
  for (const char c : std::string_view("\"\\()[]")) table[static_cast<unsigned char>(c)] = CharClass::Syntax;
  return table;
}();
CharClass char_class(char c) { return kCharClass[static_cast<unsigned char>(c)]; }
bool is_space(char c) { return char_class(c) == CharClass::Space; }

// How many `(`/`[` are missing before `text` and `)`/`]` after it for its brackets to
// match, ignoring brackets inside string literals.
std::pair<int, int> missing_brackets(std::string_view text) {
  int depth = 0, lowest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (char_class(text[i]) != CharClass::Syntax) continue;
    if (in_string) {
      if (text[i] == '\\') ++i;
      else if (text[i] == '"') in_string = false;
    } else if (text[i] == '"') {
      in_string = true;
    } else if (text[i] == '(' || text[i] == '[') {
      ++depth;
    } else if (text[i] == ')' || text[i] == ']') {
      lowest = std::min(lowest, --depth);
    }
  }
  return {-lowest, depth - lowest};
}

// The span of `(a ?? 0) >= 50` may start inside the parentheses (the span of `a ?? 0`
// leaves them out): widen [begin, end) over the brackets it needs so the text reads right.
void widen_to_brackets(const std::string& text, size_t& begin, size_t& end) {
  auto [open, close] = missing_brackets(std::string_view(text).substr(begin, end - begin));
  for (size_t at = begin; open > 0 && at > 0 && (is_space(text[at - 1]) || text[at - 1] == '(');) {
    if (text[--at] == '(') begin = at, --open;
  }
  for (size_t at = end; close > 0 && at < text.size() && (is_space(text[at]) || text[at] == ')'); ++at) {
    if (text[at] == ')') end = at + 1, --close;
  }
}

// Whether `text` already reads as source_text shows it: its white space is single spaces
// between other characters (no line break, tab or run of spaces, none at either end).
bool single_spaced(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (!is_space(text[i])) continue;
    if (text[i] != ' ' || i == 0 || i + 1 == text.size() || is_space(text[i + 1])) return false;
  }
  return true;
}

}  // namespace

void append_source_text(std::string& out, const grammar::SourceSet& sources, const grammar::Span& span,
                        size_t limit) {
  const std::string& text = sources.file(span.file).text();
  size_t end = std::min<size_t>(span.end.offset, text.size());
  size_t begin = std::min<size_t>(span.begin.offset, end);
  widen_to_brackets(text, begin, end);
  const size_t start = out.size();
  const std::string_view range = std::string_view(text).substr(begin, end - begin);
  if (single_spaced(range)) {
    out.append(range);  // most texts (a condition on one line): one copy
  } else {
    // Runs of non-space characters are copied whole; each run of white space becomes one
    // space (none at the start).
    out.reserve(start + range.size());
    for (size_t i = begin; i < end;) {
      if (is_space(text[i])) {
        if (out.size() > start && out.back() != ' ') out += ' ';
        ++i;
        continue;
      }
      const size_t run = i;
      while (i < end && !is_space(text[i])) ++i;
      out.append(text, run, i - run);
    }
    while (out.size() > start && out.back() == ' ') out.pop_back();
  }
  // No more bytes than `limit` means no more code points either: most texts need no count.
  const std::string_view appended = std::string_view(out).substr(start);
  if (appended.size() > limit && grammar::count_code_points(appended) > limit) {
    size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(appended[cut]) & 0xC0) == 0x80) --cut;
    out.resize(start + cut);
    out += "…";
  }
}

std::string source_text(const grammar::SourceSet& sources, const grammar::Span& span, size_t limit) {
  std::string out;
  append_source_text(out, sources, span, limit);
  return out;
}

namespace {

std::string amount_with_unit(double amount, std::string_view plural_unit) {
  std::string unit(plural_unit);
  if (amount == 1) unit.pop_back();  // "days" -> "day"
  return bytecode::format_number(amount) + " " + unit;
}

}  // namespace

std::string duration_text(const grammar::SourceSet& sources, const grammar::Expr& duration) {
  if (duration.kind != grammar::ExprKind::Duration) return source_text(sources, duration.span);
  return amount_with_unit(duration.number, grammar::unit_name(duration.unit));
}

std::string seconds_text(double seconds) {
  static constexpr std::pair<double, std::string_view> units[] = {
      {7 * 86400, "weeks"}, {86400, "days"}, {3600, "hours"}, {60, "minutes"}};
  for (const auto& [size, name] : units) {
    if (seconds >= size && std::fmod(seconds, size) == 0) return amount_with_unit(seconds / size, name);
  }
  return amount_with_unit(seconds, "seconds");
}

}  // namespace flow::compiler
