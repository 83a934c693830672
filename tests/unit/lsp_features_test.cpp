// The language features on the Document model, without a server: diagnostics, hover,
// navigation, rename, completion, outline and formatting.
#include <gtest/gtest.h>

#include <algorithm>

#include "grammar/format.hpp"
#include "lsp/completion.hpp"
#include "lsp/diagnostics.hpp"
#include "lsp/formatting.hpp"
#include "lsp/hover.hpp"
#include "lsp/navigation.hpp"
#include "lsp/outline.hpp"
#include "lsp_support.hpp"

namespace flow::lsp {
namespace {

using testing::example;
using testing::find;
using testing::text_document;

std::vector<Diagnostic> own_diagnostics(const Document& document) {
  return diagnostics_by_uri(document).at(document.uri());
}

std::vector<std::string> labels(const std::vector<CompletionItem>& items) {
  std::vector<std::string> out;
  for (const CompletionItem& item : items) out.push_back(item.label);
  return out;
}

bool has(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// ---- Diagnostics

TEST(LspDiagnostics, RangesCountUtf16UnitsAfterNonAsciiText) {
  const Document document = text_document("workflow greet on \"user.signup\" {\n  let note = \"😀é\" + nope\n}\n");
  const auto diagnostics = own_diagnostics(document);
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0].code, "unknown-variable");
  EXPECT_EQ(diagnostics[0].range, (Range{{1, 21}, {1, 25}}));
  EXPECT_EQ(diagnostics[0].severity, DiagnosticSeverity::Error);
}

TEST(LspDiagnostics, WarningsStayWarningsAndNotesBecomeRelatedInformation) {
  const Document document = text_document("workflow w on \"e\" {\n  label a\n  label a\n  exit\n  delay 1 day\n}\n");
  const auto diagnostics = own_diagnostics(document);
  ASSERT_EQ(diagnostics.size(), 2u);
  EXPECT_EQ(diagnostics[0].code, "duplicate-label");
  ASSERT_EQ(diagnostics[0].related.size(), 1u);
  EXPECT_EQ(diagnostics[0].related[0].location, (Location{document.uri(), Range{{1, 8}, {1, 9}}}));
  EXPECT_EQ(diagnostics[1].code, "unreachable-step");
  EXPECT_EQ(diagnostics[1].severity, DiagnosticSeverity::Warning);
}

TEST(LspDiagnostics, ExamplesAreClean) {
  for (const char* name : {"onboarding.flow", "abandoned_cart.flow", "double_opt_in.flow", "plan_branching.flow",
                           "reengagement.flow", "trial_expiry.flow"}) {
    EXPECT_TRUE(own_diagnostics(example(name)).empty()) << name;
  }
}

TEST(LspDiagnostics, AMissingTemplateFileIsReportedAtItsPath) {
  const Document document =
      text_document("template t {\n  type marketing\n  subject \"s\"\n  from \"f\"\n  html file \"missing.html\"\n}\n");
  const auto diagnostics = own_diagnostics(document);
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0].code, "template-file-unreadable");
  EXPECT_EQ(diagnostics[0].range.start, (Position{4, 12}));
}

// ---- Hover

TEST(LspHover, DurationsInSeconds) {
  const Document document = example("onboarding.flow");
  const auto found = hover(document, find(document, "3 days"));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->markdown, "`3 days` = 259,200 s");
  EXPECT_EQ(seconds_text(90), "90 s");
  EXPECT_EQ(seconds_text(1.5), "1.5 s");
  EXPECT_EQ(seconds_text(31622400), "31,622,400 s");
}

TEST(LspHover, TemplatesShowTheirTypeAndSubject) {
  const Document document = example("onboarding.flow");
  const auto found = hover(document, find(document, "send welcome", 0, 6));
  ASSERT_TRUE(found);
  EXPECT_NE(found->markdown.find("template welcome"), std::string::npos);
  EXPECT_NE(found->markdown.find("type marketing"), std::string::npos);
  EXPECT_NE(found->markdown.find("subject \"Welcome to Acme"), std::string::npos);
}

