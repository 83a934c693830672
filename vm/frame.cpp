#include "vm/frame.hpp"

#include <array>
#include <bit>
#include <cmath>
#include <cstring>

#include "stdlib/json.hpp"
#include "vm/program.hpp"

namespace flow::vm {

using stdlib::Kind;

namespace {

constexpr std::array<uint8_t, 2> kMagic = {'F', 'F'};

enum Tag : uint8_t { Null, False, True, Integer, Number, Time, Duration, String, List, Object };

uint32_t fnv1a32(std::span<const uint8_t> bytes) {
  uint32_t hash = 2166136261u;
  for (const uint8_t byte : bytes) hash = (hash ^ byte) * 16777619u;
  return hash;
}

class Writer {
 public:
  void byte(uint8_t b) { out_.push_back(b); }
  void uint(uint64_t v) {
    do {
      const uint8_t low = v & 0x7f;
      v >>= 7;
      byte(v ? low | 0x80 : low);
    } while (v);
  }
  void fixed(uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) byte(static_cast<uint8_t>(v >> (8 * i)));
  }
  void f64(double d) { fixed(std::bit_cast<uint64_t>(d), 8); }
  void text(std::string_view s) {
    uint(s.size());
    out_.insert(out_.end(), s.begin(), s.end());
  }
  void value(const Value& v) {
    switch (v.kind()) {
      case Kind::Null: byte(Null); return;
      case Kind::Bool: byte(v.as_bool() ? True : False); return;
      case Kind::Number: {
        // Most numbers in contact data are small integers: one or two bytes instead of eight.
        const double n = v.as_number();
        if (std::fabs(n) < 9e15 && n == std::floor(n) && !(n == 0 && std::signbit(n))) {
          const auto i = static_cast<int64_t>(n);
          byte(Integer);
          uint((static_cast<uint64_t>(i) << 1) ^ static_cast<uint64_t>(i >> 63));
        } else {
          byte(Number);
          f64(n);
        }
        return;
      }
      case Kind::Time: byte(Time); f64(v.as_number()); return;
      case Kind::Duration: byte(Duration); f64(v.as_number()); return;
      case Kind::String: byte(String); text(v.as_string()); return;
      case Kind::List:
        byte(List);
        uint(v.as_list().size());
        for (const Value& item : v.as_list()) value(item);
        return;
      case Kind::Object:
        byte(Object);
        uint(v.as_object().size());
        for (const stdlib::Field& field : v.as_object()) {
          text(field.first.as_string());
          value(field.second);
        }
        return;
    }
  }
  std::vector<uint8_t> take() { return std::move(out_); }
  std::span<const uint8_t> bytes() const { return out_; }

 private:
  std::vector<uint8_t> out_;
};

// Reads with a bounds check on every byte; the first failure sticks and every later read
// returns zeros, so the caller checks `ok()` once per section instead of after every read.
class Reader {
 public:
  explicit Reader(std::span<const uint8_t> bytes) : bytes_(bytes) {}

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  void fail(std::string message) {
    if (ok()) error_ = std::move(message);
  }
  bool at_end() const { return pos_ == bytes_.size(); }

  uint8_t byte() {
    if (pos_ >= bytes_.size()) {
      fail("the frame is truncated");
      return 0;
    }
    return bytes_[pos_++];
  }
  uint64_t uint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64 && ok(); shift += 7) {
      const uint8_t b = byte();
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    fail("an integer in the frame is too long");
    return 0;
  }
  uint64_t fixed(int bytes) {
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(byte()) << (8 * i);
    return v;
  }
  double f64() { return std::bit_cast<double>(fixed(8)); }
  // A count of things, each at least one byte long: more than the bytes left is corrupt.
  size_t count() {
    const uint64_t n = uint();
    if (n > bytes_.size() - pos_) fail("a length in the frame runs past its end");
    return ok() ? static_cast<size_t>(n) : 0;
  }
  std::string text() {
    const size_t n = count();
    std::string s(reinterpret_cast<const char*>(bytes_.data()) + pos_, n);
    pos_ += n;
    return s;
  }
  Value value(int depth = 0) {
    if (depth > stdlib::kMaxJsonDepth) {
      fail("a value in the frame is nested too deeply");
      return Value();
    }
    switch (byte()) {
      case Null: return Value();
      case False: return Value::boolean(false);
      case True: return Value::boolean(true);
      case Integer: {
        const uint64_t z = uint();
        return Value::number(static_cast<double>(static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1)));
      }
      case Number: return Value::number(f64());
      case Time: return Value::time(f64());
      case Duration: return Value::duration(f64());
      case String: return Value::string(text());
      case List: {
        std::vector<Value> items(count());
        for (Value& item : items) item = value(depth + 1);
        return Value::list(std::move(items));
      }
      case Object: {
        const size_t n = count();
        stdlib::ObjectBuilder object;
        for (size_t i = 0; i < n && ok(); ++i) {
          Value key = Value::key(text());
          object.set(std::move(key), value(depth + 1));
        }
        return object.build();
      }
      default: fail("unknown value tag in the frame"); return Value();
    }
  }

 private:
  std::span<const uint8_t> bytes_;
  size_t pos_ = 0;
  std::string error_;
};

