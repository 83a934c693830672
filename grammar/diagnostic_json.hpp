#pragma once
// Diagnostics as JSON for tools: `flowc check --format json` and flowd's API answer a source
// that does not compile with the same objects.
#include <nlohmann/json.hpp>

#include "grammar/diagnostic.hpp"
#include "grammar/source.hpp"

namespace flow::grammar {

// {file, line, column, end_line, end_column, severity, code, message, notes: [{file, line,
// column, end_line, end_column, message}]}
nlohmann::json diagnostic_json(const SourceSet& sources, const Diagnostic& diagnostic);

// [diagnostic_json of each], in order.
nlohmann::json diagnostics_json(const SourceSet& sources, const DiagnosticList& diagnostics);

}  // namespace flow::grammar
