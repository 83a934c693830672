// /v1/templates: the templates of the deployed workflows, as written in their .flow files.
// docs/runtime.md, "API".
#include "runtime/api/api_error.hpp"
#include "runtime/api/routes.hpp"
#include "runtime/engine/workflows.hpp"

namespace flow::runtime::api {

namespace {

http::Response list(Context& context) {
  return json_response({{"success", true}, {"templates", engine::deployed_templates(context.db())}});
}

http::Response get(Context& context) {
  const std::string& name = context.param("name");
  for (auto& entry : engine::deployed_templates(context.db())) {
    if (entry.at("name") == name) return json_response({{"success", true}, {"template", std::move(entry)}});
  }
  throw not_found("no template `" + name + "` in the deployed workflows");
}

}  // namespace

void add_template_routes(Router& router) {
  router.add("GET", "/v1/templates", Access::Secret, list);
  router.add("GET", "/v1/templates/{name}", Access::Secret, get);
}

}  // namespace flow::runtime::api
