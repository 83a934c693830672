#pragma once
// The syntax tree of a .flow file. Nodes live in vectors owned by the Ast and refer to
// each other by index (ExprId, StmtId), so the tree has no pointers, copies trivially and
// is cheap to build. Every node records its Span when the parser makes it. What a node
// holds a variable number of (the items of a list, the parts of a string, the statements
// of a block) and the text of names live in the Ast's arena, as Slices and Texts: a node
// is small and owns no heap block of its own, so a large file touches little memory.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "grammar/source.hpp"

namespace flow::grammar {

using ExprId = uint32_t;
using StmtId = uint32_t;
inline constexpr uint32_t kNone = UINT32_MAX;

// Text kept in the Ast's arena (a name, a piece of a string literal). A string_view that
// also concatenates with strings and converts to one, as a std::string member did, so
// `"send " + name.text` and `std::string label = name.text` read as before.
struct Text : std::string_view {
  using std::string_view::string_view;
  constexpr Text(std::string_view text) : std::string_view(text) {}
  std::string str() const { return std::string(*this); }
  operator std::string() const { return str(); }
};
inline std::string operator+(std::string left, Text right) { return left.append(right); }
inline std::string operator+(const char* left, Text right) { return std::string(left).append(right); }
inline std::string operator+(Text left, std::string_view right) { return left.str().append(right); }
inline std::string operator+(Text left, const std::string& right) { return left.str().append(right); }
inline std::string operator+(Text left, const char* right) { return left.str().append(right); }
inline std::string operator+(Text left, char right) { return left.str() + right; }

// A read-only run of elements in the Ast's arena, with the part of std::vector's interface
// that readers of the tree use. Only a pointer: the arena keeps the count just before the
// first element, so a node with three lists pays 24 bytes, not 48.
template <typename T>
class Slice {
 public:
  Slice() = default;
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size(); }
  size_t size() const {
    if (data_ == nullptr) return 0;
    uint32_t size;
    std::memcpy(&size, reinterpret_cast<const std::byte*>(data_) - sizeof size, sizeof size);
    return size;
  }
  bool empty() const { return data_ == nullptr; }
  const T& operator[](size_t i) const { return data_[i]; }
  const T& at(size_t i) const {
    if (i >= size()) throw std::out_of_range("Slice::at");
    return data_[i];
  }
  const T& front() const { return data_[0]; }
  const T& back() const { return data_[size() - 1]; }

 private:
  friend class Arena;
  explicit Slice(const T* data) : data_(data) {}
  const T* data_ = nullptr;  // null when empty
};

// Append-only storage for the Slices and Texts of one Ast: memory from a few large blocks
// instead of a heap block per node. What it holds is trivially copyable and never moves.
class Arena {
 public:
  template <typename T>
  Slice<T> copy(const T* data, size_t size) {
    static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);
    if (size == 0) return {};
    // The count sits in the last 4 bytes of a header that keeps the elements aligned.
    constexpr size_t header = alignof(T) > sizeof(uint32_t) ? alignof(T) : sizeof(uint32_t);
    auto* at = static_cast<std::byte*>(allocate(header + size * sizeof(T), header)) + header;
    const auto count = static_cast<uint32_t>(size);
    std::memcpy(at - sizeof count, &count, sizeof count);
    std::memcpy(at, data, size * sizeof(T));
    return Slice<T>(reinterpret_cast<const T*>(at));
  }
  template <typename T>
  Slice<T> copy(const std::vector<T>& items) { return copy(items.data(), items.size()); }
  Text copy(std::string_view text) {
    if (text.empty()) return {};
    void* to = allocate(text.size(), 1);
    std::memcpy(to, text.data(), text.size());
    return Text(static_cast<const char*>(to), text.size());
  }

 private:
  // `align` is a power of two. The common case, room left in the current block, inline.
  void* allocate(size_t bytes, size_t align) {
    const size_t pad = (0 - reinterpret_cast<uintptr_t>(next_)) & (align - 1);
    if (next_ == nullptr || pad + bytes > left_) return allocate_in_new_block(bytes, align);
    std::byte* at = next_ + pad;
    next_ = at + bytes;
    left_ -= pad + bytes;
    return at;
  }
  void* allocate_in_new_block(size_t bytes, size_t align);

  std::vector<std::unique_ptr<std::byte[]>> blocks_;
  std::byte* next_ = nullptr;
  size_t left_ = 0;
};

struct Name {
  Text text;
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
  Text text;            // unescaped literal text when hole == kNone
  ExprId hole = kNone;  // the expression of a hole
  bool raw = false;
  Span span;
};

struct Expr {
  ExprKind kind = ExprKind::Null;
  bool boolean = false;
  DurationUnit unit = DurationUnit::Seconds;
  UnaryOp unary_op = UnaryOp::Not;
  BinaryOp binary_op = BinaryOp::Or;
  Span span;
  ExprId operand = kNone;   // Member, Index, Unary, Binary lhs
  double number = 0;        // Number, and the amount of a Duration
  Name name;                // Variable, Member (the field), Call (the function)
  Slice<ExprId> items;      // List, Object values, Call arguments, Index, Binary rhs
  Slice<Name> keys;         // Object keys
  Slice<StringPart> parts;  // String

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

using Block = Slice<StmtId>;

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
  Text method;  // Webhook: "GET", "POST", "PUT", "PATCH", "DELETE"
  ExprId expr = kNone;
  ExprId expr2 = kNone;
  Slice<ExprId> conditions;  // If
  Slice<Block> blocks;       // If, Wait
  std::array<bool, 2> has_block = {false, false};  // Wait: whether `received` / `timeout` were written
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
  // Shared by copies of the Ast, which only ever add to it.
  std::shared_ptr<Arena> arena = std::make_shared<Arena>();
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
