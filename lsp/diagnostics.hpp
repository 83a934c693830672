#pragma once
// The compiler's diagnostics as the editor shows them: exact ranges, warnings as
// warnings, notes as related information.
#include <map>
#include <string>
#include <vector>

#include "lsp/document.hpp"
#include "lsp/types.hpp"

namespace flow::lsp {

// By URI: the document's own diagnostics (always present, so an empty list clears the
// old ones) and those inside the template files it reads (`html file "x.html"`).
std::map<std::string, std::vector<Diagnostic>> diagnostics_by_uri(const Document& document);

}  // namespace flow::lsp
