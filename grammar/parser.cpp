// The parser: PEGTL runs the grammar of rules.hpp with the actions below, which build the
// Ast on a few stacks in the Builder (values, names, operators, braces, statements under
// construction). Errors are exceptions (Builder::Failure) thrown at commit points by the
// control; `recover<>` catches them at statement and item boundaries, reports them and
// restores the stacks to where the statement or item began.
#include "grammar/parser.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "grammar/rules.hpp"

namespace flow::grammar {
namespace {

namespace pegtl = tao::pegtl;

Expr make_expr(ExprKind kind, Span span) {
  Expr expr;
  expr.kind = kind;
  expr.span = span;
  return expr;
}

bool is_word_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_word_char(char c) { return is_word_start(c) || (c >= '0' && c <= '9'); }

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// A string literal (or a whole template file) being read: where its finished parts begin
// on the Builder's parts stack, and the literal text since the last hole.
struct StringInProgress {
  uint32_t begin = 0;
  size_t parts = 0;
  std::string text;
  uint32_t text_begin = 0;
  uint32_t text_end = 0;
  bool reported_bad_byte = false;
};

// An open `{` of a block (or of a template, `wait` or `webhook` body); statements that
// complete inside it are collected on the Builder's block stack from `stmts` on, until the `}`.
struct OpenBrace {
  uint32_t offset = 0;
  std::string owner;  // "workflow `onboarding`", "`if`", ... for "close the block of …"
  size_t stmts = 0;
};

// An if, wait or webhook statement whose blocks are being read; its conditions and blocks
// so far are on the Builder's stacks from `conditions` and `blocks` on.
struct PendingStmt {
  Stmt stmt;
  size_t conditions = 0;
  size_t blocks = 0;
};

// Where the items of a list, object or call begin on the value and name stacks.
struct Mark {
  size_t values = 0;
  size_t names = 0;
};

enum class ItemKind : uint8_t { None, Template, Workflow };

// An operator of an expression chain waiting for its right-hand side to be complete: a
// binary operator, a prefix `not`, or the start of a chain (nothing below it belongs to
// this chain).
struct PendingOp {
  enum class Kind : uint8_t { ChainStart, Binary, Not };
  Kind kind = Kind::ChainStart;
  BinaryOp op = BinaryOp::Or;  // Binary
  uint8_t precedence = 0;      // higher binds tighter
  uint32_t begin = 0;          // Not: where the `not` stands, for the span
};

// Loosest first, as rules.hpp §3 lists them; `not` sits between `and` and comparisons.
constexpr uint8_t kNotPrecedence = 3;
constexpr uint8_t precedence(BinaryOp op) {
  switch (op) {
    case BinaryOp::Or: return 1;
    case BinaryOp::And: return 2;
    case BinaryOp::Eq: case BinaryOp::Ne: case BinaryOp::Lt: case BinaryOp::Le:
    case BinaryOp::Gt: case BinaryOp::Ge: case BinaryOp::In: case BinaryOp::NotIn: return 4;
    case BinaryOp::Coalesce: return 5;
    case BinaryOp::Add: case BinaryOp::Sub: return 6;
    case BinaryOp::Mul: case BinaryOp::Div: case BinaryOp::Mod: return 7;
  }
  return 0;
}
constexpr bool is_comparison(const PendingOp& op) {
  return op.kind == PendingOp::Kind::Binary && op.precedence == precedence(BinaryOp::Eq);
}

class Builder {
 public:
  struct Failure {
    Diagnostic diagnostic;
    uint32_t offset = 0;
    bool abandons_item = false;
  };

  // Stack heights at the start of a statement or item, to forget a broken one.
  struct Checkpoint {
    uint32_t offset = 0;
    size_t values = 0, names = 0, ops = 0, marks = 0, strings = 0, parts = 0, opens = 0, block_stmts = 0, pending = 0,
           conditions = 0, blocks = 0;
  };

  class NestingGuard {
   public:
    explicit NestingGuard(uint32_t& depth) : depth_(depth) { ++depth_; }
    NestingGuard(const NestingGuard&) = delete;
    NestingGuard& operator=(const NestingGuard&) = delete;
    ~NestingGuard() { --depth_; }

   private:
    uint32_t& depth_;
  };

  Builder(Ast& ast, const SourceSet& sources, uint32_t file, DiagnosticSink& sink, DiagnosticKind syntax_kind)
      : ast_(ast),
        arena_(*ast.arena),
        source_(sources.file(file)),
        text_(source_.text()),
        file_(file),
        sink_(sink),
        syntax_kind_(syntax_kind) {}

  // ---- positions and reports

  uint32_t offset(const char* at) const { return static_cast<uint32_t>(at - text_.data()); }
  Span span(uint32_t begin, uint32_t end) const { return Span{file_, {begin}, {end}}; }
  template <typename ActionInput>
  Span span(const ActionInput& in) const {
    return span(offset(in.begin()), offset(in.end()));
  }
  Span span_of(ExprId first, ExprId last) const {
    return Span{file_, ast_.exprs[first].span.begin, ast_.exprs[last].span.end};
  }
  void report(DiagnosticKind kind, uint32_t begin, uint32_t end, std::string message) {
    sink_.report(kind, span(begin, end), std::move(message));
  }
  void report(const Failure& failure) { sink_.report(failure.diagnostic); }

