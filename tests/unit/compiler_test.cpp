// The compiler: every example compiles to a module that verifies, round-trips and is the
// same byte for byte when compiled again; each check reports the right kind at the right
// place; and the code has the shape docs/bytecode.md promises.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "bytecode/disassembler.hpp"
#include "bytecode/module_io.hpp"
#include "compiler/compiler.hpp"

namespace flow::compiler {
namespace {

namespace fs = std::filesystem;
using grammar::DiagnosticKind;

struct Compiled {
  grammar::SourceSet sources;
  grammar::DiagnosticList diagnostics;
  std::optional<bytecode::Module> module;

  std::string rendered() const {
    std::string out;
    for (const auto& d : diagnostics.items()) out += render_text(sources, d);
    return out;
  }
};

constexpr const char* kTemplate = "template hi { type transactional subject \"Hi\" from \"a@b.test\" html \"<p>hi</p>\" }\n";

// Compiles `text` as dir/test.flow; template files come from `files` instead of the disk.
std::unique_ptr<Compiled> compile_text(const std::string& text, std::map<std::string, std::string> files = {}) {
  auto out = std::make_unique<Compiled>();
  const uint32_t file = out->sources.add("dir/test.flow", text);
  Options options;
  options.read_file = [files](const std::string& path) -> std::optional<std::string> {
    const auto it = files.find(path);
    if (it == files.end()) return std::nullopt;
    return it->second;
  };
  out->module = compile(out->sources, {file}, out->diagnostics, options);
  return out;
}

std::unique_ptr<Compiled> compile_path(const fs::path& path) {
  auto out = std::make_unique<Compiled>();
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  const uint32_t file = out->sources.add(path.generic_string(), text.str());
  out->module = compile(out->sources, {file}, out->diagnostics);
  return out;
}

std::vector<fs::path> flow_files(const fs::path& dir) {
  std::vector<fs::path> paths;
  for (const auto& entry : fs::directory_iterator(fs::path(FLOW_SOURCE_DIR) / dir)) {
    if (entry.path().extension() == ".flow") paths.push_back(fs::relative(entry.path(), FLOW_SOURCE_DIR));
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

// The examples and tests/golden/ok: programs that must compile without a diagnostic.
std::vector<fs::path> clean_programs() {
  std::vector<fs::path> paths = flow_files("examples");
  for (const fs::path& path : flow_files("tests/golden/ok")) paths.push_back(path);
  return paths;
}

class CleanProgram : public ::testing::TestWithParam<fs::path> {
 protected:
  void SetUp() override { fs::current_path(FLOW_SOURCE_DIR); }
};

TEST_P(CleanProgram, CompilesVerifiesRoundTripsAndIsDeterministic) {
  const auto first = compile_path(GetParam());
  ASSERT_TRUE(first->module) << first->rendered();
  EXPECT_EQ(first->diagnostics.items().size(), 0u) << first->rendered();
  EXPECT_EQ(bytecode::verify(*first->module), std::vector<std::string>{});
  const auto bytes = bytecode::serialize(*first->module);
  const auto loaded = bytecode::deserialize(bytes);
  ASSERT_TRUE(std::holds_alternative<bytecode::Module>(loaded));
  EXPECT_EQ(std::get<bytecode::Module>(loaded), *first->module);
  // Determinism: a second, independent compilation gives the same bytes.
  const auto second = compile_path(GetParam());
  ASSERT_TRUE(second->module);
  EXPECT_EQ(bytecode::serialize(*second->module), bytes);
}

INSTANTIATE_TEST_SUITE_P(Compiler, CleanProgram, ::testing::ValuesIn(clean_programs()), [](const auto& info) {
  std::string name = info.param.generic_string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
});

TEST(CompilerExamples, DamagedExampleModulesAreRefusedOrVerify) {
  fs::current_path(FLOW_SOURCE_DIR);
  const auto compiled = compile_path(flow_files("examples").front());
  ASSERT_TRUE(compiled->module);
  const auto bytes = bytecode::serialize(*compiled->module);
  for (size_t i = 0; i < bytes.size(); ++i) {
    auto damaged = bytes;
    damaged[i] ^= 0x5a;
    const auto loaded = bytecode::deserialize(damaged);
    if (const auto* module = std::get_if<bytecode::Module>(&loaded)) {
      EXPECT_TRUE(bytecode::verify(*module).empty());
    }
    const std::vector<uint8_t> prefix(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(i));
    EXPECT_TRUE(std::holds_alternative<bytecode::LoadError>(bytecode::deserialize(prefix)));
  }
}

// ---- Checks: source -> the kind reported first, and where -------------------------------

struct CheckCase {
  const char* name;
  const char* source;
  DiagnosticKind kind;
  uint32_t line;
  uint32_t column;
};


std::string with_template(const char* body) { return std::string(kTemplate) + body; }

class Checks : public ::testing::TestWithParam<CheckCase> {};

TEST_P(Checks, ReportKindAtPosition) {
  const CheckCase& c = GetParam();
  const auto compiled = compile_text(with_template(c.source));
  ASSERT_FALSE(compiled->diagnostics.items().empty()) << c.source;
  const auto& first = compiled->diagnostics.items().front();
  EXPECT_EQ(grammar::info(first.kind).code, grammar::info(c.kind).code) << compiled->rendered();
  EXPECT_EQ(compiled->sources.begin(first.span).line, c.line + 1) << compiled->rendered();  // +1: the template line
  EXPECT_EQ(compiled->sources.begin(first.span).column, c.column) << compiled->rendered();
}

const CheckCase kChecks[] = {
    {"unknown_template", "workflow w on \"e\" {\n  send hello\n}", DiagnosticKind::UnknownTemplate, 2, 8},
    {"unknown_label", "workflow w on \"e\" {\n  goto nowhere\n}", DiagnosticKind::UnknownLabel, 2, 8},
    {"unknown_function", "workflow w on \"e\" {\n  let x = lowr(\"A\")\n}", DiagnosticKind::UnknownFunction, 2, 11},
    {"unknown_variable", "workflow w on \"e\" {\n  let x = y\n}", DiagnosticKind::UnknownVariable, 2, 11},
    {"unknown_field", "workflow w on \"e\" {\n  let x = contact.plan\n}", DiagnosticKind::UnknownField, 2, 19},
    {"duplicate_workflow", "workflow w on \"e\" {}\nworkflow w on \"f\" {}", DiagnosticKind::DuplicateWorkflow, 2, 10},
    {"duplicate_label", "workflow w on \"e\" {\n  label a\n  delay 1d\n  label a\n}", DiagnosticKind::DuplicateLabel, 4, 9},
    {"duplicate_local", "workflow w on \"e\" {\n  let a = 1\n  let a = 2\n}", DiagnosticKind::DuplicateLocal, 3, 7},
    {"duplicate_setting", "workflow w on \"e\" {\n  name \"a\"\n  name \"b\"\n}", DiagnosticKind::DuplicateSetting, 3, 3},
    {"duplicate_key", "workflow w on \"e\" {\n  update contact { a: 1, a: 2 }\n}", DiagnosticKind::DuplicateKey, 2, 26},
    {"empty_trigger", "workflow w on \"\" {}", DiagnosticKind::InvalidValue, 1, 15},
    {"fractional_retries", "workflow w on \"e\" {\n  webhook post \"u\" { retries 1.5 }\n}", DiagnosticKind::InvalidValue, 2, 30},
    {"trigger_with_hole", "workflow w on \"e{{ 1 }}\" {}", DiagnosticKind::ConstantRequired, 1, 15},
    {"unreachable", "workflow w on \"e\" {\n  exit\n  send hi\n}", DiagnosticKind::UnreachableStep, 3, 3},
    {"loop", "workflow w on \"e\" {\n  label top\n  send hi\n  goto top\n}", DiagnosticKind::LoopWithoutWait, 4, 3},
    {"zero_delay", "workflow w on \"e\" {\n  delay 0s\n}", DiagnosticKind::InvalidDuration, 2, 9},
    {"number_plus_time", "workflow w on \"e\" {\n  let t = now() + 5\n}", DiagnosticKind::InvalidDuration, 2, 19},
    {"long_wait", "workflow w on \"e\" {\n  wait for \"x\" within 400 days\n}", DiagnosticKind::InvalidDuration, 2, 23},
    {"argument_count", "workflow w on \"e\" {\n  let x = lower()\n}", DiagnosticKind::WrongArgumentCount, 2, 11},
    {"string_minus", "workflow w on \"e\" {\n  let x = \"a\" - 1\n}", DiagnosticKind::TypeMismatch, 2, 11},
    {"negate_string", "workflow w on \"e\" {\n  let x = -\"x\"\n}", DiagnosticKind::TypeMismatch, 2, 11},
    {"url_duration", "workflow w on \"e\" {\n  webhook post 5 minutes\n}", DiagnosticKind::TypeMismatch, 2, 16},
};

INSTANTIATE_TEST_SUITE_P(Compiler, Checks, ::testing::ValuesIn(kChecks),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(CompilerChecks, MissingTriggerAndTemplateSettings) {
  const auto compiled = compile_text("template t { subject \"x\" }\nworkflow w {}");
  std::vector<std::string> codes;
  for (const auto& d : compiled->diagnostics.items()) codes.emplace_back(grammar::info(d.kind).code);
  const std::vector<std::string> expected = {"missing-setting", "missing-setting", "missing-setting", "missing-trigger"};
  EXPECT_EQ(codes, expected) << compiled->rendered();
}

TEST(CompilerChecks, DuplicatesPointAtTheFirstDefinition) {
  const auto compiled = compile_text(with_template("template hi { type marketing subject \"x\" from \"y\" html \"z\" }"));
  ASSERT_EQ(compiled->diagnostics.items().size(), 1u) << compiled->rendered();
  const auto& d = compiled->diagnostics.items().front();
  ASSERT_EQ(d.notes.size(), 1u);
  EXPECT_EQ(compiled->sources.begin(d.notes[0].span).line, 1u);
  EXPECT_NE(d.message.find("`hi`"), std::string::npos);
}

TEST(CompilerChecks, SuggestsTheClosestName) {
  const auto compiled = compile_text(with_template("workflow w on \"e\" {\n  send hj\n}"));
  ASSERT_FALSE(compiled->diagnostics.items().empty());
  EXPECT_EQ(compiled->diagnostics.items()[0].message, "unknown template `hj`; did you mean `hi`?");
}

TEST(CompilerChecks, UnreadableTemplateFilePointsAtThePath) {
  const auto compiled = compile_text("template t { type marketing subject \"s\" from \"f\" html file \"t.html\" }");
  ASSERT_EQ(compiled->diagnostics.items().size(), 1u) << compiled->rendered();
  const auto& d = compiled->diagnostics.items().front();
  EXPECT_EQ(grammar::info(d.kind).code, "template-file-unreadable");
  EXPECT_EQ(compiled->sources.begin(d.span).column, 60u);
  EXPECT_NE(d.message.find("`dir/t.html`"), std::string::npos) << d.message;
}

TEST(CompilerChecks, TemplateFileErrorsPointIntoTheFile) {
  const auto compiled = compile_text("template t { type marketing subject \"s\" from \"f\" html file \"t.html\" }",
                                     {{"dir/t.html", "<p>\n  {{ lowr(firstName) }}</p>"}});
  ASSERT_EQ(compiled->diagnostics.items().size(), 1u) << compiled->rendered();
  EXPECT_EQ(compiled->rendered().substr(0, 23), "dir/t.html:2:6: error: ");
}

TEST(CompilerFiles, TemplatesAreSharedAcrossFilesAndDuplicatesPointAcross) {
  grammar::SourceSet sources;
  grammar::DiagnosticList diagnostics;
  const uint32_t a = sources.add("a.flow", kTemplate);
  const uint32_t b = sources.add("b.flow", "workflow w on \"e\" {\n  send hi\n}\n");
  const auto module = compile(sources, {a, b}, diagnostics);
  ASSERT_TRUE(module);
  EXPECT_EQ(module->files, (std::vector<std::string>{"a.flow", "b.flow"}));
  const uint32_t c = sources.add("c.flow", kTemplate);
  EXPECT_FALSE(compile(sources, {a, c}, diagnostics));
  ASSERT_EQ(diagnostics.items().size(), 1u);
  EXPECT_EQ(diagnostics.items()[0].span.file, c);
  EXPECT_EQ(diagnostics.items()[0].notes.at(0).span.file, a);
}

// ---- Code shape -----------------------------------------------------------------------

std::string listing(const std::string& source, std::map<std::string, std::string> files = {}) {
  const auto compiled = compile_text(source, std::move(files));
  EXPECT_TRUE(compiled->module) << compiled->rendered();
  return compiled->module ? bytecode::disassemble(*compiled->module) : "";
}

TEST(CompilerCode, TemplateScopeAndHtmlEscaping) {
  const std::string text = listing(
      "template t { type marketing subject \"Hi {{ firstName }}\" from \"f\" html file \"t.html\" }",
      {{"dir/t.html", "{{ email }}{{{ data.x }}}{{ event.plan }}{{ unsubscribeUrl }}"}});
  const char* expected =
      "-- template t html\n"
      "0018  LoadContact                   ; dir/t.html:1:4\n"
      "0019  GetField 4 (\"email\")\n"
      "0022  EscapeHtml                    ; dir/t.html:1:1\n"
      "0023  LoadContact                   ; dir/t.html:1:16\n"
      "0024  GetField 1 (\"data\")\n"
      "0027  GetField 5 (\"x\")              ; dir/t.html:1:21\n"
      "0030  LoadEvent                     ; dir/t.html:1:29\n"
      "0031  GetField 1 (\"data\")\n"
      "0034  GetField 6 (\"plan\")           ; dir/t.html:1:35\n"
      "0037  EscapeHtml                    ; dir/t.html:1:26\n"
      "0038  LoadReserved                  ; dir/t.html:1:45\n"
      "0039  GetField 7 (\"unsubscribeUrl\")\n"
      "0042  EscapeHtml                    ; dir/t.html:1:42\n"
      "0043  Concat 4                      ; dir/t.html:1:1\n"
      "0046  Return\n";
  EXPECT_NE(text.find(expected), std::string::npos) << text;
  EXPECT_NE(text.find("0000  Const 0 (\"Hi \")"), std::string::npos) << text;
}

TEST(CompilerCode, StepsEdgesAndLocals) {
  const std::string text = listing(with_template(
      "workflow w on \"e\" {\n"
      "  let n = 0\n"
      "  label again\n"
      "  wait for \"click\" within 1 day {\n"
      "    received { exit \"clicked\" }\n"
      "  }\n"
      "  n = n + 1\n"
      "  if n < 3 { goto again } else if n == 3 { send hi } else { webhook post \"https://x.test/{{ n }}\" }\n"
      "  update contact { tries: n }\n"
      "}"));
  for (const char* line : {"locals 0:response 1:n",
                           "0  set  let n = 0",
                           "1  wait  wait for \"click\" within 1 day",
                           "2  exit  exit \"clicked\"",
                           "3  set  n = n + 1",
                           "4  condition  if n < 3",
                           "6  webhook  webhook post \"https://x.test/{{ n }}\"",
                           "7  update  update contact {tries}",
                           "1 -> 2  [received]",
                           "1 -> 3  [timeout]",
                           "2 -> end",
                           "4 -> 1  [yes]",
                           "4 -> 5  [else if n == 3]",
                           "4 -> 6  [no]",
                           "7 -> end",
                           "Wait 5 (\"click\")",
                           "StoreLocal 0",
                           "Call", "Complete"}) {
    if (std::string(line) == "Call") {
      EXPECT_EQ(text.find("Call"), std::string::npos) << text;  // no functions used
      continue;
    }
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  }
}

TEST(CompilerCode, ShortCircuitOperators) {
  const std::string text = listing(
      "workflow w on \"e\" {\n  let a = contact.subscribed and exists(contact.email) or null ?? 1\n"
      "  let b = 1 not in [1]\n}");
  for (const char* op : {"JumpIfFalseKeep", "JumpIfTrueKeep", "JumpIfNotNullKeep", "Call 0 1 (exists/1)"}) {
    EXPECT_NE(text.find(op), std::string::npos) << op << "\n" << text;
  }
  EXPECT_NE(text.find("  In      "), std::string::npos) << text;
  EXPECT_NE(text.find("  Not\n0050  StoreLocal 2"), std::string::npos) << text;
}

}  // namespace
}  // namespace flow::compiler
