#include "bytecode/disassembler.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "bytecode/instruction.hpp"
#include "bytecode/quote.hpp"

namespace flow::bytecode {

namespace {

std::string offset_text(uint32_t offset) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04u", offset);
  return buffer;
}

std::string constant_text(const Constant& c) {
  switch (c.kind) {
    case Constant::Kind::String: return quote(c.string);
    case Constant::Kind::Number: return format_number(c.number);
    case Constant::Kind::Duration: return format_number(c.number) + "s";
  }
  return "?";
}

std::string loc_text(const Module& m, const SourceLoc& loc) {
  std::string out = std::to_string(loc.line) + ":" + std::to_string(loc.column);
  if (m.files.size() > 1 && loc.file < m.files.size()) out = m.files[loc.file] + ":" + out;
  return out;
}

std::string part_text(uint32_t part) { return part == kNoPart ? "-" : "@" + offset_text(part); }

// The value an operand names, shown after it in parentheses; empty when out of range.
std::string operand_comment(const Module& m, const Instruction& in) {
  auto in_range = [](uint32_t i, const auto& table) { return i < table.size(); };
  switch (in.op) {
    case Op::Const:
    case Op::GetField:
    case Op::Wait:
      return in_range(in.a, m.constants) ? constant_text(m.constants[in.a]) : "";
    case Op::Call: return in_range(in.a, m.functions) ? m.functions[in.a] + "/" + std::to_string(in.b) : "";
    case Op::Step: return in_range(in.a, m.steps) ? m.steps[in.a].label : "";
    case Op::Send: return in_range(in.a, m.templates) ? m.templates[in.a].name : "";
    default: return "";
  }
}

// Where code starts: workflow entries and template parts, shown as headings in the listing.
std::map<uint32_t, std::string> entry_points(const Module& m) {
  std::map<uint32_t, std::string> entries;
  for (const Template& t : m.templates) {
    const std::pair<const char*, uint32_t> parts[] = {
        {"subject", t.subject}, {"from", t.from}, {"reply_to", t.reply_to}, {"html", t.html}, {"text", t.text}};
    for (const auto& [part, offset] : parts) {
      if (offset != kNoPart) entries[offset] = "template " + t.name + " " + part;
    }
  }
  for (const Workflow& w : m.workflows) entries[w.entry] = "workflow " + w.name;
  return entries;
}

void header(std::string& out, const Module& m) {
  out += "module " + m.name + "\n";
  out += "files:\n";
  for (size_t i = 0; i < m.files.size(); ++i) out += "  " + std::to_string(i) + "  " + m.files[i] + "\n";
  out += "constants:\n";
  for (size_t i = 0; i < m.constants.size(); ++i) {
    out += "  " + std::to_string(i) + "  " + constant_text(m.constants[i]) + "\n";
  }
  out += "functions:\n";
  for (size_t i = 0; i < m.functions.size(); ++i) out += "  " + std::to_string(i) + "  " + m.functions[i] + "\n";
}

void templates(std::string& out, const Module& m) {
  out += "templates:\n";
  for (size_t i = 0; i < m.templates.size(); ++i) {
    const Template& t = m.templates[i];
    out += "  " + std::to_string(i) + "  " + t.name + " (" + std::string(template_type_name(t.type)) + ")  subject " +
           part_text(t.subject) + "  from " + part_text(t.from) + "  reply_to " + part_text(t.reply_to) + "  html " +
           part_text(t.html) + "  text " + part_text(t.text) + "  ; " + loc_text(m, t.loc) + "\n";
  }
}

void workflows(std::string& out, const Module& m) {
  out += "workflows:\n";
  for (size_t i = 0; i < m.workflows.size(); ++i) {
    const Workflow& w = m.workflows[i];
    out += "  " + std::to_string(i) + "  " + w.name + " on " + quote(w.trigger) + "  entry @" + offset_text(w.entry) +
           "  ; " + loc_text(m, w.loc) + "\n";
    out += "       name " + quote(w.display_name) + "  description " + quote(w.description) + "  reentry " +
           (w.reentry == Reentry::Never ? "never" : "allowed") + "  enabled " + (w.enabled ? "true" : "false") + "\n";
    out += "       locals";
    for (size_t slot = 0; slot < w.local_names.size(); ++slot) {
      out += " " + std::to_string(slot) + ":" + w.local_names[slot];
    }
    out += "\n";
  }
}

void steps_and_edges(std::string& out, const Module& m) {
  out += "steps:\n";
  for (size_t i = 0; i < m.steps.size(); ++i) {
    const Step& s = m.steps[i];
    out += "  " + std::to_string(i) + "  " + std::string(step_kind_name(s.kind)) + "  " + s.label + "  @" +
           offset_text(s.offset) + "  ; " + loc_text(m, s.loc) + "\n";
  }
  out += "edges:\n";
  for (const Edge& e : m.edges) {
    out += "  " + std::to_string(e.from) + " -> " + (e.to == Edge::kEnd ? "end" : std::to_string(e.to));
    if (!e.label.empty()) out += "  [" + e.label + "]";
    out += "\n";
  }
}

}  // namespace

std::string format_number(double value) {
  // Whole numbers below 2^53 print exactly as integers, never in exponent form.
  if (std::trunc(value) == value && std::fabs(value) < 9007199254740992.0) {
    return std::to_string(static_cast<int64_t>(value));
  }
  char buffer[32];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*g", precision, value);
    if (std::strtod(buffer, nullptr) == value) break;
  }
  return buffer;
}

std::string disassemble_instruction(const Module& m, uint32_t offset, uint32_t& next) {
  const auto in = decode(m.code, offset);
  if (!in) {
    next = static_cast<uint32_t>(m.code.size());
    return offset_text(offset) + "  <bad instruction>";
  }
  next = offset + in->size;
  std::string text = offset_text(offset) + "  " + std::string(op_info(in->op).name);
  switch (op_info(in->op).shape) {
    case OperandShape::None: break;
    case OperandShape::U8:
    case OperandShape::U16: text += " " + std::to_string(in->a); break;
    case OperandShape::U16U8: text += " " + std::to_string(in->a) + " " + std::to_string(in->b); break;
    case OperandShape::Jump: text += " -> " + offset_text(in->a); break;
  }
  if (const std::string comment = operand_comment(m, *in); !comment.empty()) text += " (" + comment + ")";
  return text;
}

std::string disassemble(const Module& m) {
  std::string out;
  header(out, m);
  templates(out, m);
  workflows(out, m);
  steps_and_edges(out, m);
  out += "code:\n";
  const auto entries = entry_points(m);
  auto source = m.source_map.begin();
  for (uint32_t offset = 0, next = 0; offset < m.code.size(); offset = next) {
    if (const auto entry = entries.find(offset); entry != entries.end()) out += "-- " + entry->second + "\n";
    std::string line = disassemble_instruction(m, offset, next);
    // The location is shown where it changes, as the source map records it.
    while (source != m.source_map.end() && source->first < offset) ++source;
    if (source != m.source_map.end() && source->first == offset) {
      line.resize(std::max<size_t>(line.size() + 1, 36), ' ');
      line += "; " + loc_text(m, source->second);
    }
    out += line + "\n";
  }
  return out;
}

}  // namespace flow::bytecode
