// `flowc fmt`: input -> expected canonical layout, plus, for every case and every example,
// the properties the formatter promises: it is idempotent, keeps every comment, and its
// output parses to the same program.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "grammar/format.hpp"
#include "grammar/parser.hpp"

namespace flow::grammar {
namespace {

namespace fs = std::filesystem;

struct Parsed {
  SourceSet sources;
  DiagnosticList diagnostics;
  Ast ast;
};

Parsed parse_text(const std::string& text) {
  Parsed parsed;
  const uint32_t file = parsed.sources.add("test.flow", text);
  parsed.ast = parse(parsed.sources, file, parsed.diagnostics);
  return parsed;
}

std::string rendered_errors(const Parsed& parsed) {
  std::string out;
  for (const Diagnostic& diagnostic : parsed.diagnostics.items()) out += render_text(parsed.sources, diagnostic);
  return out;
}

// ---- The program an AST stands for, without positions --------------------------------

class Shape {
 public:
  explicit Shape(const Ast& ast) : ast_(ast) {}

  std::string program() {
    for (const auto& [is_workflow, index] : ast_.order) {
      if (is_workflow) {
        workflow(ast_.workflows[index]);
      } else {
        const Template& item = ast_.templates[index];
        out_ << "template " << item.name.text << "\n";
        settings(item.settings);
      }
    }
    return out_.str();
  }

 private:
  void workflow(const Workflow& item) {
    out_ << "workflow " << item.name.text << " " << expr(item.trigger) << "\n";
    settings(item.settings);
    block(item.body, 1);
  }

  void settings(const std::vector<Setting>& settings) {
    for (const Setting& setting : settings) {
      out_ << "  " << setting.key.text << (setting.from_file ? " file " : " ") << expr(setting.value) << "\n";
    }
  }

  void block(const Block& block, int depth) {
    for (StmtId id : block) statement(ast_.stmt(id), depth);
  }

  void statement(const Stmt& stmt, int depth) {
    out_ << std::string(2 * depth, ' ') << "stmt" << static_cast<int>(stmt.kind) << " " << stmt.name.text << " "
         << stmt.method << " " << expr(stmt.expr) << " " << expr(stmt.expr2);
    for (ExprId condition : stmt.conditions) out_ << " if " << expr(condition);
    for (bool written : stmt.has_block) out_ << " has" << written;
    const WebhookOptions& options = stmt.webhook;
    for (ExprId option : {options.headers, options.body, options.timeout, options.retries}) out_ << " " << expr(option);
    out_ << "\n";
    for (const Block& inner : stmt.blocks) {
      out_ << std::string(2 * depth, ' ') << "{\n";
      block(inner, depth + 1);
    }
  }

  std::string expr(ExprId id) const {
    if (id == kNone) return "-";
    const Expr& e = ast_.expr(id);
    std::ostringstream out;
    out << "(" << static_cast<int>(e.kind) << " " << e.boolean << " " << e.number << " " << static_cast<int>(e.unit)
        << " " << static_cast<int>(e.unary_op) << " " << static_cast<int>(e.binary_op) << " " << e.name.text << " "
        << expr(e.operand);
    for (ExprId item : e.items) out << " " << expr(item);
    for (const Name& key : e.keys) out << " key:" << key.text;
    for (const StringPart& part : e.parts) out << " [" << part.text << "|" << part.raw << expr(part.hole) << "]";
    out << ")";
    return out.str();
  }

  const Ast& ast_;
  std::ostringstream out_;
};

std::vector<std::string> comment_texts(const Ast& ast) {
  std::vector<std::string> texts;
  for (const Comment& comment : ast.comments) {
    std::string text = comment.text;
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    texts.push_back(text);
  }
  return texts;
}

// Formats `source` and checks the promises: the result parses without errors to the
// same program with the same comments, and formatting it again changes nothing.
std::string format_checked(const std::string& source) {
  const Parsed before = parse_text(source);
  EXPECT_FALSE(before.diagnostics.has_errors()) << rendered_errors(before);
  const std::string formatted = format(before.ast, before.sources.file(0));
  const Parsed after = parse_text(formatted);
  EXPECT_FALSE(after.diagnostics.has_errors()) << rendered_errors(after) << formatted;
  EXPECT_EQ(Shape(before.ast).program(), Shape(after.ast).program()) << formatted;
  EXPECT_EQ(comment_texts(before.ast), comment_texts(after.ast)) << formatted;
  EXPECT_EQ(format(after.ast, after.sources.file(0)), formatted) << "not idempotent";
  return formatted;
}

// ---- Input -> expected ---------------------------------------------------------------

struct Case {
  const char* name;
  const char* input;
  const char* expected;
};

const Case kCases[] = {
    {"BadLayout",
     R"(workflow   w on "e"{name "W" send a
delay 3d   wait for "x" within 2 hours{received{send b}timeout{}}
if a==1{exit}else if b{exit "r"}else{goto l}
label l})",
     R"(workflow w on "e" {
  name "W"

