// The flow pass: a control-flow graph over the statements of each workflow, then two
// checks on it. Unreachable statements are a warning (they are harmless but almost always
// a mistake); a loop that can go round without a `delay` or `wait` is an error, because
// the execution would spin forever without ever yielding to the runtime.
#include <algorithm>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "compiler/flow.hpp"
#include "compiler/text.hpp"
#include "compiler/walk.hpp"

namespace flow::compiler {

using grammar::DiagnosticKind;
using grammar::Stmt;
using grammar::StmtKind;

void FlowGraph::start(StmtId id) {
  if (runs_.empty()) {
    first_ = id;
  } else if (id < first_) {
    runs_.insert(runs_.begin(), first_ - id, Run{});
    first_ = id;
  }
  const size_t i = id - first_;
  if (i >= runs_.size()) runs_.resize(i + 1);
  runs_[i] = Run{static_cast<uint32_t>(edges_.size()), 0};
  last_started_ = id;
}

void FlowGraph::add(FlowEdge edge) {
  edges_.push_back(std::move(edge));
  ++runs_[last_started_ - first_].count;
}

void FlowGraph::cover(StmtId first, StmtId last) {
  if (!runs_.empty() || first > last) return;
  first_ = first;
  runs_.resize(last - first + 1);
  // About one successor per statement, a few more for branches.
  edges_.reserve(runs_.size() + runs_.size() / 2);
}

std::span<const FlowEdge> FlowGraph::at(StmtId id) const {
  if (id < first_ || id - first_ >= runs_.size() || runs_[id - first_].begin == kNotStarted) {
    throw std::out_of_range("FlowGraph::at: no such statement");
  }
  const Run run = runs_[id - first_];
  return std::span<const FlowEdge>(edges_).subspan(run.begin, run.count);
}

bool is_step(StmtKind kind) { return kind != StmtKind::Label && kind != StmtKind::Goto; }

void step_edges(const grammar::Ast& ast, const WorkflowDecl& workflow, StmtId id, std::vector<FlowEdge>& edges) {
  edges.clear();
  for (const FlowEdge& first : workflow.flow.at(id)) {
    FlowEdge& edge = edges.emplace_back(first);
    // A `label a goto a` cycle has no step to stop at; the hop limit ends the walk.
    for (size_t hops = 0; edge.to != kNone && !is_step(ast.stmt(edge.to).kind) && hops <= ast.stmts.size(); ++hops) {
      const Stmt& s = ast.stmt(edge.to);
      if (s.kind == StmtKind::Goto && edge.label.empty()) edge.label.append("goto ").append(s.name.text);
      const auto& next = workflow.flow.at(edge.to);
      edge.to = next.empty() ? kNone : next.front().to;
    }
  }
}

namespace {

class FlowBuilder {
 public:
  FlowBuilder(const grammar::SourceSet& sources, const grammar::Ast& ast, WorkflowDecl& workflow)
      : sources_(sources), ast_(ast), workflow_(workflow) {}

  // `next` is where control goes after the block: the statement after its owner, or kNone.
  void block(const grammar::Block& statements, StmtId next) {
    for (size_t i = 0; i < statements.size(); ++i) {
      stmt(statements[i], i + 1 < statements.size() ? statements[i + 1] : next);
    }
  }

 private:
  static StmtId first(const grammar::Block& block, StmtId next) { return block.empty() ? next : block.front(); }

  // The statement's successors are all added before those of the statements inside it.
  void stmt(StmtId id, StmtId next) {
    const Stmt& s = ast_.stmt(id);
    FlowGraph& graph = workflow_.flow;
    graph.start(id);
    switch (s.kind) {
      case StmtKind::Exit: graph.add({kNone, ""}); break;
      case StmtKind::Goto:
        if (const auto label = workflow_.labels.find(s.name.text); label != workflow_.labels.end()) {
          graph.add({label->second, "goto " + s.name.text});
        }
        break;
      case StmtKind::If: branches(s, next); break;
      case StmtKind::Wait:
        graph.add({first(s.blocks.at(0), next), "received"});
        graph.add({first(s.blocks.at(1), next), "timeout"});
        break;
      default: graph.add({next, ""});
    }
    for (const grammar::Block& inner : s.blocks) block(inner, next);
  }

  // `if a {…} else if b {…} else {…}` is one condition step: "yes" to the first block,
  // "else if b" to the next, "no" to the `else` block or past the statement.
  void branches(const Stmt& s, StmtId next) {
    for (size_t i = 0; i < s.conditions.size(); ++i) {
      std::string label = i == 0 ? "yes" : "else if ";
      if (i > 0) append_source_text(label, sources_, ast_.expr(s.conditions[i]).span);
      workflow_.flow.add({first(s.blocks[i], next), std::move(label)});
    }
    const bool has_else = s.blocks.size() > s.conditions.size();
    workflow_.flow.add({has_else ? first(s.blocks.back(), next) : next, "no"});
  }

  const grammar::SourceSet& sources_;
  const grammar::Ast& ast_;
  WorkflowDecl& workflow_;
};

// A set of a file's statements that empties in O(1): a statement is in it when its stamp
// is the current epoch. The checker empties its sets once per workflow and per `goto`;
// tree-based sets made the pass allocate a node for every statement visited.
class StmtMarks {
 public:
  explicit StmtMarks(size_t statements) : stamps_(statements, 0) {}

