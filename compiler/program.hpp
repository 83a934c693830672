#pragma once
// What the compiler's passes share: the parsed files, the declarations found in them, and
// what each pass learned for the next (name bindings, local slots, the control-flow
// graph). Passes run in order — declare, settings, names, types, flow — and code is
// generated only when none of them reported an error.
#include <array>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bytecode/module.hpp"
#include "compiler/compiler.hpp"
#include "grammar/ast.hpp"
#include "grammar/diagnostic.hpp"

namespace flow::compiler {

using grammar::ExprId;
using grammar::kNone;
using grammar::StmtId;

// What a Variable (or a template's `event.x` Member) refers to, decided by the names pass.
enum class BindingKind : uint8_t {
  None,          // not a name, or unresolved
  Local,         // a workflow local (slot 0 is `response`)
  Contact,       // `contact`
  Event,         // `event`
  ContactField,  // template scope: `email`, `subscribed`, `data`
  ContactData,   // template scope: any other bare name is contact data
  Reserved,      // template scope: `unsubscribeUrl`
  EventData,     // template scope: `event.x` is the event's data field x (a Member)
};

struct Binding {
  BindingKind kind = BindingKind::None;
  uint8_t slot = 0;  // Local
};

// One parsed .flow file and everything the passes attach to its nodes.
struct Unit {
  grammar::Ast ast;
  std::vector<Binding> bindings;   // by ExprId
  std::vector<uint8_t> let_slots;  // by StmtId: the local a Let or Assign stores to
};

// The template parts in the order the Module lists them.
enum class Part : uint8_t { Subject, From, ReplyTo, Html, Text };
inline constexpr size_t kPartCount = 5;

struct TemplateDecl {
  uint32_t unit = 0;
  uint32_t index = 0;  // into the unit's Ast::templates
  bytecode::TemplateType type = bytecode::TemplateType::Marketing;
  std::array<ExprId, kPartCount> parts = {kNone, kNone, kNone, kNone, kNone};
};

// An edge of the statement-level control-flow graph; `to` is kNone for "the execution ends".
struct FlowEdge {
  StmtId to = kNone;
  std::string label;  // "", "yes", "no", "else if …", "received", "timeout", "goto NAME"
};

// The successors of each statement of one workflow. The parser makes a workflow's
// statements one after another, so their ids form one stretch, and the graph is indexed
// from the lowest of them rather than a map with a node per statement. A statement's
// successors are added together (add() right after start()), so all edges live in one
// array and a statement keeps only where its run of them begins and how long it is,
// instead of a vector (a heap block) per statement.
class FlowGraph {
 public:
  // Makes `id` a statement of the graph with no successors yet; add() appends to it until
  // the next start(). Each statement is started once.
  void start(StmtId id);
  void add(FlowEdge edge);
  // The successors of `id`, which must have been started (std::out_of_range otherwise).
  // The span lasts until the next edge is added.
  std::span<const FlowEdge> at(StmtId id) const;
  // On an empty graph, makes room for statements `first` to `last` at once, rather than
  // growing statement by statement (start() still grows past them).
  void cover(StmtId first, StmtId last);
  // Edges of all statements; a step's edges are some of them.
  size_t edge_count() const { return edges_.size(); }

 private:
  static constexpr uint32_t kNotStarted = UINT32_MAX;
  struct Run {
    uint32_t begin = kNotStarted;  // index into edges_ of the first successor
    uint32_t count = 0;
  };
  StmtId first_ = 0;
  std::vector<Run> runs_;  // of statement first_ + i
  std::vector<FlowEdge> edges_;
  StmtId last_started_ = kNone;
};

struct WorkflowDecl {
  uint32_t unit = 0;
  uint32_t index = 0;  // into the unit's Ast::workflows
  std::string trigger;
  std::string display_name;
  std::string description;
  bytecode::Reentry reentry = bytecode::Reentry::Never;
  bool enabled = true;
  std::map<std::string, StmtId, std::less<>> labels;
  std::vector<std::string> locals = {"response"};  // slot -> name
  FlowGraph flow;                                   // successors of every statement
};

// Holds the diagnostics of a compilation and passes them on in source order when flushed:
// passes find problems in their own order, people read a file from the top.
class OrderedSink final : public grammar::DiagnosticSink {
 public:
  explicit OrderedSink(grammar::DiagnosticSink& inner) : inner_(inner) {}
  using DiagnosticSink::report;
  void report(grammar::Diagnostic diagnostic) override {
    if (diagnostic.severity == grammar::Severity::Error) ++errors_;
    held_.push_back(std::move(diagnostic));
  }
  size_t errors() const { return errors_; }
  void flush();

 private:
  grammar::DiagnosticSink& inner_;
  std::vector<grammar::Diagnostic> held_;
  size_t errors_ = 0;
};

struct Program {
  grammar::SourceSet& sources;
  OrderedSink& sink;
  const Options& options;
  std::vector<Unit> units;
  std::vector<TemplateDecl> templates;  // one per name, in source order
  std::vector<WorkflowDecl> workflows;
  // Template name -> index into `templates`, filled by declare(): every `send` looks its
  // template up, so a linear search would make compiling quadratic. The keys view the
  // names in the Asts, which do not move once parsed.
  std::unordered_map<std::string_view, uint32_t> template_index;

  const grammar::Template& syntax(const TemplateDecl& t) const { return units[t.unit].ast.templates[t.index]; }
  const grammar::Workflow& syntax(const WorkflowDecl& w) const { return units[w.unit].ast.workflows[w.index]; }
  const TemplateDecl* find_template(std::string_view name) const;
};

// The text of a string that must be known when compiling (a trigger, a `wait for` event,
// a workflow's name); otherwise (a string with holes) reports constant-required, saying
// that `what` ("the trigger") must be a plain string. Defined in settings.cpp.
std::optional<std::string> constant_string(Program& program, const grammar::Expr& value, std::string_view what);

// The passes, in the order compile() runs them (one file each).
void declare(Program& program);         // declarations.cpp: templates, workflows, duplicates
void check_settings(Program& program);  // settings.cpp: settings, triggers, template files
void resolve_names(Program& program);   // names.cpp: variables, fields, functions, labels, locals
void check_types(Program& program);     // types.cpp: static types and durations
void check_flow(Program& program);      // flow.cpp: control flow, reachability, loops
bytecode::Module generate(Program& program);  // codegen.cpp

}  // namespace flow::compiler
