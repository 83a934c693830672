#include "bytecode/graph.hpp"

#include <vector>

#include "bytecode/instruction.hpp"
#include "bytecode/quote.hpp"

namespace flow::bytecode {

namespace {

// A format-neutral model of one workflow's graph; the renderers below only print it.
struct Node {
  std::string id;
  std::string kind;  // "start", "end", or a step kind
  std::string label;
};

struct Arrow {
  std::string from;
  std::string to;
  std::string label;
};

struct WorkflowGraph {
  std::string name;
  std::vector<Node> nodes;
  std::vector<Arrow> arrows;
};

std::string step_id(uint32_t step) { return "s" + std::to_string(step); }

// The first step a new execution enters: follow the entry through unconditional jumps (a
// leading `goto`) to the first Step; reaching Complete means the workflow has no steps.
std::string first_node(const Module& m, const Workflow& w, const std::string& end_id) {
  uint32_t offset = w.entry;
  for (size_t hops = 0; hops <= m.code.size(); ++hops) {
    const auto in = decode(m.code, offset);
    if (!in || in->op != Op::Jump) return in && in->op == Op::Step ? step_id(in->a) : end_id;
    offset = in->a;
  }
  return end_id;
}

WorkflowGraph build(const Module& m, uint32_t index) {
  const Workflow& w = m.workflows[index];
  WorkflowGraph g{w.name, {}, {}};
  const std::string start = "start" + std::to_string(index), end = "end" + std::to_string(index);
  g.nodes.push_back({start, "start", "on \"" + w.trigger + "\""});
  for (uint32_t s = 0; s < m.steps.size(); ++s) {
    if (m.steps[s].workflow == index) g.nodes.push_back({step_id(s), std::string(step_kind_name(m.steps[s].kind)), m.steps[s].label});
  }
  g.nodes.push_back({end, "end", "end"});
  g.arrows.push_back({start, first_node(m, w, end), ""});
  for (const Edge& e : m.edges) {
    if (e.from < m.steps.size() && m.steps[e.from].workflow == index) {
      g.arrows.push_back({step_id(e.from), e.to == Edge::kEnd ? end : step_id(e.to), e.label});
    }
  }
  return g;
}

std::string escaped(std::string_view text, std::string_view quote_as) {
  std::string out;
  for (const char c : text) {
    if (c == '"') {
      out += quote_as;
    } else if (c == '\\' && quote_as == "\\\"") {
      out += "\\\\";
    } else if (c == '\n') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string dot_shape(const std::string& kind) {
  if (kind == "start") return "circle";
  if (kind == "end") return "doublecircle";
  if (kind == "condition") return "diamond";
  if (kind == "delay" || kind == "wait") return "hexagon";
  return "box";
}

std::string render_dot(const std::vector<WorkflowGraph>& graphs) {
  std::string out = "digraph flow {\n  rankdir=TB;\n  node [fontname=\"Helvetica\"];\n";
  for (size_t i = 0; i < graphs.size(); ++i) {
    const WorkflowGraph& g = graphs[i];
    out += "  subgraph cluster_" + std::to_string(i) + " {\n    label=\"" + escaped(g.name, "\\\"") + "\";\n";
    for (const Node& n : g.nodes) {
      out += "    " + n.id + " [label=\"" + escaped(n.label, "\\\"") + "\", shape=" + dot_shape(n.kind) + "];\n";
    }
    for (const Arrow& a : g.arrows) {
      out += "    " + a.from + " -> " + a.to;
      if (!a.label.empty()) out += " [label=\"" + escaped(a.label, "\\\"") + "\"]";
      out += ";\n";
    }
    out += "  }\n";
  }
  return out + "}\n";
}

std::string mermaid_node(const Node& n) {
  const std::string label = "\"" + escaped(n.label, "#quot;") + "\"";
  if (n.kind == "start" || n.kind == "end") return n.id + "((" + label + "))";
  if (n.kind == "condition") return n.id + "{" + label + "}";
  if (n.kind == "delay" || n.kind == "wait") return n.id + "{{" + label + "}}";
  return n.id + "[" + label + "]";
}

std::string render_mermaid(const std::vector<WorkflowGraph>& graphs) {
  std::string out = "flowchart TD\n";
  for (const WorkflowGraph& g : graphs) {
    out += "  subgraph " + g.name + "\n";
    for (const Node& n : g.nodes) out += "    " + mermaid_node(n) + "\n";
    for (const Arrow& a : g.arrows) {
      out += "    " + a.from + " -->";
      if (!a.label.empty()) out += "|\"" + escaped(a.label, "#quot;") + "\"|";
      out += " " + a.to + "\n";
    }
    out += "  end\n";
  }
  return out;
}

std::string render_json(const std::vector<WorkflowGraph>& graphs) {
  std::string out = "{\"workflows\": [";
  for (size_t i = 0; i < graphs.size(); ++i) {
    const WorkflowGraph& g = graphs[i];
    out += i == 0 ? "\n" : ",\n";
    out += "  {\"name\": " + quote(g.name) + ",\n   \"nodes\": [";
    for (size_t n = 0; n < g.nodes.size(); ++n) {
      out += (n == 0 ? "\n" : ",\n");
      out += "     {\"id\": " + quote(g.nodes[n].id) + ", \"kind\": " + quote(g.nodes[n].kind) +
             ", \"label\": " + quote(g.nodes[n].label) + "}";
    }
    out += "],\n   \"edges\": [";
    for (size_t a = 0; a < g.arrows.size(); ++a) {
      out += (a == 0 ? "\n" : ",\n");
      out += "     {\"from\": " + quote(g.arrows[a].from) + ", \"to\": " + quote(g.arrows[a].to) +
             ", \"label\": " + quote(g.arrows[a].label) + "}";
    }
    out += "]}";
  }
  return out + "\n]}\n";
}

}  // namespace

std::string render_graph(const Module& module, std::string_view workflow, GraphFormat format) {
  std::vector<WorkflowGraph> graphs;
  for (uint32_t w = 0; w < module.workflows.size(); ++w) {
    if (workflow.empty() || module.workflows[w].name == workflow) graphs.push_back(build(module, w));
  }
  switch (format) {
    case GraphFormat::Dot: return render_dot(graphs);
    case GraphFormat::Mermaid: return render_mermaid(graphs);
    case GraphFormat::Json: return render_json(graphs);
  }
  return {};
}

}  // namespace flow::bytecode
