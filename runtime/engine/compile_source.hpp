#pragma once
// .flow text compiled for deploying: the module, the source kept for the API to show, and the
// templates as written (the module only has their compiled code), for GET /v1/templates.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bytecode/module.hpp"
#include "grammar/diagnostic.hpp"
#include "grammar/source.hpp"

namespace flow::runtime::engine {

struct SourceFile {
  std::string name;  // a path; template files (`html file "x.html"`) are relative to it
  std::string text;
};

struct CompiledSource {
  std::string source;  // the files one after the other, each after a `// NAME` line
  grammar::SourceSet sources;
  grammar::DiagnosticList diagnostics;
  std::optional<bytecode::Module> module;  // nullopt when there were errors
  // [{name, type, subject, from, reply_to, html, text}], each part the text as written
  // (`{{ }}` holes included; null when absent); a part read from a file is the file's text.
  nlohmann::json templates = nlohmann::json::array();
};

// Compiles the files as one program. `read_template_files` false: `html file "…"` is an
// error (a source sent over the API must not read the server's files).
CompiledSource compile_source(const std::vector<SourceFile>& files, bool read_template_files);

}  // namespace flow::runtime::engine