  // Throws the error of a commit point, filling in the placeholders of rules.hpp §7.
  [[noreturn]] void fail(const char* at, std::string_view message, bool at_string_start, bool abandons_item) {
    uint32_t where = offset(at);
    std::vector<Note> notes;
    std::string text;
    for (size_t i = 0; i < message.size(); ++i) {
      if (message.substr(i, 4) == "{op}") {
        text += ops_.empty() || ops_.back().kind != PendingOp::Kind::Binary ? "operator" : binary_op_text(ops_.back().op);
        i += 3;
      } else if (message.substr(i, 6) == "{word}") {
        where = word_at(where, text);
        i += 5;
      } else if (message.substr(i, 7) == "{block}") {
        text += opens_.empty() ? "the file" : opens_.back().owner;
        if (!opens_.empty()) notes.push_back(Note{span(opens_.back().offset, opens_.back().offset + 1), "the block opens here"});
        i += 6;
      } else {
        text += message[i];
      }
    }
    if (at_string_start && !strings_.empty()) where = strings_.back().begin;
    if (text.find(" after ") != std::string::npos) where = end_of_previous_line_token(where);
    throw Failure{Diagnostic{syntax_kind_, info(syntax_kind_).severity, span(where, where), std::move(text), std::move(notes)},
                  where, abandons_item};
  }

  // "expected X after `send`" belongs at the end of `send`, not at whatever starts the
  // next line: when only white space lies between them, move back across the line break.
  uint32_t end_of_previous_line_token(uint32_t where) const {
    uint32_t before = where;
    while (before > 0 && std::string_view(" \t\r\n").find(text_[before - 1]) != std::string_view::npos) --before;
    return text_.find('\n', before) < where ? before : where;
  }

  NestingGuard enter_nested(const char* at) {
    if (depth_ >= kMaxNesting) {
      fail(at, "nesting too deep: at most " + std::to_string(kMaxNesting) + " levels of brackets, blocks and holes",
           false, false);
    }
    return NestingGuard(depth_);
  }

  // ---- recovery

  Checkpoint checkpoint(const char* at) const {
    return Checkpoint{offset(at),         values_.size(),     names_.size(),         ops_.size(),
                      marks_.size(),      strings_.size(),    parts_.size(),         opens_.size(),
                      block_stmts_.size(), pending_.size(), pending_conditions_.size(), pending_blocks_.size()};
  }

  bool can_recover(const Failure& failure, rules::line_sync) const { return !failure.abandons_item; }
  bool can_recover(const Failure&, rules::item_sync) const { return true; }
  bool can_recover(const Failure&, rules::hole_sync) const { return true; }

  template <typename Sync>
  const char* recover(const Checkpoint& checkpoint, const Failure& failure, Sync sync) {
    report(failure);
    if constexpr (std::is_same_v<Sync, rules::item_sync>) keep_parsed_body(checkpoint);
    restore(checkpoint);
    return text_.data() + resume_at(checkpoint, failure, sync);
  }

  // ---- values

  // By rvalue reference: an Expr is large, and each by-value hop would move it once more.
  ExprId add(Expr&& expr) {
    ast_.exprs.push_back(std::move(expr));
    return static_cast<ExprId>(ast_.exprs.size() - 1);
  }
  void push(Expr&& expr) { values_.push_back(add(std::move(expr))); }
  Text copy_text(std::string_view text) { return arena_.copy(text); }
  Slice<ExprId> copy_ids(ExprId id) { return arena_.copy(&id, 1); }
  void push_value_id(ExprId id) { values_.push_back(id); }  // kNone stands for an absent value
  const Expr& expr(ExprId id) const { return ast_.exprs[id]; }
  ExprId pop_value() {
    const ExprId id = values_.back();
    values_.pop_back();
    return id;
  }

  void push_name(std::string_view text, Span span) { names_.push_back(Name{arena_.copy(text), span}); }
  Name pop_name() {
    Name name = names_.back();
    names_.pop_back();
    return name;
  }

  // ---- operator chains (rules.hpp §3): shunting-yard on the value and operator stacks

  size_t open_chain() {
    ops_.emplace_back();
    return ops_.size() - 1;
  }
  void drop_chain(size_t base) { ops_.resize(base); }
  void close_chain() {
    while (ops_.back().kind != PendingOp::Kind::ChainStart) reduce_top();
    ops_.pop_back();
  }
  void push_not(uint32_t begin) { ops_.push_back(PendingOp{PendingOp::Kind::Not, BinaryOp::Or, kNotPrecedence, begin}); }
  // A binary operator has just been read, at `at`, after its left operand: the pending
  // operators that bind at least as tightly have all their operands and are applied
  // first (so `a - b + c` is `(a - b) + c`).
  void push_operator(BinaryOp op, const char* at) {
    const PendingOp incoming{PendingOp::Kind::Binary, op, precedence(op), 0};
    while (ops_.back().kind != PendingOp::Kind::ChainStart && ops_.back().precedence >= incoming.precedence) {
      if (is_comparison(incoming) && is_comparison(ops_.back())) {
        fail(at, rules::error_message<rules::no_chained_comparison>, false, false);
      }
      reduce_top();
    }
    ops_.push_back(incoming);
  }
  void reduce_top() {
    const PendingOp top = ops_.back();
    ops_.pop_back();
    if (top.kind == PendingOp::Kind::Not) {
      reduce_unary(UnaryOp::Not, top.begin);
      return;
    }
    const ExprId rhs = pop_value();
    const ExprId lhs = pop_value();
    Expr expr = make_expr(ExprKind::Binary, span_of(lhs, rhs));
    expr.binary_op = top.op;
    expr.operand = lhs;
    expr.items = arena_.copy(&rhs, 1);
    push(std::move(expr));
  }
  void reduce_unary(UnaryOp op, uint32_t begin) {
    const ExprId operand = pop_value();
    Expr expr = make_expr(ExprKind::Unary, span(begin, ast_.exprs[operand].span.end.offset));
    expr.unary_op = op;
    expr.operand = operand;
    push(std::move(expr));
  }

  void open_items() { marks_.push_back(Mark{values_.size(), names_.size()}); }
  // The values (and names) pushed since the matching open_items().
  std::pair<Slice<ExprId>, Slice<Name>> close_items() {
    const Mark mark = marks_.back();
    marks_.pop_back();
    const Slice<ExprId> items = arena_.copy(values_.data() + mark.values, values_.size() - mark.values);
    const Slice<Name> keys = arena_.copy(names_.data() + mark.names, names_.size() - mark.names);
    values_.resize(mark.values);
    names_.resize(mark.names);
    return {items, keys};
  }

