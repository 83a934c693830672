#include "vm/simulator.hpp"

#include <algorithm>
#include <memory>
#include <optional>

#include "stdlib/json.hpp"
#include "stdlib/time.hpp"
#include "vm/frame.hpp"
#include "vm/interpreter.hpp"

namespace flow::vm {

using stdlib::Kind;

namespace {

std::optional<double> offset_of(const Value* at) {
  if (!at) return 0.0;
  if (at->is(Kind::Number) && at->as_number() >= 0) return at->as_number();
  if (at->is(Kind::String)) return stdlib::parse_duration(at->as_string());
  return std::nullopt;
}

Value normalised_contact(Value contact) {
  stdlib::ObjectBuilder out;
  out.set("email", Value());
  out.set("subscribed", Value::boolean(true));
  out.set("data", Value::object({}));
  if (contact.is(Kind::Object)) {
    for (const stdlib::Field& field : contact.as_object()) out.set(field.first, field.second);
  }
  return out.build();
}

// The runtime's reserved variables, fixed so that simulations are reproducible.
Value simulated_reserved(const bytecode::Workflow& workflow) {
  stdlib::ObjectBuilder out;
  out.set("unsubscribeUrl", Value::string("https://flow.invalid/unsubscribe/simulated"));
  out.set("workflow", Value::string(workflow.name));
  out.set("execution", Value::string("simulated"));
  return out.build();
}

}  // namespace

std::variant<Timeline, std::string> parse_timeline(std::string_view jsonl) {
  Timeline timeline;
  size_t number = 0;
  for (size_t begin = 0; begin < jsonl.size();) {
    size_t end = jsonl.find('\n', begin);
    if (end == std::string_view::npos) end = jsonl.size();
    const std::string_view line = jsonl.substr(begin, end - begin);
    begin = end + 1;
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    const std::string where = "line " + std::to_string(number) + ": ";
    auto parsed = stdlib::parse_json(line);
    if (auto* error = std::get_if<stdlib::JsonError>(&parsed)) return where + error->message;
    const Value entry = std::get<Value>(std::move(parsed));
    if (!entry.is(Kind::Object)) return where + "expected a JSON object";
    const auto at = offset_of(entry.find("at"));
    if (!at) return where + "`at` must be a duration like \"2d\" or a number of seconds";
    const Value* event = entry.find("event");
    const Value* webhook = entry.find("webhook");
    if (event && event->is(Kind::String)) {
      const Value* data = entry.find("data");
      if (data && !data->is(Kind::Object) && !data->is_null()) return where + "`data` must be an object";
      timeline.events.push_back({*at, event->as_string(), data && !data->is_null() ? *data : Value::object({})});
    } else if (webhook && webhook->is(Kind::Object)) {
      const Value* status = webhook->find("status");
      if (status && !status->is(Kind::Number)) return where + "`webhook.status` must be a number";
      const Value* body = webhook->find("body");
      timeline.replies.push_back({*at, status ? status->as_number() : 200, body ? *body : Value()});
    } else {
      return where + "expected an \"event\" name or a \"webhook\" reply";
    }
  }
  std::stable_sort(timeline.events.begin(), timeline.events.end(),
                   [](const Timeline::Event& a, const Timeline::Event& b) { return a.at < b.at; });
  return timeline;
}

Simulation simulate(const Program& program, uint32_t workflow, Value contact, const Timeline& timeline,
                    const SimulationOptions& options) {
  const bytecode::Workflow& flow = program.module().workflows.at(workflow);
  Simulation sim;
  Inputs inputs{normalised_contact(std::move(contact)), simulated_reserved(flow), options.start,
                options.instruction_budget};
  auto elapsed = [&] { return inputs.now - options.start; };
  auto record = [&](Record::Kind kind, uint32_t step, Value value = Value()) {
    Record r;
    r.kind = kind;
    r.at = elapsed();
    r.step = step;
    r.value = std::move(value);
    sim.records.push_back(std::move(r));
  };

  size_t next_event = 0;  // events before this one have happened
  Value trigger = Value::object({});
  if (!timeline.events.empty() && timeline.events[0].at == 0 && timeline.events[0].name == flow.trigger) {
    trigger = timeline.events[0].data;
    next_event = 1;
  }
  Value trigger_event = make_event(flow.trigger, trigger, options.start);
  record(Record::Kind::Started, kNoStep, trigger_event);

  // A condition shows which way it went: the label of the edge to the next step entered.
  const bytecode::Module& module = program.module();
  std::optional<size_t> open_branch;  // the Branch record waiting for its next step
  auto close_branch = [&](uint32_t next_step) {
    if (!open_branch) return;
    const uint32_t from = sim.records[*open_branch].step;
    for (const bytecode::Edge& edge : module.edges) {
      if (edge.from == from && edge.to == next_step) sim.records[*open_branch].value = Value::string(edge.label);
    }
    open_branch.reset();
  };
  auto on_step = [&](uint32_t step) {
    close_branch(step);
    if (module.steps[step].kind == bytecode::StepKind::Condition) {
      open_branch = sim.records.size();
      record(Record::Kind::Branch, step);
    }
  };
  auto fresh_interpreter = [&] {
    auto interpreter = std::make_unique<Interpreter>(program);
    if (options.trace) interpreter->set_trace(options.trace);
    interpreter->set_step_observer(on_step);
    return interpreter;
  };
  auto interpreter = fresh_interpreter();
  Frame frame;
  Effect effect = interpreter->start(workflow, std::move(trigger_event), inputs, frame);
  size_t next_reply = 0;
  size_t effects = 0;
  for (;;) {
    if (effect.is_final()) close_branch(bytecode::Edge::kEnd);
    Record& r = sim.records.emplace_back();
    r.kind = Record::Kind::Effect;
    r.at = elapsed();
    r.step = effect.step;
    r.effect = effect;
    if (effect.is_final()) break;
    if (++effects >= options.max_effects) {
      record(Record::Kind::Runaway, effect.step);
      break;
    }
    std::vector<uint8_t> bytes = serialize(frame);
    r.frame_bytes = bytes.size();

    Resume resume;
    if (const auto* update = effect.as<effect::Update>()) {
      inputs.contact = apply_update(inputs.contact, update->fields);
    } else if (effect.as<effect::Webhook>()) {
      Value response = make_response(200, Value());
      if (next_reply < timeline.replies.size() && timeline.replies[next_reply].at <= elapsed()) {
        const Timeline::Reply& reply = timeline.replies[next_reply++];
        response = make_response(reply.status, reply.body);
      }
      record(Record::Kind::Response, effect.step, response);
      resume = Resume::response(std::move(response));
    } else if (const auto* delay = effect.as<effect::Delay>()) {
      if (delay->until - options.start > options.until) {
        record(Record::Kind::Unfinished, effect.step);
        break;
      }
      inputs.now = delay->until;
    } else if (const auto* wait = effect.as<effect::Wait>()) {
      // Events before the wait began have passed; the first awaited one from now on counts.
      while (next_event < timeline.events.size() && options.start + timeline.events[next_event].at < inputs.now)
        ++next_event;
      auto match = std::find_if(timeline.events.begin() + static_cast<ptrdiff_t>(next_event), timeline.events.end(),
                                [&](const Timeline::Event& e) { return e.name == wait->event; });
      if (match != timeline.events.end() && beats_deadline(options.start + match->at, wait->deadline)) {
        inputs.now = options.start + match->at;
        next_event = static_cast<size_t>(match - timeline.events.begin()) + 1;
        resume = Resume::event(make_event(match->name, match->data, inputs.now));
        record(Record::Kind::Received, effect.step, resume.value);
      } else if (wait->deadline - options.start > options.until) {
        record(Record::Kind::Unfinished, effect.step);
        break;
      } else {
        inputs.now = wait->deadline;
        resume = Resume::timeout();
        record(Record::Kind::TimedOut, effect.step);
      }
    }

    if (options.reload_frames) {
      auto loaded = deserialize(bytes, program);
      if (auto* error = std::get_if<FrameError>(&loaded)) {
        effect = Effect{frame.step, effect::Failed{"reloading the frame failed: " + error->message, "", 0, 0}};
        continue;
      }
      frame = std::get<Frame>(std::move(loaded));
      interpreter = fresh_interpreter();
    }
    effect = interpreter->resume(frame, resume, inputs);
  }
  sim.contact = inputs.contact;
  return sim;
}

}  // namespace flow::vm
