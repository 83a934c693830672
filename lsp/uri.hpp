#pragma once
// `file://` URIs and file system paths. The compiler names files by path (template files
// are found relative to the .flow file), the editor by URI.
#include <string>
#include <string_view>

namespace flow::lsp {

// The path of a `file:` URI (percent-decoded), or the URI itself for another scheme
// (`untitled:Untitled-1`), which then names the document but no file on disk.
std::string uri_to_path(std::string_view uri);

// `file://` + the percent-encoded absolute path.
std::string path_to_uri(std::string_view path);

}  // namespace flow::lsp
