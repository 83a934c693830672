// flowc: check, build, inspect, format and simulate .flow workflows.
#include <CLI/CLI.hpp>

#include "flowc/commands.hpp"
#include "flowc/large_heap.hpp"

namespace flow::flowc {
int& exit_code() {
  static int code = kExitOk;
  return code;
}
}  // namespace flow::flowc

int main(int argc, char** argv) {
  flow::flowc::use_large_pages_for_the_heap();
  CLI::App app{"flowc: the Flow workflow compiler"};
  app.require_subcommand(1);
  flow::flowc::add_check_command(app);
  flow::flowc::add_build_command(app);
  flow::flowc::add_disasm_command(app);
  flow::flowc::add_graph_command(app);
  flow::flowc::add_fmt_command(app);
  flow::flowc::add_run_command(app);
  flow::flowc::add_lsp_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : flow::flowc::kExitUsage;
  }
  return flow::flowc::exit_code();
}