  // ---- numbers: the token's value, then optionally its unit

  double number = 0;
  std::optional<DurationUnit> unit;

  // ---- strings

  void open_string(uint32_t begin) {
    StringInProgress& s = strings_.emplace_back();
    s.begin = begin;
    s.parts = parts_.size();
  }
  void append_text(uint32_t begin, uint32_t end, std::string_view bytes) {
    StringInProgress& s = strings_.back();
    if (s.text.empty()) s.text_begin = begin;
    s.text += bytes;
    s.text_end = end;
  }
  void flush_text() {
    StringInProgress& s = strings_.back();
    if (s.text.empty()) return;
    StringPart& part = parts_.emplace_back();
    part.text = arena_.copy(s.text);
    part.span = span(s.text_begin, s.text_end);
    s.text.clear();
  }
  void add_hole(bool raw, uint32_t begin, uint32_t end) {
    const ExprId hole = pop_value();
    StringPart& part = parts_.emplace_back();
    part.hole = hole;
    part.raw = raw;
    part.span = span(begin, end);
  }
  void report_bad_byte(uint32_t at) {
    if (std::exchange(strings_.back().reported_bad_byte, true)) return;
    report(DiagnosticKind::SyntaxError, at, at + 1, "invalid UTF-8 in a string");
  }
  ExprId close_string(uint32_t end) {
    flush_text();
    Expr expr = make_expr(ExprKind::String, span(strings_.back().begin, end));
    const size_t first = strings_.back().parts;
    expr.parts = arena_.copy(parts_.data() + first, parts_.size() - first);
    parts_.resize(first);
    strings_.pop_back();
    return add(std::move(expr));
  }

  // ---- statements and blocks

  std::string next_block_owner;  // set by the keyword before a `{`
  std::optional<Block> closed_block;

  void open_brace(uint32_t at) { opens_.push_back(OpenBrace{at, next_block_owner, block_stmts_.size()}); }
  void close_brace() {
    const size_t first = opens_.back().stmts;
    closed_block = arena_.copy(block_stmts_.data() + first, block_stmts_.size() - first);
    block_stmts_.resize(first);
    opens_.pop_back();
  }
  Block take_block() { return std::exchange(closed_block, std::nullopt).value_or(Block{}); }

  void begin_stmt(StmtKind kind) {
    PendingStmt& p = pending_.emplace_back();
    p.stmt.kind = kind;
    p.conditions = pending_conditions_.size();
    p.blocks = pending_blocks_.size();
  }
  Stmt& pending() { return pending_.back().stmt; }
  void add_condition(ExprId condition) { pending_conditions_.push_back(condition); }
  void add_block(Block block) { pending_blocks_.push_back(block); }
  // The blocks of a `wait`: both present from the start, set by index.
  void add_wait_branches() { pending_blocks_.resize(pending_blocks_.size() + 2); }
  Block& pending_block(size_t index) { return pending_blocks_[pending_.back().blocks + index]; }
  void set_method(std::string_view method) { pending().method = arena_.copy(method); }
  void finish_pending(Span whole) {
    PendingStmt& p = pending_.back();
    Stmt stmt = p.stmt;
    stmt.conditions = arena_.copy(pending_conditions_.data() + p.conditions, pending_conditions_.size() - p.conditions);
    stmt.blocks = arena_.copy(pending_blocks_.data() + p.blocks, pending_blocks_.size() - p.blocks);
    pending_conditions_.resize(p.conditions);
    pending_blocks_.resize(p.blocks);
    pending_.pop_back();
    finish(stmt, whole);
  }
  void finish(const Stmt& stmt, Span whole) {
    ast_.stmts.push_back(stmt);
    ast_.stmts.back().span = whole;
    block_stmts_.push_back(static_cast<StmtId>(ast_.stmts.size() - 1));
  }

  // ---- items

  uint32_t item_begin = 0;
  bool setting_from_file = false;

  void begin_template(Name name) {
    Template& item = ast_.templates.emplace_back();
    item.span = span(item_begin, name.span.end.offset);
    item.name = name;
    begin_item(ItemKind::Template, ast_.templates.size() - 1, "template `" + name.text + "`");
  }
  void begin_workflow(Name name) {
    Workflow& item = ast_.workflows.emplace_back();
    item.span = span(item_begin, name.span.end.offset);
    item.name = name;
    begin_item(ItemKind::Workflow, ast_.workflows.size() - 1, "workflow `" + name.text + "`");
  }
  Workflow& workflow() { return ast_.workflows[item_index_]; }
  void end_item(Span whole) {
    if (item_ == ItemKind::Template) ast_.templates[item_index_].span = whole;
    if (item_ == ItemKind::Workflow) workflow().span = whole;
    item_ = ItemKind::None;
  }
  void add_setting(Setting setting) {
    std::vector<Setting>* settings = item_ == ItemKind::Template   ? &ast_.templates[item_index_].settings
                                     : item_ == ItemKind::Workflow ? &workflow().settings
                                                                   : nullptr;
    if (settings == nullptr) return;
    // An item has at most six keys: one allocation instead of growing 1, 2, 4.
    if (settings->empty()) settings->reserve(6);
    settings->push_back(std::move(setting));
  }

  void add_comment(uint32_t begin, uint32_t end, std::string_view text) {
    // Backtracking over white space may match a comment twice; keep the first.
    if (begin < comments_end_) return;
    comments_end_ = end;
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    ast_.comments.push_back(Comment{span(begin, end), std::string(text)});
  }

