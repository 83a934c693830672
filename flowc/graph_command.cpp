// flowc graph FILE [--workflow NAME] --format dot|mermaid|json: the step graph.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "bytecode/graph.hpp"
#include "flowc/commands.hpp"
#include "flowc/program.hpp"

namespace flow::flowc {

namespace {

struct GraphOptions {
  std::vector<std::string> files;
  std::string workflow;
  bytecode::GraphFormat format = bytecode::GraphFormat::Dot;
};

void run_graph(const GraphOptions& options) {
  std::optional<bytecode::Module> module = load_module(options.files);
  if (!module) return;
  if (!options.workflow.empty() && !module->find_workflow(options.workflow)) {
    fmt::print(stderr, "flowc: error: no workflow named `{}`\n", options.workflow);
    exit_code() = kExitUsage;
    return;
  }
  std::cout << bytecode::render_graph(*module, options.workflow, options.format);
}

}  // namespace

void add_graph_command(CLI::App& app) {
  auto options = std::make_shared<GraphOptions>();
  CLI::App* graph = app.add_subcommand("graph", "Print the step graph of workflows");
  graph->add_option("files", options->files, "a .flowb module, or .flow files")->required();
  graph->add_option("--workflow", options->workflow, "only this workflow");
  graph->add_option("--format", options->format, "dot, mermaid or json")
      ->transform(CLI::CheckedTransformer(std::map<std::string, bytecode::GraphFormat>{
          {"dot", bytecode::GraphFormat::Dot},
          {"mermaid", bytecode::GraphFormat::Mermaid},
          {"json", bytecode::GraphFormat::Json}}));
  graph->callback([options] { run_graph(*options); });
}

}  // namespace flow::flowc
