#pragma once
// The API's routes, one group per file (track_routes.cpp, workflow_routes.cpp, …); make_api
// adds every group.
#include "runtime/api/router.hpp"

namespace flow::runtime::api {

void add_track_routes(Router& router);  // GET /healthz, POST /v1/track

}  // namespace flow::runtime::api
