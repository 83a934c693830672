#pragma once
// The compiler: parsed files in, a checked bytecode module out. It never prints; every
// problem goes to the caller's DiagnosticSink with its span.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bytecode/module.hpp"
#include "grammar/ast.hpp"
#include "grammar/diagnostic.hpp"
#include "grammar/source.hpp"

namespace flow::compiler {

struct Options {
  std::string module_name = "main";
  // Reads a template file (`html file "x.html"`); the path is already resolved against the
  // directory of the .flow file that names it. nullopt: unreadable (a diagnostic follows).
  std::function<std::optional<std::string>(const std::string& path)> read_file;  // default: the file system
  double max_duration_seconds = 366.0 * 24 * 3600;  // a longer delay or wait is a mistake
  // Where compile() moves its working state (the syntax trees, the declarations) when it
  // returns; null: the state is freed. Freeing a large program node by node is about 6 %
  // of compiling it, so a command-line tool that exits right after compiling may hand over
  // a holder it never destroys and leave the memory to the operating system.
  std::shared_ptr<void>* retain_state = nullptr;
};

// Parses, checks and compiles `files` (ids in `sources`) as one program: templates are
// shared by all workflows of all files. Template files read during compilation are added
// to `sources`. Returns the module when there were no errors (warnings are fine).
std::optional<bytecode::Module> compile(grammar::SourceSet& sources, const std::vector<uint32_t>& files,
                                        grammar::DiagnosticSink& sink, const Options& options = {});

}  // namespace flow::compiler