  void clear() {
    if (++epoch_ == 0) {  // wrapped around: old stamps could look current
      std::fill(stamps_.begin(), stamps_.end(), 0);
      epoch_ = 1;
    }
  }
  bool insert(StmtId id) { return std::exchange(stamps_[id], epoch_) != epoch_; }
  bool contains(StmtId id) const { return stamps_[id] == epoch_; }

 private:
  std::vector<uint32_t> stamps_;
  uint32_t epoch_ = 1;
};

class FlowChecker {
 public:
  FlowChecker(Program& program, const grammar::Ast& ast, const WorkflowDecl& workflow, StmtMarks& reached,
              StmtMarks& loop_seen)
      : program_(program), ast_(ast), workflow_(workflow), reached_(reached), loop_seen_(loop_seen) {}

  void run(const grammar::Block& body) {
    reached_.clear();
    if (!body.empty()) visit_from(body.front(), reached_, /*stop_at_waits=*/false);
    report_unreachable(body);
    for_each_stmt(ast_, body, [&](StmtId id) {
      if (ast_.stmt(id).kind == StmtKind::Goto && reached_.contains(id)) check_loop(id);
    });
  }

 private:
  // Marks every statement reachable from `start`. With `stop_at_waits`, paths end at a
  // delay or wait, since a loop through one of them yields to the runtime.
  void visit_from(StmtId start, StmtMarks& seen, bool stop_at_waits) {
    std::vector<StmtId>& work = work_;  // empty between calls; kept for its capacity
    work.push_back(start);
    while (!work.empty()) {
      const StmtId id = work.back();
      work.pop_back();
      if (id == kNone || !seen.insert(id)) continue;
      const StmtKind kind = ast_.stmt(id).kind;
      if (stop_at_waits && (kind == StmtKind::Delay || kind == StmtKind::Wait)) continue;
      for (const FlowEdge& edge : workflow_.flow.at(id)) work.push_back(edge.to);
    }
  }

  // One warning per run of unreachable statements: at the first, with a note saying why.
  void report_unreachable(const grammar::Block& block) {
    for (size_t i = 0; i < block.size(); ++i) {
      const Stmt& s = ast_.stmt(block[i]);
      if (i > 0 && !reached_.contains(block[i]) && reached_.contains(block[i - 1])) {
        const std::string message = s.kind == StmtKind::Label
                                        ? "nothing jumps to label " + quote(s.name.text) + ", so what follows it never runs"
                                        : "this step never runs";
        const Stmt& before = ast_.stmt(block[i - 1]);
        program_.sink.report(DiagnosticKind::UnreachableStep, s.span, message, {{before.span, why_stops(before)}});
      }
      for (const grammar::Block& inner : s.blocks) report_unreachable(inner);
    }
  }

  static std::string why_stops(const Stmt& s) {
    switch (s.kind) {
      case StmtKind::Exit: return "this `exit` always ends the execution";
      case StmtKind::Goto: return "this " + quote("goto " + s.name.text) + " always jumps away";
      case StmtKind::Wait: return "both branches of this `wait` end the execution or jump away";
      default: return "every branch of this `if` ends the execution or jumps away";
    }
  }

  void check_loop(StmtId go_to) {
    if (workflow_.flow.at(go_to).empty()) return;  // an unknown label, reported by the names pass
    const StmtId label = workflow_.flow.at(go_to).front().to;
    loop_seen_.clear();
    visit_from(label, loop_seen_, /*stop_at_waits=*/true);
    if (!loop_seen_.contains(go_to)) return;
    const Stmt& s = ast_.stmt(go_to);
    program_.sink.report(DiagnosticKind::LoopWithoutWait, s.span,
                         "this loop can go round without passing a `delay` or `wait`, so it could run forever; "
                         "add a `delay` or `wait` on every way round",
                         {{ast_.stmt(label).span, "the loop starts at " + quote("label " + s.name.text)}});
  }

  Program& program_;
  const grammar::Ast& ast_;
  const WorkflowDecl& workflow_;
  StmtMarks& reached_;
  StmtMarks& loop_seen_;
  std::vector<StmtId> work_;
};

}  // namespace

void check_flow(Program& program) {
  // Per file, reused by all its workflows.
  std::vector<std::optional<std::pair<StmtMarks, StmtMarks>>> marks(program.units.size());
  for (WorkflowDecl& w : program.workflows) {
    const grammar::Ast& ast = program.units[w.unit].ast;
    auto& unit_marks = marks[w.unit];
    if (!unit_marks) unit_marks.emplace(StmtMarks(ast.stmts.size()), StmtMarks(ast.stmts.size()));
    StmtId first = kNone, last = 0;
    for_each_stmt(ast, program.syntax(w).body, [&](StmtId id) {
      first = std::min(first, id);
      last = std::max(last, id);
    });
    w.flow.cover(first, last);
    FlowBuilder(program.sources, ast, w).block(program.syntax(w).body, kNone);
    FlowChecker(program, ast, w, unit_marks->first, unit_marks->second).run(program.syntax(w).body);
  }
}

}  // namespace flow::compiler
