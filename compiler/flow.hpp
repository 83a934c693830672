#pragma once
// The control flow of a workflow between statements (built and checked in flow.cpp) and
// its projection onto steps, which code generation writes into the module's edge table.
#include <vector>

#include "compiler/program.hpp"

namespace flow::compiler {

// Labels and gotos only steer; every other statement is a step of the step graph.
bool is_step(grammar::StmtKind kind);

// Where step `id` can go next: its flow edges followed through labels and gotos to the
// next step, or kNone for the end. A branch keeps its own label ("yes", "timeout"); an
// unlabelled edge that passes a goto is labelled "goto NAME". Replaces the contents of
// `edges`, which the caller keeps for the next step (and its capacity with it).
void step_edges(const grammar::Ast& ast, const WorkflowDecl& workflow, StmtId id, std::vector<FlowEdge>& edges);

}  // namespace flow::compiler