 private:
  // Appends the word at `at` (after blanks) to `out` and returns where it starts.
  uint32_t word_at(uint32_t at, std::string& out) const {
    while (at < text_.size() && (text_[at] == ' ' || text_[at] == '\t')) ++at;
    uint32_t end = at;
    while (end < text_.size() && is_word_char(text_[end])) ++end;
    out.append(text_, at, end - at);
    return at;
  }

  void begin_item(ItemKind kind, size_t index, std::string owner) {
    item_ = kind;
    item_index_ = static_cast<uint32_t>(index);
    ast_.order.emplace_back(kind == ItemKind::Workflow, item_index_);
    next_block_owner = std::move(owner);
  }

  // A workflow abandoned at a missing `}` keeps the statements its body had so far.
  void keep_parsed_body(const Checkpoint& checkpoint) {
    if (item_ == ItemKind::Workflow && opens_.size() > checkpoint.opens) {
      // Its statements on the block stack end where those of a block opened inside it begin.
      const size_t first = opens_[checkpoint.opens].stmts;
      const size_t end = opens_.size() > checkpoint.opens + 1 ? opens_[checkpoint.opens + 1].stmts : block_stmts_.size();
      workflow().body = arena_.copy(block_stmts_.data() + first, end - first);
    }
    item_ = ItemKind::None;
  }

  void restore(const Checkpoint& c) {
    values_.resize(c.values);
    names_.resize(c.names);
    ops_.resize(c.ops);
    marks_.resize(c.marks);
    strings_.resize(c.strings);
    parts_.resize(c.parts);
    opens_.resize(c.opens);
    block_stmts_.resize(c.block_stmts);
    pending_.resize(c.pending);
    pending_conditions_.resize(c.conditions);
    pending_blocks_.resize(c.blocks);
    closed_block.reset();
  }

  // After a broken statement or setting: the first line below it that starts, at the
  // statement's own brace depth, with a word, or a `}` that closes the enclosing block.
  // Braces inside strings and comments do not count.
  uint32_t resume_at(const Checkpoint& checkpoint, const Failure&, rules::line_sync) const {
    const uint32_t n = static_cast<uint32_t>(text_.size());
    int depth = 0;
    bool line_start = false;
    for (uint32_t i = checkpoint.offset; i < n;) {
      const char c = text_[i];
      if (line_start && depth == 0 && (is_word_start(c) || c == '}')) return i;
      if (c == '\n') {
        line_start = true;
        ++i;
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\r') {
        ++i;
        continue;
      }
      line_start = false;
      if (c == '/' && i + 1 < n && text_[i + 1] == '/') {
        i = static_cast<uint32_t>(std::min<size_t>(text_.find('\n', i), n));
      } else if (c == '"') {
        i = skip_string(i);
      } else if (c == '{') {
        ++depth;
        ++i;
      } else if (c == '}') {
        if (depth == 0) return i;
        --depth;
        ++i;
      } else {
        ++i;
      }
    }
    return n;
  }

  // The end of the string literal starting at `i`. An unclosed one ends with its line:
  // an open `"""` would otherwise take the rest of the file with it.
  uint32_t skip_string(uint32_t i) const {
    const bool is_long = text_.compare(i, 3, R"(""")") == 0;
    const std::string_view close = is_long ? R"(""")" : "\"";
    const uint32_t line_end = static_cast<uint32_t>(std::min(text_.find('\n', i), text_.size()));
    for (i += static_cast<uint32_t>(close.size()); i < text_.size(); ++i) {
      if (text_[i] == '\\') {
        ++i;
      } else if (!is_long && text_[i] == '\n') {
        return i;
      } else if (text_.compare(i, close.size(), close) == 0) {
        return i + static_cast<uint32_t>(close.size());
      }
    }
    return line_end;
  }

  // After a broken item: the next line that starts with `template` or `workflow` (the
  // error itself may stand at one: a block left open until the next item).
  uint32_t resume_at(const Checkpoint& checkpoint, const Failure& failure, rules::item_sync) const {
    const size_t n = text_.size();
    size_t line = failure.offset > checkpoint.offset ? line_start_of(failure.offset) : text_.find('\n', checkpoint.offset);
    for (; line < n; line = text_.find('\n', line)) {
      if (text_[line] == '\n') ++line;
      size_t i = line;
      while (i < n && (text_[i] == ' ' || text_[i] == '\t')) ++i;
      if (i > checkpoint.offset && (starts_keyword(i, "template") || starts_keyword(i, "workflow"))) {
        return static_cast<uint32_t>(i);
      }
    }
    return static_cast<uint32_t>(n);
  }

  size_t line_start_of(uint32_t offset) const {
    const size_t newline = text_.rfind('\n', offset == 0 ? 0 : offset - 1);
    return newline == std::string::npos ? 0 : newline;
  }

  bool starts_keyword(size_t i, std::string_view keyword) const {
    return text_.compare(i, keyword.size(), keyword) == 0 &&
           (i + keyword.size() >= text_.size() || !is_word_char(text_[i + keyword.size()]));
  }

  // After a broken hole in a template file: past the `}}` (or `}}}`) that ends it, or at
  // the next `{{` if that comes first.
  uint32_t resume_at(const Checkpoint& checkpoint, const Failure& failure, rules::hole_sync) const {
    const size_t from = std::min<size_t>(std::max<size_t>(failure.offset, checkpoint.offset + 2), text_.size());
    // Look for the `}}` only up to the next `{{`, so that many broken holes stay linear.
    const size_t next = std::min(text_.find("{{", from), text_.size());
    const size_t close = std::string_view(text_).substr(0, next).find("}}", from);
    if (close == std::string::npos) return static_cast<uint32_t>(next);
    const bool raw = text_.compare(checkpoint.offset, 3, "{{{") == 0;
    const size_t end = close + (raw && text_.compare(close, 3, "}}}") == 0 ? 3 : 2);
    return static_cast<uint32_t>(end);
  }

