// Code generation: templates first, then workflows, into one code array. The contract the
// VM implements (what each statement compiles to) is written down in docs/bytecode.md;
// the comments here say only why the code has the shape it has.
#include <algorithm>

#include "compiler/emitter.hpp"
#include "compiler/flow.hpp"
#include "compiler/gen_expr.hpp"
#include "compiler/step_label.hpp"

namespace flow::compiler {

using bytecode::Op;
using grammar::Stmt;
using grammar::StmtKind;

namespace {

class WorkflowGen {
 public:
  WorkflowGen(Program& program, Emitter& emitter, bytecode::Module& module, const WorkflowDecl& decl)
      : program_(program),
        e_(emitter),
        module_(module),
        decl_(decl),
        index_(static_cast<uint32_t>(module.workflows.size())),
        ast_(program.units[decl.unit].ast),
        exprs_(emitter, program.units[decl.unit]) {}

  void run() {
    const grammar::Workflow& syntax = program_.syntax(decl_);
    module_.workflows.push_back(bytecode::Workflow{
        .name = syntax.name.text,
        .trigger = decl_.trigger,
        .display_name = decl_.display_name,
        .description = decl_.description,
        .reentry = decl_.reentry,
        .enabled = decl_.enabled,
        .entry = e_.here(),
        .local_count = static_cast<uint8_t>(decl_.locals.size()),
        .local_names = decl_.locals,
        .loc = e_.loc(syntax.name.span),
    });
    block(syntax.body);
    e_.op(syntax.span, Op::Complete);
    // Labels may come after the gotos that name them, so jumps are patched at the end.
    for (const auto& [jump_at, label] : gotos_) e_.patch(jump_at, label_offsets_.at(label));
    add_edges();
  }

 private:
  void block(const grammar::Block& statements) {
    for (const StmtId id : statements) stmt(id);
  }

  void stmt(StmtId id) {
    const Stmt& s = ast_.stmt(id);
    if (is_step(s.kind)) begin_step(id, s);
    switch (s.kind) {
      case StmtKind::Send: e_.op(s.span, Op::Send, template_index(s.name.text)); break;
      case StmtKind::Delay:
        exprs_.expr(s.expr);
        e_.op(s.span, Op::Delay);
        break;
      case StmtKind::Wait: wait(s); break;
      case StmtKind::If: branches(s); break;
      case StmtKind::Webhook: webhook(s); break;
      case StmtKind::Update:
        exprs_.expr(s.expr);
        e_.op(s.span, Op::Update);
        break;
      case StmtKind::Exit:
        exprs_.expr_or_null(s.expr, s.span);
        e_.op(s.span, Op::Exit);
        break;
      case StmtKind::Let:
      case StmtKind::Assign:
        exprs_.expr(s.expr);
        e_.op(s.span, Op::StoreLocal, program_.units[decl_.unit].let_slots[id]);
        break;
      case StmtKind::Label: label_offsets_[id] = e_.here(); break;
      case StmtKind::Goto: gotos_.emplace_back(e_.jump(s.span, Op::Jump), decl_.labels.at(s.name.text)); break;
    }
  }

  void begin_step(StmtId id, const Stmt& s) {
    const auto step = static_cast<uint32_t>(module_.steps.size());
    // Built in place (workflow, kind, label, loc, offset): a Step made first and then moved
    // in copied its label once more.
    module_.steps.emplace_back(index_, step_kind(s.kind), step_label(program_.sources, ast_, s), e_.loc(s.span),
                               e_.here());
    step_stmts_.push_back(id);
    e_.op(s.span, Op::Step, step);
  }

  uint32_t template_index(const std::string& name) const {
    const TemplateDecl* t = program_.find_template(name);
    return static_cast<uint32_t>(t - program_.templates.data());
  }

  // Wait pushes true when the event came, false on timeout.
  void wait(const Stmt& s) {
    exprs_.expr(s.expr2);
    e_.op(s.span, Op::Wait, e_.string(ast_.expr(s.expr).plain_text(), ast_.expr(s.expr).span));
    const uint32_t to_timeout = e_.jump(s.span, Op::JumpIfFalse);
    block(s.blocks[0]);
    const uint32_t to_end = e_.jump(s.span, Op::Jump);
    e_.patch(to_timeout, e_.here());
    block(s.blocks[1]);
    e_.patch(to_end, e_.here());
  }

