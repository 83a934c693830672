// Simulations through `flowc run` (the real binary) and through the simulator in-process:
//   tests/sim/NAME.contact.json [+ NAME.events.jsonl] -> NAME.expected, for the example
//     examples/BASE.flow where BASE is NAME up to its first `-` (golden timelines;
//     FLOW_UPDATE_GOLDEN=1 rewrites them);
//   tests/sim/focused/*.flow: small workflows with their contact, timeline and expected
//     timeline written beside the source as `// contact:`, `// event:` and `// expect:` lines;
//   frames: every suspension saved and restored into a fresh interpreter gives the same
//     run as an uninterrupted one, over the golden scenarios and random timelines.
#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "compiler/compiler.hpp"
#include "stdlib/json.hpp"
#include "tests/support/golden.hpp"
#include "vm/interpreter.hpp"
#include "vm/simulator.hpp"

namespace flow::testing {
namespace {

namespace fs = std::filesystem;

std::string param_name(const ::testing::TestParamInfo<fs::path>& info) { return test_name_for(info.param); }

// ---- Golden timelines of the examples ----------------------------------------------------

struct Scenario {
  fs::path contact, events, expected, source;
};

Scenario scenario_of(const fs::path& contact) {
  const std::string name = contact.filename().string().substr(0, contact.filename().string().find(".contact.json"));
  Scenario s;
  s.contact = contact;
  s.events = contact.parent_path() / (name + ".events.jsonl");
  s.expected = contact.parent_path() / (name + ".expected");
  s.source = fs::path("examples") / (name.substr(0, name.find('-')) + ".flow");
  return s;
}

std::string run_flowc(const Scenario& s, const std::string& extra = "") {
  std::string command = std::string(FLOWC_PATH) + " run " + s.source.string() + " --contact " + s.contact.string();
  if (fs::exists(fs::path(FLOW_SOURCE_DIR) / s.events)) command += " --events " + s.events.string();
  return run_command(command + extra).output;
}

class ExampleTimeline : public ::testing::TestWithParam<fs::path> {};

TEST_P(ExampleTimeline, MatchesGoldenFile) {
  const Scenario s = scenario_of(GetParam());
  EXPECT_EQ(compare_with_golden(s.expected, run_flowc(s)), "");
}

TEST_P(ExampleTimeline, IsTheSameWhenFramesAreReloadedAtEverySuspension) {
  const Scenario s = scenario_of(GetParam());
  EXPECT_EQ(run_flowc(s, " --reload-frames --format json"), run_flowc(s, " --format json"));
}

// With --trace the interpreter runs the code as compiled; without it, the superinstructions
// that vm::Program fuses at load time. Both must give the same execution.
TEST_P(ExampleTimeline, IsTheSameWithAndWithoutFusedInstructions) {
  const Scenario s = scenario_of(GetParam());
  const std::string traced = run_flowc(s, " --trace --format json 2>/dev/null | cat");
  EXPECT_EQ(traced, run_flowc(s, " --format json"));
  EXPECT_NE(traced.find("\"records\""), std::string::npos) << traced;
}

INSTANTIATE_TEST_SUITE_P(Sim, ExampleTimeline, ::testing::ValuesIn(files_with_extension("tests/sim", ".json")),
                         param_name);

TEST(ExampleTimeline, EveryExampleHasAGoldenTimeline) {
  for (const fs::path& example : files_with_extension("examples", ".flow")) {
    const fs::path contact = fs::path(FLOW_SOURCE_DIR) / "tests/sim" / (example.stem().string() + ".contact.json");
    EXPECT_TRUE(fs::exists(contact)) << "missing " << contact;
  }
}

// ---- Focused simulations with their expectations beside the source ------------------------

class Focused : public ::testing::TestWithParam<fs::path> {};

TEST_P(Focused, ProducesTheExpectedTimeline) {
  const std::string source = read_text(fs::path(FLOW_SOURCE_DIR) / GetParam());
  std::string contact = "{}", events, expected, options;
  std::istringstream lines(source);
  for (std::string line; std::getline(lines, line);) {
    auto take = [&](const std::string& prefix, std::string& into, bool append) {
      if (!line.starts_with(prefix)) return;
      const std::string rest = line.substr(prefix.size());
      into = append ? into + rest + "\n" : rest;
    };
    take("// contact: ", contact, false);
    take("// event: ", events, true);
    take("// expect: ", expected, true);
    take("// options: ", options, false);
  }
  const fs::path dir = fs::temp_directory_path() / ("flow_sim_" + GetParam().stem().string());
  fs::create_directories(dir);
  std::ofstream(dir / "contact.json") << contact;
  std::ofstream(dir / "events.jsonl") << events;
  const std::string command = std::string(FLOWC_PATH) + " run " + GetParam().string() + " --contact " +
                              (dir / "contact.json").string() + " --events " + (dir / "events.jsonl").string() +
                              " " + options;
  EXPECT_EQ(run_command(command).output, expected);
  EXPECT_EQ(run_command(command + " --reload-frames").output, expected);
}

INSTANTIATE_TEST_SUITE_P(Sim, Focused, ::testing::ValuesIn(files_with_extension("tests/sim/focused", ".flow")),
                         param_name);

// ---- Bad input is a usage error with a message, never a crash ---------------------------

TEST(RunCommand, RejectsBadJsonAndBadTimelines) {
  const fs::path dir = fs::temp_directory_path() / "flow_sim_bad_input";
  fs::create_directories(dir);
  std::ofstream(dir / "bad.json") << "{\"email\": ";
  std::ofstream(dir / "good.json") << "{\"email\": \"a@example.com\"}";
  std::ofstream(dir / "bad.jsonl") << "{\"at\": \"1d\", \"event\": \"x\"}\n{\"at\": \"soon\", \"event\": \"y\"}\n";
  const std::string run = std::string(FLOWC_PATH) + " run examples/onboarding.flow --contact ";
  CommandResult result = run_command(run + (dir / "bad.json").string());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.output.find("bad.json: [json.exception.parse_error"), std::string::npos) << result.output;
  result = run_command(run + (dir / "good.json").string() + " --events " + (dir / "bad.jsonl").string());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.output.find("bad.jsonl: line 2: `at` must be a duration"), std::string::npos) << result.output;
  result = run_command(run + (dir / "good.json").string() + " --until forever");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.output.find("--until wants a duration"), std::string::npos) << result.output;
}