  Ast& ast_;
  Arena& arena_;
  const SourceFile& source_;
  const std::string& text_;
  uint32_t file_;
  DiagnosticSink& sink_;
  DiagnosticKind syntax_kind_;

  std::vector<ExprId> values_;
  std::vector<Name> names_;
  std::vector<PendingOp> ops_;
  std::vector<Mark> marks_;
  std::vector<StringInProgress> strings_;
  std::vector<StringPart> parts_;  // the finished parts of the strings being read
  std::vector<OpenBrace> opens_;
  std::vector<StmtId> block_stmts_;  // the statements of the open blocks so far
  std::vector<PendingStmt> pending_;  // if, wait and webhook statements whose blocks are being read
  std::vector<ExprId> pending_conditions_;
  std::vector<Block> pending_blocks_;
  uint32_t depth_ = 0;
  uint32_t comments_end_ = 0;
  ItemKind item_ = ItemKind::None;
  uint32_t item_index_ = 0;
};

// ---- Control: commit points throw their message from rules::error_message ------------

template <typename Rule>
struct control : pegtl::normal<Rule> {
  // A commit point rewinds on failure, so its error points where the expected thing
  // should have started rather than somewhere inside it.
  template <pegtl::apply_mode A, pegtl::rewind_mode M, template <typename...> class Action,
            template <typename...> class Control, typename ParseInput, typename... States>
  [[nodiscard]] static bool match(ParseInput& in, States&&... st) {
    constexpr auto mode = rules::error_message<Rule> != nullptr ? pegtl::rewind_mode::required : M;
    return pegtl::normal<Rule>::template match<A, mode, Action, Control>(in, st...);
  }

  template <typename ParseInput>
  [[noreturn]] static void raise(const ParseInput& in, Builder& builder) {
    static_assert(rules::error_message<Rule> != nullptr, "a commit point needs a message in rules::error_message");
    builder.fail(in.current(), rules::error_message<Rule>, rules::points_at_string_start<Rule>,
                 rules::abandons_item<Rule>);
  }
};

// ---- Actions ---------------------------------------------------------------------------

template <typename Rule>
struct action : pegtl::nothing<Rule> {};

template <typename ActionInput>
uint32_t begin_of(const ActionInput& in, const Builder& b) {
  return b.offset(in.begin());
}
template <typename ActionInput>
uint32_t end_of(const ActionInput& in, const Builder& b) {
  return b.offset(in.end());
}

template <>
struct action<rules::comment> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, Builder& b) {
    b.add_comment(begin_of(in, b), end_of(in, b), in.string_view());
  }
};

// Words that become names: identifiers, field names, object keys, setting keys.
struct push_name {
  template <typename ActionInput>
  static void apply(const ActionInput& in, Builder& b) {
    b.push_name(in.string_view(), b.span(in));
  }
};
template <> struct action<rules::ident> : push_name {};
template <> struct action<rules::field_name> : push_name {};
template <> struct action<rules::object_key_word> : push_name {};
template <typename Word> struct action<rules::setting_key<Word>> : push_name {};

// ---- literals

template <>
struct action<rules::number_token> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, Builder& b) {
    // from_chars reads the token in place; like strtod it rounds correctly. Out of range,
    // it leaves the value alone, and strtod tells an overflow from an underflow.
    const std::string_view text = in.string_view();
    if (std::from_chars(text.data(), text.data() + text.size(), b.number).ec != std::errc()) {
      b.number = std::strtod(in.string().c_str(), nullptr);
    }
    b.unit.reset();
    if (!std::isfinite(b.number)) {
      b.report(DiagnosticKind::InvalidNumber, begin_of(in, b), end_of(in, b), "number `" + in.string() + "` is too large");
      b.number = 0;
    }
  }
};

template <>
struct action<rules::duration_unit> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, Builder& b) {
    const std::string_view text = in.string_view();
    switch (text[text.find_first_not_of(" \t")]) {
      case 's': b.unit = DurationUnit::Seconds; break;
      case 'm': b.unit = DurationUnit::Minutes; break;
      case 'h': b.unit = DurationUnit::Hours; break;
      case 'd': b.unit = DurationUnit::Days; break;
      default: b.unit = DurationUnit::Weeks; break;
    }
  }
};

struct make_number {
  template <typename ActionInput>
  static void apply(const ActionInput& in, Builder& b) {
    Expr expr = make_expr(b.unit ? ExprKind::Duration : ExprKind::Number, b.span(in));
    expr.number = b.number;
    expr.unit = b.unit.value_or(DurationUnit::Seconds);
    b.push(std::move(expr));
  }
};
template <> struct action<rules::number_literal> : make_number {};
template <> struct action<rules::duration> : make_number {};

template <ExprKind Kind, bool Value = false>
struct push_literal {
  template <typename ActionInput>
  static void apply(const ActionInput& in, Builder& b) {
    Expr expr = make_expr(Kind, b.span(in));
    expr.boolean = Value;
    b.push(std::move(expr));
  }
};
template <> struct action<rules::true_literal> : push_literal<ExprKind::Bool, true> {};
template <> struct action<rules::false_literal> : push_literal<ExprKind::Bool> {};
template <> struct action<rules::null_literal> : push_literal<ExprKind::Null> {};

// `contact`, and the words of `type marketing` / `reentry never`.
struct push_variable {
  template <typename ActionInput>
  static void apply(const ActionInput& in, Builder& b) {
    Expr expr = make_expr(ExprKind::Variable, b.span(in));
    expr.name = Name{b.copy_text(in.string_view()), expr.span};
    b.push(std::move(expr));
  }
};
template <> struct action<rules::contact_variable> : push_variable {};
template <> struct action<rules::template_type> : push_variable {};
template <> struct action<rules::reentry_value> : push_variable {};

// ---- strings and template text

