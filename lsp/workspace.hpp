#pragma once
// The open documents and the workspace folder around them: what the server knows between
// messages. Pure (no protocol): the server and the unit tests drive it the same way.
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "lsp/document.hpp"
#include "lsp/facts.hpp"

namespace flow::lsp {

class Workspace {
 public:
  // The folder whose .flow files (not its subfolders) feed completion; empty for none.
  void set_root(std::string path) { root_ = std::move(path); }

  Document& open(const std::string& uri, std::string text, int64_t version);
  void close(const std::string& uri) { documents_.erase(uri); }
  Document* find(const std::string& uri);
  std::map<std::string, Document>& documents() { return documents_; }

  // Events and contact data fields used by the open documents and by the .flow files in
  // the root folder (read from disk, and again only when they change).
  Facts facts();

 private:
  struct DiskFile {
    std::filesystem::file_time_type modified;
    Facts facts;
  };
  const Facts& disk_facts(const std::filesystem::path& path);

  std::string root_;
  std::map<std::string, Document> documents_;  // by URI
  std::map<std::string, DiskFile> disk_;       // by path
};

}  // namespace flow::lsp
