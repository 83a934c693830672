// flowc check FILE... [--format text|json]: parse and check; exit 0 clean, 1 on errors.
#include <CLI/CLI.hpp>

#include "flowc/commands.hpp"
#include "flowc/program.hpp"

namespace flow::flowc {

namespace {

struct CheckOptions {
  std::vector<std::string> files;
  OutputFormat format = OutputFormat::Text;
};

void run_check(const CheckOptions& options) {
  Program program;
  if (!read_sources(options.files, program)) {
    exit_code() = kExitUsage;
    return;
  }
  compile(program, module_name_for(options.files.front()));
  print_diagnostics(program, options.format);
  exit_code() = program.diagnostics.has_errors() ? kExitErrors : kExitOk;
}

}  // namespace

void add_check_command(CLI::App& app) {
  auto options = std::make_shared<CheckOptions>();
  CLI::App* check = app.add_subcommand("check", "Parse and check .flow files; print every problem");
  check->add_option("files", options->files, ".flow files (checked together as one program)")->required();
  check->add_option("--format", options->format, "text or json")
      ->transform(CLI::CheckedTransformer(std::map<std::string, OutputFormat>{{"text", OutputFormat::Text},
                                                                              {"json", OutputFormat::Json}}));
  check->callback([options] { run_check(*options); });
}

}  // namespace flow::flowc