TEST(LspHover, FunctionsShowSignatureAndDoc) {
  const Document document = example("abandoned_cart.flow");
  const auto found = hover(document, find(document, "len(event.items)"));
  ASSERT_TRUE(found);
  EXPECT_NE(found->markdown.find("len(x: string | list | object) -> number"), std::string::npos);
  EXPECT_NE(found->markdown.find("characters of a string"), std::string::npos);
}

TEST(LspHover, KeywordsButNotWordsInStringsOrFieldNames) {
  const Document document = example("onboarding.flow");
  const auto wait = hover(document, find(document, "wait for"));
  ASSERT_TRUE(wait);
  EXPECT_NE(wait->markdown.find("waits until the contact fires the event"), std::string::npos);
  EXPECT_EQ(wait->range, (Range{find(document, "wait for"), find(document, "wait for", 0, 4)}));
  EXPECT_FALSE(hover(document, find(document, "on pro")));  // a keyword in a string
  EXPECT_FALSE(hover(document, find(document, "// Onboarding")));
}

TEST(LspHover, LocalsAndLabelsShowTheirDefinition) {
  const Document document = example("abandoned_cart.flow");
  const auto local = hover(document, find(document, "reminders < 3"));
  ASSERT_TRUE(local);
  EXPECT_NE(local->markdown.find("let reminders = 0"), std::string::npos);
  const auto label = hover(document, find(document, "goto remind", 0, 5));
  ASSERT_TRUE(label);
  EXPECT_NE(label->markdown.find("label remind"), std::string::npos);
}

// ---- Definition, references, rename

TEST(LspNavigation, DefinitionOfTemplatesLabelsAndLocals) {
  const Document document = example("abandoned_cart.flow");
  EXPECT_EQ(definition(document, find(document, "send cart_reminder", 0, 5))->range.start,
            find(document, "cart_reminder {"));
  EXPECT_EQ(definition(document, find(document, "goto remind", 0, 5))->range.start, find(document, "remind\n"));
  EXPECT_EQ(definition(document, find(document, "reminders < 3"))->range.start, find(document, "reminders = 0"));
  EXPECT_FALSE(definition(document, find(document, "firstName")));
}

TEST(LspNavigation, ReferencesWithAndWithoutTheDeclaration) {
  const Document document = example("abandoned_cart.flow");
  const Position local = find(document, "reminders = reminders");
  EXPECT_EQ(references(document, local, true).size(), 4u);  // let, assign, its operand, the condition
  EXPECT_EQ(references(document, local, false).size(), 3u);
  EXPECT_EQ(references(document, find(document, "label remind", 0, 6), true).size(), 2u);
}

TEST(LspNavigation, RenameEditsEveryOccurrenceAndRefusesKeywords) {
  const Document document = example("abandoned_cart.flow");
  const Position label = find(document, "goto remind", 0, 6);
  const RenameResult result = rename(document, label, "again");
  ASSERT_TRUE(result.edit);
  const std::vector<TextEdit>& edits = result.edit->at(document.uri());
  ASSERT_EQ(edits.size(), 2u);
  EXPECT_EQ(edits[0].range, (Range{find(document, "remind\n"), find(document, "remind\n", 0, 6)}));
  EXPECT_EQ(edits[1].new_text, "again");
  EXPECT_FALSE(rename(document, label, "goto").error.empty());
  EXPECT_FALSE(rename(document, label, "2x").error.empty());
  EXPECT_FALSE(rename(document, find(document, "firstName"), "x").edit);
  EXPECT_EQ(prepare_rename(document, label), edits[1].range);
}

// ---- Completion

TEST(LspCompletion, TemplatesAfterSendAndLabelsAfterGoto) {
  Document document = example("abandoned_cart.flow");
  document.apply_change(Range{find(document, "send cart_last_chance"), find(document, "send cart_last_chance", 0, 21)},
                        "send ");
  document.analyze();
  const auto templates = labels(complete(document, find(document, "send \n", 0, 5), {}));
  EXPECT_EQ(templates, (std::vector<std::string>{"cart_reminder", "cart_last_chance"}));
  const auto goto_labels = labels(complete(document, find(document, "goto remind", 0, 5), {}));
  EXPECT_EQ(goto_labels, (std::vector<std::string>{"remind"}));
}