struct open_string {
  template <typename ActionInput>
  static void apply(const ActionInput& in, Builder& b) {
    b.open_string(begin_of(in, b));
  }
};
template <> struct action<rules::short_open> : open_string {};
template <> struct action<rules::long_open> : open_string {};

struct close_string {
  template <typename ActionInput>
  static void apply(const ActionInput& in, Builder& b) {
    b.push_value_id(b.close_string(end_of(in, b)));
  }
};
template <> struct action<rules::short_string> : close_string {};
template <> struct action<rules::long_string> : close_string {};

struct append_matched {
  template <typename ActionInput>
  static void apply(const ActionInput& in, Builder& b) {
    b.append_text(begin_of(in, b), end_of(in, b), in.string_view());
  }
};
template <> struct action<rules::short_run> : append_matched {};
template <> struct action<rules::short_char> : append_matched {};
template <> struct action<rules::long_char> : append_matched {};
template <> struct action<rules::text_char> : append_matched {};

template <>
struct action<rules::text_escape> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, Builder& b) {
    b.append_text(begin_of(in, b), end_of(in, b), "{");
  }
};

template <>
struct action<rules::escape_simple> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, Builder& b) {
    const char c = in.peek_char();
    const char* decoded = c == 'n' ? "\n" : c == 't' ? "\t" : c == 'r' ? "\r" : nullptr;
    b.append_text(begin_of(in, b) - 1, end_of(in, b), decoded ? std::string_view(decoded) : in.string_view());
  }
};

template <>
struct action<rules::escape_unicode> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, Builder& b) {
    const std::string_view text = in.string_view();  // u{XXXX}
    const unsigned long cp = std::strtoul(std::string(text.substr(2, text.size() - 3)).c_str(), nullptr, 16);
    const uint32_t begin = begin_of(in, b) - 1;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      b.report(DiagnosticKind::InvalidEscape, begin, end_of(in, b), "`\\" + in.string() + "` is not a Unicode code point");
      return;
    }
    std::string utf8;
    append_utf8(utf8, static_cast<uint32_t>(cp));
    b.append_text(begin, end_of(in, b), utf8);
  }
};

template <>
struct action<rules::escape_invalid> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, Builder& b) {
    const uint32_t begin = begin_of(in, b) - 1;
    const std::string message = in.empty() || in.peek_char() != 'u'
                                     ? "unknown escape `\\" + in.string() + "`; use \\\" \\\\ \\n \\t \\r \\{ or \\u{…}"
                                     : std::string("expected hex digits in braces after `\\u`, as in `\\u{1F600}`");
    b.report(DiagnosticKind::InvalidEscape, begin, end_of(in, b), message);
  }
};

template <>
struct action<rules::invalid_byte> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, Builder& b) {
    b.report_bad_byte(begin_of(in, b));
  }
};

struct start_hole {
  static void apply0(Builder& b) { b.flush_text(); }
};
template <> struct action<rules::hole_open> : start_hole {};
template <> struct action<rules::raw_hole_open> : start_hole {};

template <bool Raw>
struct end_hole {
  template <typename ActionInput>
  static void apply(const ActionInput& in, Builder& b) {
    b.add_hole(Raw, begin_of(in, b), end_of(in, b));
  }
};
template <> struct action<rules::plain_hole> : end_hole<false> {};
template <> struct action<rules::raw_hole> : end_hole<true> {};

// ---- expressions

struct open_items {
  static void apply0(Builder& b) { b.open_items(); }
};
template <> struct action<rules::list_open> : open_items {};
template <> struct action<rules::object_open> : open_items {};
template <> struct action<rules::arguments_open> : open_items {};

template <>
struct action<rules::list> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, Builder& b) {
    Expr expr = make_expr(ExprKind::List, b.span(in));
    expr.items = b.close_items().first;
    b.push(std::move(expr));
  }
};

template <>
struct action<rules::object> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, Builder& b) {
    Expr expr = make_expr(ExprKind::Object, b.span(in));
    std::tie(expr.items, expr.keys) = b.close_items();
    b.push(std::move(expr));
  }
};

template <>
struct action<rules::object_key_string> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, Builder& b) {
    const Expr& key = b.expr(b.pop_value());
    if (!key.is_plain_string()) {
      b.report(DiagnosticKind::SyntaxError, begin_of(in, b), end_of(in, b), "an object key cannot contain `{{ }}` holes");
    }
    b.push_name(key.plain_text(), key.span);
  }
};

template <>
struct action<rules::arguments> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, Builder& b) {
    Expr expr = make_expr(ExprKind::Call, Span{});
    expr.items = b.close_items().first;
    expr.name = b.pop_name();
    expr.span = b.span(expr.name.span.begin.offset, end_of(in, b));
    b.push(std::move(expr));
  }
};

template <>
struct action<rules::as_variable> {
  static void apply0(Builder& b) {
    Expr expr = make_expr(ExprKind::Variable, Span{});
    expr.name = b.pop_name();
    expr.span = expr.name.span;
    b.push(std::move(expr));
  }
};

template <>
struct action<rules::member> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, Builder& b) {
    const ExprId operand = b.pop_value();
    Expr expr = make_expr(ExprKind::Member, b.span(b.expr(operand).span.begin.offset, end_of(in, b)));
    expr.name = b.pop_name();
    expr.operand = operand;
    b.push(std::move(expr));
  }
};

template <>
struct action<rules::index> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, Builder& b) {
    const ExprId index = b.pop_value();
    const ExprId operand = b.pop_value();
    Expr expr = make_expr(ExprKind::Index, b.span(b.expr(operand).span.begin.offset, end_of(in, b)));
    expr.operand = operand;
    expr.items = b.copy_ids(index);
    b.push(std::move(expr));
  }
};

