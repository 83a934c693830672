#include "runtime/flowd/deploy_flows.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "compiler/compiler.hpp"
#include "runtime/engine/deploy.hpp"
#include "runtime/engine/error.hpp"

namespace flow::flowd {

namespace fs = std::filesystem;

namespace {

// Sorted, so the module (and its hash) does not depend on the directory's order.
std::vector<fs::path> flow_files(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".flow") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read `" + path.string() + "`");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const char* change_name(runtime::engine::DeployedWorkflow::Change change) {
  using Change = runtime::engine::DeployedWorkflow::Change;
  switch (change) {
    case Change::Created: return "created";
    case Change::Updated: return "updated";
    case Change::Unchanged: return "unchanged";
  }
  return "?";
}

}  // namespace

bool deploy_flows(runtime::store::Connection& conn, const fs::path& dir) {
  const std::vector<fs::path> files = flow_files(dir);
  if (files.empty()) {
    spdlog::warn("no .flow files in {}: nothing to deploy", dir.string());
    return true;
  }
  grammar::SourceSet sources;
  std::vector<uint32_t> ids;
  std::string source;  // what the API shows: the files one after the other
  for (const fs::path& file : files) {
    std::string text = read_text(file);
    source += "// " + file.filename().string() + "\n" + text + "\n";
    ids.push_back(sources.add(file.string(), std::move(text)));
  }
  grammar::DiagnosticList diagnostics;
  const auto module = compiler::compile(sources, ids, diagnostics);
  for (const auto& diagnostic : diagnostics.items()) std::cerr << grammar::render_text(sources, diagnostic);
  if (!module) {
    spdlog::error("{} does not compile ({} errors): not starting", dir.string(), diagnostics.error_count());
    return false;
  }
  try {
    for (const auto& workflow : runtime::engine::deploy(conn, source, *module)) {
      spdlog::info("workflow {}: {}", workflow.name, change_name(workflow.change));
    }
  } catch (const runtime::engine::Refused& refused) {
    spdlog::error("not deployed: {}", refused.what());
    // The engine's message names the workflow and the way out; add what flowd does meanwhile.
    spdlog::error("the deployed versions keep running unchanged; restart flowd to deploy once that is done");
  }
  return true;
}

}  // namespace flow::flowd
