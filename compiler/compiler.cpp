// compile(): parse every file, run the checking passes in order, and generate code only
// for a program without errors. Each pass lives in its own file (see program.hpp).
#include "compiler/compiler.hpp"

#include <algorithm>

#include "compiler/program.hpp"
#include "compiler/template_files.hpp"
#include "grammar/parser.hpp"

namespace flow::compiler {

void OrderedSink::flush() {
  std::stable_sort(held_.begin(), held_.end(), [](const grammar::Diagnostic& a, const grammar::Diagnostic& b) {
    return std::pair(a.span.file, a.span.begin.offset) < std::pair(b.span.file, b.span.begin.offset);
  });
  for (grammar::Diagnostic& diagnostic : held_) inner_.report(std::move(diagnostic));
  held_.clear();
}

namespace {

std::optional<bytecode::Module> run_passes(Program& program, const std::vector<uint32_t>& files) {
  for (const uint32_t file : files) {
    program.units.push_back(Unit{grammar::parse(program.sources, file, program.sink), {}, {}});
  }
  // A tree the parser had to repair would only produce follow-on errors.
  if (program.sink.errors() > 0) return std::nullopt;
  declare(program);
  check_settings(program);
  resolve_names(program);
  check_types(program);
  check_flow(program);
  if (program.sink.errors() > 0) return std::nullopt;
  bytecode::Module module = generate(program);
  if (program.sink.errors() > 0) return std::nullopt;
  return module;
}

}  // namespace

std::optional<bytecode::Module> compile(grammar::SourceSet& sources, const std::vector<uint32_t>& files,
                                        grammar::DiagnosticSink& sink, const Options& options) {
  Options effective = options;
  if (!effective.read_file) effective.read_file = read_file_from_disk;
  OrderedSink ordered(sink);
  Program program{sources, ordered, effective, {}, {}, {}, {}};
  std::optional<bytecode::Module> module = run_passes(program, files);
  ordered.flush();
  if (options.retain_state != nullptr) {
    struct State {
      std::vector<Unit> units;
      std::vector<TemplateDecl> templates;
      std::vector<WorkflowDecl> workflows;
      std::unordered_map<std::string_view, uint32_t> template_index;
    };
    *options.retain_state = std::make_shared<State>(State{std::move(program.units), std::move(program.templates),
                                                          std::move(program.workflows), std::move(program.template_index)});
  }
  return module;
}

}  // namespace flow::compiler