// ---- Frames: reloading at every suspension changes nothing, on random timelines ----------

std::optional<vm::Program> compile_example(const fs::path& path) {
  grammar::SourceSet sources;
  const uint32_t file = sources.add(path.string(), read_text(path));
  grammar::DiagnosticList diagnostics;
  compiler::Options options;
  options.module_name = path.stem().string();
  auto module = compiler::compile(sources, {file}, diagnostics, options);
  if (!module) return std::nullopt;
  auto loaded = vm::Program::load(std::move(*module));
  if (!std::holds_alternative<vm::Program>(loaded)) return std::nullopt;
  return std::get<vm::Program>(std::move(loaded));
}

// Everything a simulation produced, as text, for comparison.
std::string transcript(const vm::Simulation& sim) {
  std::string out;
  for (const vm::Record& r : sim.records) {
    out += std::to_string(static_cast<int>(r.kind)) + " " + std::to_string(r.at) + " " + std::to_string(r.step) + " " +
           stdlib::to_json(r.value);
    if (r.kind == vm::Record::Kind::Effect) out += " " + stdlib::to_json(vm::to_value(r.effect));
    out += "\n";
  }
  return out + stdlib::to_json(sim.contact);
}

TEST(FrameReload, RandomTimelinesGiveIdenticalRuns) {
  std::mt19937 random(20240501);
  const std::vector<std::string> names = {"email.click", "email.open", "checkout.completed", "newsletter.confirmed",
                                          "trial.converted", "user.login", "order.placed"};
  for (const fs::path& example : files_with_extension("examples", ".flow")) {
    const auto program = compile_example(fs::path(FLOW_SOURCE_DIR) / example);
    ASSERT_TRUE(program) << example;
    for (uint32_t w = 0; w < program->module().workflows.size(); ++w) {
      for (int round = 0; round < 40; ++round) {
        vm::Timeline timeline;
        const int count = static_cast<int>(random() % 6);
        for (int i = 0; i < count; ++i) {
          timeline.events.push_back({static_cast<double>(random() % (10 * 86400)), names[random() % names.size()],
                                     stdlib::Value::object({})});
          if (random() % 3 == 0) timeline.replies.push_back({0, static_cast<double>(200 + 100 * (random() % 4)), {}});
        }
        std::sort(timeline.events.begin(), timeline.events.end(), [](auto& a, auto& b) { return a.at < b.at; });
        const auto contact = std::get<stdlib::Value>(stdlib::parse_json(
            random() % 2 ? R"({"email":"a@b.test","subscribed":false,"data":{"plan":"pro","firstName":"Al"}})"
                         : R"({"email":"a@b.test","data":{"plan":"free","tags":["x","y","z"]}})"));
        vm::SimulationOptions options;
        const std::string plain = transcript(vm::simulate(*program, w, contact, timeline, options));
        options.reload_frames = true;
        EXPECT_EQ(transcript(vm::simulate(*program, w, contact, timeline, options)), plain) << example;
      }
    }
  }
}

}  // namespace
}  // namespace flow::testing
