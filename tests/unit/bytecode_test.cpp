// The bytecode contract without the compiler: the opcode table, the file format's
// round trip and refusal of damaged files, the verifier's checks, the disassembler and
// the graph renderer, all on small modules built by hand.
#include <gtest/gtest.h>

#include <variant>

#include "bytecode/disassembler.hpp"
#include "bytecode/graph.hpp"
#include "bytecode/module_io.hpp"

namespace flow::bytecode {
namespace {

// Appends one instruction; operands little-endian, widths from the opcode table.
void emit(Module& m, Op op, uint32_t a = 0, uint8_t b = 0) {
  m.code.push_back(static_cast<uint8_t>(op));
  const size_t operand_bytes = instruction_size(op) - 1;
  for (size_t i = 0; i < std::min<size_t>(operand_bytes, op == Op::Call ? 2 : 4); ++i) {
    m.code.push_back(static_cast<uint8_t>(a >> (8 * i)));
  }
  if (op == Op::Call) m.code.push_back(b);
}

// workflow w on "user.signup": if contact.data.plan == "pro" { send hi } ; delay 1 day
Module small_module() {
  Module m;
  m.name = "test";
  m.files = {"test.flow"};
  m.constants = {{Constant::Kind::String, 0, "Hi"},    {Constant::Kind::String, 0, "data"},
                 {Constant::Kind::String, 0, "plan"},  {Constant::Kind::String, 0, "pro"},
                 {Constant::Kind::Duration, 86400, ""}};
  m.functions = {"lower"};
  Template t;
  t.name = "hi";
  t.type = TemplateType::Transactional;
  t.subject = 0;
  emit(m, Op::Const, 0);
  emit(m, Op::Return);
  t.from = t.html = t.subject;
  m.templates.push_back(t);
  Workflow w;
  w.name = w.display_name = "w";
  w.trigger = "user.signup";
  w.entry = static_cast<uint32_t>(m.code.size());
  w.local_count = 1;
  w.local_names = {"response"};
  m.workflows.push_back(w);
  m.steps.push_back(Step{0, StepKind::Condition, "if contact.data.plan == \"pro\"", {0, 3, 3}, w.entry});
  emit(m, Op::Step, 0);
  emit(m, Op::LoadContact);
  emit(m, Op::GetField, 1);
  emit(m, Op::GetField, 2);
  emit(m, Op::Call, 0, 1);
  emit(m, Op::Const, 3);
  emit(m, Op::Eq);
  const size_t jump_at = m.code.size();
  emit(m, Op::JumpIfFalse, 0);
  m.steps.push_back(Step{0, StepKind::Send, "send hi", {0, 4, 5}, static_cast<uint32_t>(m.code.size())});
  emit(m, Op::Step, 1);
  emit(m, Op::Send, 0);
  const auto after_if = static_cast<uint32_t>(m.code.size());
  for (int i = 0; i < 4; ++i) m.code[jump_at + 1 + i] = static_cast<uint8_t>(after_if >> (8 * i));
  m.steps.push_back(Step{0, StepKind::Delay, "delay 1 day", {0, 6, 3}, after_if});
  emit(m, Op::Step, 2);
  emit(m, Op::Const, 4);
  emit(m, Op::Delay);
  emit(m, Op::Complete);
  m.edges = {{0, 1, "yes"}, {0, 2, "no"}, {1, 2, ""}, {2, Edge::kEnd, ""}};
  m.source_map = {{0, {0, 1, 1}}, {w.entry, {0, 3, 3}}};
  return m;
}

TEST(Opcodes, TableMatchesDefinitions) {
  EXPECT_EQ(op_info(Op::Const).name, "Const");
  EXPECT_EQ(op_info(Op::Return).name, "Return");
  EXPECT_EQ(instruction_size(Op::Null), 1u);
  EXPECT_EQ(instruction_size(Op::LoadLocal), 2u);
  EXPECT_EQ(instruction_size(Op::Const), 3u);
  EXPECT_EQ(instruction_size(Op::Call), 4u);
  EXPECT_EQ(instruction_size(Op::Jump), 5u);
  EXPECT_EQ(op_count(), static_cast<size_t>(Op::Return) + 1);
  EXPECT_EQ(step_kind_name(StepKind::Condition), "condition");
  EXPECT_EQ(template_type_name(TemplateType::Headless), "headless");
}

TEST(Module, LocationAndLookup) {
  const Module m = small_module();
  EXPECT_EQ(m.location_of(0).line, 1u);
  EXPECT_EQ(m.location_of(m.workflows[0].entry + 3).line, 3u);
  ASSERT_NE(m.find_workflow("w"), nullptr);
  EXPECT_EQ(m.find_workflow("nope"), nullptr);
  ASSERT_NE(m.find_template("hi"), nullptr);
}

TEST(Verify, AcceptsTheSmallModule) { EXPECT_EQ(verify(small_module()), std::vector<std::string>{}); }

TEST(Verify, RejectsStackUnderflow) {
  Module m = small_module();
  m.code[m.workflows[0].entry + 3] = static_cast<uint8_t>(Op::Pop);  // LoadContact -> Pop
  EXPECT_FALSE(verify(m).empty());
}

TEST(Verify, RejectsJumpIntoAnInstruction) {
  Module m = small_module();
  m.code.back() = static_cast<uint8_t>(Op::Jump);
  m.code.insert(m.code.end(), {1, 0, 0, 0});  // offset 1 is Const's operand
  EXPECT_FALSE(verify(m).empty());
}

TEST(Verify, RejectsEffectsWithValuesOnTheStack) {
  Module m = small_module();
  m.code.back() = static_cast<uint8_t>(Op::Null);
  m.code.push_back(static_cast<uint8_t>(Op::Complete));
  EXPECT_FALSE(verify(m).empty());
}

TEST(Verify, RejectsOutOfRangeOperandsAndTables) {
  Module bad_constant = small_module();
  bad_constant.constants.pop_back();
  EXPECT_FALSE(verify(bad_constant).empty());
  Module bad_function = small_module();
  bad_function.functions = {"no_such_function"};
  EXPECT_FALSE(verify(bad_function).empty());
  Module bad_edge = small_module();
  bad_edge.edges.push_back({7, 0, ""});
  EXPECT_FALSE(verify(bad_edge).empty());
  Module bad_locals = small_module();
  bad_locals.workflows[0].local_count = 0;
  EXPECT_FALSE(verify(bad_locals).empty());
}

TEST(Verify, RejectsCodeRunningOffTheEnd) {
  Module m = small_module();
  m.code.pop_back();  // no Complete
  EXPECT_FALSE(verify(m).empty());
}

TEST(ModuleIo, RoundTripIsExactAndDeterministic) {
  const Module m = small_module();
  const auto bytes = serialize(m);
  EXPECT_EQ(bytes, serialize(m));
  const auto loaded = deserialize(bytes);
  ASSERT_TRUE(std::holds_alternative<Module>(loaded)) << std::get<LoadError>(loaded).message;
  EXPECT_EQ(std::get<Module>(loaded), m);
  EXPECT_EQ(module_hash(bytes), module_hash(serialize(std::get<Module>(loaded))));
}

std::string load_error(const std::vector<uint8_t>& bytes) {
  const auto loaded = deserialize(bytes);
  return std::holds_alternative<LoadError>(loaded) ? std::get<LoadError>(loaded).message : "";
}

TEST(ModuleIo, NamesWhatIsWrongWithTheHeader) {
  auto bytes = serialize(small_module());
  auto bad_magic = bytes;
  bad_magic[0] = 'X';
  EXPECT_NE(load_error(bad_magic).find("magic"), std::string::npos);
  auto bad_version = bytes;
  bad_version[8] = 99;
  EXPECT_NE(load_error(bad_version).find("version 99"), std::string::npos);
  auto bad_body = bytes;
  bad_body.back() ^= 0x40;
  EXPECT_NE(load_error(bad_body).find("checksum"), std::string::npos);
  EXPECT_NE(load_error({}).find("too short"), std::string::npos);
}

// Damage the body but fix up the checksum, so the reader and the verifier themselves are
// exercised, not just the checksum. As format 1, whose checksum is FNV-1a 64 of the body,
// which module_hash computes: a format-2 module made format 1 this way is a format-1 file.
std::vector<uint8_t> with_checksum(std::vector<uint8_t> bytes) {
  bytes[8] = 1, bytes[9] = 0;
  const std::vector<uint8_t> body(bytes.begin() + 24, bytes.end());
  const uint64_t sum = module_hash(body);
  for (int i = 0; i < 8; ++i) bytes[16 + i] = static_cast<uint8_t>(sum >> (8 * i));
  return bytes;
}

// flowd keeps modules written by older builds (format 1) for the executions that run them.
TEST(ModuleIo, WritesFormatTwoAndStillReadsFormatOne) {
  const Module m = small_module();
  const auto bytes = serialize(m);
  EXPECT_EQ(bytes[8] | bytes[9] << 8, kFormatVersion);
  EXPECT_EQ(kFormatVersion, 2);
  const auto old = with_checksum(bytes);
  const auto loaded = deserialize(old);
  ASSERT_TRUE(std::holds_alternative<Module>(loaded)) << std::get<LoadError>(loaded).message;
  EXPECT_EQ(std::get<Module>(loaded), m);
  auto corrupt = old;
  corrupt.back() ^= 0x01;
  EXPECT_NE(load_error(corrupt).find("checksum"), std::string::npos) << "format 1's own checksum is checked";
  auto future = bytes;
  future[8] = 3;
  EXPECT_NE(load_error(future).find("reads 1 to 2"), std::string::npos) << load_error(future);
}

TEST(ModuleIo, EveryFlippedByteIsRefusedOrHarmless) {
  const Module m = small_module();
  const auto bytes = serialize(m);
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (const uint8_t flip : {0x01, 0x80, 0xff}) {
      auto damaged = bytes;
      damaged[i] ^= flip;
      for (const auto& candidate : {damaged, with_checksum(damaged)}) {
        const auto loaded = deserialize(candidate);
        if (const Module* module = std::get_if<Module>(&loaded)) {
          // A change the format cannot see (a string's letters, a line number) must still
          // give a module that verifies.
          EXPECT_TRUE(verify(*module).empty()) << "byte " << i;
        }
      }
    }
  }
}

TEST(ModuleIo, EveryTruncationIsRefused) {
  const auto bytes = serialize(small_module());
  for (size_t length = 0; length < bytes.size(); ++length) {
    const std::vector<uint8_t> prefix(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(length));
    EXPECT_FALSE(load_error(prefix).empty()) << "length " << length;
    if (length > 24) {
      auto patched = with_checksum(prefix);
      const uint32_t body = static_cast<uint32_t>(length - 24);
      for (int i = 0; i < 4; ++i) patched[12 + i] = static_cast<uint8_t>(body >> (8 * i));
      EXPECT_FALSE(load_error(with_checksum(patched)).empty()) << "length " << length;
    }
  }
}

TEST(Disassembler, ShowsOperandsJumpsAndLocations) {
  const Module m = small_module();
  const std::string text = disassemble(m);
  EXPECT_NE(text.find("-- workflow w"), std::string::npos) << text;
  EXPECT_NE(text.find("Const 3 (\"pro\")"), std::string::npos) << text;
  EXPECT_NE(text.find("JumpIfFalse -> 00" + std::to_string(m.steps[2].offset)), std::string::npos) << text;
  EXPECT_NE(text.find("Call 0 1 (lower/1)"), std::string::npos) << text;
  EXPECT_NE(text.find("; 3:3"), std::string::npos) << text;
  EXPECT_NE(text.find("0 -> 1  [yes]"), std::string::npos) << text;
  uint32_t next = 0;
  EXPECT_EQ(disassemble_instruction(m, 0, next), "0000  Const 0 (\"Hi\")");
  EXPECT_EQ(next, 3u);
}

TEST(Graph, RendersEveryFormatDeterministically) {
  const Module m = small_module();
  const std::string dot = render_graph(m, "", GraphFormat::Dot);
  EXPECT_NE(dot.find("start0 -> s0;"), std::string::npos) << dot;
  EXPECT_NE(dot.find("s0 -> s1 [label=\"yes\"];"), std::string::npos) << dot;
  EXPECT_NE(dot.find("s2 -> end0;"), std::string::npos) << dot;
  const std::string mermaid = render_graph(m, "w", GraphFormat::Mermaid);
  EXPECT_NE(mermaid.find("s0{\"if contact.data.plan == #quot;pro#quot;\"}"), std::string::npos) << mermaid;
  const std::string json = render_graph(m, "w", GraphFormat::Json);
  EXPECT_NE(json.find("{\"from\": \"s0\", \"to\": \"s2\", \"label\": \"no\"}"), std::string::npos) << json;
  EXPECT_EQ(json, render_graph(m, "w", GraphFormat::Json));
  EXPECT_EQ(render_graph(m, "other", GraphFormat::Json), "{\"workflows\": [\n]}\n");
}

}  // namespace
}  // namespace flow::bytecode
