#pragma once
// What the subcommands share: reading files, compiling them, printing diagnostics.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bytecode/module.hpp"
#include "grammar/diagnostic.hpp"
#include "grammar/source.hpp"

namespace flow::flowc {

enum class OutputFormat { Text, Json };

struct Program {
  grammar::SourceSet sources;
  std::vector<uint32_t> files;
  grammar::DiagnosticList diagnostics;
  std::optional<bytecode::Module> module;
  // When set, compile() keeps the compiler's working state here rather than freeing it
  // (see compiler::Options::retain_state), for a command that exits right afterwards.
  bool keep_compiler_state = false;
  std::shared_ptr<void> compiler_state;
};

// Reads every path into `program.sources`; prints an error and returns false when a file
// cannot be read.
bool read_sources(const std::vector<std::string>& paths, Program& program);

// Compiles the program's files into one module named `module_name`.
void compile(Program& program, const std::string& module_name);

// Prints the diagnostics (text to stderr with a summary line, or JSON to stdout).
void print_diagnostics(const Program& program, OutputFormat format);

// The module of a .flowb file, or of .flow sources compiled in memory. Prints the problem
// and sets the exit code when there is none.
std::optional<bytecode::Module> load_module(const std::vector<std::string>& paths);

std::optional<std::string> read_file(const std::string& path);
std::string module_name_for(const std::string& path);  // the file name without directory and extension

}  // namespace flow::flowc