  send a
  delay 3 days
  wait for "x" within 2 hours {
    received {
      send b
    }
    timeout {}
  }
  if a == 1 {
    exit
  } else if b {
    exit "r"
  } else {
    goto l
  }
  label l
}
)"},

    {"BlankLines",
     R"(template t { type marketing


  subject "s"

}
template u {
  type marketing
}



workflow w on "e" {

  name "n"
  send a


  send b

}
)",
     R"(template t {
  type marketing

  subject "s"
}

template u {
  type marketing
}

workflow w on "e" {
  name "n"

  send a

  send b
}
)"},

    {"Comments",
     R"(// file header

// about t
template t { // after brace
  type marketing // trailing setting
  // before subject
  subject "s"
  // end of template
} // after template
// before w
workflow w on "e" {
  name "n" // trailing name

  // before send

  send a   // trailing send
  if x { // after if brace
    // inside if
    send b
    // end of if block
  } else {
    // only comment in else
  }
  wait for "c" within 1 day {
    // before received
    received {} // after received
    // end of wait
  }
  update contact {
    a: 1, // after a
    // before b
    b: 2
    // end of object
  }
  webhook post "https://x.test" {
    // before body
    body { a: 1 } // after body
  }
  // end of workflow
}
// end of file
)",
     R"(// file header

// about t
template t {  // after brace
  type marketing  // trailing setting
  // before subject
  subject "s"
  // end of template
}  // after template

