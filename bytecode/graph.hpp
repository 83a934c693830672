#pragma once
// The step graph of a module's workflows, drawn for people: Graphviz `dot`, `mermaid`
// (renders in GitHub and most wikis) or `json` for tools. Nodes are the steps (kind and
// label) plus a start node showing the trigger and an end node; edges carry the labels the
// compiler gave them (yes/no, received/timeout, goto NAME). The output is deterministic.
#include <cstdint>
#include <string>
#include <string_view>

#include "bytecode/module.hpp"

namespace flow::bytecode {

enum class GraphFormat : uint8_t { Dot, Mermaid, Json };

// The graph of the workflow named `workflow`, or of every workflow when it is empty. An
// unknown name gives a graph with no workflows.
std::string render_graph(const Module& module, std::string_view workflow, GraphFormat format);

}  // namespace flow::bytecode
