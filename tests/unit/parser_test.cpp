// Parser tests: the grammar is sound (analyze), the tree has the right shape, and every
// mistake is reported once, at the right place, with a message a person understands.
#include <gtest/gtest.h>
#include <tao/pegtl/contrib/analyze.hpp>

#include <cstdio>
#include <string>

#include "grammar/parser.hpp"
#include "grammar/rules.hpp"

namespace flow::grammar {
namespace {

TEST(Grammar, AnalyzeFindsNoProblems) {
  EXPECT_EQ(tao::pegtl::analyze<rules::file>(), 0u);
  EXPECT_EQ(tao::pegtl::analyze<rules::expression_text>(), 0u);
  EXPECT_EQ(tao::pegtl::analyze<rules::template_text>(), 0u);
}

// ---- Helpers: parse and print trees as compact S-expressions ---------------------------

struct Parsed {
  SourceSet sources;
  DiagnosticList diagnostics;
  Ast ast;
  ExprId root = kNone;
};

std::string messages(const Parsed& p) {
  std::string out;
  for (const Diagnostic& d : p.diagnostics.items()) out += render_text(p.sources, d);
  return out;
}

Parsed parse_file(const std::string& text) {
  Parsed p;
  const uint32_t file = p.sources.add("test.flow", text);
  p.ast = parse(p.sources, file, p.diagnostics);
  return p;
}

std::string number_text(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

std::string sexp(const Ast& ast, ExprId id);

std::string items_sexp(const Ast& ast, const Slice<ExprId>& items) {
  std::string out;
  for (ExprId item : items) out += " " + sexp(ast, item);
  return out;
}

std::string sexp(const Ast& ast, ExprId id) {
  if (id == kNone) return "-";
  const Expr& e = ast.expr(id);
  switch (e.kind) {
    case ExprKind::Null: return "null";
    case ExprKind::Bool: return e.boolean ? "true" : "false";
    case ExprKind::Number: return number_text(e.number);
    case ExprKind::Duration: return "(" + number_text(e.number) + " " + std::string(unit_name(e.unit)) + ")";
    case ExprKind::String: {
      std::string out = "(str";
      for (const StringPart& part : e.parts) {
        out += part.hole == kNone ? " '" + part.text + "'" : (part.raw ? " {{{" : " {{") + sexp(ast, part.hole) + (part.raw ? "}}}" : "}}");
      }
      return out + ")";
    }
    case ExprKind::List: return "[" + items_sexp(ast, e.items) + " ]";
    case ExprKind::Object: {
      std::string out = "{";
      for (size_t i = 0; i < e.keys.size(); ++i) out += " " + e.keys[i].text + ":" + sexp(ast, e.items[i]);
      return out + " }";
    }
    case ExprKind::Variable: return e.name.text;
    case ExprKind::Member: return "(. " + sexp(ast, e.operand) + " " + e.name.text + ")";
    case ExprKind::Index: return "([] " + sexp(ast, e.operand) + items_sexp(ast, e.items) + ")";
    case ExprKind::Call: return "(" + e.name.text + items_sexp(ast, e.items) + ")";
    case ExprKind::Unary: return std::string(e.unary_op == UnaryOp::Not ? "(not " : "(- ") + sexp(ast, e.operand) + ")";
    case ExprKind::Binary:
      return "(" + std::string(binary_op_text(e.binary_op)) + " " + sexp(ast, e.operand) + items_sexp(ast, e.items) + ")";
  }
  return "?";
}

Parsed parse_expr(const std::string& text) {
  Parsed p;
  const uint32_t file = p.sources.add("expr", text);
  p.root = parse_expression(p.ast, p.sources, file, p.diagnostics);
  return p;
}

std::string expr_sexp(const std::string& text) {
  const Parsed p = parse_expr(text);
  EXPECT_FALSE(p.diagnostics.has_errors()) << text << "\n" << messages(p);
  return p.root == kNone ? "<error>" : sexp(p.ast, p.root);
}

std::string block_sexp(const Ast& ast, const Block& block);

std::string stmt_sexp(const Ast& ast, StmtId id) {
  const Stmt& s = ast.stmt(id);
  switch (s.kind) {
    case StmtKind::Send: return "(send " + s.name.text + ")";
    case StmtKind::Delay: return "(delay " + sexp(ast, s.expr) + ")";
    case StmtKind::Wait: {
      std::string out = "(wait " + sexp(ast, s.expr) + " " + sexp(ast, s.expr2);
      if (s.has_block[0]) out += " received" + block_sexp(ast, s.blocks[0]);
      if (s.has_block[1]) out += " timeout" + block_sexp(ast, s.blocks[1]);
      return out + ")";
    }
    case StmtKind::If: {
      std::string out = "(if";
      for (size_t i = 0; i < s.blocks.size(); ++i) {
        out += i < s.conditions.size() ? " " + sexp(ast, s.conditions[i]) : std::string(" else");
        out += block_sexp(ast, s.blocks[i]);
      }
      return out + ")";
    }
    case StmtKind::Webhook: {
      std::string out = "(webhook " + s.method + " " + sexp(ast, s.expr);
      out += " headers=" + sexp(ast, s.webhook.headers) + " body=" + sexp(ast, s.webhook.body);
      return out + " timeout=" + sexp(ast, s.webhook.timeout) + " retries=" + sexp(ast, s.webhook.retries) + ")";
    }
    case StmtKind::Update: return "(update " + sexp(ast, s.expr) + ")";
    case StmtKind::Exit: return "(exit " + sexp(ast, s.expr) + ")";
    case StmtKind::Let: return "(let " + s.name.text + " " + sexp(ast, s.expr) + ")";
    case StmtKind::Assign: return "(= " + s.name.text + " " + sexp(ast, s.expr) + ")";
    case StmtKind::Label: return "(label " + s.name.text + ")";
    case StmtKind::Goto: return "(goto " + s.name.text + ")";
  }
  return "?";
}

std::string block_sexp(const Ast& ast, const Block& block) {
  std::string out = " {";
  for (StmtId id : block) out += " " + stmt_sexp(ast, id);
  return out + " }";
}

// The statements of a one-workflow file, as S-expressions.
std::string body_sexp(const std::string& statements) {
  const Parsed p = parse_file("workflow w on \"e\" {\n" + statements + "\n}\n");
  EXPECT_FALSE(p.diagnostics.has_errors()) << messages(p);
  if (p.ast.workflows.size() != 1) return "<no workflow>";
  return block_sexp(p.ast, p.ast.workflows[0].body);
}

// ---- Statements ---------------------------------------------------------------------

TEST(Parser, SimpleStatements) {
  EXPECT_EQ(body_sexp("send welcome\ndelay 1 day\nexit\nexit \"done\""),
            " { (send welcome) (delay (1 days)) (exit -) (exit (str 'done')) }");
  EXPECT_EQ(body_sexp("let n = 1\nn = n + 1\nlabel again\ngoto again"),
            " { (let n 1) (= n (+ n 1)) (label again) (goto again) }");
  EXPECT_EQ(body_sexp("update contact { engaged: true, plan: null }"), " { (update { engaged:true plan:null }) }");
}

TEST(Parser, StatementsNeedNoTerminatorOrNewline) {
  EXPECT_EQ(body_sexp("send a send b delay 2h"), " { (send a) (send b) (delay (2 hours)) }");
}

TEST(Parser, WaitStatement) {
  EXPECT_EQ(body_sexp("wait for \"email.click\" within 3 days {\n"
                      "  received { update contact { engaged: true } }\n"
                      "  timeout  { send nudge }\n"
                      "}"),
            " { (wait (str 'email.click') (3 days) received { (update { engaged:true }) } timeout { (send nudge) }) }");
  EXPECT_EQ(body_sexp("wait for \"x\" within 30m"), " { (wait (str 'x') (30 minutes)) }");
  EXPECT_EQ(body_sexp("wait for \"x\" within 1w { timeout { exit } }"), " { (wait (str 'x') (1 weeks) timeout { (exit -) }) }");
}

TEST(Parser, IfElseChain) {
  EXPECT_EQ(body_sexp("if contact.data.plan == \"pro\" { exit \"pro\" }\n"
                      "else if x { send a } else { send b }"),
            " { (if (== (. (. contact data) plan) (str 'pro')) { (exit (str 'pro')) } x { (send a) } else { (send b) }) }");
  EXPECT_EQ(body_sexp("if a {}\nsend b"), " { (if a { }) (send b) }");
}

TEST(Parser, Webhook) {
  EXPECT_EQ(body_sexp("webhook post \"https://h.test/x\""),
            " { (webhook POST (str 'https://h.test/x') headers=- body=- timeout=- retries=-) }");
  EXPECT_EQ(body_sexp("webhook put url {\n headers { \"X-Key\": \"k\" }\n body { id: contact.email }\n"
                      " timeout 10s\n retries 3\n}\nsend a"),
            " { (webhook PUT url headers={ X-Key:(str 'k') } body={ id:(. contact email) } timeout=(10 seconds) "
            "retries=3) (send a) }");
}

TEST(Parser, StatementSpans) {
  const Parsed p = parse_file("workflow w on \"e\" {\n  send welcome\n  if a {\n    exit\n  }\n}");
  ASSERT_EQ(p.ast.workflows.size(), 1u);
  const Stmt& send = p.ast.stmt(p.ast.workflows[0].body[0]);
  EXPECT_EQ(p.sources.begin(send.span).line, 2u);
  EXPECT_EQ(p.sources.begin(send.span).column, 3u);
  EXPECT_EQ(p.sources.end(send.span).column, 15u);
  const Stmt& branch = p.ast.stmt(p.ast.workflows[0].body[1]);
  EXPECT_EQ(p.sources.begin(branch.span).line, 3u);
  EXPECT_EQ(p.sources.end(branch.span).line, 5u);
  EXPECT_EQ(p.sources.end(branch.span).column, 4u);
  EXPECT_EQ(p.sources.end(p.ast.workflows[0].span).line, 6u);
}

// ---- Items and settings -----------------------------------------------------------

TEST(Parser, TemplateSettings) {
  const Parsed p = parse_file(
      "template welcome {\n  type marketing\n  subject \"Hi {{ firstName }}\"\n  from \"a@b.test\"\n"
      "  reply_to \"r@b.test\"\n  html file \"welcome.html\"\n  text \"plain\"\n}\n");
  ASSERT_FALSE(p.diagnostics.has_errors()) << messages(p);
  ASSERT_EQ(p.ast.templates.size(), 1u);
  const Template& t = p.ast.templates[0];
  EXPECT_EQ(t.name.text, "welcome");
  ASSERT_EQ(t.settings.size(), 6u);
  std::string shape;
  for (const Setting& s : t.settings) shape += s.key.text + (s.from_file ? " file " : " ") + sexp(p.ast, s.value) + "; ";
  EXPECT_EQ(shape,
            "type marketing; subject (str 'Hi ' {{firstName}}); from (str 'a@b.test'); reply_to (str 'r@b.test'); "
            "html file (str 'welcome.html'); text (str 'plain'); ");
  EXPECT_EQ(p.ast.order, (std::vector<std::pair<bool, uint32_t>>{{false, 0}}));
}

TEST(Parser, WorkflowSettingsAndTrigger) {
  const Parsed p = parse_file(
      "workflow onboarding on \"user.signup\" {\n  name \"User onboarding\"\n  description \"d\"\n"
      "  reentry allowed\n  enabled false\n  send welcome\n}\nworkflow bare { exit }\n");
  ASSERT_FALSE(p.diagnostics.has_errors()) << messages(p);
  ASSERT_EQ(p.ast.workflows.size(), 2u);
  const Workflow& w = p.ast.workflows[0];
  EXPECT_EQ(sexp(p.ast, w.trigger), "(str 'user.signup')");
  std::string shape;
  for (const Setting& s : w.settings) shape += s.key.text + " " + sexp(p.ast, s.value) + "; ";
  EXPECT_EQ(shape, "name (str 'User onboarding'); description (str 'd'); reentry allowed; enabled false; ");
  EXPECT_EQ(block_sexp(p.ast, w.body), " { (send welcome) }");
  EXPECT_EQ(p.ast.workflows[1].trigger, kNone);  // the compiler reports the missing trigger
  EXPECT_EQ(p.ast.order, (std::vector<std::pair<bool, uint32_t>>{{true, 0}, {true, 1}}));
}

TEST(Parser, AssignmentToANameThatLooksLikeASetting) {
  EXPECT_EQ(body_sexp("name = 1"), " { (= name 1) }");
}

// ---- Strings ----------------------------------------------------------------------

TEST(Parser, StringHoles) {
  EXPECT_EQ(expr_sexp(R"("Hi {{ firstName ?? "friend" }}!")"), "(str 'Hi ' {{(?? firstName (str 'friend'))}} '!')");
  EXPECT_EQ(expr_sexp(R"("{{{ body }}} and {{ x }}")"), "(str {{{body}}} ' and ' {{x}})");
  EXPECT_EQ(expr_sexp(R"("a { b } {{ {k: 1} }}")"), "(str 'a { b } ' {{{ k:1 }}})");
  EXPECT_EQ(expr_sexp(R"("outer {{ "inner {{ deep }}" }}")"), "(str 'outer ' {{(str 'inner ' {{deep}})}})");
  EXPECT_EQ(expr_sexp(R"("")"), "(str)");
}

TEST(Parser, StringEscapes) {
  EXPECT_EQ(expr_sexp(R"("q\" b\\ n\n t\t r\r \{{x}} \u{1F600}")"), "(str 'q\" b\\ n\n t\t r\r {{x}} \xF0\x9F\x98\x80')");
}

TEST(Parser, TripleQuotedStrings) {
  EXPECT_EQ(expr_sexp("\"\"\"\nline 1\n\"quoted\" {{ x }}\nline 3\"\"\""), "(str 'line 1\n\"quoted\" ' {{x}} '\nline 3')");
  EXPECT_EQ(expr_sexp("\"\"\"same line\"\"\""), "(str 'same line')");
}

TEST(Parser, StringPartSpans) {
  const Parsed p = parse_expr(R"("ab {{ x }}")");
  ASSERT_NE(p.root, kNone);
  const Expr& s = p.ast.expr(p.root);
  ASSERT_EQ(s.parts.size(), 2u);
  EXPECT_EQ(p.sources.begin(s.parts[0].span).column, 2u);
  EXPECT_EQ(p.sources.begin(s.parts[1].span).column, 5u);
  EXPECT_EQ(p.sources.end(s.parts[1].span).column, 12u);
  EXPECT_EQ(p.sources.begin(p.ast.expr(s.parts[1].hole).span).column, 8u);
}

TEST(Parser, TemplateText) {
  Parsed p;
  const uint32_t file = p.sources.add("welcome.html", "<p>Hi {{ firstName ?? \"there\" }}</p>\n{{{ footer }}} \\{{ not a hole }}");
  const ExprId id = parse_template_text(p.ast, p.sources, file, p.diagnostics);
  EXPECT_FALSE(p.diagnostics.has_errors()) << messages(p);
  EXPECT_EQ(sexp(p.ast, id), "(str '<p>Hi ' {{(?? firstName (str 'there'))}} '</p>\n' {{{footer}}} ' {{ not a hole }}')");
  EXPECT_EQ(p.ast.expr(id).span.file, file);
}

// ---- Numbers and durations --------------------------------------------------------

TEST(Parser, Durations) {
  EXPECT_EQ(expr_sexp("30s"), "(30 seconds)");
  EXPECT_EQ(expr_sexp("15m"), "(15 minutes)");
  EXPECT_EQ(expr_sexp("24 hours"), "(24 hours)");
  EXPECT_EQ(expr_sexp("1 day"), "(1 days)");
  EXPECT_EQ(expr_sexp("2 weeks"), "(2 weeks)");
  EXPECT_EQ(expr_sexp("1 minute"), "(1 minutes)");
  EXPECT_EQ(expr_sexp("1.5h"), "(1.5 hours)");
  EXPECT_EQ(expr_sexp("12"), "12");
  EXPECT_EQ(expr_sexp("1e3"), "1000");
  const Parsed p = parse_expr("3 days");
  EXPECT_DOUBLE_EQ(p.ast.expr(p.root).seconds(), 3 * 86400.0);
}

// ---- Expressions ------------------------------------------------------------------

TEST(Parser, Precedence) {
  EXPECT_EQ(expr_sexp("a ?? b == c"), "(== (?? a b) c)");
  EXPECT_EQ(expr_sexp("not a == b"), "(not (== a b))");
  EXPECT_EQ(expr_sexp("b not in a"), "(not in b a)");
  EXPECT_EQ(expr_sexp("\"x\" in tags"), "(in (str 'x') tags)");
  EXPECT_EQ(expr_sexp("a or b and not c"), "(or a (and b (not c)))");
  EXPECT_EQ(expr_sexp("1 + 2 * 3 - 4 % 5 / 6"), "(- (+ 1 (* 2 3)) (/ (% 4 5) 6))");
  EXPECT_EQ(expr_sexp("-a.b[0] * 2"), "(* (- ([] (. a b) 0)) 2)");
  EXPECT_EQ(expr_sexp("(a + b) * c"), "(* (+ a b) c)");
  EXPECT_EQ(expr_sexp("a <= b and c != d or e >= f"), "(or (and (<= a b) (!= c d)) (>= e f))");
  EXPECT_EQ(expr_sexp("not not x"), "(not (not x))");
}

TEST(Parser, ValuesAndCalls) {
  EXPECT_EQ(expr_sexp("contains(lower(contact.email), \"@acme\")"), "(contains (lower (. contact email)) (str '@acme'))");
  EXPECT_EQ(expr_sexp("now()"), "(now)");
  EXPECT_EQ(expr_sexp("[1, 2,]"), "[ 1 2 ]");
  EXPECT_EQ(expr_sexp("{ plan: \"pro\", \"odd key\": 1 }"), "{ plan:(str 'pro') odd key:1 }");
  EXPECT_EQ(expr_sexp("event.data.label"), "(. (. event data) label)");
  EXPECT_EQ(expr_sexp("[]"), "[ ]");
  EXPECT_EQ(expr_sexp("{}"), "{ }");
}

TEST(Parser, BinarySpanCoversBothOperands) {
  const Parsed p = parse_expr("a  +  bc");
  const Expr& e = p.ast.expr(p.root);
  EXPECT_EQ(p.sources.begin(e.span).column, 1u);
  EXPECT_EQ(p.sources.end(e.span).column, 9u);
}

TEST(Parser, CommentsAreCollected) {
  const Parsed p = parse_file("// header\nworkflow w on \"e\" { // after brace\n  send a // trailing\n}\n");
  ASSERT_FALSE(p.diagnostics.has_errors()) << messages(p);
  ASSERT_EQ(p.ast.comments.size(), 3u);
  EXPECT_EQ(p.ast.comments[0].text, "// header");
  EXPECT_EQ(p.ast.comments[1].text, "// after brace");
  EXPECT_EQ(p.ast.comments[2].text, "// trailing");
  EXPECT_EQ(p.sources.begin(p.ast.comments[2].span).line, 3u);
  EXPECT_EQ(p.sources.begin(p.ast.comments[2].span).column, 10u);
}

TEST(Parser, ColumnsCountCodePoints) {
  const Parsed p = parse_file("workflow w on \"é\" {\n  send\n}\n");
  ASSERT_EQ(p.diagnostics.items().size(), 1u);
  EXPECT_EQ(p.sources.end(p.ast.expr(p.ast.workflows[0].trigger).span).column, 18u);
}

// ---- Errors -----------------------------------------------------------------------

struct ExpectedError {
  uint32_t line;
  uint32_t column;
  std::string message;  // a substring of the message
};

struct ErrorCase {
  const char* name;
  std::string source;
  std::vector<ExpectedError> errors;
};

std::string in_workflow(const std::string& body) { return "workflow w on \"e\" {\n" + body + "\n}\n"; }

const std::vector<ErrorCase>& error_cases() {
  static const std::vector<ErrorCase> cases = {
      {"send without template", in_workflow("  send\n  delay 1d"), {{2, 7, "expected a template name after `send`"}}},
      {"unclosed workflow", "workflow onboarding on \"e\" {\n  send welcome\n",
       {{3, 1, "expected `}` to close the block of workflow `onboarding`"}}},
      {"wait without within", in_workflow("  wait for \"x\" 3 days"), {{2, 16, "expected `within` and a duration after the event name"}}},
      {"unterminated string", "template t {\n  subject \"Hello\n}\n", {{2, 11, "unterminated string"}}},
      {"unterminated long string", "template t {\n  text \"\"\"Hello\n}\n", {{2, 8, "unterminated string"}}},
      {"hole not closed", "template t {\n  subject \"Hi {{ name }\"\n}\n", {{2, 23, "expected `}}` to close the `{{` hole"}}},
      {"empty hole", "template t {\n  subject \"Hi {{ }}\"\n}\n", {{2, 18, "expected an expression in the `{{ }}` hole"}}},
      {"unknown unit word", in_workflow("  delay 3 hrs"),
       {{2, 11, "unknown duration unit `hrs`; use s, m, h, d, w or seconds, minutes, hours, days, weeks"}}},
      {"unknown glued unit", in_workflow("  let x = 3hrs"), {{2, 12, "unknown duration unit `hrs`"}}},
      {"missing unit", in_workflow("  delay 3\n  send a"), {{2, 10, "expected a duration unit after the number"}}},
      {"missing operand", in_workflow("  let y = x == )"), {{2, 16, "expected an expression after `==`"}}},
      {"missing operand of not in", in_workflow("  if x not in )"), {{2, 15, "expected an expression after `not in`"}}},
      {"assignment in condition", in_workflow("  if x = 1 {\n    send a\n  }"), {{2, 8, "`=` assigns; use `==` to compare"}}},
      {"chained comparison", in_workflow("  if a < b < c { }"), {{2, 12, "comparisons cannot be chained"}}},
      {"unknown statement", in_workflow("  sned welcome"), {{2, 3, "expected a statement"}}},
      {"bad http method", in_workflow("  webhook fetch \"u\""), {{2, 11, "expected an HTTP method"}}},
      {"update without fields", in_workflow("  update contact x"), {{2, 18, "after `update contact`"}}},
      {"let without name", in_workflow("  let = 3"), {{2, 7, "expected a name after `let`"}}},
      {"goto without label", in_workflow("  goto"), {{2, 7, "expected a label name after `goto`"}}},
      {"bad template type", "template t {\n  type promo\n}\n", {{2, 8, "expected `marketing`, `transactional` or `headless`"}}},
      {"unknown template setting", "template t {\n  subjct \"x\"\n}\n", {{2, 3, "expected a template setting"}}},
      {"trigger without on", "workflow w \"e\" {}\n", {{1, 12, "expected `on \"event\"` or `{` after the workflow name"}}},
      {"setting after statements", in_workflow("  send a\n  name \"x\""), {{3, 3, "workflow settings come first"}}},
      {"wait branch misspelt", in_workflow("  wait for \"x\" within 1d {\n    recieved { }\n  }"),
       {{3, 5, "expected `received { … }` or `timeout { … }`"}}},
      {"missing paren", in_workflow("  let x = (a + b\n  send c"), {{3, 3, "expected `)` to close `(`"}}},
      {"missing field name", in_workflow("  let x = a."), {{2, 13, "expected a field name after `.`"}}},
      {"object without colon", in_workflow("  update contact { a 1 }"), {{2, 22, "expected `:` after the key"}}},
      {"not without in", in_workflow("  if a not b { }"), {{2, 12, "expected `in` after `not`"}}},
      {"top-level garbage then a good item", "garbage\nworkflow w on \"e\" { send a }\n",
       {{1, 1, "expected `template` or `workflow`"}}},
      {"invalid escape", "template t {\n  subject \"a\\qb\"\n}\n", {{2, 13, "unknown escape `\\q`"}}},
      {"bad code point", "template t {\n  subject \"\\u{110000}\"\n}\n", {{2, 12, "not a Unicode code point"}}},
      {"several errors, one each",
       in_workflow("  sned a\n  delay 3 hrs\n  if x = 1 { send b }\n  send ok\n  let = 2\n  exit"),
       {{2, 3, "expected a statement"},
        {3, 11, "unknown duration unit `hrs`"},
        {4, 8, "`=` assigns"},
        {6, 7, "expected a name after `let`"}}},
      {"unclosed inner block is reported once",
       "workflow a on \"e\" {\n  if x {\n    send b\n}\nworkflow b on \"f\" {\n  send c\n}\n",
       {{5, 1, "expected `}` to close the block of workflow `a`"}}},
      {"errors in several items",
       "template t {\n  type promo\n  subject \"s\"\n}\nworkflow w on {\n  send a\n}\nworkflow v on \"e\" {\n  delay\n}\n",
       {{2, 8, "after `type`"}, {5, 15, "expected the trigger event as a string after `on`"}, {9, 8, "after `delay`"}}},
  };
  return cases;
}

TEST(ParserErrors, Table) {
  for (const ErrorCase& c : error_cases()) {
    SCOPED_TRACE(c.name);
    const Parsed p = parse_file(c.source);
    const auto& items = p.diagnostics.items();
    ASSERT_EQ(items.size(), c.errors.size()) << messages(p);
    for (size_t i = 0; i < items.size(); ++i) {
      EXPECT_EQ(p.sources.begin(items[i].span).line, c.errors[i].line) << messages(p);
      EXPECT_EQ(p.sources.begin(items[i].span).column, c.errors[i].column) << messages(p);
      EXPECT_NE(items[i].message.find(c.errors[i].message), std::string::npos) << messages(p);
      EXPECT_EQ(items[i].message.back() == '.', false);
    }
  }
}

TEST(ParserErrors, UnclosedBlockHasNoteAtItsBrace) {
  const Parsed p = parse_file("workflow onboarding on \"e\" {\n  if x {\n    send a\n");
  ASSERT_EQ(p.diagnostics.items().size(), 1u) << messages(p);
  const Diagnostic& d = p.diagnostics.items()[0];
  EXPECT_EQ(d.message, "expected `}` to close the block of `if`");
  ASSERT_EQ(d.notes.size(), 1u);
  EXPECT_EQ(p.sources.begin(d.notes[0].span).line, 2u);
  EXPECT_EQ(p.sources.begin(d.notes[0].span).column, 8u);
}

TEST(ParserErrors, RecoveryKeepsWhatParsed) {
  const Parsed p = parse_file(in_workflow("  send a\n  sned b\n  if x = 1 {\n    send c\n  }\n  send d"));
  EXPECT_EQ(p.diagnostics.error_count(), 2u) << messages(p);
  ASSERT_EQ(p.ast.workflows.size(), 1u);
  EXPECT_EQ(block_sexp(p.ast, p.ast.workflows[0].body), " { (send a) (send d) }");
}

TEST(ParserErrors, UnclosedWorkflowKeepsItsStatements) {
  const Parsed p = parse_file("workflow a on \"e\" {\n  send x\n  delay 1d\n");
  ASSERT_EQ(p.ast.workflows.size(), 1u);
  EXPECT_EQ(block_sexp(p.ast, p.ast.workflows[0].body), " { (send x) (delay (1 days)) }");
}

TEST(ParserErrors, ErrorsInTemplateTextAreTemplateSyntax) {
  Parsed p;
  const uint32_t file = p.sources.add("t.html", "<p>{{ a ?? }}</p>\n<p>{{ first name }}</p>\n<p>{{ ok }}</p>");
  const ExprId id = parse_template_text(p.ast, p.sources, file, p.diagnostics);
  const auto& items = p.diagnostics.items();
  ASSERT_EQ(items.size(), 2u) << messages(p);
  EXPECT_EQ(items[0].kind, DiagnosticKind::TemplateSyntax);
  EXPECT_EQ(items[0].message, "expected an expression after `??`");
  EXPECT_EQ(p.sources.begin(items[0].span).column, 12u);
  EXPECT_EQ(items[1].message, "expected `}}` to close the `{{` hole");
  EXPECT_EQ(p.sources.begin(items[1].span).line, 2u);
  EXPECT_EQ(p.sources.begin(items[1].span).column, 13u);
  // The good hole after the broken ones is still there.
  EXPECT_NE(sexp(p.ast, id).find("{{ok}}"), std::string::npos) << sexp(p.ast, id);
}

TEST(ParserErrors, ExpressionErrors) {
  const Parsed p = parse_expr("a +");
  EXPECT_EQ(p.root, kNone);
  ASSERT_EQ(p.diagnostics.items().size(), 1u);
  EXPECT_EQ(p.diagnostics.items()[0].message, "expected an expression after `+`");
  EXPECT_EQ(parse_expr("a b").diagnostics.items().at(0).message, "unexpected text after the expression");
}

TEST(ParserErrors, NestingTooDeepIsAnErrorNotACrash) {
  for (const std::string& open : {std::string("("), std::string("["), std::string("-"), std::string("not "),
                                  std::string("{a:"), std::string("\"{{")}) {
    std::string text;
    for (int i = 0; i < 5000; ++i) text += open;
    const Parsed p = parse_expr(text + "x");
    ASSERT_TRUE(p.diagnostics.has_errors()) << open;
    EXPECT_NE(p.diagnostics.items()[0].message.find("nesting too deep"), std::string::npos) << open;
  }
  std::string blocks;
  for (int i = 0; i < 2000; ++i) blocks += "if x {\n";
  const Parsed p = parse_file("workflow w on \"e\" {\n" + blocks);
  EXPECT_TRUE(p.diagnostics.has_errors());
  EXPECT_LE(p.diagnostics.items().size(), 3u) << messages(p);
}

TEST(ParserErrors, ArbitraryBytesDoNotCrash) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  for (const std::string& text : {bytes, "workflow w on \"\xff\xfe\" {\n  send \0x\n}" + std::string(1, '\0'),
                                  std::string("template t { subject \"\xc3\" }"), std::string("\"\"\"")}) {
    const Parsed p = parse_file(text);
    EXPECT_TRUE(p.diagnostics.has_errors());
  }
}

}  // namespace
}  // namespace flow::grammar
