#pragma once
// The syntax tree of a .flow file. Nodes live in vectors owned by the Ast and refer to
// each other by index (ExprId, StmtId), so the tree has no pointers, copies trivially and
// is cheap to build. Every node records its Span when the parser makes it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "grammar/source.hpp"

namespace flow::grammar {

using ExprId = uint32_t;
using StmtId = uint32_t;
inline constexpr uint32_t kNone = UINT32_MAX;

struct Name {
  std::string text;
  Span span;
};

// ---- Expressions -------------------------------------------------------------------

enum class ExprKind : uint8_t {
  Null,      //
  Bool,      // boolean
  Number,    // number
  String,    // parts (literal text and `{{ }}` holes)
  Duration,  // number (the amount) + unit; seconds() gives the length
  List,      // items
  Object,    // keys + items (values), in source order
  Variable,  // name: a local, `contact`, `event`, or (in templates) a template scope name
  Member,    // operand `.` name
  Index,     // operand `[` items[0] `]`
  Call,      // name `(` items `)`
  Unary,     // op operand
  Binary,    // lhs op rhs (lhs = operand, rhs = items[0])
};

enum class UnaryOp : uint8_t { Not, Negate };
enum class BinaryOp : uint8_t { Or, And, Eq, Ne, Lt, Le, Gt, Ge, In, NotIn, Coalesce, Add, Sub, Mul, Div, Mod };

enum class DurationUnit : uint8_t { Seconds, Minutes, Hours, Days, Weeks };

// One piece of a string literal: literal text, or a `{{ expr }}` hole (raw: `{{{ expr }}}`,
// which is not HTML-escaped when the string is an HTML body).
struct StringPart {
  std::string text;     // unescaped literal text when hole == kNone
  ExprId hole = kNone;  // the expression of a hole
  bool raw = false;
  Span span;
};

struct Expr {
  ExprKind kind = ExprKind::Null;
  Span span;
  bool boolean = false;
  double number = 0;  // Number, and the amount of a Duration
  DurationUnit unit = DurationUnit::Seconds;
  UnaryOp unary_op = UnaryOp::Not;
  BinaryOp binary_op = BinaryOp::Or;
  Name name;                     // Variable, Member (the field), Call (the function)
  ExprId operand = kNone;        // Member, Index, Unary, Binary lhs
  std::vector<ExprId> items;     // List, Object values, Call arguments, Index, Binary rhs
  std::vector<Name> keys;        // Object keys
  std::vector<StringPart> parts; // String

  double seconds() const;  // Duration only
  bool is_plain_string() const;  // a String with no holes
  std::string plain_text() const;  // the text of a plain string
};

// ---- Statements ----------------------------------------------------------------------

enum class StmtKind : uint8_t {
  Send,     // name = template
  Delay,    // expr = duration
  Wait,     // expr = event name (string), expr2 = timeout (duration); blocks[0] = received,
            // blocks[1] = timeout (either may be empty; has_block tells if it was written)
  If,       // conditions[i] guards blocks[i]; a final extra block is `else`
  Webhook,  // method, expr = url, options (headers/body/timeout/retries)
  Update,   // expr = object of fields
  Exit,     // expr = reason (optional)
  Let,      // name = expr
  Assign,   // name = expr
  Label,    // name
  Goto,     // name
};

using Block = std::vector<StmtId>;

struct WebhookOptions {
  ExprId headers = kNone;  // object
  ExprId body = kNone;     // any value; default is the standard payload
  ExprId timeout = kNone;  // duration
  ExprId retries = kNone;  // number
};

struct Stmt {
  StmtKind kind = StmtKind::Send;
  Span span;  // the whole statement, keyword to end
  Name name;
  std::string method;  // Webhook: "GET", "POST", "PUT", "PATCH", "DELETE"
  ExprId expr = kNone;
  ExprId expr2 = kNone;
  std::vector<ExprId> conditions;  // If
  std::vector<Block> blocks;       // If, Wait
  std::vector<bool> has_block;     // Wait: whether `received` / `timeout` were written
  WebhookOptions webhook;
};

// ---- Top-level items -----------------------------------------------------------------

// A `key value` line inside a template or workflow header, e.g. `subject "Hi"`.
struct Setting {
  Name key;
  ExprId value = kNone;
  bool from_file = false;  // `html file "path"`: value is the path string
  Span span;
};

struct Template {
  Name name;
  Span span;
  std::vector<Setting> settings;  // type, subject, from, reply_to, html, text (checked by compiler)
};

struct Workflow {
  Name name;
  Span span;
  ExprId trigger = kNone;  // the string after `on`; kNone when missing
  std::vector<Setting> settings;  // name, description, reentry, enabled
  Block body;
};

struct Comment {
  Span span;
  std::string text;  // including the leading `//`
};

struct Ast {
  uint32_t file = 0;
  std::vector<Expr> exprs;
  std::vector<Stmt> stmts;
  std::vector<Template> templates;
  std::vector<Workflow> workflows;
  // Items in source order: (is_workflow, index into templates or workflows).
  std::vector<std::pair<bool, uint32_t>> order;
  std::vector<Comment> comments;  // every comment, in source order (for `flowc fmt`)

  const Expr& expr(ExprId id) const { return exprs[id]; }
  const Stmt& stmt(StmtId id) const { return stmts[id]; }
};

std::string_view unit_name(DurationUnit unit);  // "seconds", "minutes", ...
std::string_view binary_op_text(BinaryOp op);    // "==", "and", "??", ...

}  // namespace flow::grammar
