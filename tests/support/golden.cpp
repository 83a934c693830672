#include "tests/support/golden.hpp"

#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace flow::testing {

namespace fs = std::filesystem;

CommandResult run_command(const std::string& command) {
  const std::string full = "cd '" FLOW_SOURCE_DIR "' && " + command + " 2>&1";
  CommandResult result;
  FILE* pipe = popen(full.c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<fs::path> files_with_extension(const std::string& dir, const std::string& extension) {
  std::vector<fs::path> files;
  const fs::path root = fs::path(FLOW_SOURCE_DIR) / dir;
  if (!fs::exists(root)) return files;
  for (const auto& entry : fs::directory_iterator(root)) {
    if (entry.path().extension() == extension) files.push_back(fs::relative(entry.path(), FLOW_SOURCE_DIR));
  }
  std::sort(files.begin(), files.end());
  return files;
}

bool updating_golden_files() {
  const char* value = std::getenv("FLOW_UPDATE_GOLDEN");
  return value && std::string(value) == "1";
}

std::string compare_with_golden(const fs::path& golden, const std::string& actual) {
  const fs::path path = fs::path(FLOW_SOURCE_DIR) / golden;
  if (updating_golden_files()) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary | std::ios::trunc) << actual;
    return {};
  }
  if (!fs::exists(path)) return "missing golden file " + golden.string() + " (run with FLOW_UPDATE_GOLDEN=1)";
  const std::string expected = read_text(path);
  if (expected == actual) return {};
  std::istringstream want(expected), got(actual);
  std::string want_line, got_line;
  for (int line = 1;; ++line) {
    const bool more_want = static_cast<bool>(std::getline(want, want_line));
    const bool more_got = static_cast<bool>(std::getline(got, got_line));
    if (!more_want && !more_got) return golden.string() + ": differs in line endings";
    if (!more_want || !more_got || want_line != got_line) {
      return golden.string() + ":" + std::to_string(line) + ": expected\n  " + (more_want ? want_line : "<end>") +
             "\nbut got\n  " + (more_got ? got_line : "<end>") + "\nfull output:\n" + actual;
    }
  }
}

std::string test_name_for(const fs::path& path) {
  std::string name = path.string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

}  // namespace flow::testing
