#include "grammar/format.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string_view>

// The formatter walks the AST in source order and prints each node in its one layout.
// Comments and blank lines are not in the tree: before printing a setting, statement,
// object entry or closing brace at source offset P, it prints every comment that starts
// before P ("lead-in"). A comment with code before it on its source line goes at the end
// of the last printed line; any other comment gets a line of its own. The braces of
// if/else and received/timeout blocks have no node, so their offsets are found in the
// source: the first token after the node before them that is not white space, a
// comment or a `)` (the AST keeps no parentheses).

namespace flow::grammar {
namespace {

constexpr size_t kIndentWidth = 2;
constexpr size_t kMaxColumns = 80;

// ---- Lines ---------------------------------------------------------------------------

// The output, built a line at a time, with indentation, pending blank lines (never at
// the start of the file or right after an opening brace) and trailing comments.
class Printer {
 public:
  void text(std::string_view text) {
    if (!in_line_) start_line();
    line_ += text;
  }
  void end_line() {
    out_ += line_;
    out_ += '\n';
    after_opener_ = !line_.empty() && (line_.back() == '{' || line_.back() == '[');
    last_has_comment_ = false;
    line_.clear();
    in_line_ = false;
  }
  void comment_line(std::string_view comment) {
    text(comment);
    end_line();
    last_has_comment_ = true;
  }
  bool can_append_comment() const { return !in_line_ && !out_.empty() && !last_has_comment_; }
  void append_comment(std::string_view comment) {
    out_.insert(out_.size() - 1, "  " + std::string(comment));
    last_has_comment_ = true;
  }
  void request_blank_line() { blank_line_ = true; }
  size_t column() const { return in_line_ ? count_code_points(line_) : indent_ * kIndentWidth; }
  void indent() { ++indent_; }
  void dedent() { --indent_; }
  std::string take() { return std::move(out_); }

 private:
  void start_line() {
    if (blank_line_ && !out_.empty() && !after_opener_) out_ += '\n';
    blank_line_ = false;
    line_.assign(indent_ * kIndentWidth, ' ');
    in_line_ = true;
  }

  std::string out_;
  std::string line_;
  size_t indent_ = 0;
  bool in_line_ = false;
  bool blank_line_ = false;
  bool after_opener_ = false;
  bool last_has_comment_ = false;
};

// ---- Tokens --------------------------------------------------------------------------

// Binding strength, loosest first (docs/language.md, "Expressions").
enum Precedence : int { kOr = 1, kAnd, kNot, kCompare, kCoalesce, kAdditive, kMultiplicative, kNegate, kPostfix, kPrimary };

int binary_precedence(BinaryOp op) {
  switch (op) {
    case BinaryOp::Or: return kOr;
    case BinaryOp::And: return kAnd;
    case BinaryOp::Coalesce: return kCoalesce;
    case BinaryOp::Add:
    case BinaryOp::Sub: return kAdditive;
    case BinaryOp::Mul:
    case BinaryOp::Div:
    case BinaryOp::Mod: return kMultiplicative;
    default: return kCompare;
  }
}

int precedence(const Expr& e) {
  switch (e.kind) {
    case ExprKind::Binary: return binary_precedence(e.binary_op);
    case ExprKind::Unary: return e.unary_op == UnaryOp::Not ? kNot : kNegate;
    case ExprKind::Number: return std::signbit(e.number) ? kNegate : kPrimary;
    case ExprKind::Member:
    case ExprKind::Index:
    case ExprKind::Call: return kPostfix;
    default: return kPrimary;
  }
}

// Object keys that need no quotes (keywords included: `{ label: 1 }` is fine).
bool is_word(std::string_view text) {
  const auto word_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  return !text.empty() && !std::isdigit(static_cast<unsigned char>(text[0])) &&
         std::all_of(text.begin(), text.end(), word_char);
}

// The shortest text that reads back as the same double, without a `+` in the exponent.
std::string number_text(double value) {
  std::array<char, 32> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  std::string text(buffer.data(), result.ptr);
  std::erase(text, '+');
  return text;
}

// `1 day`, `3 days`, `1.5 hours`.
std::string duration_text(const Expr& e) {
  std::string_view unit = unit_name(e.unit);
  if (e.number == 1) unit.remove_suffix(1);
  return number_text(e.number) + " " + std::string(unit);
}

// Literal text of a "..." string, escaped. A `{` is escaped only where the next
// character is `{` too, so it cannot be read as the start of a hole.
std::string escape(std::string_view text, bool brace_follows) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool next_is_brace = i + 1 < text.size() ? text[i + 1] == '{' : brace_follows;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '{': out += next_is_brace ? "\\{" : "{"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          std::array<char, 16> buffer{};
          std::snprintf(buffer.data(), buffer.size(), "\\u{%X}", static_cast<unsigned>(c));
          out += buffer.data();
        } else {
          out += c;
        }
    }
  }
  return out;
}

