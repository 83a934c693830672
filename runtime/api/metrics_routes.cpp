// GET /metrics in the Prometheus text exposition format (docs/runtime.md, "Metrics and
// logs"): this process's counters (engine/metrics.hpp) and gauges read from the database
// at scrape time, which every flowd sharing it reports alike.
#include <array>
#include <string>

#include "runtime/api/routes.hpp"
#include "runtime/engine/metrics.hpp"

namespace flow::runtime::api {

namespace {

// A label value with `\`, `"` and newlines escaped, as the format requires.
std::string label(std::string_view value) {
  std::string out;
  for (const char c : value) {
    if (c == '\\' || c == '"') out += '\\', out += c;
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

class Exposition {
 public:
  void family(std::string_view name, std::string_view type, std::string_view help) {
    text_ += "# HELP " + std::string(name) + " " + std::string(help) + "\n";
    text_ += "# TYPE " + std::string(name) + " " + std::string(type) + "\n";
  }
  // `labels` is `name="value",…` (already escaped) or empty.
  void sample(std::string_view name, const std::string& labels, double value) {
    text_ += std::string(name) + (labels.empty() ? "" : "{" + labels + "}") + " " + format(value) + "\n";
  }
  std::string take() { return std::move(text_); }

 private:
  static std::string format(double value) {
    if (value == static_cast<double>(static_cast<int64_t>(value))) return std::to_string(static_cast<int64_t>(value));
    return std::to_string(value);
  }
  std::string text_;
};

void counters(Exposition& out) {
  const engine::Metrics& m = engine::metrics();
  out.family("flow_http_requests_total", "counter", "HTTP requests answered, by method, route pattern and status.");
  for (const auto& [key, count] : m.requests()) {
    const auto& [method, route, status] = key;
    out.sample("flow_http_requests_total",
               "method=\"" + label(method) + "\",route=\"" + label(route) + "\",status=\"" + std::to_string(status) + "\"",
               static_cast<double>(count));
  }
  out.family("flow_events_tracked_total", "counter", "Events accepted by POST /v1/track.");
  out.sample("flow_events_tracked_total", "", static_cast<double>(m.events_tracked.load()));
  out.family("flow_track_batches_total", "counter", "Transactions that recorded /v1/track events (group commit).");
  out.sample("flow_track_batches_total", "", static_cast<double>(m.track_batches.load()));
  out.family("flow_tracks_queued", "gauge", "/v1/track events waiting for the batch being recorded to commit.");
  out.sample("flow_tracks_queued", "", static_cast<double>(m.tracks_queued.load()));
  out.family("flow_steps_total", "counter", "Workflow steps recorded in step_history by this process's workers.");
  out.sample("flow_steps_total", "", static_cast<double>(m.steps_run.load()));
  out.family("flow_emails_total", "counter", "Outbox delivery attempts by result (sent, retried later, failed for good).");
  out.sample("flow_emails_total", "result=\"sent\"", static_cast<double>(m.emails_sent.load()));
  out.sample("flow_emails_total", "result=\"retried\"", static_cast<double>(m.emails_retried.load()));
  out.sample("flow_emails_total", "result=\"failed\"", static_cast<double>(m.emails_failed.load()));
  out.family("flow_webhook_calls_total", "counter", "Webhook call attempts by result (done, retried later, failed for good).");
  out.sample("flow_webhook_calls_total", "result=\"done\"", static_cast<double>(m.webhooks_done.load()));
  out.sample("flow_webhook_calls_total", "result=\"retried\"", static_cast<double>(m.webhooks_retried.load()));
  out.sample("flow_webhook_calls_total", "result=\"failed\"", static_cast<double>(m.webhooks_failed.load()));
}

void gauges(Exposition& out, store::Connection& db) {
  out.family("flow_executions", "gauge", "Executions in the database by status.");
  static constexpr std::array kStatuses = {"RUNNING", "WAITING", "COMPLETED", "EXITED", "FAILED", "CANCELLED"};
  const auto counts = db.exec("SELECT status, count(*) AS n FROM executions GROUP BY status");
  for (const char* status : kStatuses) {
    int64_t n = 0;  // a status nobody is in is 0, not absent: dashboards then need no special case
    for (const auto row : counts)
      if (row.get<std::string>("status") == status) n = row.get<int64_t>("n");
    out.sample("flow_executions", "status=\"" + std::string(status) + "\"", static_cast<double>(n));
  }
  const auto queues = db
                          .exec("SELECT (SELECT count(*) FROM outbox WHERE status = 'PENDING') AS outbox, "
                                "(SELECT count(*) FROM webhook_calls WHERE status = 'PENDING') AS webhooks, "
                                "(SELECT coalesce(extract(epoch FROM now() - min(wake_at)), 0)::float8 FROM executions "
                                "WHERE wake_at <= now()) AS lag")
                          .one();
  out.family("flow_queue_depth", "gauge", "Rows waiting to be delivered: PENDING outbox emails and webhook calls.");
  out.sample("flow_queue_depth", "queue=\"outbox\"", static_cast<double>(queues.get<int64_t>("outbox")));
  out.sample("flow_queue_depth", "queue=\"webhook_calls\"", static_cast<double>(queues.get<int64_t>("webhooks")));
  out.family("flow_timer_lag_seconds", "gauge",
             "How late the oldest due execution is (now - its wake_at); 0 when none is due.");
  out.sample("flow_timer_lag_seconds", "", queues.get<double>("lag"));
}

http::Response scrape(Context& context) {
  Exposition out;
  counters(out);
  gauges(out, context.db());
  http::Response response;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body = out.take();
  return response;
}

}  // namespace

void add_metrics_routes(Router& router) {
  // Secret: the numbers are business volumes; Prometheus sends the key with
  // `authorization: {credentials: sk_…}` in its scrape config.
  router.add("GET", "/metrics", Access::Secret, scrape);
}

}  // namespace flow::runtime::api
