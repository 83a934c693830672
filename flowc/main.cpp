// flowc: check, build, inspect, format and simulate .flow workflows.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <iterator>
#include <string_view>

#include "flowc/commands.hpp"
#include "flowc/large_heap.hpp"

namespace flow::flowc {
int& exit_code() {
  static int code = kExitOk;
  return code;
}
}  // namespace flow::flowc

namespace {

struct Subcommand {
  std::string_view name;  // as its add_… function registers it
  void (*add)(CLI::App&);
};

constexpr Subcommand kSubcommands[] = {
    {"check", flow::flowc::add_check_command}, {"build", flow::flowc::add_build_command},
    {"disasm", flow::flowc::add_disasm_command}, {"graph", flow::flowc::add_graph_command},
    {"fmt", flow::flowc::add_fmt_command},     {"run", flow::flowc::add_run_command},
    {"lsp", flow::flowc::add_lsp_command},
};

// A run uses one subcommand, and registering one builds all its options and validators
// (about 350,000 instructions for the other six, a tenth of building a small file): when
// the first argument names a subcommand, only that one is registered. Otherwise (none,
// --help, a typo) all are, so that help and errors list every one.
void add_subcommands(CLI::App& app, int argc, char** argv) {
  const std::string_view first = argc > 1 ? argv[1] : "";
  const auto named = std::find_if(std::begin(kSubcommands), std::end(kSubcommands),
                                  [&](const Subcommand& subcommand) { return subcommand.name == first; });
  if (named != std::end(kSubcommands)) return named->add(app);
  for (const Subcommand& subcommand : kSubcommands) subcommand.add(app);
}

}  // namespace

int main(int argc, char** argv) {
  flow::flowc::use_large_pages_for_the_heap();
  CLI::App app{"flowc: the Flow workflow compiler"};
  app.require_subcommand(1);
  add_subcommands(app, argc, argv);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : flow::flowc::kExitUsage;
  }
  return flow::flowc::exit_code();
}