// before w
workflow w on "e" {
  name "n"  // trailing name

  // before send

  send a  // trailing send
  if x {  // after if brace
    // inside if
    send b
    // end of if block
  } else {
    // only comment in else
  }
  wait for "c" within 1 day {
    // before received
    received {}  // after received
    // end of wait
  }
  update contact {
    a: 1,  // after a
    // before b
    b: 2
    // end of object
  }
  webhook post "https://x.test" {
    // before body
    body { a: 1 }  // after body
  }
  // end of workflow
}
// end of file
)"},

    {"CommentsOnly", "  // just a note   \n\n\n// another\n", "// just a note\n\n// another\n"},

    {"NestedIfs",
     R"(workflow w on "e" {
if a { if b { send x } else { if c { send y } } } else if d { } else { send z }
})",
     R"(workflow w on "e" {
  if a {
    if b {
      send x
    } else {
      if c {
        send y
      }
    }
  } else if d {} else {
    send z
  }
}
)"},

    {"Waits",
     R"(workflow w on "e" {
  wait for "a" within 1d
  wait for "b" within 2d { }
  wait for "c" within 3d { timeout { send t } received { send r } }
  wait for "d" within 1w { received { } }
})",
     R"(workflow w on "e" {
  wait for "a" within 1 day
  wait for "b" within 2 days
  wait for "c" within 3 days {
    received {
      send r
    }
    timeout {
      send t
    }
  }
  wait for "d" within 1 week {
    received {}
  }
}
)"},

    {"Durations",
     R"(workflow w on "e" {
  delay 1d
  delay 1 days
  delay 90m
  delay 30s
  delay 2 weeks
  delay 1.5 hours
  delay 1 hour
})",
     R"(workflow w on "e" {
  delay 1 day
  delay 1 day
  delay 90 minutes
  delay 30 seconds
  delay 2 weeks
  delay 1.5 hours
  delay 1 hour
}
)"},

    {"Webhooks",
     R"(workflow w on "e" {
  webhook get "https://x.test/ping"
  webhook post "https://x.test/h" { retries 3 timeout 10s
    headers {Authorization: "Bearer {{event.token}}"} body {id: contact.email} }
})",
     R"(workflow w on "e" {
  webhook get "https://x.test/ping"
  webhook post "https://x.test/h" {
    headers { Authorization: "Bearer {{ event.token }}" }
    body { id: contact.email }
    timeout 10 seconds
    retries 3
  }
}
)"},

    {"Objects",
     R"(workflow w on "e" {
  update contact {
    a: 1,
    "b": "x", "odd key": [ ], e: { }
  }
  update contact { first_name: "Alexandra", last_name: "Montgomery-Smith", plan: "enterprise", seats: 250, tags: ["a", "b"] }
  let l = ["a long list item", "another long list item", "and a third one to pass 80"]
  let nested = { profile: { first_name: "Alexandra", last_name: "Montgomery-Smith" }, plan: "enterprise", n: 1 }
})",
     R"(workflow w on "e" {
  update contact { a: 1, b: "x", "odd key": [], e: {} }
  update contact {
    first_name: "Alexandra",
    last_name: "Montgomery-Smith",
    plan: "enterprise",
    seats: 250,
    tags: ["a", "b"]
  }
  let l = [
    "a long list item",
    "another long list item",
    "and a third one to pass 80"
  ]
  let nested = {
    profile: { first_name: "Alexandra", last_name: "Montgomery-Smith" },
    plan: "enterprise",
    n: 1
  }
}
)"},

    {"Strings",
     R"__(template t {
  subject "Tab\there \"q\" back\\slash {{firstName??"friend"}} {{{ html }}} \{{ not a hole"
  text "smile \u{1F600}\r\n"
  html """
<p>{{firstName}}</p>
  "quoted" \n {{{  raw  }}} stays
"""
})__",
     R"__(template t {
  subject "Tab\there \"q\" back\\slash {{ firstName ?? "friend" }} {{{ html }}} \{{ not a hole"
  text "smile 😀\r\n"
  html """
<p>{{ firstName }}</p>
  "quoted" \n {{{ raw }}} stays
"""
}
)__"},

    {"Precedence",
     R"(workflow w on "e" {
  let a = (x or y) and z
  let b = -(x + 1)
  let c = not (p and q)
  let d = ((1 + 2)) * 3 - (4 - 5) - 6
  let e = a.b[c + 1].d
  let f = (a ?? b) == c
  let g = not a == b
  let h = x not in [1,2]
  let i = contains( lower(contact.email) , "@acme" )
  let j = (-x).y
  let k = 2 * (3 % 4) / 5
  let m = -(-x)
  let n = a or (b or c)
  let o = (a or b) or c
  n = (n)
})",
     R"(workflow w on "e" {
  let a = (x or y) and z
  let b = -(x + 1)
  let c = not (p and q)
  let d = (1 + 2) * 3 - (4 - 5) - 6
  let e = a.b[c + 1].d
  let f = a ?? b == c
  let g = not a == b
  let h = x not in [1, 2]
  let i = contains(lower(contact.email), "@acme")
  let j = (-x).y
  let k = 2 * (3 % 4) / 5
  let m = - -x
  let n = a or (b or c)
  let o = a or b or c
  n = n
}
)"},

    {"Empty", R"(template t{}workflow w on "e"{})", "template t {}\n\nworkflow w on \"e\" {}\n"},

    {"CommentsInOddPlaces",
     R"(workflow w on "e" {
  update contact { a: (1 + 2) // after a parenthesised value
  }
  if (a) { // in an empty block
  }
  if a and // inside the condition
     b { send x } // before else
  else { send y }
  update contact { "x y": [{ a: 1, // deep inside
  }] }
}
workflow v on "e" { // nothing yet
}
// no newline at the end)",
     R"(workflow w on "e" {
  update contact {
    a: 1 + 2  // after a parenthesised value
  }
  if a {  // in an empty block
  }
  if a and b {  // inside the condition
    send x
  } else {  // before else
    send y
  }
  update contact {
    "x y": [
      {
        a: 1  // deep inside
      }
    ]
  }
}

workflow v on "e" {  // nothing yet
}
// no newline at the end
)"},

    // The first `body` line is 80 columns wide, the second 81.
    {"Values",
     R"__(template t { text file "a.txt" }
workflow w on "e" {
  let n = 1e3 + 0.5 + 2.50
  exit "a \{{{ x }} and {{{ y }}} \\{"
  update contact { label: 1, "if": 2, "x y": 3 }
  webhook post "https://x.test" { body { first_name: "Alexandra", last_name: "Montgomery-Smith", plan: "pro" } }
  webhook post "https://x.test" { body { first_name: "Alexandra", last_name: "Montgomery-Smith", plan: "pros" } }
})__",
     R"__(template t {
  text file "a.txt"
}

workflow w on "e" {
  let n = 1000 + 0.5 + 2.5
  exit "a \{{{ x }} and {{{ y }}} \\{"
  update contact { label: 1, if: 2, "x y": 3 }
  webhook post "https://x.test" {
    body { first_name: "Alexandra", last_name: "Montgomery-Smith", plan: "pro" }
  }
  webhook post "https://x.test" {
    body {
      first_name: "Alexandra",
      last_name: "Montgomery-Smith",
      plan: "pros"
    }
  }
}
)__"},

    {"CrLfAndTabs", "workflow w on \"e\" {\r\n\tsend a // c\r\n\r\n\r\n\tsend b\r\n}\r\n",
     "workflow w on \"e\" {\n  send a  // c\n\n  send b\n}\n"},
};