  // One condition step for the whole chain; each branch jumps past the rest when done
  // (the last one needs no jump when there is no `else`: the end is right after it).
  void branches(const Stmt& s) {
    const bool has_else = s.blocks.size() > s.conditions.size();
    std::vector<uint32_t> to_end;
    for (size_t i = 0; i < s.conditions.size(); ++i) {
      exprs_.expr(s.conditions[i]);
      const uint32_t to_next = e_.jump(s.span, Op::JumpIfFalse);
      block(s.blocks[i]);
      if (has_else || i + 1 < s.conditions.size()) to_end.push_back(e_.jump(s.span, Op::Jump));
      e_.patch(to_next, e_.here());
    }
    if (has_else) block(s.blocks.back());
    for (const uint32_t jump : to_end) e_.patch(jump, e_.here());
  }

  // The response lands in local 0, which `response.status` reads.
  void webhook(const Stmt& s) {
    e_.op(s.span, Op::Const, e_.string(s.method, s.span));
    exprs_.expr(s.expr);
    for (const ExprId option : {s.webhook.headers, s.webhook.body, s.webhook.timeout, s.webhook.retries}) {
      exprs_.expr_or_null(option, s.span);
    }
    e_.op(s.span, Op::Webhook);
    e_.op(s.span, Op::StoreLocal, 0);
  }

  void add_edges() {
    const auto first_step = static_cast<uint32_t>(module_.steps.size() - step_stmts_.size());
    auto step_of = [&](StmtId id) {
      if (id == kNone) return bytecode::Edge::kEnd;
      const auto it = std::find(step_stmts_.begin(), step_stmts_.end(), id);
      return first_step + static_cast<uint32_t>(it - step_stmts_.begin());
    };
    std::vector<FlowEdge> edges;
    for (const StmtId id : step_stmts_) {
      step_edges(ast_, decl_, id, edges);
      for (FlowEdge& edge : edges) {
        module_.edges.emplace_back(step_of(id), step_of(edge.to), std::move(edge.label));
      }
    }
  }

  Program& program_;
  Emitter& e_;
  bytecode::Module& module_;
  const WorkflowDecl& decl_;
  const uint32_t index_;
  const grammar::Ast& ast_;
  ExprGen exprs_;
  std::vector<StmtId> step_stmts_;  // the statement of each step, in step order
  std::map<StmtId, uint32_t> label_offsets_;
  std::vector<std::pair<uint32_t, StmtId>> gotos_;  // (jump to patch, label statement)
};

// Each part is its own little program that renders one string and returns it.
void generate_template(Program& program, Emitter& e, bytecode::Module& module, const TemplateDecl& decl) {
  const grammar::Template& syntax = program.syntax(decl);
  ExprGen exprs(e, program.units[decl.unit]);
  bytecode::Template out{.name = syntax.name.text, .type = decl.type, .loc = e.loc(syntax.name.span)};
  uint32_t* offsets[kPartCount] = {&out.subject, &out.from, &out.reply_to, &out.html, &out.text};
  for (size_t part = 0; part < kPartCount; ++part) {
    const ExprId expr = decl.parts[part];
    if (expr == kNone) continue;
    *offsets[part] = e.here();
    exprs.expr(expr, /*escape_holes=*/static_cast<Part>(part) == Part::Html);
    e.op(program.units[decl.unit].ast.expr(expr).span, Op::Return);
  }
  module.templates.push_back(std::move(out));
}

}  // namespace

bytecode::Module generate(Program& program) {
  bytecode::Module module;
  module.name = program.options.module_name;
  // Code takes about 4 bytes and 1.2 source-map entries per syntax node; reserving somewhat
  // more saves growing (and copying) the two largest arrays a dozen times, and not much more
  // keeps unused reservations off the huge pages the rest of the build touches.
  size_t nodes = 0, statements = 0, flow_edges = 0;
  for (const Unit& unit : program.units) {
    nodes += unit.ast.exprs.size() + unit.ast.stmts.size();
    statements += unit.ast.stmts.size();
  }
  for (const WorkflowDecl& w : program.workflows) flow_edges += w.flow.edge_count();
  module.code.reserve(5 * nodes);
  module.source_map.reserve(nodes + nodes / 2);
  // At most a step per statement and an edge per control-flow edge: without growing, the
  // labels are not moved (a memcpy call each while they are short) a dozen times over.
  module.steps.reserve(statements);
  module.edges.reserve(flow_edges);
  Emitter emitter(module, program.sources, program.sink);
  for (const TemplateDecl& t : program.templates) generate_template(program, emitter, module, t);
  for (const WorkflowDecl& w : program.workflows) WorkflowGen(program, emitter, module, w).run();
  return module;
}

}  // namespace flow::compiler
