#include "runtime/flowd/deploy_flows.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "runtime/engine/compile_source.hpp"
#include "runtime/engine/deploy.hpp"

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
    case Change::Exists: return "exists";
    case Change::NotFound: return "not found";
    case Change::Locked: return "locked";
    case Change::TriggerChanged: return "trigger changed";
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
  std::vector<runtime::engine::SourceFile> sources;
  for (const fs::path& file : files) sources.push_back({file.string(), read_text(file)});
  const auto compiled = runtime::engine::compile_source(sources, /*read_template_files=*/true);
  for (const auto& diagnostic : compiled.diagnostics.items()) {
    std::cerr << grammar::render_text(compiled.sources, diagnostic);
  }
  if (!compiled.module) {
    spdlog::error("{} does not compile ({} errors): not starting", dir.string(), compiled.diagnostics.error_count());
    return false;
  }
  for (const auto& workflow : runtime::engine::deploy_each(conn, compiled)) {
    if (workflow.deployed()) {
      spdlog::info("workflow {}: {} (version {})", workflow.name, change_name(workflow.change), workflow.version);
      continue;
    }
    // The engine's message names the workflow and the way out; add what flowd does meanwhile.
    spdlog::error("workflow {} not deployed: {}", workflow.name, workflow.message);
    spdlog::error("workflow {} keeps running its deployed version; restart flowd to deploy the change once that "
                  "is done",
                  workflow.name);
  }
  return true;
}

}  // namespace flow::flowd