void PrintTo(const Case& c, std::ostream* out) { *out << c.name; }

class Format : public ::testing::TestWithParam<Case> {};

TEST_P(Format, ProducesCanonicalLayout) {
  const Case& c = GetParam();
  EXPECT_EQ(format_checked(c.input), c.expected);
  EXPECT_EQ(format_checked(c.expected), c.expected);
}

INSTANTIATE_TEST_SUITE_P(Cases, Format, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

// ---- The examples --------------------------------------------------------------------

std::vector<fs::path> example_files() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(fs::path(FLOW_SOURCE_DIR) / "examples")) {
    if (entry.path().extension() == ".flow") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class FormatExample : public ::testing::TestWithParam<fs::path> {};

TEST_P(FormatExample, IsIdempotentAndKeepsTheProgram) { format_checked(read_file(GetParam())); }

TEST_P(FormatExample, IsAlreadyCanonical) {
  const std::string source = read_file(GetParam());
  const Parsed parsed = parse_text(source);
  ASSERT_FALSE(parsed.diagnostics.has_errors()) << rendered_errors(parsed);
  EXPECT_EQ(format(parsed.ast, parsed.sources.file(0)), source) << "run `flowc fmt` on " << GetParam();
}

// The lines of `source`, each with whether it starts outside a `"""` string (where a
// test may change it without changing the program).
std::vector<std::pair<std::string, bool>> lines_of(const std::string& source) {
  std::istringstream in(source);
  std::vector<std::pair<std::string, bool>> lines;
  bool in_long_string = false;
  for (std::string line; std::getline(in, line);) {
    lines.emplace_back(line, !in_long_string);
    for (size_t at = line.find(R"(""")"); at != std::string::npos; at = line.find(R"(""")", at + 3)) {
      in_long_string = !in_long_string;
    }
  }
  return lines;
}

// The example with its indentation removed and a blank line after every `{`: the layout
// of the input must not matter.
std::string messed_up(const std::string& source) {
  std::string out;
  for (auto [line, outside] : lines_of(source)) {
    if (outside) line.erase(0, std::min(line.find_first_not_of(" \t"), line.size()));
    out += line + "\n";
    if (outside && line.ends_with('{') && line.find("//") == std::string::npos) out += "\n";
  }
  return out;
}

// The example with a comment added at the end of line `probe` (own_line: before it).
std::string with_comment(const std::string& source, size_t probe, bool own_line) {
  std::string out;
  const auto lines = lines_of(source);
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i == probe && own_line) out += "// probe\n";
    out += lines[i].first + (i == probe && !own_line ? " // probe\n" : "\n");
  }
  return out;
}

// For each comment, whether code comes before it on its line.
std::vector<bool> trailing_comments(const std::string& text) {
  const Parsed parsed = parse_text(text);
  std::vector<bool> trailing;
  for (const Comment& comment : parsed.ast.comments) {
    const size_t code = text.find_last_not_of(" \t", comment.span.begin.offset - 1);
    trailing.push_back(comment.span.begin.offset > 0 && code != std::string::npos && text[code] != '\n');
  }
  return trailing;
}

// A comment survives formatting wherever it is, trailing comments stay at the end of a
// line, the others on their own line, and the result is stable.
TEST_P(FormatExample, KeepsACommentAnywhere) {
  const std::string source = read_file(GetParam());
  const auto lines = lines_of(source);
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!lines[i].second || (i + 1 < lines.size() && !lines[i + 1].second)) continue;
    for (bool own_line : {false, true}) {
      SCOPED_TRACE("line " + std::to_string(i + 1) + (own_line ? " (own line)" : " (trailing)"));
      const std::string probed = with_comment(source, i, own_line);
      EXPECT_EQ(trailing_comments(format_checked(probed)), trailing_comments(probed));
    }
  }
}

TEST_P(FormatExample, IgnoresTheInputLayout) {
  const std::string source = read_file(GetParam());
  EXPECT_EQ(format_checked(messed_up(source)), format_checked(source));
}

INSTANTIATE_TEST_SUITE_P(Examples, FormatExample, ::testing::ValuesIn(example_files()),
                         [](const ::testing::TestParamInfo<fs::path>& info) { return info.param.stem().string(); });

}  // namespace
}  // namespace flow::grammar
