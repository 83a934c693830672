// The names pass: binds every name to what it means and reports those that mean nothing.
// Workflows see `contact`, `event`, `response` and their `let` locals (declared before use,
// in source order, one slot each for the whole workflow); templates see Plunk's scope,
// where a bare name is contact data and so is never unknown. Also checks calls (function
// and argument count), object keys, `send` targets and `goto` labels.
#include <algorithm>
#include <set>

#include "compiler/program.hpp"
#include "compiler/text.hpp"
#include "compiler/walk.hpp"
#include "stdlib/functions.hpp"

namespace flow::compiler {

using grammar::DiagnosticKind;
using grammar::Expr;
using grammar::ExprKind;
using grammar::Stmt;
using grammar::StmtKind;

namespace {

const std::vector<std::string_view> kContactFields = {"email", "subscribed", "data", "id"};
const std::vector<std::string_view> kEventFields = {"name", "data", "at"};
const std::vector<std::string_view> kResponseFields = {"status", "body"};
constexpr size_t kMaxLocals = 255;  // Workflow::local_count is a byte

bool contains(const std::vector<std::string_view>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

std::vector<std::string_view> function_names() {
  std::vector<std::string_view> names;
  for (const auto& f : stdlib::function_table()) names.push_back(f.name);
  return names;
}

class Resolver {
 public:
  // `workflow` is null when resolving a template's parts.
  Resolver(Program& program, Unit& unit, WorkflowDecl* workflow)
      : program_(program), unit_(unit), ast_(unit.ast), workflow_(workflow) {}

  void workflow_body(const grammar::Block& body) {
    collect_declarations(body);
    block(body);
  }

  void expr(ExprId id) {
    const Expr& e = ast_.expr(id);
    switch (e.kind) {
      case ExprKind::Variable: variable(id, e); return;
      case ExprKind::Member: member(id, e); return;
      case ExprKind::Call: call(e); break;
      case ExprKind::Object: object_keys(e); break;
      default: break;
    }
    for_each_child(ast_, e, [&](ExprId child) { expr(child); });
  }

 private:
  void report(DiagnosticKind kind, const grammar::Span& span, std::string message, std::vector<grammar::Note> notes = {}) {
    program_.sink.report(kind, span, std::move(message), std::move(notes));
  }

  // ---- Statements ----

  // Labels may be jumped to from anywhere in the workflow, and a use of a local before its
  // `let` deserves a note pointing at the `let`: both need the whole body first.
  void collect_declarations(const grammar::Block& body) {
    for_each_stmt(ast_, body, [&](StmtId id) {
      const Stmt& s = ast_.stmt(id);
      if (s.kind == StmtKind::Let) lets_.emplace(s.name.text, id);
      if (s.kind != StmtKind::Label) return;
      const auto [first, inserted] = workflow_->labels.emplace(s.name.text, id);
      if (!inserted) {
        report(DiagnosticKind::DuplicateLabel, s.name.span, "label " + quote(s.name.text) + " is already defined",
               {{ast_.stmt(first->second).name.span, "the first " + quote("label " + s.name.text) + " is here"}});
      }
    });
  }

  void block(const grammar::Block& statements) {
    for (const StmtId id : statements) stmt(id);
  }

  void stmt(StmtId id) {
    const Stmt& s = ast_.stmt(id);
    if (s.kind == StmtKind::Assign) assign(id, s);  // the target first, in reading order
    for (const ExprId e : {s.expr, s.expr2, s.webhook.headers, s.webhook.body, s.webhook.timeout, s.webhook.retries}) {
      if (e != kNone) expr(e);
    }
    for (size_t i = 0; i < s.blocks.size(); ++i) {
      if (i < s.conditions.size()) expr(s.conditions[i]);
      block(s.blocks[i]);
    }
    switch (s.kind) {
      case StmtKind::Send: send(s); break;
      case StmtKind::Let: declare_local(id, s); break;
      case StmtKind::Goto: go_to(s); break;
      default: break;
    }
  }

  void send(const Stmt& s) {
    if (program_.find_template(s.name.text)) return;
    std::vector<std::string_view> names;
    for (const TemplateDecl& t : program_.templates) names.push_back(program_.syntax(t).name.text);
    std::string hint = did_you_mean(s.name.text, names);
    if (hint.empty()) hint = "; define it with `template " + s.name.text + " { … }`";
    report(DiagnosticKind::UnknownTemplate, s.name.span, "unknown template " + quote(s.name.text) + hint);
  }

  void go_to(const Stmt& s) {
    if (workflow_->labels.contains(s.name.text)) return;
    std::vector<std::string_view> names;
    for (const auto& [name, _] : workflow_->labels) names.push_back(name);
    std::string hint = did_you_mean(s.name.text, names);
    if (hint.empty()) hint = "; add `label " + s.name.text + "` where the workflow should continue";
    report(DiagnosticKind::UnknownLabel, s.name.span, "unknown label " + quote(s.name.text) + hint);
  }

  void declare_local(StmtId id, const Stmt& s) {
    const grammar::Text name = s.name.text;
    if (name == "contact" || name == "event" || name == "response") {
      return report(DiagnosticKind::DuplicateLocal, s.name.span,
                    quote(name) + " is built in; choose another name for the local");
    }
    if (const auto first = declared_.find(name); first != declared_.end()) {
      return report(DiagnosticKind::DuplicateLocal, s.name.span,
                    "local " + quote(name) + " is already declared; assign it with " + quote(name + " = …") +
                        " instead",
                    {{ast_.stmt(first->second).name.span, "the first " + quote("let " + name) + " is here"}});
    }
    if (workflow_->locals.size() == kMaxLocals) {
      return report(DiagnosticKind::TooLarge, s.name.span,
                    "a workflow can have at most " + std::to_string(kMaxLocals - 1) +
                        " `let` locals; keep values in contact data with `update contact` instead");
    }
    declared_.emplace(name, id);
    unit_.let_slots[id] = static_cast<uint8_t>(workflow_->locals.size());
    workflow_->locals.push_back(name.str());
  }

  void assign(StmtId id, const Stmt& s) {
    if (const auto slot = local_slot(s.name.text)) {
      unit_.let_slots[id] = *slot;
    } else {
      unknown_variable(s.name);
    }
  }

  // ---- Expressions ----

  std::optional<uint8_t> local_slot(std::string_view name) const {
    const auto it = declared_.find(name);
    if (it == declared_.end()) return std::nullopt;
    return unit_.let_slots[it->second];
  }

  // Each unknown name is reported once per workflow: its first use says it all.
  void unknown_variable(const grammar::Name& name) {
    if (!unknown_.insert(name.text).second) return;
    std::vector<grammar::Note> notes;
    if (const auto later = lets_.find(name.text); later != lets_.end()) {
      notes.push_back({ast_.stmt(later->second).name.span, quote(name.text) + " is declared here, after its use"});
    }
    report(DiagnosticKind::UnknownVariable, name.span,
           "unknown variable " + quote(name.text) + "; declare it first with " + quote("let " + name.text + " = …"),
           std::move(notes));
  }

  void variable(ExprId id, const Expr& e) {
    const std::string_view name = e.name.text;
    Binding& b = unit_.bindings[id];
    if (name == "contact") {
      b.kind = BindingKind::Contact;
    } else if (name == "event") {
      b.kind = BindingKind::Event;
    } else if (workflow_ == nullptr) {
      b.kind = name == "email" || name == "subscribed" || name == "data" ? BindingKind::ContactField
               : name == "unsubscribeUrl"                                ? BindingKind::Reserved
                                                                         : BindingKind::ContactData;
    } else if (name == "response") {
      b = {BindingKind::Local, 0};
    } else if (const auto slot = local_slot(name)) {
      b = {BindingKind::Local, *slot};
    } else {
      unknown_variable(e.name);
    }
  }

  // `contact.x`, `event.x` and `response.x` name fields of known objects, so a misspelt
  // field is an error rather than a silent null.
  void member(ExprId id, const Expr& e) {
    expr(e.operand);
    const Expr& object = ast_.expr(e.operand);
    if (object.kind != ExprKind::Variable) return;
    const BindingKind kind = unit_.bindings[e.operand].kind;
    const grammar::Text field = e.name.text;
    if (kind == BindingKind::Contact && !contains(kContactFields, field)) {
      unknown_field(e, "contact", kContactFields, "; contact data is " + quote("contact.data." + field));
    } else if (kind == BindingKind::Event && !contains(kEventFields, field)) {
      // Plunk's templates write the event's data fields directly: `{{ event.plan }}`.
      if (workflow_ == nullptr) {
        unit_.bindings[id].kind = BindingKind::EventData;
      } else {
        unknown_field(e, "event", kEventFields, "; event data is " + quote("event.data." + field));
      }
    } else if (kind == BindingKind::Local && object.name.text == "response" && !contains(kResponseFields, field)) {
      unknown_field(e, "response", kResponseFields, "; it has `status` and `body`");
    }
  }

  void unknown_field(const Expr& e, std::string_view object, const std::vector<std::string_view>& fields,
                     std::string fallback_hint) {
    std::string hint = did_you_mean(e.name.text, fields);
    report(DiagnosticKind::UnknownField, e.name.span,
           quote(object) + " has no field " + quote(e.name.text) + (hint.empty() ? fallback_hint : hint));
  }

  void call(const Expr& e) {
    const auto index = stdlib::find_function(e.name.text);
    if (!index) {
      std::string hint = did_you_mean(e.name.text, function_names());
      if (hint.empty()) hint = "; the functions are listed in docs/stdlib.md";
      return report(DiagnosticKind::UnknownFunction, e.name.span, "unknown function " + quote(e.name.text) + hint);
    }
    const stdlib::FunctionInfo& f = stdlib::function_table()[*index];
    const size_t count = e.items.size();
    if (count >= f.min_args && count <= f.max_args) return;
    const std::string expected = f.min_args == f.max_args
                                     ? std::to_string(f.min_args)
                                     : std::to_string(f.min_args) + " to " + std::to_string(f.max_args);
    report(DiagnosticKind::WrongArgumentCount, e.span,
           quote(e.name.text) + " takes " + expected + (f.max_args == 1 ? " argument" : " arguments") + ", found " +
               std::to_string(count) + ": " + quote(f.signature));
  }

  // Sorted by text, and by position among equal texts (the keys lie in source order in the
  // arena), each repeated key follows the first use of its text. Reporting them in that
  // order is fine: the sink puts diagnostics in source order. A sort of a reused vector,
  // where a std::map per object allocated a node per key.
  void object_keys(const Expr& e) {
    std::vector<const grammar::Name*>& keys = object_keys_;
    keys.clear();
    for (const grammar::Name& key : e.keys) keys.push_back(&key);
    std::sort(keys.begin(), keys.end(), [](const grammar::Name* a, const grammar::Name* b) {
      return a->text != b->text ? a->text < b->text : a < b;
    });
    for (size_t i = 1, first = 0; i < keys.size(); ++i) {
      if (keys[i]->text != keys[first]->text) {
        first = i;
        continue;
      }
      const grammar::Name& key = *keys[i];
      report(DiagnosticKind::DuplicateKey, key.span, "key " + quote(key.text) + " appears twice in this object",
             {{keys[first]->span, "the first " + quote(key.text) + " is here"}});
    }
  }

  Program& program_;
  Unit& unit_;
  const grammar::Ast& ast_;
  WorkflowDecl* workflow_;
  // Keyed by views of the names in the Ast, which outlives the resolver.
  std::map<std::string_view, StmtId> lets_;      // every `let` of the workflow, first by name
  std::map<std::string_view, StmtId> declared_;  // the `let`s seen so far
  std::set<std::string_view> unknown_;           // names already reported as unknown
  std::vector<const grammar::Name*> object_keys_;  // object_keys()'s, kept for its capacity
};

}  // namespace

void resolve_names(Program& program) {
  for (Unit& unit : program.units) {
    unit.bindings.assign(unit.ast.exprs.size(), Binding{});
    unit.let_slots.assign(unit.ast.stmts.size(), 0);
  }
  for (const TemplateDecl& t : program.templates) {
    Resolver resolver(program, program.units[t.unit], nullptr);
    for (const ExprId part : t.parts) {
      if (part != kNone) resolver.expr(part);
    }
  }
  for (WorkflowDecl& w : program.workflows) {
    Resolver resolver(program, program.units[w.unit], &w);
    const grammar::Workflow& syntax = program.syntax(w);
    resolver.workflow_body(syntax.body);
  }
}

}  // namespace flow::compiler
