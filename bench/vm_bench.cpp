// VM benchmarks (docs/performance.md, "VM"):
//   1. expression evaluations per second for
//        contact.data.plan == "pro" and len(contact.data.tags) > 2
//      next to Debian's lua5.4 evaluating the same expression over the same data;
//   2. one activation: load a frame from bytes, resume it, run to the next suspension,
//      serialise the frame;
//   3. the serialised frame's size at each waiting point of each example.
// Run: build/bench/vm_bench (the Lua side needs /usr/bin/lua5.4; it is skipped without it).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "bytecode/instruction.hpp"
#include "compiler/compiler.hpp"
#include "stdlib/json.hpp"
#include "vm/interpreter.hpp"
#include "vm/simulator.hpp"

namespace {

namespace fs = std::filesystem;
using namespace flow;

constexpr const char* kContact =
    R"({"email":"ada@example.com","subscribed":true,"data":{"firstName":"Ada","plan":"pro","tags":["a","b","c"],"signups":3}})";

stdlib::Value json(const std::string& text) { return std::get<stdlib::Value>(stdlib::parse_json(text)); }

std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bytecode::Module compile(const std::string& name, const std::string& source) {
  grammar::SourceSet sources;
  const uint32_t file = sources.add(name, source);
  grammar::DiagnosticList diagnostics;
  compiler::Options options;
  options.module_name = fs::path(name).stem().string();
  options.read_file = [](const std::string& path) -> std::optional<std::string> { return read(path); };
  auto module = compiler::compile(sources, {file}, diagnostics, options);
  if (!module) {
    for (const auto& d : diagnostics.items()) std::cerr << grammar::render_text(sources, d);
    std::abort();
  }
  return std::move(*module);
}

vm::Program load(bytecode::Module module) { return std::get<vm::Program>(vm::Program::load(std::move(module))); }

// ---- 1. Expressions ------------------------------------------------------------------------

// The expression as the compiler emits it for a template hole, made into a part that
// returns its value instead of converting it to text: the part's code up to its final
// `Concat 1`, copied to the end of the code with its jumps moved along, then `Return`.
struct ExpressionProgram {
  vm::Program program;
  uint32_t offset;
};

ExpressionProgram expression_program() {
  bytecode::Module m = compile("expr.flow", R"(
template t {
  type headless
  subject "{{ contact.data.plan == "pro" and len(contact.data.tags) > 2 }}"
  from "a@b.test"
  html "x"
}
workflow w on "go" {
  send t
})");
  const uint32_t begin = m.templates[0].subject;
  uint32_t end = begin;
  while (bytecode::decode(m.code, end)->op != bytecode::Op::Concat) end += bytecode::decode(m.code, end)->size;
  const uint32_t base = static_cast<uint32_t>(m.code.size());
  for (uint32_t pc = begin; pc < end; pc += bytecode::decode(m.code, pc)->size) {
    const auto in = *bytecode::decode(m.code, pc);
    const size_t at = m.code.size();
    m.code.insert(m.code.end(), m.code.begin() + pc, m.code.begin() + pc + in.size);
    if (bytecode::op_info(in.op).shape == bytecode::OperandShape::Jump) {
      const uint32_t target = in.a - begin + base;
      for (int i = 0; i < 4; ++i) m.code[at + 1 + i] = static_cast<uint8_t>(target >> (8 * i));
    }
  }
  m.code.push_back(static_cast<uint8_t>(bytecode::Op::Return));
  m.templates[0].subject = base;
  return {load(std::move(m)), base};
}

double g_lua_ns = 0;  // set by BM_ExpressionLua
constexpr long kEvaluations = 20'000'000;

void BM_ExpressionFlow(benchmark::State& state) {
  const ExpressionProgram e = expression_program();
  vm::Interpreter interpreter(e.program);
  vm::Frame frame;
  const vm::Inputs inputs{json(kContact), stdlib::Value(), 0};
  int64_t yes = 0;
  for (auto _ : state) {
    yes += interpreter.evaluate(e.offset, frame, inputs).as_bool();
  }
  if (yes != state.iterations()) state.SkipWithError("the expression should be true");
  state.SetItemsProcessed(state.iterations());
}

// Flow timed the way the Lua script times itself (CPU time over n evaluations), for the ratio.
double flow_ns_per_eval(long n) {
  const ExpressionProgram e = expression_program();
  vm::Interpreter interpreter(e.program);
  vm::Frame frame;
  const vm::Inputs inputs{json(kContact), stdlib::Value(), 0};
  long yes = 0;
  const std::clock_t start = std::clock();
  for (long i = 0; i < n; ++i) yes += interpreter.evaluate(e.offset, frame, inputs).as_bool();
  const double elapsed = static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
  if (yes != n) std::abort();
  return elapsed * 1e9 / static_cast<double>(n);
}

constexpr const char* kLuaScript = R"(
local contact = {email = "ada@example.com", subscribed = true,
                 data = {firstName = "Ada", plan = "pro", tags = {"a", "b", "c"}, signups = 3}}
local function evaluate(contact)
  return contact.data.plan == "pro" and #contact.data.tags > 2
end
local n = tonumber(arg[1])
local yes = 0
local start = os.clock()
for _ = 1, n do
  if evaluate(contact) then yes = yes + 1 end
end
local elapsed = os.clock() - start
assert(yes == n)
print(string.format("%.6f", elapsed * 1e9 / n))
)";

