#include "flowc/program.hpp"

#include <fmt/core.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "bytecode/module_io.hpp"
#include "compiler/compiler.hpp"
#include "flowc/commands.hpp"
#include "grammar/diagnostic_json.hpp"

namespace flow::flowc {

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in || std::filesystem::is_directory(path)) return std::nullopt;
  // A regular file is read with one read, sized from its length; a pipe or a device has
  // no length to ask for and is read through a stream.
  std::error_code error;
  if (std::filesystem::is_regular_file(path, error)) {
    const auto size = std::filesystem::file_size(path, error);
    if (!error) {
      std::string text(static_cast<size_t>(size), '\0');
      in.read(text.data(), static_cast<std::streamsize>(size));
      text.resize(static_cast<size_t>(in.gcount()));
      return text;
    }
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string module_name_for(const std::string& path) { return std::filesystem::path(path).stem().string(); }

bool read_sources(const std::vector<std::string>& paths, Program& program) {
  for (const std::string& path : paths) {
    std::optional<std::string> text = read_file(path);
    if (!text) {
      fmt::print(stderr, "flowc: error: cannot read `{}`\n", path);
      return false;
    }
    program.files.push_back(program.sources.add(path, std::move(*text)));
  }
  return true;
}

void compile(Program& program, const std::string& module_name) {
  compiler::Options options;
  options.module_name = module_name;
  if (program.keep_compiler_state) options.retain_state = &program.compiler_state;
  program.module = compiler::compile(program.sources, program.files, program.diagnostics, options);
}

namespace {

std::string plural(size_t count, std::string_view word) {
  return fmt::format("{} {}{}", count, word, count == 1 ? "" : "s");
}

}  // namespace

void print_diagnostics(const Program& program, OutputFormat format) {
  const auto& items = program.diagnostics.items();
  const size_t errors = program.diagnostics.error_count();
  const size_t warnings = items.size() - errors;
  if (format == OutputFormat::Json) {
    const nlohmann::json out = {{"diagnostics", grammar::diagnostics_json(program.sources, program.diagnostics)},
                                {"errors", errors},
                                {"warnings", warnings}};
    std::cout << out.dump(2) << '\n';
    return;
  }
  for (const grammar::Diagnostic& diagnostic : items) {
    std::cerr << grammar::render_text(program.sources, diagnostic);
  }
  if (!items.empty()) std::cerr << plural(errors, "error") << ", " << plural(warnings, "warning") << '\n';
}

namespace {

bool is_bytecode_file(const std::string& path) { return std::filesystem::path(path).extension() == ".flowb"; }

std::optional<bytecode::Module> load_bytecode(const std::string& path) {
  std::optional<std::string> bytes = read_file(path);
  if (!bytes) {
    fmt::print(stderr, "flowc: error: cannot read `{}`\n", path);
    exit_code() = kExitUsage;
    return std::nullopt;
  }
  auto loaded = bytecode::deserialize(std::vector<uint8_t>(bytes->begin(), bytes->end()));
  if (auto* error = std::get_if<bytecode::LoadError>(&loaded)) {
    fmt::print(stderr, "{}: error: {}\n", path, error->message);
    exit_code() = kExitErrors;
    return std::nullopt;
  }
  return std::get<bytecode::Module>(std::move(loaded));
}

}  // namespace

std::optional<bytecode::Module> load_module(const std::vector<std::string>& paths) {
  if (paths.size() == 1 && is_bytecode_file(paths.front())) return load_bytecode(paths.front());
  Program program;
  if (!read_sources(paths, program)) {
    exit_code() = kExitUsage;
    return std::nullopt;
  }
  compile(program, module_name_for(paths.front()));
  print_diagnostics(program, OutputFormat::Text);
  if (!program.module) exit_code() = kExitErrors;
  return std::move(program.module);
}

}  // namespace flow::flowc
