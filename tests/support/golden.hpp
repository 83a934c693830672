#pragma once
// Helpers for golden tests: run a command, compare its output with a checked-in file.
// FLOW_UPDATE_GOLDEN=1 rewrites the files instead (then read the diff: it is the spec).
#include <filesystem>
#include <string>
#include <vector>

namespace flow::testing {

struct CommandResult {
  std::string output;  // stdout and stderr together, in order
  int exit_code = -1;
};

// Runs a shell command with FLOW_SOURCE_DIR as the working directory.
CommandResult run_command(const std::string& command);

std::string read_text(const std::filesystem::path& path);
// The files under `dir` (relative to the source tree) ending in `extension`, sorted.
std::vector<std::filesystem::path> files_with_extension(const std::string& dir, const std::string& extension);

bool updating_golden_files();
// Compares `actual` with the golden file (or rewrites it when updating); returns a
// message describing the first difference, empty when equal.
std::string compare_with_golden(const std::filesystem::path& golden, const std::string& actual);

// A name usable as a GoogleTest parameter name: letters, digits and `_` only.
std::string test_name_for(const std::filesystem::path& path);

}  // namespace flow::testing
