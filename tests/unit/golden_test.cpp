// The golden-file driver for flowc: diagnostics of broken inputs, and disassembly, graphs
// and formatting of the examples. Each case runs the real flowc binary.
#include <gtest/gtest.h>

#include "tests/support/golden.hpp"

namespace flow::testing {
namespace {

namespace fs = std::filesystem;

std::string flowc() { return FLOWC_PATH; }

std::string param_name(const ::testing::TestParamInfo<fs::path>& info) { return test_name_for(info.param); }

// ---- Broken inputs: tests/golden/errors/NAME.flow -> NAME.expected -------------------

class Diagnostics : public ::testing::TestWithParam<fs::path> {};

TEST_P(Diagnostics, MatchGoldenFile) {
  const fs::path source = GetParam();
  const CommandResult result = run_command(flowc() + " check " + source.string());
  fs::path golden = source;
  golden.replace_extension(".expected");
  EXPECT_EQ(compare_with_golden(golden, result.output), "");
  const bool has_error = result.output.find(": error: ") != std::string::npos;
  EXPECT_EQ(result.exit_code, has_error ? 1 : 0) << result.output;
}

INSTANTIATE_TEST_SUITE_P(Golden, Diagnostics, ::testing::ValuesIn(files_with_extension("tests/golden/errors", ".flow")),
                         param_name);

// ---- The examples: clean, canonical, and their disassembly and graphs ------------------

class Example : public ::testing::TestWithParam<fs::path> {
 protected:
  std::string stem() const { return GetParam().stem().string(); }
};

TEST_P(Example, ChecksCleanly) {
  const CommandResult result = run_command(flowc() + " check " + GetParam().string());
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.output, "");
}

TEST_P(Example, IsCanonicallyFormatted) {
  const CommandResult result = run_command(flowc() + " fmt --check " + GetParam().string());
  EXPECT_EQ(result.exit_code, 0) << result.output;
}

TEST_P(Example, DisassemblyMatchesGoldenFile) {
  const CommandResult result = run_command(flowc() + " disasm " + GetParam().string());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(compare_with_golden("tests/golden/disasm/" + stem() + ".expected", result.output), "");
}

TEST_P(Example, GraphsMatchGoldenFiles) {
  for (const std::string format : {"dot", "mermaid", "json"}) {
    const CommandResult result = run_command(flowc() + " graph --format " + format + " " + GetParam().string());
    ASSERT_EQ(result.exit_code, 0) << result.output;
    EXPECT_EQ(compare_with_golden("tests/golden/graph/" + stem() + "." + format, result.output), "");
  }
}

INSTANTIATE_TEST_SUITE_P(Golden, Example, ::testing::ValuesIn(files_with_extension("examples", ".flow")), param_name);

}  // namespace
}  // namespace flow::testing