// Runs lua5.4 on the same expression; the script times itself with os.clock (CPU time).
void BM_ExpressionLua(benchmark::State& state) {
  const fs::path script = fs::temp_directory_path() / "flow_vm_bench_expr.lua";
  std::ofstream(script) << kLuaScript;
  const long n = kEvaluations;
  for (auto _ : state) {
    FILE* pipe = popen(("lua5.4 " + script.string() + " " + std::to_string(n) + " 2>/dev/null").c_str(), "r");
    double ns = 0;
    if (!pipe || std::fscanf(pipe, "%lf", &ns) != 1) {
      if (pipe) pclose(pipe);
      state.SkipWithError("lua5.4 did not run");
      return;
    }
    pclose(pipe);
    state.SetIterationTime(ns * 1e-9);  // one iteration = one evaluation, as Lua measured it
    g_lua_ns = ns;
  }
  state.counters["ns_per_eval"] = g_lua_ns;
}

// ---- 2. Activations ------------------------------------------------------------------------

struct Example {
  std::string name;
  vm::Program program;
};

Example example(const std::string& name) {
  const fs::path path = fs::path(FLOW_SOURCE_DIR) / "examples" / (name + ".flow");
  return {name, load(compile(path.string(), read(path)))};
}

// onboarding, waiting for "email.click": the click resumes it and it runs to the update.
void BM_Activation(benchmark::State& state) {
  const Example onboarding = example("onboarding");
  vm::Interpreter interpreter(onboarding.program);
  vm::Inputs inputs{json(kContact), stdlib::Value(), 0};
  vm::Frame frame;
  // send welcome, delay 1 day (resumed a day later), then the wait.
  interpreter.start(0, vm::make_event("user.signup", json("{}"), 0), inputs, frame);
  interpreter.resume(frame, vm::Resume::done(), inputs);
  inputs.now = 86400;
  if (!interpreter.resume(frame, vm::Resume::done(), inputs).as<vm::effect::Wait>()) std::abort();
  const std::vector<uint8_t> waiting = vm::serialize(frame);
  inputs.now = 90000;
  const vm::Resume click = vm::Resume::event(vm::make_event("email.click", json(R"({"link":"x"})"), inputs.now));
  size_t bytes = 0;
  for (auto _ : state) {
    vm::Frame loaded = std::get<vm::Frame>(vm::deserialize(waiting, onboarding.program));
    const vm::Effect next = interpreter.resume(loaded, click, inputs);
    if (!next.as<vm::effect::Update>()) std::abort();
    bytes += vm::serialize(loaded).size();
  }
  benchmark::DoNotOptimize(bytes);
  state.counters["frame_bytes_in"] = static_cast<double>(waiting.size());
}

// ---- 3. Frame sizes ------------------------------------------------------------------------

// Every waiting point of every example's golden scenarios (tests/sim), with the share of the
// frame that is the locals' and the event's own data.
void print_frame_sizes() {
  std::printf("%-34s %-44s %6s %6s %6s\n", "scenario", "waiting at", "frame", "data", "fixed");
  std::vector<fs::path> contacts;
  for (const auto& entry : fs::directory_iterator(fs::path(FLOW_SOURCE_DIR) / "tests/sim")) {
    if (entry.path().filename().string().ends_with(".contact.json")) contacts.push_back(entry.path());
  }
  std::sort(contacts.begin(), contacts.end());
  for (const fs::path& contact : contacts) {
    const std::string file = contact.filename().string();
    const std::string scenario = file.substr(0, file.size() - std::string(".contact.json").size());
    const Example ex = example(scenario.substr(0, scenario.find('-')));
    vm::Timeline timeline;
    const fs::path events = contact.parent_path() / (scenario + ".events.jsonl");
    if (fs::exists(events)) timeline = std::get<vm::Timeline>(vm::parse_timeline(read(events)));
    const vm::Simulation sim = vm::simulate(ex.program, 0, json(read(contact)), timeline, {});
    for (const vm::Record& r : sim.records) {
      if (r.kind != vm::Record::Kind::Effect || !(r.effect.as<vm::effect::Wait>() || r.effect.as<vm::effect::Delay>()))
        continue;
      // The same frame with empty locals and no event: what is left is the fixed part.
      vm::Frame bare;
      bare.module_name = ex.program.module().name;
      bare.awaiting = r.effect.as<vm::effect::Wait>() ? vm::Awaiting::Event : vm::Awaiting::Delay;
      bare.pc = 1000;
      bare.step = r.step;
      bare.locals.resize(ex.program.module().workflows[0].local_count);
      const size_t fixed = vm::serialize(bare).size();
      std::printf("%-34s %-44.44s %6zu %6zu %6zu\n", scenario.c_str(), ex.program.module().steps[r.step].label.c_str(),
                  r.frame_bytes, r.frame_bytes - fixed, fixed);
    }
  }
}

BENCHMARK(BM_ExpressionFlow);
BENCHMARK(BM_ExpressionLua)->UseManualTime()->Iterations(1);
BENCHMARK(BM_Activation);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  print_frame_sizes();
  std::printf("\n");
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  if (g_lua_ns > 0) {
    const double flow = flow_ns_per_eval(kEvaluations);
    std::printf("\nexpression, CPU time per evaluation over %ld evaluations:\n", kEvaluations);
    std::printf("  flow   %7.2f ns  (%.1f M/s)\n  lua5.4 %7.2f ns  (%.1f M/s)\n  flow is %.2fx as fast as lua5.4\n", flow,
                1e3 / flow, g_lua_ns, 1e3 / g_lua_ns, g_lua_ns / flow);
  }
  return 0;
}
