#include "lsp/workspace.hpp"

#include <fstream>
#include <set>
#include <sstream>

#include "grammar/parser.hpp"

namespace flow::lsp {

namespace fs = std::filesystem;

Document& Workspace::open(const std::string& uri, std::string text, int64_t version) {
  documents_.erase(uri);
  return documents_.try_emplace(uri, uri, std::move(text), version).first->second;
}

Document* Workspace::find(const std::string& uri) {
  const auto it = documents_.find(uri);
  return it == documents_.end() ? nullptr : &it->second;
}

Facts Workspace::facts() {
  Facts all;
  std::set<std::string> open_paths;
  for (const auto& [uri, document] : documents_) {
    all.merge(collect_facts(document.ast()));
    open_paths.insert(document.path());
  }
  std::error_code error;
  if (root_.empty() || !fs::is_directory(root_, error)) return all;
  for (const fs::directory_entry& entry : fs::directory_iterator(root_, error)) {
    // An open document's text is newer than its file.
    if (entry.path().extension() == ".flow" && !open_paths.contains(entry.path().string())) {
      all.merge(disk_facts(entry.path()));
    }
  }
  return all;
}

const Facts& Workspace::disk_facts(const fs::path& path) {
  std::error_code error;
  const fs::file_time_type modified = fs::last_write_time(path, error);
  DiskFile& cached = disk_[path.string()];
  if (cached.modified == modified && !error) return cached.facts;
  cached.modified = modified;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  grammar::SourceSet sources;
  sources.add(path.string(), text.str());
  grammar::DiagnosticList ignored;  // the file's own problems are not this document's
  cached.facts = collect_facts(grammar::parse(sources, 0, ignored));
  return cached.facts;
}

}  // namespace flow::lsp
