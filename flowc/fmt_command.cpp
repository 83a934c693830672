// flowc fmt [--check] FILE...: rewrite files in the canonical layout (keeps comments).
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>

#include "flowc/commands.hpp"
#include "flowc/program.hpp"
#include "grammar/format.hpp"
#include "grammar/parser.hpp"

namespace flow::flowc {

namespace {

struct FmtOptions {
  std::vector<std::string> files;
  bool check = false;
  bool to_stdout = false;
};

// The formatted text of one file, or nullopt (with diagnostics printed) when it does
// not parse: formatting half a file would lose the rest.
std::optional<std::string> format_file(Program& program, uint32_t file) {
  grammar::Ast ast = grammar::parse(program.sources, file, program.diagnostics);
  if (program.diagnostics.has_errors()) return std::nullopt;
  return grammar::format(ast, program.sources.file(file));
}

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out.flush());
}

void format_one(const FmtOptions& options, Program& program, uint32_t file) {
  const std::string& path = program.sources.file(file).name();
  std::optional<std::string> formatted = format_file(program, file);
  if (!formatted) {
    print_diagnostics(program, OutputFormat::Text);
    exit_code() = kExitErrors;
    return;
  }
  if (options.to_stdout) {
    std::cout << *formatted;
    return;
  }
  if (*formatted == program.sources.file(file).text()) return;
  if (options.check) {
    fmt::print("would reformat {}\n", path);
    exit_code() = kExitErrors;
  } else if (!write_file(path, *formatted)) {
    fmt::print(stderr, "flowc: error: cannot write `{}`\n", path);
    exit_code() = kExitUsage;
  }
}

void run_fmt(const FmtOptions& options) {
  for (const std::string& path : options.files) {
    Program program;
    if (!read_sources({path}, program)) {
      exit_code() = kExitUsage;
      continue;
    }
    format_one(options, program, program.files.front());
  }
}

}  // namespace

void add_fmt_command(CLI::App& app) {
  auto options = std::make_shared<FmtOptions>();
  CLI::App* fmt = app.add_subcommand("fmt", "Rewrite .flow files in the canonical layout");
  fmt->add_option("files", options->files, ".flow files")->required();
  fmt->add_flag("--check", options->check, "change nothing; exit 1 if a file is not formatted");
  fmt->add_flag("--stdout", options->to_stdout, "print the formatted text instead of rewriting");
  fmt->callback([options] { run_fmt(*options); });
}

}  // namespace flow::flowc
