#include "vm/effect.hpp"

namespace flow::vm {

namespace {

// An object from alternating keys and values, in order.
Value object_of(std::initializer_list<std::pair<std::string_view, Value>> fields) {
  stdlib::ObjectBuilder out;
  for (const auto& [key, value] : fields) out.set(key, value);
  return out.build();
}

Value text(const std::string& s) { return Value::string(s); }

Value fields_of(const effect::Send& e) {
  return object_of({{"effect", text("send")},
                    {"template", text(e.name)},
                    {"type", text(std::string(bytecode::template_type_name(e.type)))},
                    {"to", text(e.to)},
                    {"from", text(e.from)},
                    {"reply_to", e.reply_to.empty() ? Value() : text(e.reply_to)},
                    {"subject", text(e.subject)},
                    {"html", text(e.html)},
                    {"text", e.text.empty() ? Value() : text(e.text)},
                    {"suppressed", Value::boolean(e.suppressed)}});
}
Value fields_of(const effect::Delay& e) { return object_of({{"effect", text("delay")}, {"until", Value::time(e.until)}}); }
Value fields_of(const effect::Wait& e) {
  return object_of({{"effect", text("wait")}, {"event", text(e.event)}, {"deadline", Value::time(e.deadline)}});
}
Value fields_of(const effect::Webhook& e) {
  return object_of({{"effect", text("webhook")},
                    {"method", text(e.method)},
                    {"url", text(e.url)},
                    {"headers", e.headers},
                    {"body", e.body},
                    {"timeout", Value::duration(e.timeout)},
                    {"retries", Value::number(e.retries)}});
}
Value fields_of(const effect::Update& e) { return object_of({{"effect", text("update")}, {"fields", e.fields}}); }
Value fields_of(const effect::Exited& e) {
  return object_of({{"effect", text("exit")}, {"reason", e.reason.empty() ? Value() : text(e.reason)}});
}
Value fields_of(const effect::Completed&) { return object_of({{"effect", text("complete")}}); }
Value fields_of(const effect::Failed& e) {
  return object_of({{"effect", text("fail")},
                    {"message", text(e.message)},
                    {"file", text(e.file)},
                    {"line", Value::number(e.line)},
                    {"column", Value::number(e.column)}});
}

}  // namespace

Value to_value(const Effect& effect) {
  Value fields = std::visit([](const auto& e) { return fields_of(e); }, effect.what);
  std::vector<stdlib::Field> out = fields.as_object();
  out.emplace(out.begin() + 1, Value::key("step"), effect.step == kNoStep ? Value() : Value::number(effect.step));
  return Value::object(std::move(out));
}

Value apply_update(const Value& contact, const Value& fields) {
  stdlib::ObjectBuilder data;
  if (const Value* old = contact.find("data"); old && old->is(stdlib::Kind::Object)) {
    for (const stdlib::Field& field : old->as_object()) data.set(field.first, field.second);
  }
  if (fields.is(stdlib::Kind::Object)) {
    for (const stdlib::Field& field : fields.as_object()) data.set(field.first, field.second);
  }
  Value merged = data.build();
  // Existing keys keep their place, new keys go to the end, null values are deleted.
  std::vector<stdlib::Field> kept;
  for (const stdlib::Field& field : merged.as_object()) {
    if (!field.second.is_null()) kept.push_back(field);
  }
  stdlib::ObjectBuilder out;
  if (contact.is(stdlib::Kind::Object)) {
    for (const stdlib::Field& field : contact.as_object()) out.set(field.first, field.second);
  }
  out.set("data", Value::object(std::move(kept)));
  return out.build();
}

}  // namespace flow::vm
