// The declare pass: every template and workflow of every file, by name. Templates are
// shared by all workflows of all files, so a name may be defined once in the program.
#include <string_view>
#include <unordered_map>

#include "compiler/program.hpp"
#include "compiler/text.hpp"

namespace flow::compiler {

using grammar::DiagnosticKind;

const TemplateDecl* Program::find_template(std::string_view name) const {
  const auto it = template_index.find(name);
  return it == template_index.end() ? nullptr : &templates[it->second];
}

namespace {

// True when `name` is new; otherwise reports it as a duplicate of the first definition.
bool is_new_name(Program& program, std::unordered_map<std::string_view, grammar::Span>& seen, const grammar::Name& name,
                 DiagnosticKind kind, std::string_view what) {
  const auto [first, inserted] = seen.emplace(name.text, name.span);
  if (inserted) return true;
  program.sink.report(kind, name.span, std::string(what) + " " + quote(name.text) + " is already defined",
                      {{first->second, "the first definition of " + quote(name.text) + " is here"}});
  return false;
}

}  // namespace

void declare(Program& program) {
  // Keyed by views of the names in the Asts, which outlive this pass.
  std::unordered_map<std::string_view, grammar::Span> templates, workflows;
  size_t template_count = 0, workflow_count = 0;
  for (const Unit& unit : program.units) {
    template_count += unit.ast.templates.size();
    workflow_count += unit.ast.workflows.size();
  }
  templates.reserve(template_count);
  workflows.reserve(workflow_count);
  program.templates.reserve(template_count);
  program.workflows.reserve(workflow_count);
  program.template_index.reserve(template_count);
  for (uint32_t u = 0; u < program.units.size(); ++u) {
    const grammar::Ast& ast = program.units[u].ast;
    for (uint32_t i = 0; i < ast.templates.size(); ++i) {
      if (is_new_name(program, templates, ast.templates[i].name, DiagnosticKind::DuplicateTemplate, "template")) {
        program.template_index.emplace(ast.templates[i].name.text, static_cast<uint32_t>(program.templates.size()));
        TemplateDecl& decl = program.templates.emplace_back();
        decl.unit = u;
        decl.index = i;
      }
    }
    for (uint32_t i = 0; i < ast.workflows.size(); ++i) {
      if (is_new_name(program, workflows, ast.workflows[i].name, DiagnosticKind::DuplicateWorkflow, "workflow")) {
        WorkflowDecl& decl = program.workflows.emplace_back();
        decl.unit = u;
        decl.index = i;
      }
    }
  }
}

}  // namespace flow::compiler