TEST(LspCompletion, WorkspaceEventsAndDataFields) {
  Document document = text_document("workflow w on \"\" {\n  if contact.data. {\n  }\n}\n");
  Facts workspace;
  workspace.events = {"user.signup"};
  workspace.data_fields = {"plan"};
  const auto events = complete(document, find(document, "\"\"", 0, 1), workspace);
  ASSERT_EQ(labels(events), (std::vector<std::string>{"user.signup"}));
  EXPECT_EQ(events[0].replace, (Range{{0, 15}, {0, 15}}));
  EXPECT_EQ(labels(complete(document, find(document, ". {", 0, 1), workspace)), (std::vector<std::string>{"plan"}));
}

TEST(LspCompletion, FactsComeFromEveryWorkflowAndTemplate) {
  const Facts facts = collect_facts(example("onboarding.flow").ast());
  EXPECT_TRUE(facts.events.contains("user.signup"));
  EXPECT_TRUE(facts.events.contains("email.click"));
  EXPECT_TRUE(facts.data_fields.contains("plan"));       // contact.data.plan
  EXPECT_TRUE(facts.data_fields.contains("engaged"));    // update contact { engaged: … }
  EXPECT_TRUE(facts.data_fields.contains("firstName"));  // a template's bare name
  EXPECT_FALSE(facts.data_fields.contains("marketing"));  // `type marketing` is not data
}

TEST(LspCompletion, KeywordsSnippetsFunctionsAndLocalsElsewhere) {
  const Document document = example("abandoned_cart.flow");
  const auto items = complete(document, find(document, "  send cart_last_chance", 0, 2), {});
  const auto names = labels(items);
  EXPECT_TRUE(has(names, "wait"));
  EXPECT_TRUE(has(names, "len"));
  EXPECT_TRUE(has(names, "reminders"));
  const auto wait = std::find_if(items.begin(), items.end(), [](const CompletionItem& i) { return i.label == "wait"; });
  EXPECT_TRUE(wait->snippet);
  EXPECT_TRUE(wait->insert_text.starts_with("wait for \"${1:event.name}\""));
  EXPECT_TRUE(complete(document, find(document, "item(s)"), {}).empty());                            // in a string
  EXPECT_TRUE(complete(document, find(document, "remind a shopper"), {}).empty());                   // in a comment
  EXPECT_TRUE(has(labels(complete(document, find(document, "firstName ?? \"Hi\""), {})), "lower"));  // in a hole
}

// ---- Outline and formatting

TEST(LspOutline, TemplatesWorkflowsAndNestedSteps) {
  const Document document = example("onboarding.flow");
  const auto symbols = document_symbols(document);
  ASSERT_EQ(symbols.size(), 3u);
  EXPECT_EQ(symbols[0].name, "template welcome");
  EXPECT_EQ(symbols[2].name, "workflow onboarding on \"user.signup\"");
  EXPECT_EQ(symbols[2].kind, SymbolKind::Function);
  const auto& steps = symbols[2].children;
  ASSERT_EQ(steps.size(), 6u);
  EXPECT_EQ(steps[0].name, "send welcome");
  EXPECT_EQ(steps[2].name, "wait for \"email.click\" within 3 days");
  ASSERT_EQ(steps[2].children.size(), 2u);
  EXPECT_EQ(steps[2].children[1].name, "send getting_started_nudge");
  EXPECT_EQ(steps[5].name, "update contact { onboarded: true }");
}

TEST(LspFormatting, LikeFlowcFmtAndNothingForABrokenFile) {
  const Document messy = text_document("workflow w on \"e\" {\n      delay   1 day\n}\n");
  const auto edits = format_document(messy);
  ASSERT_EQ(edits.size(), 1u);
  EXPECT_EQ(edits[0].range, (Range{{0, 0}, {3, 0}}));
  EXPECT_EQ(edits[0].new_text, grammar::format(messy.ast(), messy.file()));
  EXPECT_TRUE(format_document(text_document(edits[0].new_text)).empty());
  EXPECT_TRUE(format_document(text_document("workflow w on \"e\" {\n  delay\n}\n")).empty());
}

}  // namespace
}  // namespace flow::lsp
