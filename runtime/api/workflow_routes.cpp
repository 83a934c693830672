// /v1/workflows: list, get, create from .flow source, update, enable/disable, delete, graph.
// docs/runtime.md, "API".
#include <cstdio>

#include "bytecode/graph.hpp"
#include "grammar/diagnostic_json.hpp"
#include "runtime/api/api_error.hpp"
#include "runtime/api/routes.hpp"
#include "runtime/engine/compile_source.hpp"
#include "runtime/engine/deploy.hpp"
#include "runtime/engine/workflows.hpp"

namespace flow::runtime::api {

namespace {

using nlohmann::json;
using Change = engine::DeployedWorkflow::Change;

// A source sent over the API is one file; diagnostics name it.
constexpr const char* kRequestFile = "request.flow";

std::string hex(uint64_t value) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
  return text;
}

json workflow_json(const engine::WorkflowInfo& info) {
  json out = {{"id", info.id},
              {"name", info.name},
              {"display_name", info.display_name},
              {"description", info.description},
              {"trigger", info.trigger},
              {"enabled", info.enabled},
              {"reentry", info.reentry ? "allowed" : "never"},
              {"version", info.version},
              {"module", hex(info.module_hash)},
              {"executions", info.executions},
              {"created_at", info.created_at},
              {"updated_at", info.updated_at}};
  if (info.source) out["source"] = *info.source;
  return out;
}

engine::WorkflowInfo existing(Context& context, int64_t id) {
  auto info = engine::find_workflow(context.db(), id);
  if (!info) throw not_found("no workflow " + std::to_string(id));
  return std::move(*info);
}

// The body compiled; nullopt module when it does not compile (see compile_errors).
engine::CompiledSource compile_body(const Context& context) {
  if (context.request.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw invalid_request("the body must be the .flow source of the workflow");
  }
  return engine::compile_source({{kRequestFile, context.request.body}}, /*read_template_files=*/false);
}

// 422 with the compiler's diagnostics, as `flowc check --format json` prints them.
http::Response compile_errors(const engine::CompiledSource& compiled) {
  const size_t errors = compiled.diagnostics.error_count();
  return json_response({{"success", false},
                        {"error",
                         {{"code", "compile_error"},
                          {"message", "the source does not compile: " + std::to_string(errors) + " error(s)"},
                          {"diagnostics", grammar::diagnostics_json(compiled.sources, compiled.diagnostics)}}}},
                       422);
}

// A deploy the engine refused, as the API's error.
ApiError refusal(const engine::DeployedWorkflow& outcome) {
  switch (outcome.change) {
    case Change::Exists: return conflict(outcome.message);
    case Change::Locked: return {409, "workflow_locked", outcome.message};
    case Change::TriggerChanged: return {422, "trigger_changed", outcome.message};
    case Change::NotFound: return not_found(outcome.message);
    default: return {500, "internal", "unexpected deploy outcome"};
  }
}

http::Response list(Context& context) {
  json workflows = json::array();
  for (const auto& info : engine::list_workflows(context.db())) workflows.push_back(workflow_json(info));
  return json_response({{"success", true}, {"workflows", std::move(workflows)}});
}

http::Response get(Context& context) {
  return json_response({{"success", true}, {"workflow", workflow_json(existing(context, context.id_param("id")))}});
}

http::Response create(Context& context) {
  const auto compiled = compile_body(context);
  if (!compiled.module) return compile_errors(compiled);
  if (compiled.module->workflows.empty()) throw invalid_request("the source defines no workflow");
  const auto outcomes = engine::create_all(context.db(), compiled);
  json workflows = json::array();
  for (const auto& outcome : outcomes) {
    if (!outcome.deployed()) throw refusal(outcome);
    workflows.push_back(workflow_json(existing(context, outcome.id)));
  }
  return json_response({{"success", true}, {"workflows", std::move(workflows)}}, 201);
}

http::Response update(Context& context) {
  const auto current = existing(context, context.id_param("id"));
  const auto compiled = compile_body(context);
  if (!compiled.module) return compile_errors(compiled);
  const bytecode::Workflow* workflow = compiled.module->find_workflow(current.name);
  if (!workflow) throw invalid_request("the source does not define workflow `" + current.name + "`");
  const auto outcome = engine::update_one(context.db(), current.id, compiled, *workflow);
  if (!outcome.deployed()) throw refusal(outcome);
  return json_response({{"success", true},
                        {"change", outcome.change == Change::Updated ? "updated" : "unchanged"},
                        {"workflow", workflow_json(existing(context, current.id))}});
}

RouteHandler set_enabled(bool enabled) {
  return [enabled](Context& context) {
    const int64_t id = context.id_param("id");
    if (!engine::set_enabled(context.db(), id, enabled)) throw not_found("no workflow " + std::to_string(id));
    return json_response({{"success", true}, {"workflow", workflow_json(existing(context, id))}});
  };
}

http::Response remove(Context& context) {
  const int64_t id = context.id_param("id");
  const auto deletion = engine::delete_workflow(context.db(), id);
  using Outcome = engine::Deletion::Outcome;
  if (deletion.outcome == Outcome::NotFound) throw not_found("no workflow " + std::to_string(id));
  if (deletion.outcome == Outcome::Active) {
    throw ApiError(409, "workflow_locked",
                   "workflow " + std::to_string(id) + " has " + std::to_string(deletion.active) +
                       " execution(s) running or waiting. Disable it (POST /v1/workflows/" + std::to_string(id) +
                       "/disable), let them end or cancel them, then delete it");
  }
  return json_response({{"success", true}, {"deleted", id}});
}

http::Response graph(Context& context) {
  const int64_t id = context.id_param("id");
  const auto found = engine::workflow_module(context.db(), id);
  if (!found) throw not_found("no workflow " + std::to_string(id));
  // The JSON of `flowc graph --format json`, plus `success`.
  json out = json::parse(bytecode::render_graph(found->module, found->name, bytecode::GraphFormat::Json));
  out["success"] = true;
  return json_response(out);
}

}  // namespace

void add_workflow_routes(Router& router) {
  router.add("GET", "/v1/workflows", Access::Secret, list);
  router.add("POST", "/v1/workflows", Access::Secret, create);
  router.add("GET", "/v1/workflows/{id}", Access::Secret, get);
  router.add("PUT", "/v1/workflows/{id}", Access::Secret, update);
  router.add("DELETE", "/v1/workflows/{id}", Access::Secret, remove);
  router.add("POST", "/v1/workflows/{id}/enable", Access::Secret, set_enabled(true));
  router.add("POST", "/v1/workflows/{id}/disable", Access::Secret, set_enabled(false));
  router.add("GET", "/v1/workflows/{id}/graph", Access::Secret, graph);
}

}  // namespace flow::runtime::api
