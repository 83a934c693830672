#include "runtime/api/api.hpp"

#include <memory>

#include "runtime/api/routes.hpp"

namespace flow::runtime::api {

http::Handler make_api(Services& services) {
  auto router = std::make_shared<Router>(services);
  add_track_routes(*router, services);
  add_execution_routes(*router);
  add_workflow_routes(*router);
  add_template_routes(*router);
  add_contact_routes(*router);
  add_unsubscribe_routes(*router);
  add_metrics_routes(*router);
  return [router](const http::Request& request, http::Respond respond) { (*router)(request, std::move(respond)); };
}

}  // namespace flow::runtime::api
