#pragma once
// The API's routes, one group per file (track_routes.cpp, workflow_routes.cpp, …); make_api
// adds every group.
#include "runtime/api/router.hpp"

namespace flow::runtime::api {

void add_track_routes(Router& router, Services& services);  // GET /healthz, POST /v1/track
void add_execution_routes(Router& router);  // /v1/workflows/{id}/executions[/{execId}]
void add_workflow_routes(Router& router);  // /v1/workflows, /v1/workflows/{id}[/enable|/disable|/graph]
void add_template_routes(Router& router);  // /v1/templates, /v1/templates/{name}
void add_contact_routes(Router& router);  // /v1/contacts, /v1/contacts/{id}
void add_unsubscribe_routes(Router& router);  // GET and POST /unsubscribe/{token}
void add_metrics_routes(Router& router);  // GET /metrics

}  // namespace flow::runtime::api
