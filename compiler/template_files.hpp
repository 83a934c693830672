#pragma once
#include <string>

#include "compiler/program.hpp"

namespace flow::compiler {

// `html file "p"`: reads `path` relative to the directory of the unit's .flow file with
// Options::read_file, adds it to the SourceSet (so diagnostics in it point into the file)
// and parses it as template text. kNone, after a diagnostic at `path_span`, when the file
// cannot be read.
ExprId load_template_file(Program& program, uint32_t unit, const std::string& path, const grammar::Span& path_span);

// The file system reader used when Options::read_file is not set.
std::optional<std::string> read_file_from_disk(const std::string& path);

}  // namespace flow::compiler
