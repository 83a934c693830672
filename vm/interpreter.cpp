#include "vm/interpreter.hpp"

#include <cassert>
#include <functional>
#include <iterator>

#include "bytecode/disassembler.hpp"
#include "stdlib/error.hpp"
#include "stdlib/operators.hpp"

namespace flow::vm {

using bytecode::Op;
using stdlib::Kind;
using stdlib::Order;
using stdlib::RuntimeError;

namespace {

[[noreturn]] void expected(std::string_view what, std::string_view wanted, const Value& got) {
  throw RuntimeError(std::string(what) + " must be " + std::string(wanted) + ", not " +
                     std::string(stdlib::kind_name(got.kind())));
}

double duration_of(std::string_view what, const Value& v) {
  if (!v.is(Kind::Duration)) expected(what, "a duration", v);
  if (!(v.as_number() >= 0)) throw RuntimeError(std::string(what) + " must not be negative");  // NaN too
  return v.as_number();
}

const std::string& string_of(std::string_view what, const Value& v) {
  if (!v.is(Kind::String)) expected(what, "a string", v);
  return v.as_string();
}

[[noreturn]] void out_of_budget(uint64_t budget) {
  throw RuntimeError("looped through more than " + std::to_string(budget) +
                     " bytes of code without suspending: a loop without delay or wait?");
}

bool carries_body(std::string_view method) { return method == "POST" || method == "PUT" || method == "PATCH"; }

// Two strings in one cell (an interned key, a value shared with the contact) are equal
// without reading their text. Short texts, most field values, are compared inline: a call
// to memcmp cost more than the comparison itself.
bool same_text(const std::string& a, const std::string& b) {
  if (&a == &b) return true;
  if (a.size() != b.size()) return false;
  if (a.size() > 16) return a == b;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// Fast paths for the common cases, the general rule in stdlib/operators.cpp behind them.
bool equals(const Value& a, const Value& b) {
  if (a.is(Kind::String) && b.is(Kind::String)) return same_text(a.as_string(), b.as_string());
  if (a.is(Kind::Number) && b.is(Kind::Number)) return a.as_number() == b.as_number();
  return stdlib::equal(a, b);
}

bool is_true(const Value& v) { return v.is(Kind::Bool) ? v.as_bool() : stdlib::truthy(v); }

// Lt, Le, Gt, Ge: two numbers inline (the common case, NaN unordered by itself), anything
// else through stdlib::compare, where an unordered pair fails every comparison.
template <typename Holds>
bool ordered(const Value& a, const Value& b, Holds holds) {
  if (a.is(Kind::Number) && b.is(Kind::Number)) return holds(a.as_number(), b.as_number());
  const Order order = stdlib::compare(a, b);
  return order != Order::Unordered && holds(static_cast<int>(order), static_cast<int>(Order::Equal));
}

// A comparison op applied, for the superinstructions that carry one.
bool holds(Op comparison, const Value& a, const Value& b) {
  switch (comparison) {
    case Op::Eq: return equals(a, b);
    case Op::Ne: return !equals(a, b);
    case Op::Lt: return ordered(a, b, std::less<>());
    case Op::Le: return ordered(a, b, std::less_equal<>());
    case Op::Gt: return ordered(a, b, std::greater<>());
    default: assert(comparison == Op::Ge); return ordered(a, b, std::greater_equal<>());
  }
}

const Value kNull;

// The value at the end of a superinstruction's path, read in place: missing fields and
// fields of non-objects are null, as with GetField.
const Value& walk(const Program& program, const Superinstruction& s, const Value& start) {
  const Value* v = &start;
  for (uint8_t i = 0; i < s.key_count; ++i) {
    v = v->find(program.constant(s.keys[i]));
    if (!v) return kNull;
  }
  return *v;
}

}  // namespace

Value make_event(std::string name, Value data, double at) {
  std::vector<stdlib::Field> fields;
  fields.emplace_back(Value::key("name"), Value::string(std::move(name)));
  fields.emplace_back(Value::key("data"), std::move(data));
  fields.emplace_back(Value::key("at"), Value::time(at));
  return Value::object(std::move(fields));
}

Value make_response(double status, Value body) {
  std::vector<stdlib::Field> fields;
  fields.emplace_back(Value::key("status"), Value::number(status));
  fields.emplace_back(Value::key("body"), std::move(body));
  return Value::object(std::move(fields));
}

// ---- The dispatch loop ----------------------------------------------------------------
//
// One case per opcode, behind macros so that the cases read like the opcode list and the
// dispatch (computed goto or switch) is chosen in one place. Operands are read
// little-endian straight from the code; `ip` is a pointer while running and becomes an
// offset again whenever execution stops (a frame stores offsets only).

#define READ_U8() (ip += 1, ip[-1])
#define READ_U16() (ip += 2, static_cast<uint16_t>(ip[-2] | ip[-1] << 8))
#define READ_JUMP() \
  (ip += 4, static_cast<uint32_t>(ip[-4] | ip[-3] << 8 | ip[-2] << 16 | static_cast<uint32_t>(ip[-1]) << 24))
#define TOP() stack.back()
// Only a jump backwards can make code run longer than its length, so the budget is charged
// there, with the length of the code jumped back over: straight-line code costs nothing to
// watch, and a loop's every round is paid for.
#define JUMP_TO(target)                                                         \
  {                                                                             \
    const uint8_t* to = code + (target);                                        \
    if (to < ip) {                                                              \
      const auto length = static_cast<uint64_t>(ip - to);                       \
      if (budget < length) out_of_budget(inputs.instruction_budget);            \
      budget -= length;                                                         \
    }                                                                           \
    ip = to;                                                                    \
  }
// Every instruction starts here: trace it, read its opcode.
#define DECODE()                                                                             \
  if constexpr (kTrace) trace_instruction(static_cast<uint32_t>(ip - code), stack.size());   \
  op = static_cast<Op>(*ip++)
// With GCC and Clang each instruction jumps straight to the next one's code (computed
// goto: one indirect jump per opcode, which the branch predictor learns separately);
// elsewhere a plain switch in a loop.
#if defined(__GNUC__)
#define FLOW_COMPUTED_GOTO 1
#define CASE(name) op_##name:
#define CASE_FUSED(name) fused_##name:
#define NEXT                                           \
  do {                                                 \
    DECODE();                                          \
    goto* kTargets[static_cast<size_t>(op)];           \
  } while (0)
#else
#define FLOW_COMPUTED_GOTO 0
#define CASE(name) case Op::name:
#define CASE_FUSED(name) case static_cast<Op>(Fused::name):
#define NEXT break
#endif
// Binary operators replace the left operand in place and drop the right one.
#define BINARY(expression)                        \
  {                                               \
    assert(stack.size() >= 2);                    \
    Value& lhs = stack[stack.size() - 2];         \
    const Value& rhs = stack.back();              \
    lhs = expression;                             \
    stack.pop();                                  \
  }                                               \
  NEXT
#define COMPARE(holds) BINARY(Value::boolean(ordered(lhs, rhs, holds)))
#define STOP(operand, size) \
  return Stop { op, static_cast<uint32_t>(ip - code) - (size), static_cast<uint32_t>(ip - code), operand }

// Without a trace the loop runs the Program's code, superinstructions fused in; with one it
// runs the module's own, so that every instruction is traced as written.
template <bool kTrace>
Interpreter::Stop Interpreter::execute(uint32_t pc, Frame& frame, const Inputs& inputs) {
  const uint8_t* const code = kTrace ? program_.module().code.data() : program_.code();
  const uint8_t* ip = code + pc;
  Stack& stack = stack_;
  std::vector<Value>& locals = frame.locals;
  const stdlib::CallContext context{inputs.now};
  uint64_t budget = budget_;
  // A superinstruction's path starts from a value that nothing changes while it runs.
  auto path = [&](const Superinstruction& s) -> const Value& {
    using Source = Superinstruction::Source;
    switch (s.source) {
      case Source::Contact: return walk(program_, s, inputs.contact);
      case Source::Event: return walk(program_, s, frame.event);
      case Source::Reserved: return walk(program_, s, inputs.reserved);
      case Source::Local: break;
    }
    assert(s.slot < locals.size());
    return walk(program_, s, locals[s.slot]);
  };

  Op op;
  try {
#if FLOW_COMPUTED_GOTO
    static constexpr const void* kTargets[] = {
#define FLOW_OP(Name, Shape, pops, pushes, doc) &&op_##Name,
#include "bytecode/opcodes.def"
        &&fused_Path, &&fused_PathCompare, &&fused_PathCall, &&fused_CompareConst,
    };
    static_assert(std::size(kTargets) == kOpCount + kFusedCount);
    NEXT;
    {
      {
#else
    for (;;) {
      DECODE();
      switch (op) {
#endif
        CASE(Const) stack.push(program_.constant(READ_U16())); NEXT;
        CASE(Null) stack.push(Value()); NEXT;
        CASE(True) stack.push(Value::boolean(true)); NEXT;
        CASE(False) stack.push(Value::boolean(false)); NEXT;
        CASE(Pop) stack.pop(); NEXT;
        // verify() proved each slot is the workflow's, and frames always have its slots.
        CASE(LoadLocal) {
          const uint8_t slot = READ_U8();
          assert(slot < locals.size());
          stack.push(locals[slot]);
          NEXT;
        }
        CASE(StoreLocal) {
          const uint8_t slot = READ_U8();
          assert(slot < locals.size());
          locals[slot] = std::move(TOP());
          stack.pop();
          NEXT;
        }
        CASE(LoadContact) stack.push(inputs.contact); NEXT;
        CASE(LoadEvent) stack.push(frame.event); NEXT;
        CASE(LoadReserved) stack.push(inputs.reserved); NEXT;
        CASE(GetField) {
          const Value* field = TOP().find(program_.constant(READ_U16()));
          TOP() = field ? *field : Value();
          NEXT;
        }
        CASE(GetIndex) BINARY(stdlib::index(lhs, rhs));
        CASE(MakeList) {
          const size_t n = READ_U16();
          std::vector<Value> items(std::make_move_iterator(stack.data() + stack.size() - n),
                                   std::make_move_iterator(stack.data() + stack.size()));
          stack.truncate(stack.size() - n);
          stack.push(Value::list(std::move(items)));
          NEXT;
        }
        CASE(MakeObject) {
          const size_t n = READ_U16();
          stdlib::ObjectBuilder object;
          object.reserve(n);
          for (size_t i = stack.size() - 2 * n; i < stack.size(); i += 2) {
            string_of("an object key", stack[i]);
            object.set(std::move(stack[i]), std::move(stack[i + 1]));
          }
          stack.truncate(stack.size() - 2 * n);
          stack.push(object.build());
          NEXT;
        }
        CASE(Add)
        BINARY(lhs.is(Kind::Number) && rhs.is(Kind::Number) ? Value::number(lhs.as_number() + rhs.as_number())
                                                             : stdlib::add(lhs, rhs));
        CASE(Sub) BINARY(stdlib::subtract(lhs, rhs));
        CASE(Mul) BINARY(stdlib::multiply(lhs, rhs));
        CASE(Div) BINARY(stdlib::divide(lhs, rhs));
        CASE(Mod) BINARY(stdlib::modulo(lhs, rhs));
        CASE(Negate) TOP() = stdlib::negate(TOP()); NEXT;
        CASE(Not) TOP() = Value::boolean(!is_true(TOP())); NEXT;
        CASE(Eq) BINARY(Value::boolean(equals(lhs, rhs)));
        CASE(Ne) BINARY(Value::boolean(!equals(lhs, rhs)));
        CASE(Lt) COMPARE(std::less<>());
        CASE(Le) COMPARE(std::less_equal<>());
        CASE(Gt) COMPARE(std::greater<>());
        CASE(Ge) COMPARE(std::greater_equal<>());
        CASE(In) BINARY(Value::boolean(stdlib::contains(rhs, lhs)));
        CASE(Call) {
          const uint16_t f = READ_U16();
          const uint8_t argc = READ_U8();
          const size_t base = stack.size() - argc;
          Value result = program_.native(f)(stack.data() + base, argc, context);
          stack.truncate(base);
          stack.push(std::move(result));
          NEXT;
        }
        CASE(Concat) {
          const size_t n = READ_U16();
          std::string text;
          for (size_t i = stack.size() - n; i < stack.size(); ++i) stdlib::append_text(text, stack[i]);
          stack.truncate(stack.size() - n);
          stack.push(Value::string(std::move(text)));
          NEXT;
        }
        CASE(EscapeHtml) {
          std::string text;
          stdlib::append_html_escaped(text, stdlib::to_text(TOP()));
          TOP() = Value::string(std::move(text));
          NEXT;
        }
        CASE(Jump) JUMP_TO(READ_JUMP()); NEXT;
        CASE(JumpIfFalse) {
          const uint32_t target = READ_JUMP();
          if (!is_true(TOP())) JUMP_TO(target)
          stack.pop();
          NEXT;
        }
        CASE(JumpIfFalseKeep) {
          const uint32_t target = READ_JUMP();
          if (!is_true(TOP())) JUMP_TO(target)
          else stack.pop();
          NEXT;
        }
        CASE(JumpIfTrueKeep) {
          const uint32_t target = READ_JUMP();
          if (is_true(TOP())) JUMP_TO(target)
          else stack.pop();
          NEXT;
        }
        CASE(JumpIfNotNullKeep) {
          const uint32_t target = READ_JUMP();
          if (!TOP().is_null()) JUMP_TO(target)
          else stack.pop();
          NEXT;
        }
        CASE(Step) {
          frame.step = READ_U16();
          if (on_step_) on_step_(frame.step);
          NEXT;
        }
        CASE(Send) { const uint16_t t = READ_U16(); budget_ = budget; STOP(t, 3); }
        CASE(Wait) { const uint16_t k = READ_U16(); budget_ = budget; STOP(k, 3); }
        CASE(Delay)
        CASE(Webhook)
        CASE(Update)
        CASE(Exit)
        CASE(Complete)
        CASE(Return) { budget_ = budget; STOP(0, 1); }
        // Superinstructions (vm/program.hpp): each pushes what its sequence would have left.
        CASE_FUSED(Path) {
          const Superinstruction& s = program_.superinstruction(READ_U16());
          stack.push(path(s));
          ip = code + s.next;
          NEXT;
        }
        CASE_FUSED(PathCompare) {
          const Superinstruction& s = program_.superinstruction(READ_U16());
          stack.push(Value::boolean(holds(s.comparison, path(s), program_.constant(s.operand))));
          ip = code + s.next;
          NEXT;
        }
        CASE_FUSED(PathCall) {
          const Superinstruction& s = program_.superinstruction(READ_U16());
          ip = code + s.next;  // first: a failing function is located at ip - 1, inside the Call
          Value result = program_.native(s.operand)(&path(s), 1, context);
          stack.push(std::move(result));
          NEXT;
        }
        CASE_FUSED(CompareConst) {
          const Superinstruction& s = program_.superinstruction(READ_U16());
          TOP() = Value::boolean(holds(s.comparison, TOP(), program_.constant(s.operand)));
          ip = code + s.next;
          NEXT;
        }
#if !FLOW_COMPUTED_GOTO
        default: throw RuntimeError("invalid opcode " + std::to_string(static_cast<int>(op)));
#endif
      }
    }
  } catch (...) {
    // `ip` is past the opcode of the instruction that raised the error, and so within it:
    // the source map gives it the same location as its first byte.
    fault_pc_ = static_cast<uint32_t>(ip - code) - 1;
    throw;
  }
}

#undef READ_U8
#undef READ_U16
#undef READ_JUMP
#undef TOP
#undef JUMP_TO
#undef DECODE
#undef CASE
#undef CASE_FUSED
#undef NEXT
#undef BINARY
#undef COMPARE
#undef STOP

void Interpreter::trace_instruction(uint32_t offset, size_t depth) const {
  uint32_t next = 0;
  trace_(bytecode::disassemble_instruction(program_.module(), offset, next) + "    ; stack " + std::to_string(depth));
}

Interpreter::Stop Interpreter::execute(uint32_t pc, Frame& frame, const Inputs& inputs) {
  return trace_ ? execute<true>(pc, frame, inputs) : execute<false>(pc, frame, inputs);
}

// ---- Activations ------------------------------------------------------------------------

Effect Interpreter::start(uint32_t workflow, Value event, const Inputs& inputs, Frame& frame) {
  const bytecode::Module& module = program_.module();
  frame = Frame{};
  frame.module_name = module.name;
  frame.module_hash = program_.hash();
  if (workflow >= module.workflows.size()) return fail(frame, 0, "there is no workflow #" + std::to_string(workflow));
  frame.workflow = workflow;
  frame.pc = module.workflows[workflow].entry;
  frame.locals.resize(module.workflows[workflow].local_count);
  frame.event = std::move(event);
  stack_.clear();
  return run(frame, inputs);
}

Effect Interpreter::resume(Frame& frame, const Resume& result, const Inputs& inputs) {
  using K = Resume::Kind;
  static constexpr std::string_view kind_names[] = {"done", "an event", "a timeout", "a response"};
  auto refuse = [&] {
    const std::string message = frame.awaiting == Awaiting::Nothing
                                    ? "the execution has ended and cannot be resumed"
                                    : "resumed with " + std::string(kind_names[static_cast<int>(result.kind)]) +
                                          " while waiting for " + std::string(awaiting_name(frame.awaiting));
    return fail(frame, frame.pc, message);
  };
  stack_.clear();
  switch (frame.awaiting) {
    case Awaiting::Nothing: return refuse();
    case Awaiting::Send:
    case Awaiting::Update:
      if (result.kind != K::Done) return refuse();
      break;
    case Awaiting::Delay:
      if (result.kind != K::Done) return refuse();
      if (inputs.now < frame.wake_at) return waiting(frame);
      break;
    case Awaiting::Event: {
      const bool in_time = beats_deadline(inputs.now, frame.wake_at);
      if (result.kind == K::Event) {
        const Value* name = result.value.find("name");
        const bool ours = name && name->is(Kind::String) &&
                          name->as_string() == program_.constant(frame.wait_event).as_string();
        if (!ours) return waiting(frame);
        if (in_time) frame.event = result.value;
        stack_.push(Value::boolean(in_time));
      } else if (result.kind == K::Timeout) {
        if (in_time) return waiting(frame);
        stack_.push(Value::boolean(false));
      } else {
        return refuse();
      }
      break;
    }
    case Awaiting::Webhook:
      if (result.kind != K::Response) return refuse();
      stack_.push(result.value);
      break;
  }
  frame.awaiting = Awaiting::Nothing;
  return run(frame, inputs);
}

Value Interpreter::evaluate(uint32_t offset, Frame& frame, const Inputs& inputs) {
  budget_ = inputs.instruction_budget;
  stack_.clear();
  return evaluate_part(offset, frame, inputs);
}

Value Interpreter::evaluate_part(uint32_t offset, Frame& frame, const Inputs& inputs) {
  const Stop stop = execute(offset, frame, inputs);
  if (stop.op != Op::Return) {
    fault_pc_ = stop.at;
    throw RuntimeError(std::string(bytecode::op_info(stop.op).name) + " is not allowed in a template");
  }
  return stack_.take();
}

Effect Interpreter::run(Frame& frame, const Inputs& inputs) {
  budget_ = inputs.instruction_budget;
  // Runtime errors come here as exceptions from the loop, the operators and the standard
  // functions; each ends the execution as failed at the instruction that raised it.
  try {
    return suspend_or_end(execute(frame.pc, frame, inputs), frame, inputs);
  } catch (const RuntimeError& e) {
    return fail(frame, fault_pc_, e.what());
  } catch (const std::bad_alloc&) {
    return fail(frame, fault_pc_, "out of memory");
  } catch (const std::exception& e) {
    return fail(frame, fault_pc_, std::string("internal error: ") + e.what());
  }
}

Effect Interpreter::suspend_or_end(const Stop& stop, Frame& frame, const Inputs& inputs) {
  fault_pc_ = stop.at;
  Effect effect{frame.step, effect::Completed{}};
  Awaiting awaiting = Awaiting::Nothing;
  switch (stop.op) {
    case Op::Send:
      effect.what = render(stop.operand, frame, inputs);
      awaiting = Awaiting::Send;
      break;
    case Op::Delay:
      frame.wake_at = inputs.now + duration_of("a delay", stack_.take());
      effect.what = effect::Delay{frame.wake_at};
      awaiting = Awaiting::Delay;
      break;
    case Op::Wait:
      frame.wake_at = inputs.now + duration_of("a wait's timeout", stack_.take());
      frame.wait_event = static_cast<uint16_t>(stop.operand);
      effect.what = effect::Wait{program_.constant(stop.operand).as_string(), frame.wake_at};
      awaiting = Awaiting::Event;
      break;
    case Op::Webhook: {
      // Popped in reverse order of pushing.
      const Value retries = stack_.take(), timeout = stack_.take(), body = stack_.take();
      const Value headers = stack_.take(), url = stack_.take(), method = stack_.take();
      effect::Webhook call;
      call.method = string_of("a webhook's method", method);
      call.url = string_of("a webhook's URL", url);
      if (!headers.is_null() && !headers.is(Kind::Object)) expected("a webhook's headers", "an object", headers);
      call.headers = headers;
      call.body = body;
      if (body.is_null() && carries_body(call.method)) {
        // The default payload: who, why and where, as the product's webhooks send it.
        stdlib::ObjectBuilder payload;
        payload.set("contact", inputs.contact);
        payload.set("event", frame.event);
        payload.set("workflow", Value::string(program_.module().workflows[frame.workflow].name));
        const Value* execution = inputs.reserved.find("execution");
        payload.set("execution", execution ? *execution : Value());
        call.body = payload.build();
      }
      call.timeout = timeout.is_null() ? kDefaultWebhookTimeout : duration_of("a webhook's timeout", timeout);
      if (!retries.is_null() && (!retries.is(Kind::Number) || retries.as_number() < 0 || retries.as_number() > 100))
        throw RuntimeError("a webhook's retries must be a number from 0 to 100");
      call.retries = retries.is_null() ? kDefaultWebhookRetries : static_cast<uint32_t>(retries.as_number());
      effect.what = std::move(call);
      awaiting = Awaiting::Webhook;
      break;
    }
    case Op::Update: {
      Value fields = stack_.take();
      if (!fields.is(Kind::Object)) expected("an update", "an object", fields);
      effect.what = effect::Update{std::move(fields)};
      awaiting = Awaiting::Update;
      break;
    }
    case Op::Exit: {
      const Value reason = stack_.take();
      effect.what = effect::Exited{stdlib::to_text(reason)};
      break;
    }
    case Op::Complete: break;
    default: throw RuntimeError("a template part's end was reached in a workflow");
  }
  assert(stack_.empty());  // verify(): effects leave nothing behind, so a frame is all there is
  frame.pc = stop.next;
  frame.awaiting = awaiting;
  return effect;
}

Effect Interpreter::fail(Frame& frame, uint32_t pc, std::string message) {
  const bytecode::Module& module = program_.module();
  const bytecode::SourceLoc loc = module.location_of(pc);
  effect::Failed failed{std::move(message), loc.file < module.files.size() ? module.files[loc.file] : "", loc.line,
                        loc.column};
  frame.awaiting = Awaiting::Nothing;
  stack_.clear();
  return Effect{frame.step, std::move(failed)};
}

// The effect a frame that is still waiting stands for, returned again when a resume came
// too early or for another event.
Effect Interpreter::waiting(const Frame& frame) const {
  if (frame.awaiting == Awaiting::Delay) return Effect{frame.step, effect::Delay{frame.wake_at}};
  return Effect{frame.step, effect::Wait{program_.constant(frame.wait_event).as_string(), frame.wake_at}};
}

effect::Send Interpreter::render(uint32_t template_index, Frame& frame, const Inputs& inputs) {
  const bytecode::Module& module = program_.module();
  if (template_index >= module.templates.size()) throw RuntimeError("there is no template #" + std::to_string(template_index));
  const bytecode::Template& t = module.templates[template_index];
  auto part = [&](uint32_t offset) {
    return offset == bytecode::kNoPart ? std::string() : stdlib::to_text(evaluate_part(offset, frame, inputs));
  };
  effect::Send send;
  send.template_index = template_index;
  send.name = t.name;
  send.type = t.type;
  const Value* email = inputs.contact.find("email");
  if (!email || !email->is(Kind::String) || email->as_string().empty())
    throw RuntimeError("the contact has no email address to send `" + t.name + "` to");
  send.to = email->as_string();
  send.subject = part(t.subject);
  send.from = part(t.from);
  send.reply_to = part(t.reply_to);
  send.html = part(t.html);
  send.text = part(t.text);
  const Value* subscribed = inputs.contact.find("subscribed");
  send.suppressed = t.type == bytecode::TemplateType::Marketing && subscribed && subscribed->is(Kind::Bool) &&
                    !subscribed->as_bool();
  return send;
}

}  // namespace flow::vm
