// The settings pass: the `key value` lines of templates and workflows, and workflow
// triggers. Each setting may appear once; values are checked against what the key allows
// and copied into the declarations for code generation.
#include <algorithm>
#include <optional>

#include "compiler/program.hpp"
#include "compiler/template_files.hpp"
#include "compiler/text.hpp"

namespace flow::compiler {

using grammar::DiagnosticKind;
using grammar::Expr;
using grammar::ExprKind;
using grammar::Setting;

namespace {

constexpr std::array<std::string_view, kPartCount> kPartKeys = {"subject", "from", "reply_to", "html", "text"};
const std::vector<std::string_view> kTemplateTypes = {"marketing", "transactional", "headless"};
const std::vector<std::string_view> kReentry = {"never", "allowed"};
const std::vector<std::string_view> kEnabled = {"false", "true"};

// The settings of one template or workflow by key, after reporting repeated keys. The
// grammar already allows only the known keys, each with a value of the right shape, so a
// declaration has at most a handful of distinct keys: a list searched from the front beats
// a tree with a node per setting, and one Settings serves every declaration in turn.
class Settings {
 public:
  explicit Settings(Program& program) : program_(program) {}

  // Takes the settings of the next template or workflow.
  void read(const grammar::Ast& ast, const std::vector<Setting>& settings) {
    ast_ = &ast;
    first_.clear();
    for (const Setting& s : settings) {
      if (const Setting* first = get(s.key.text)) {
        program_.sink.report(DiagnosticKind::DuplicateSetting, s.key.span, quote(s.key.text) + " is already set",
                             {{first->key.span, quote(s.key.text) + " was first set here"}});
      } else {
        first_.push_back(&s);
      }
    }
  }

  const Setting* get(std::string_view key) const {
    for (const Setting* s : first_) {
      if (s->key.text == key) return s;
    }
    return nullptr;
  }

  const Expr& value(const Setting& s) const { return ast_->expr(s.value); }

  // The index in `choices` of a word setting (`type marketing`, `enabled true`).
  std::optional<size_t> choice(const Setting& s, const std::vector<std::string_view>& choices) const {
    const Expr& v = value(s);
    const std::string word = v.kind == ExprKind::Bool ? (v.boolean ? "true" : "false") : v.name.text;
    const auto it = std::find(choices.begin(), choices.end(), word);
    if (it != choices.end()) return static_cast<size_t>(it - choices.begin());
    program_.sink.report(DiagnosticKind::InvalidValue, v.span,
                         quote(s.key.text) + " must be " + one_of(choices) + ", found " +
                             quote(source_text(program_.sources, v.span)));
    return std::nullopt;
  }

  // The text of a setting that must be known when compiling (a workflow's name, a file path).
  std::optional<std::string> plain_string(const Setting& s) const {
    return constant_string(program_, value(s), quote(s.key.text));
  }

 private:
  Program& program_;
  const grammar::Ast* ast_ = nullptr;
  std::vector<const Setting*> first_;  // the first setting of each key, in source order
};

void require(Program& program, const Settings& settings, const grammar::Name& owner, std::string_view key,
             std::string_view example) {
  if (settings.get(key) == nullptr) {
    program.sink.report(DiagnosticKind::MissingSetting, owner.span,
                        "template " + quote(owner.text) + " has no " + quote(key) + "; add a line like " + quote(example));
  }
}

void check_template(Program& program, Settings& settings, TemplateDecl& decl) {
  const grammar::Template& syntax = program.syntax(decl);
  settings.read(program.units[decl.unit].ast, syntax.settings);
  require(program, settings, syntax.name, "type", "type marketing");
  require(program, settings, syntax.name, "subject", "subject \"Welcome!\"");
  require(program, settings, syntax.name, "from", "from \"hello@example.com\"");
  require(program, settings, syntax.name, "html", "html file \"templates/welcome.html\"");
  if (const Setting* type = settings.get("type")) {
    if (const auto index = settings.choice(*type, kTemplateTypes)) decl.type = static_cast<bytecode::TemplateType>(*index);
  }
  for (size_t part = 0; part < kPartCount; ++part) {
    const Setting* s = settings.get(kPartKeys[part]);
    if (s == nullptr) continue;
    if (!s->from_file) {
      decl.parts[part] = s->value;
    } else if (const auto path = settings.plain_string(*s)) {
      decl.parts[part] = load_template_file(program, decl.unit, *path, settings.value(*s).span);
    }
  }
}

void check_trigger(Program& program, WorkflowDecl& decl) {
  const grammar::Workflow& syntax = program.syntax(decl);
  if (syntax.trigger == kNone) {
    program.sink.report(DiagnosticKind::MissingTrigger, syntax.name.span,
                        "workflow " + quote(syntax.name.text) + " has no trigger; write `workflow " + syntax.name.text +
                            " on \"user.signup\" {` with the event that starts it");
    return;
  }
  const Expr& trigger = program.units[decl.unit].ast.expr(syntax.trigger);
  const auto name = constant_string(program, trigger, "the trigger");
  if (name && name->empty()) {
    program.sink.report(DiagnosticKind::InvalidValue, trigger.span, "the trigger needs an event name, like \"user.signup\"");
  }
  decl.trigger = name.value_or("");
}

void check_workflow(Program& program, Settings& settings, WorkflowDecl& decl) {
  const grammar::Workflow& syntax = program.syntax(decl);
  check_trigger(program, decl);
  settings.read(program.units[decl.unit].ast, syntax.settings);
  decl.display_name = syntax.name.text;
  if (const Setting* s = settings.get("name")) decl.display_name = settings.plain_string(*s).value_or(syntax.name.text);
  if (const Setting* s = settings.get("description")) decl.description = settings.plain_string(*s).value_or("");
  if (const Setting* s = settings.get("reentry")) {
    if (const auto index = settings.choice(*s, kReentry)) decl.reentry = static_cast<bytecode::Reentry>(*index);
  }
  if (const Setting* s = settings.get("enabled")) {
    if (const auto index = settings.choice(*s, kEnabled)) decl.enabled = *index == 1;
  }
}

}  // namespace

std::optional<std::string> constant_string(Program& program, const Expr& value, std::string_view what) {
  if (value.is_plain_string()) return value.plain_text();
  program.sink.report(DiagnosticKind::ConstantRequired, value.span,
                      std::string(what) + " must be a plain string without `{{ }}` holes");
  return std::nullopt;
}

void check_settings(Program& program) {
  Settings settings(program);
  for (TemplateDecl& t : program.templates) check_template(program, settings, t);
  for (WorkflowDecl& w : program.workflows) check_workflow(program, settings, w);
}

}  // namespace flow::compiler