bool starts_with_brace(const Slice<StringPart>& parts, size_t index) {
  if (index >= parts.size()) return false;
  return parts[index].hole != kNone || (!parts[index].text.empty() && parts[index].text[0] == '{');
}

std::string lower(std::string_view view) {
  std::string text(view);
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::string_view trim_end(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

// ---- The formatter -------------------------------------------------------------------

class Formatter {
 public:
  Formatter(const Ast& ast, const SourceFile& file) : ast_(ast), text_(file.text()) {}

  std::string run() {
    for (size_t i = 0; i < ast_.order.size(); ++i) {
      const auto [is_workflow, index] = ast_.order[i];
      const Span& span = is_workflow ? ast_.workflows[index].span : ast_.templates[index].span;
      lead_in(span.begin.offset, i > 0);
      if (is_workflow) {
        workflow(ast_.workflows[index]);
      } else {
        template_item(ast_.templates[index]);
      }
      out_.end_line();
    }
    flush_comments(UINT32_MAX);
    return out_.take();
  }

 private:
  // -- Comments and blank lines --

  // Prints the comments that start before `offset`.
  void flush_comments(uint32_t offset) {
    for (; next_comment_ < ast_.comments.size(); ++next_comment_) {
      const Comment& comment = ast_.comments[next_comment_];
      const uint32_t begin = comment.span.begin.offset;
      if (begin >= offset) break;
      const std::string_view text = trim_end(comment.text);
      if (follows_code(begin) && out_.can_append_comment()) {
        out_.append_comment(text);
        continue;
      }
      if (blank_line_before(begin)) out_.request_blank_line();
      out_.comment_line(text);
    }
  }

  // Prepares the line of an element that starts at `offset`: the comments before it, and
  // a blank line if the source has one (or if `separate`).
  void lead_in(uint32_t offset, bool separate) {
    if (separate) out_.request_blank_line();
    flush_comments(offset);
    if (blank_line_before(offset)) out_.request_blank_line();
  }

  bool comment_before(uint32_t offset) const {
    return next_comment_ < ast_.comments.size() && ast_.comments[next_comment_].span.begin.offset < offset;
  }

  bool comment_within(const Span& span) const {
    return std::any_of(ast_.comments.begin(), ast_.comments.end(), [&](const Comment& comment) {
      return comment.span.begin.offset >= span.begin.offset && comment.span.begin.offset < span.end.offset;
    });
  }

  // Whether code comes before `offset` on its line.
  bool follows_code(uint32_t offset) const {
    while (offset > 0 && (text_[offset - 1] == ' ' || text_[offset - 1] == '\t')) --offset;
    return offset > 0 && text_[offset - 1] != '\n' && text_[offset - 1] != '\r';
  }

  // Whether `offset` starts its line and a blank line comes right before it.
  bool blank_line_before(uint32_t offset) const {
    int newlines = 0;
    for (uint32_t i = std::min<size_t>(offset, text_.size()); i-- > 0;) {
      if (text_[i] == '\n') {
        if (++newlines == 2) return true;
      } else if (!std::isspace(static_cast<unsigned char>(text_[i]))) {
        return false;
      }
    }
    return false;
  }

  // -- The source between nodes --

  bool at(uint32_t offset, std::string_view token) const {
    return offset <= text_.size() && std::string_view(text_).substr(offset).starts_with(token);
  }

  // The offset of the next token at or after `offset`.
  uint32_t skip_trivia(uint32_t offset) const {
    while (offset < text_.size()) {
      if (std::isspace(static_cast<unsigned char>(text_[offset]))) {
        ++offset;
      } else if (at(offset, "//")) {
        offset = static_cast<uint32_t>(std::min(text_.find('\n', offset), text_.size()));
      } else {
        break;
      }
    }
    return offset;
  }

  // The offset after `token`, the next token after `offset` and any `)`.
  uint32_t after_token(uint32_t offset, std::string_view token) const {
    uint32_t begin = skip_trivia(offset);
    while (at(begin, ")")) begin = skip_trivia(begin + 1);
    return at(begin, token) ? begin + static_cast<uint32_t>(token.size()) : begin;
  }

  // The `}` of a block whose `{` ends just before `open`.
  uint32_t closing_brace(const Block& block, uint32_t open) const {
    return skip_trivia(block.empty() ? open : ast_.stmt(block.back()).span.end.offset);
  }

  // The closing brace of a node whose span ends with it.
  static uint32_t last_byte(const Span& span) { return span.end.offset - 1; }

  // -- Braces, blocks, items --

  // `open elements close`, one element per line, or `open close` when there are no
  // elements and no comments before `close_offset`.
  void enclose(std::string_view open, std::string_view close, bool has_elements, uint32_t close_offset,
               const std::function<void()>& elements) {
    out_.text(open);
    if (has_elements || comment_before(close_offset)) {
      out_.end_line();
      out_.indent();
      elements();
      flush_comments(close_offset);
      out_.dedent();
    }
    out_.text(close);
  }

  // ` { statements }` for a block whose `{` ends just before `open`; returns the offset
  // of its `}`.
  uint32_t block(const Block& body, uint32_t open) {
    const uint32_t close = closing_brace(body, open);
    enclose(" {", "}", !body.empty(), close, [&] { statements(body, false); });
    return close;
  }

  void statements(const Block& block, bool separate_first) {
    for (size_t i = 0; i < block.size(); ++i) {
      const Stmt& stmt = ast_.stmt(block[i]);
      lead_in(stmt.span.begin.offset, i == 0 && separate_first);
      statement(stmt);
      out_.end_line();
    }
  }

  void settings(const std::vector<Setting>& settings) {
    for (const Setting& setting : settings) {
      lead_in(setting.span.begin.offset, false);
      out_.text(setting.key.text);
      out_.text(setting.from_file ? " file " : " ");
      value(setting.value);
      out_.end_line();
    }
  }

  void template_item(const Template& item) {
    out_.text("template " + item.name.text);
    enclose(" {", "}", !item.settings.empty(), last_byte(item.span), [&] { settings(item.settings); });
  }

  void workflow(const Workflow& item) {
    out_.text("workflow " + item.name.text);
    if (item.trigger != kNone) out_.text(" on " + flat(item.trigger));
    const bool has_elements = !item.settings.empty() || !item.body.empty();
    enclose(" {", "}", has_elements, last_byte(item.span), [&] {
      settings(item.settings);
      statements(item.body, !item.settings.empty());
    });
  }

  // -- Statements --

  void statement(const Stmt& stmt) {
    switch (stmt.kind) {
      case StmtKind::Send: out_.text("send " + stmt.name.text); break;
      case StmtKind::Delay: out_.text("delay " + flat(stmt.expr)); break;
      case StmtKind::Wait: wait(stmt); break;
      case StmtKind::If: if_chain(stmt); break;
      case StmtKind::Webhook: webhook(stmt); break;
      case StmtKind::Update:
        out_.text("update contact ");
        value(stmt.expr);
        break;
      case StmtKind::Exit:
        out_.text("exit");
        if (stmt.expr != kNone) {
          out_.text(" ");
          value(stmt.expr);
        }
        break;
      case StmtKind::Let:
        out_.text("let " + stmt.name.text + " = ");
        value(stmt.expr);
        break;
      case StmtKind::Assign:
        out_.text(stmt.name.text + " = ");
        value(stmt.expr);
        break;
      case StmtKind::Label: out_.text("label " + stmt.name.text); break;
      case StmtKind::Goto: out_.text("goto " + stmt.name.text); break;
    }
  }

  void if_chain(const Stmt& stmt) {
    uint32_t offset = 0;  // the end of the previous source token that was printed
    for (size_t i = 0; i < stmt.blocks.size(); ++i) {
      if (i > 0) out_.text(" else");
      if (i < stmt.conditions.size()) {
        out_.text((i > 0 ? " if " : "if ") + flat(stmt.conditions[i]));
        offset = ast_.expr(stmt.conditions[i]).span.end.offset;
      } else {
        offset = after_token(offset, "else");
      }
      offset = block(stmt.blocks[i], after_token(offset, "{")) + 1;
    }
  }

  // Where the `received` and `timeout` branches of a wait are in the source.
  struct WaitBranches {
    std::array<uint32_t, 2> keyword{};  // offsets of `received`, `timeout`
    std::array<uint32_t, 2> open{};     // offsets after their `{`
  };
  static constexpr std::array<std::string_view, 2> kWaitBranches = {"received", "timeout"};

  WaitBranches wait_branches(const Stmt& stmt, uint32_t open) const {
    WaitBranches branches;
    branches.keyword.fill(open);
    branches.open.fill(open);
    uint32_t offset = open;
    for (;;) {
      const uint32_t begin = skip_trivia(offset);
      const auto found = std::find_if(kWaitBranches.begin(), kWaitBranches.end(),
                                      [&](std::string_view keyword) { return at(begin, keyword); });
      if (found == kWaitBranches.end()) return branches;
      const size_t index = static_cast<size_t>(found - kWaitBranches.begin());
      branches.keyword[index] = begin;
      branches.open[index] = after_token(begin + static_cast<uint32_t>(found->size()), "{");
      offset = closing_brace(stmt.blocks[index], branches.open[index]) + 1;
    }
  }

  void wait(const Stmt& stmt) {
    out_.text("wait for " + flat(stmt.expr) + " within " + flat(stmt.expr2));
    if (std::none_of(stmt.has_block.begin(), stmt.has_block.end(), [](bool written) { return written; })) return;
    const WaitBranches branches = wait_branches(stmt, after_token(ast_.expr(stmt.expr2).span.end.offset, "{"));
    enclose(" {", "}", true, last_byte(stmt.span), [&] {
      for (size_t i = 0; i < kWaitBranches.size(); ++i) {
        if (!stmt.has_block[i]) continue;
        lead_in(branches.keyword[i], false);
        out_.text(kWaitBranches[i]);
        block(stmt.blocks[i], branches.open[i]);
        out_.end_line();
      }
    });
  }

  void webhook(const Stmt& stmt) {
    out_.text("webhook " + lower(stmt.method) + " " + flat(stmt.expr));
    const std::array<std::pair<std::string_view, ExprId>, 4> options = {{{"headers", stmt.webhook.headers},
                                                                         {"body", stmt.webhook.body},
                                                                         {"timeout", stmt.webhook.timeout},
                                                                         {"retries", stmt.webhook.retries}}};
    if (std::all_of(options.begin(), options.end(), [](const auto& option) { return option.second == kNone; })) return;
    enclose(" {", "}", true, last_byte(stmt.span), [&] {
      for (const auto& [keyword, id] : options) {
        if (id == kNone) continue;
        lead_in(ast_.expr(id).span.begin.offset, false);
        out_.text(std::string(keyword) + " ");
        value(id);
        out_.end_line();
      }
    });
  }

  // -- Expressions --

  // Prints an expression where it may take several lines: an object or list that does
  // not fit in the line (with `reserve` columns after it) or holds comments gets one
  // entry per line.
  void value(ExprId id, size_t reserve = 0) {
    const Expr& e = ast_.expr(id);
    const std::string text = flat(id);
    const bool breakable = e.kind == ExprKind::Object || e.kind == ExprKind::List;
    const bool fits = out_.column() + count_code_points(text) + reserve <= kMaxColumns;
    if (!breakable || (fits && !comment_within(e.span))) {
      out_.text(text);
      return;
    }
    const bool object = e.kind == ExprKind::Object;
    enclose(object ? "{" : "[", object ? "}" : "]", !e.items.empty(), last_byte(e.span), [&] { entries(e); });
  }

  // The entries of an object or list, one per line.
  void entries(const Expr& e) {
    const bool object = e.kind == ExprKind::Object;
    for (size_t i = 0; i < e.items.size(); ++i) {
      const bool last = i + 1 == e.items.size();
      lead_in(object ? e.keys[i].span.begin.offset : ast_.expr(e.items[i]).span.begin.offset, false);
      if (object) out_.text(key_text(e.keys[i]) + ": ");
      value(e.items[i], last ? 0 : 1);
      if (!last) out_.text(",");
      out_.end_line();
    }
  }

  // An expression on one line.
  std::string flat(ExprId id) const {
    const Expr& e = ast_.expr(id);
    switch (e.kind) {
      case ExprKind::Null: return "null";
      case ExprKind::Bool: return e.boolean ? "true" : "false";
      case ExprKind::Number: return number_text(e.number);
      case ExprKind::String: return string_text(e);
      case ExprKind::Duration: return duration_text(e);
      case ExprKind::List: return "[" + comma_list(e.items) + "]";
      case ExprKind::Object: return object_text(e);
      case ExprKind::Variable: return e.name.text;
      case ExprKind::Member: return operand(e.operand, kPostfix) + "." + e.name.text;
      case ExprKind::Index: return operand(e.operand, kPostfix) + "[" + flat(e.items[0]) + "]";
      case ExprKind::Call: return e.name.text + "(" + comma_list(e.items) + ")";
      case ExprKind::Unary: return unary_text(e);
      case ExprKind::Binary: return binary_text(e);
    }
    return {};
  }

  // `id` in parentheses if it binds less tightly than `minimum`.
  std::string operand(ExprId id, int minimum) const {
    std::string text = flat(id);
    return precedence(ast_.expr(id)) < minimum ? "(" + text + ")" : text;
  }

  std::string unary_text(const Expr& e) const {
    if (e.unary_op == UnaryOp::Not) return "not " + operand(e.operand, kNot);
    const std::string text = operand(e.operand, kNegate);
    return text.starts_with('-') ? "- " + text : "-" + text;
  }

  // Operators of one level group to the left; comparisons do not group at all.
  std::string binary_text(const Expr& e) const {
    const int level = binary_precedence(e.binary_op);
    const int left_minimum = level == kCompare ? level + 1 : level;
    return operand(e.operand, left_minimum) + " " + std::string(binary_op_text(e.binary_op)) + " " +
           operand(e.items[0], level + 1);
  }

  std::string comma_list(const Slice<ExprId>& items) const {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) out += (i > 0 ? ", " : "") + flat(items[i]);
    return out;
  }

  std::string object_text(const Expr& e) const {
    if (e.items.empty()) return "{}";
    std::string out = "{ ";
    for (size_t i = 0; i < e.items.size(); ++i) out += (i > 0 ? ", " : "") + key_text(e.keys[i]) + ": " + flat(e.items[i]);
    return out + " }";
  }

  static std::string key_text(const Name& key) {
    return is_word(key.text) ? key.text.str() : "\"" + escape(key.text, false) + "\"";
  }

  // "..." strings are re-escaped; """...""" strings keep their source text between holes.
  std::string string_text(const Expr& e) const {
    const bool triple_quoted = e.span.end.offset - e.span.begin.offset >= 6 && at(e.span.begin.offset, R"(""")");
    if (triple_quoted) return triple_quoted_text(e);
    std::string out = "\"";
    for (size_t i = 0; i < e.parts.size(); ++i) {
      const StringPart& part = e.parts[i];
      out += part.hole != kNone ? hole_text(part) : escape(part.text, starts_with_brace(e.parts, i + 1));
    }
    return out + "\"";
  }

  std::string triple_quoted_text(const Expr& e) const {
    const uint32_t content_end = e.span.end.offset - 3;
    std::string out = R"(""")";
    uint32_t offset = e.span.begin.offset + 3;
    for (const StringPart& part : e.parts) {
      if (part.hole == kNone) continue;
      out += text_.substr(offset, part.span.begin.offset - offset) + hole_text(part);
      offset = part.span.end.offset;
    }
    return out + text_.substr(offset, content_end - offset) + R"(""")";
  }

  std::string hole_text(const StringPart& part) const {
    const std::string_view open = part.raw ? "{{{ " : "{{ ";
    const std::string_view close = part.raw ? " }}}" : " }}";
    return std::string(open) + flat(part.hole) + std::string(close);
  }

  const Ast& ast_;
  const std::string& text_;
  Printer out_;
  size_t next_comment_ = 0;
};

}  // namespace

std::string format(const Ast& ast, const SourceFile& file) { return Formatter(ast, file).run(); }

}  // namespace flow::grammar
