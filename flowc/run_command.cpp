// flowc run FILE --workflow NAME --contact CONTACT.json [--events TIMELINE.jsonl] [--until 90d]
// [--format text|json]: one execution in virtual time, with no database and no network
// (vm/simulator.hpp), printed as a timeline a person can read.
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "flowc/commands.hpp"
#include "flowc/program.hpp"
#include "stdlib/json.hpp"
#include "stdlib/json_nlohmann.hpp"
#include "stdlib/operators.hpp"
#include "stdlib/time.hpp"
#include "vm/interpreter.hpp"
#include "vm/simulator.hpp"

namespace flow::flowc {

namespace {

using stdlib::Value;
using vm::Record;

struct RunOptions {
  std::vector<std::string> files;
  std::string workflow;
  std::string contact;
  std::string events;
  std::string until = "90d";
  std::string start = "2024-01-01T00:00:00Z";
  std::string format = "text";
  size_t max_effects = 100'000;
  bool trace = false;
  bool reload_frames = false;
};

void usage_error(const std::string& message) {
  std::cerr << "flowc run: " << message << "\n";
  exit_code() = kExitUsage;
}

// `+1d 02:03:04`: days and the time of day since the simulation started.
std::string offset_text(double seconds) {
  const auto whole = static_cast<long long>(std::floor(seconds));
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "+%lldd %02lld:%02lld:%02lld", whole / 86400, whole % 86400 / 3600,
                whole % 3600 / 60, whole % 60);
  return buffer;
}

std::string quoted(const std::string& text) { return stdlib::to_json(Value::string(text)); }

std::string status_of(const vm::Simulation& sim) {
  const Record& last = sim.records.back();
  if (last.kind == Record::Kind::Unfinished) return "WAITING";
  if (last.kind == Record::Kind::Runaway) return "STOPPED";
  if (last.effect.as<vm::effect::Exited>()) return "EXITED";
  if (last.effect.as<vm::effect::Failed>()) return "FAILED";
  return "COMPLETED";
}

std::string location_of(const vm::effect::Failed& f) {
  if (f.line == 0) return f.file.empty() ? "" : f.file + ": ";
  return f.file + ":" + std::to_string(f.line) + ":" + std::to_string(f.column) + ": ";
}

// What an effect did, after its step's label.
std::string effect_text(const vm::Effect& effect, double start) {
  using namespace vm::effect;
  if (const auto* e = effect.as<Send>())
    return "to " + e->to + "  " + quoted(e->subject) + (e->suppressed ? "  (not delivered: unsubscribed)" : "");
  if (const auto* e = effect.as<Delay>()) return "until " + offset_text(e->until - start);
  if (const auto* e = effect.as<Wait>()) return "until " + offset_text(e->deadline - start);
  if (const auto* e = effect.as<Webhook>()) {
    std::string out = e->method + " " + e->url;
    if (!e->headers.is_null()) out += "  headers " + stdlib::to_json(e->headers);
    if (!e->body.is_null()) out += "  " + stdlib::to_json(e->body);
    return out;
  }
  if (const auto* e = effect.as<Update>()) return stdlib::to_json(e->fields);
  return "";
}

std::string final_text(const vm::Effect& effect) {
  using namespace vm::effect;
  if (const auto* e = effect.as<Exited>()) return e->reason.empty() ? "EXITED" : "EXITED  " + quoted(e->reason);
  if (const auto* e = effect.as<Failed>()) return "FAILED  " + location_of(*e) + e->message;
  return "COMPLETED";
}

void print_text(const bytecode::Module& module, const vm::Simulation& sim, double start) {
  auto label = [&](uint32_t step) { return step < module.steps.size() ? module.steps[step].label : std::string(); };
  for (const Record& r : sim.records) {
    std::string line = offset_text(r.at) + "  ";
    switch (r.kind) {
      case Record::Kind::Started: {
        line += "start  on " + quoted(r.value.find("name")->as_string());
        const Value& data = *r.value.find("data");
        if (data.is(stdlib::Kind::Object) && !data.as_object().empty()) line += "  " + stdlib::to_json(data);
        break;
      }
      case Record::Kind::Effect:
        if (r.effect.is_final()) {
          line += final_text(r.effect);
        } else {
          line += label(r.step);
          if (const std::string details = effect_text(r.effect, start); !details.empty()) line += "  " + details;
        }
        break;
      case Record::Kind::Received: {
        line += "received " + quoted(r.value.find("name")->as_string());
        const Value& data = *r.value.find("data");
        if (data.is(stdlib::Kind::Object) && !data.as_object().empty()) line += "  " + stdlib::to_json(data);
        break;
      }
      case Record::Kind::Branch: line += label(r.step) + "  " + stdlib::to_text(r.value); break;
      case Record::Kind::TimedOut: line += "timed out"; break;
      case Record::Kind::Response: {
        line += "response " + stdlib::to_text(*r.value.find("status"));
        if (const Value& body = *r.value.find("body"); !body.is_null()) line += "  " + stdlib::to_json(body);
        break;
      }
      case Record::Kind::Unfinished: line += "WAITING  past the end of the simulation"; break;
      case Record::Kind::Runaway: line += "STOPPED  the execution does not end (see --max-effects)"; break;
    }
    std::cout << line << "\n";
  }
}

void print_json(const bytecode::Module& module, uint32_t workflow, const vm::Simulation& sim, double start) {
  nlohmann::ordered_json out;
  out["workflow"] = module.workflows[workflow].name;
  out["start"] = stdlib::format_iso8601(start);
  static constexpr const char* kinds[] = {"start", "effect", "branch", "received", "timed_out", "response", "waiting", "stopped"};
  nlohmann::ordered_json records = nlohmann::ordered_json::array();
  for (const Record& r : sim.records) {
    nlohmann::ordered_json item;
    item["at"] = offset_text(r.at);
    item["kind"] = kinds[static_cast<int>(r.kind)];
    if (r.step < module.steps.size()) item["step"] = module.steps[r.step].label;
    if (r.kind == Record::Kind::Effect) {
      const nlohmann::ordered_json effect = stdlib::to_nlohmann(vm::to_value(r.effect));
      for (const auto& [key, value] : effect.items()) {
        if (key != "step") item[key] = value;
      }
    } else if (!r.value.is_null()) {
      item["value"] = stdlib::to_nlohmann(r.value);
    }
    records.push_back(std::move(item));
  }
  out["records"] = std::move(records);
  out["status"] = status_of(sim);
  out["contact"] = stdlib::to_nlohmann(sim.contact);
  std::cout << out.dump(2) << "\n";
}

std::optional<uint32_t> pick_workflow(const bytecode::Module& module, const std::string& name) {
  if (name.empty() && module.workflows.size() == 1) return 0;
  if (name.empty()) {
    usage_error("the module has " + std::to_string(module.workflows.size()) + " workflows: name one with --workflow");
    return std::nullopt;
  }
  for (uint32_t i = 0; i < module.workflows.size(); ++i) {
    if (module.workflows[i].name == name) return i;
  }
  usage_error("there is no workflow `" + name + "`");
  return std::nullopt;
}

std::optional<Value> read_json(const std::string& path) {
  const auto text = read_file(path);
  if (!text) {
    usage_error("cannot read " + path);
    return std::nullopt;
  }
  auto parsed = stdlib::parse_json(*text);
  if (auto* error = std::get_if<stdlib::JsonError>(&parsed)) {
    usage_error(path + ": " + error->message);
    return std::nullopt;
  }
  return std::get<Value>(std::move(parsed));
}

void run(const RunOptions& options) {
  vm::SimulationOptions sim_options;
  const auto until = stdlib::parse_duration(options.until);
  const auto start = stdlib::parse_iso8601(options.start);
  if (!until) return usage_error("--until wants a duration like 90d, 2h or 30m, not `" + options.until + "`");
  if (!start) return usage_error("--start wants an ISO-8601 time, not `" + options.start + "`");
  sim_options.until = *until;
  sim_options.start = *start;
  sim_options.reload_frames = options.reload_frames;
  sim_options.max_effects = options.max_effects;
  if (options.trace) sim_options.trace = [](std::string_view line) { std::cerr << line << "\n"; };

  const auto contact = read_json(options.contact);
  if (!contact) return;
  vm::Timeline timeline;
  if (!options.events.empty()) {
    const auto text = read_file(options.events);
    if (!text) return usage_error("cannot read " + options.events);
    auto parsed = vm::parse_timeline(*text);
    if (auto* error = std::get_if<std::string>(&parsed)) return usage_error(options.events + ": " + *error);
    timeline = std::get<vm::Timeline>(std::move(parsed));
  }

  auto module = load_module(options.files);
  if (!module) return;
  auto loaded = vm::Program::load(std::move(*module));
  if (auto* error = std::get_if<vm::Program::Error>(&loaded)) {
    std::cerr << "flowc run: the module is invalid:\n" << error->message << "\n";
    exit_code() = kExitErrors;
    return;
  }
  const vm::Program& program = std::get<vm::Program>(loaded);
  const auto workflow = pick_workflow(program.module(), options.workflow);
  if (!workflow) return;

  const vm::Simulation sim = vm::simulate(program, *workflow, *contact, timeline, sim_options);
  if (options.format == "json") {
    print_json(program.module(), *workflow, sim, *start);
  } else {
    print_text(program.module(), sim, *start);
  }
  if (status_of(sim) == "FAILED") exit_code() = kExitErrors;
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand("run", "Simulate one execution in virtual time (no database, no network)");
  cmd->add_option("files", options->files, "a .flowb module, or .flow files to compile in memory")->required();
  cmd->add_option("--workflow,-w", options->workflow, "the workflow to run (optional when there is one)");
  cmd->add_option("--contact,-c", options->contact, "the contact: {\"email\", \"subscribed\", \"data\"} as JSON")
      ->required();
  cmd->add_option("--events,-e", options->events,
                  "a timeline, one JSON object a line: {\"at\":\"2d\",\"event\":\"email.click\",\"data\":{}} or "
                  "{\"at\":\"1h\",\"webhook\":{\"status\":500,\"body\":…}}");
  cmd->add_option("--until", options->until, "how much virtual time to simulate (90d, 2h, 30m)")->capture_default_str();
  cmd->add_option("--start", options->start, "the virtual start time (ISO-8601)")->capture_default_str();
  cmd->add_option("--format", options->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->add_option("--max-effects", options->max_effects, "stop an execution that runs this many effects")
      ->capture_default_str();
  cmd->add_flag("--trace", options->trace, "print every instruction to stderr as it runs");
  cmd->add_flag("--reload-frames", options->reload_frames,
                "serialise the frame after every suspension and resume from the bytes (for testing)");
  cmd->callback([options] { run(*options); });
}

}  // namespace flow::flowc