std::string hex(uint64_t v) {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(v));
  return buffer;
}

// The checks that need the program: the frame must describe a place this program can be.
std::string check_against(const Frame& f, const Program& program) {
  const bytecode::Module& module = program.module();
  if (f.module_hash != program.hash() || f.module_name != module.name)
    return "the frame belongs to module `" + f.module_name + "` (" + hex(f.module_hash) + "), not to `" +
           module.name + "` (" + hex(program.hash()) + "): the workflow changed since the execution started";
  if (f.workflow >= module.workflows.size()) return "the frame's workflow does not exist";
  if (f.locals.size() != module.workflows[f.workflow].local_count) return "the frame's locals do not fit its workflow";
  if (f.step != kNoStep && (f.step >= module.steps.size() || module.steps[f.step].workflow != f.workflow))
    return "the frame's step is not a step of its workflow";
  static constexpr std::array<bytecode::Op, 5> ops = {bytecode::Op::Send, bytecode::Op::Delay, bytecode::Op::Wait,
                                                      bytecode::Op::Webhook, bytecode::Op::Update};
  if (f.awaiting != Awaiting::Nothing && program.suspended_op(f.pc) != ops[static_cast<size_t>(f.awaiting)])
    return "the frame's program counter is not where a workflow waits for " + std::string(awaiting_name(f.awaiting));
  if (f.awaiting == Awaiting::Event && (f.wait_event >= module.constants.size() ||
                                        module.constants[f.wait_event].kind != bytecode::Constant::Kind::String))
    return "the frame waits for an event name that is not in the module";
  return "";
}

}  // namespace

std::string_view awaiting_name(Awaiting awaiting) {
  static constexpr std::array<std::string_view, 6> names = {"send", "delay", "event", "webhook", "update", "nothing"};
  return names[static_cast<size_t>(awaiting)];
}

std::vector<uint8_t> serialize(const Frame& f) {
  Writer w;
  for (const uint8_t b : kMagic) w.byte(b);
  w.byte(Frame::kFormatVersion);
  w.fixed(f.module_hash, 8);
  w.text(f.module_name);
  w.uint(f.workflow);
  w.uint(f.pc);
  w.uint(f.step == kNoStep ? 0 : uint64_t{f.step} + 1);
  w.byte(static_cast<uint8_t>(f.awaiting));
  if (f.awaiting == Awaiting::Event) w.uint(f.wait_event);
  if (f.awaiting == Awaiting::Event || f.awaiting == Awaiting::Delay) w.f64(f.wake_at);
  w.uint(f.locals.size());
  for (const Value& local : f.locals) w.value(local);
  w.value(f.event);
  w.fixed(fnv1a32(w.bytes()), 4);
  return w.take();
}

std::variant<Frame, FrameError> deserialize(std::span<const uint8_t> bytes, const Program& program) {
  if (bytes.size() < kMagic.size() + 1 + 4 || !std::equal(kMagic.begin(), kMagic.end(), bytes.begin()))
    return FrameError{"not a frame (bad magic)"};
  if (bytes[2] != Frame::kFormatVersion)
    return FrameError{"frame format version " + std::to_string(bytes[2]) + ", this VM reads version " +
                      std::to_string(Frame::kFormatVersion)};
  const auto body = bytes.first(bytes.size() - 4);
  Reader check(bytes.last(4));
  if (check.fixed(4) != fnv1a32(body)) return FrameError{"frame checksum mismatch: the frame is corrupt"};

  Reader r(body.subspan(3));
  Frame f;
  f.module_hash = r.fixed(8);
  f.module_name = r.text();
  const uint64_t workflow = r.uint(), pc = r.uint(), step = r.uint();
  const uint8_t awaiting = r.byte();
  if (awaiting > static_cast<uint8_t>(Awaiting::Nothing)) r.fail("unknown awaiting state in the frame");
  if (workflow > UINT32_MAX || pc > UINT32_MAX || step > UINT32_MAX) r.fail("a number in the frame is out of range");
  f.workflow = static_cast<uint32_t>(workflow);
  f.pc = static_cast<uint32_t>(pc);
  f.step = step == 0 ? kNoStep : static_cast<uint32_t>(step - 1);
  f.awaiting = static_cast<Awaiting>(awaiting);
  if (f.awaiting == Awaiting::Event) {
    const uint64_t k = r.uint();
    if (k > UINT16_MAX) r.fail("the frame's event name is out of range");
    f.wait_event = static_cast<uint16_t>(k);
  }
  if (f.awaiting == Awaiting::Event || f.awaiting == Awaiting::Delay) f.wake_at = r.f64();
  f.locals.resize(r.count());
  for (Value& local : f.locals) local = r.value();
  f.event = r.value();
  if (r.ok() && !r.at_end()) r.fail("trailing bytes after the frame");
  if (!r.ok()) return FrameError{r.error()};
  if (std::string problem = check_against(f, program); !problem.empty()) return FrameError{std::move(problem)};
  return f;
}

}  // namespace flow::vm