template <UnaryOp Op>
struct reduce_unary {
  template <typename ActionInput>
  static void apply(const ActionInput& in, Builder& b) {
    b.reduce_unary(Op, begin_of(in, b));
  }
};
template <> struct action<rules::negation> : reduce_unary<UnaryOp::Negate> {};

template <>
struct action<rules::not_start> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, Builder& b) {
    b.push_not(begin_of(in, b));
  }
};

template <BinaryOp Op>
struct push_op {
  template <typename ActionInput>
  static void apply(const ActionInput& in, Builder& b) {
    b.push_operator(Op, in.begin());
  }
};
template <> struct action<rules::op_or> : push_op<BinaryOp::Or> {};
template <> struct action<rules::op_and> : push_op<BinaryOp::And> {};
template <> struct action<rules::op_eq> : push_op<BinaryOp::Eq> {};
template <> struct action<rules::op_ne> : push_op<BinaryOp::Ne> {};
template <> struct action<rules::op_lt> : push_op<BinaryOp::Lt> {};
template <> struct action<rules::op_le> : push_op<BinaryOp::Le> {};
template <> struct action<rules::op_gt> : push_op<BinaryOp::Gt> {};
template <> struct action<rules::op_ge> : push_op<BinaryOp::Ge> {};
template <> struct action<rules::op_in> : push_op<BinaryOp::In> {};
template <> struct action<rules::op_not_in> : push_op<BinaryOp::NotIn> {};
template <> struct action<rules::op_coalesce> : push_op<BinaryOp::Coalesce> {};
template <> struct action<rules::op_add> : push_op<BinaryOp::Add> {};
template <> struct action<rules::op_sub> : push_op<BinaryOp::Sub> {};
template <> struct action<rules::op_mul> : push_op<BinaryOp::Mul> {};
template <> struct action<rules::op_div> : push_op<BinaryOp::Div> {};
template <> struct action<rules::op_mod> : push_op<BinaryOp::Mod> {};

// ---- statements

// Keywords that name the block that follows them, for "expected `}` to close the block of …".
template <const char* Owner>
struct names_block {
  static void apply0(Builder& b) { b.next_block_owner = Owner; }
};
inline constexpr char kIf[] = "`if`";
inline constexpr char kElse[] = "`else`";
inline constexpr char kReceived[] = "`received`";
inline constexpr char kTimeout[] = "`timeout`";
template <> struct action<rules::else_start> : names_block<kElse> {};
template <> struct action<rules::else_if_start> : names_block<kIf> {};
template <> struct action<rules::received_start> : names_block<kReceived> {};
template <> struct action<rules::timeout_start> : names_block<kTimeout> {};

template <StmtKind Kind, const char* Owner>
struct begin_compound {
  static void apply0(Builder& b) {
    b.begin_stmt(Kind);
    b.next_block_owner = Owner;
  }
};
inline constexpr char kWaitFor[] = "`wait for`";
inline constexpr char kWebhook[] = "`webhook`";
template <> struct action<rules::if_start> : begin_compound<StmtKind::If, kIf> {};
template <> struct action<rules::webhook_start> : begin_compound<StmtKind::Webhook, kWebhook> {};
template <>
struct action<rules::wait_start> : begin_compound<StmtKind::Wait, kWaitFor> {
  static void apply0(Builder& b) {
    begin_compound::apply0(b);
    b.add_wait_branches();
  }
};

struct finish_compound {
  template <typename ActionInput>
  static void apply(const ActionInput& in, Builder& b) {
    b.finish_pending(b.span(in));
  }
};
template <> struct action<rules::if_stmt> : finish_compound {};
template <> struct action<rules::wait_stmt> : finish_compound {};
template <> struct action<rules::webhook_stmt> : finish_compound {};

template <>
struct action<rules::lbrace> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, Builder& b) {
    b.open_brace(begin_of(in, b));
  }
};
template <>
struct action<rules::rbrace> {
  static void apply0(Builder& b) { b.close_brace(); }
};

template <> struct action<rules::if_condition> {
  static void apply0(Builder& b) { b.add_condition(b.pop_value()); }
};
struct add_if_block {
  static void apply0(Builder& b) { b.add_block(b.take_block()); }
};
template <> struct action<rules::then_block> : add_if_block {};
template <> struct action<rules::else_block> : add_if_block {};

template <> struct action<rules::event_name> {
  static void apply0(Builder& b) { b.pending().expr = b.pop_value(); }
};
template <> struct action<rules::within_duration> {
  static void apply0(Builder& b) { b.pending().expr2 = b.pop_value(); }
};
// A branch or option written twice would silently lose the first; say so instead.
template <typename ActionInput>
void report_repeated(const ActionInput& in, Builder& b, std::string_view what, std::string_view statement) {
  b.report(DiagnosticKind::DuplicateSetting, begin_of(in, b), begin_of(in, b),
           std::string(what) + " is given twice in this " + std::string(statement) + "; keep one");
}

template <size_t Branch, const char* Name>
struct set_wait_branch {
  template <typename ActionInput>
  static void apply(const ActionInput& in, Builder& b) {
    if (b.pending().has_block[Branch]) report_repeated(in, b, Name, kWaitFor);
    b.pending_block(Branch) = b.take_block();
    b.pending().has_block[Branch] = true;
  }
};
template <> struct action<rules::received_block> : set_wait_branch<0, kReceived> {};
template <> struct action<rules::timeout_block> : set_wait_branch<1, kTimeout> {};

template <>
struct action<rules::http_method> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, Builder& b) {
    std::string method = in.string();
    std::transform(method.begin(), method.end(), method.begin(), [](char c) { return static_cast<char>(c - 'a' + 'A'); });
    b.set_method(method);
  }
};
template <> struct action<rules::webhook_url> {
  static void apply0(Builder& b) { b.pending().expr = b.pop_value(); }
};
template <ExprId WebhookOptions::*Field, const char* Name>
struct set_webhook_option {
  template <typename ActionInput>
  static void apply(const ActionInput& in, Builder& b) {
    if (b.pending().webhook.*Field != kNone) report_repeated(in, b, Name, kWebhook);
    b.pending().webhook.*Field = b.pop_value();
  }
};
inline constexpr char kHeaders[] = "`headers`";
inline constexpr char kBody[] = "`body`";
inline constexpr char kRetries[] = "`retries`";
template <> struct action<rules::headers_value> : set_webhook_option<&WebhookOptions::headers, kHeaders> {};
template <> struct action<rules::body_value> : set_webhook_option<&WebhookOptions::body, kBody> {};
template <> struct action<rules::timeout_value> : set_webhook_option<&WebhookOptions::timeout, kTimeout> {};
template <> struct action<rules::retries_value> : set_webhook_option<&WebhookOptions::retries, kRetries> {};

// Simple statements: a name (send, label, goto), a value (delay, update, exit), or both.
template <StmtKind Kind, bool HasName, bool HasValue>
struct simple_stmt {
  template <typename ActionInput>
  static void apply(const ActionInput& in, Builder& b) {
    Stmt stmt;
    stmt.kind = Kind;
    if constexpr (HasValue) stmt.expr = b.pop_value();
    if constexpr (HasName) stmt.name = b.pop_name();
    b.finish(stmt, b.span(in));
  }
};
template <> struct action<rules::send_stmt> : simple_stmt<StmtKind::Send, true, false> {};
template <> struct action<rules::label_stmt> : simple_stmt<StmtKind::Label, true, false> {};
template <> struct action<rules::goto_stmt> : simple_stmt<StmtKind::Goto, true, false> {};
template <> struct action<rules::delay_stmt> : simple_stmt<StmtKind::Delay, false, true> {};
template <> struct action<rules::update_stmt> : simple_stmt<StmtKind::Update, false, true> {};
template <> struct action<rules::exit_stmt> : simple_stmt<StmtKind::Exit, false, true> {};
template <> struct action<rules::let_stmt> : simple_stmt<StmtKind::Let, true, true> {};
template <> struct action<rules::assign_stmt> : simple_stmt<StmtKind::Assign, true, true> {};

template <> struct action<rules::no_reason> {
  static void apply0(Builder& b) { b.push_value_id(kNone); }
};

// ---- settings and items

template <typename Key, typename Value>
struct action<rules::setting<Key, Value>> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, Builder& b) {
    Setting setting;
    setting.value = b.pop_value();
    setting.key = b.pop_name();
    setting.from_file = std::exchange(b.setting_from_file, false);
    setting.span = b.span(in);
    b.add_setting(std::move(setting));
  }
};
template <> struct action<rules::file_ref> {
  static void apply0(Builder& b) { b.setting_from_file = true; }
};

struct begin_item {
  template <typename ActionInput>
  static void apply(const ActionInput& in, Builder& b) {
    b.item_begin = begin_of(in, b);
  }
};
template <> struct action<rules::template_start> : begin_item {};
template <> struct action<rules::workflow_start> : begin_item {};

template <> struct action<rules::template_name> {
  static void apply0(Builder& b) { b.begin_template(b.pop_name()); }
};
template <> struct action<rules::workflow_name> {
  static void apply0(Builder& b) { b.begin_workflow(b.pop_name()); }
};
template <> struct action<rules::trigger> {
  static void apply0(Builder& b) { b.workflow().trigger = b.pop_value(); }
};
template <> struct action<rules::workflow_body> {
  static void apply0(Builder& b) { b.workflow().body = b.take_block(); }
};

struct end_item {
  template <typename ActionInput>
  static void apply(const ActionInput& in, Builder& b) {
    b.end_item(b.span(in));
  }
};
template <> struct action<rules::template_item> : end_item {};
template <> struct action<rules::workflow_item> : end_item {};

// ---- Running the grammar ---------------------------------------------------------------

template <typename Rule>
bool run(Builder& b, const SourceFile& source) {
  pegtl::memory_input<pegtl::tracking_mode::lazy, pegtl::eol::lf_crlf> in(source.text().data(), source.text().size(),
                                                                          source.name());
  try {
    return pegtl::parse<Rule, action, control>(in, b);
  } catch (const Builder::Failure& failure) {
    b.report(failure);
    return false;
  }
}

}  // namespace

Ast parse(const SourceSet& sources, uint32_t file, DiagnosticSink& sink) {
  Ast ast;
  ast.file = file;
  // Code makes an expression per 12 to 35 bytes and a statement per 55 to 170 (the
  // benchmark's dense file, the examples); reserving a little more than the densest avoids
  // moving every node several times while the vectors grow. Not much more: under
  // `flowc build`'s bump heap (flowc/bump_heap.hpp) the unused end of a reservation lies
  // between blocks in use, on huge pages that are faulted (zeroed) anyway.
  const size_t size = sources.file(file).text().size();
  ast.exprs.reserve(size / 10);
  ast.stmts.reserve(size / 40);
  Builder builder(ast, sources, file, sink, DiagnosticKind::SyntaxError);
  run<rules::file>(builder, sources.file(file));
  return ast;
}

ExprId parse_template_text(Ast& ast, const SourceSet& sources, uint32_t file, DiagnosticSink& sink) {
  Builder builder(ast, sources, file, sink, DiagnosticKind::TemplateSyntax);
  builder.open_string(0);
  run<rules::template_text>(builder, sources.file(file));
  return builder.close_string(static_cast<uint32_t>(sources.file(file).text().size()));
}

ExprId parse_expression(Ast& ast, const SourceSet& sources, uint32_t file, DiagnosticSink& sink) {
  Builder builder(ast, sources, file, sink, DiagnosticKind::SyntaxError);
  if (!run<rules::expression_text>(builder, sources.file(file))) return kNone;
  return builder.pop_value();
}

}  // namespace flow::grammar
