#include "runtime/store/connection.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <cerrno>
#include <cstring>
#include <utility>
#include <memory>
#include <vector>

#include "runtime/store/error.hpp"

namespace flow::runtime::store {

namespace {

// The start of a statement, to say which one failed without logging a whole script.
std::string excerpt(std::string_view sql) {
  constexpr size_t kMax = 80;
  std::string out(sql.substr(0, kMax));
  for (char& c : out)
    if (c == '\n') c = ' ';
  return sql.size() > kMax ? out + "…" : out;
}

std::string trimmed(const char* message) {
  std::string out = message ? message : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

}  // namespace

Connection::Connection(std::string conninfo) : conninfo_(std::move(conninfo)) { connect(); }

Connection::~Connection() {
  if (conn_) PQfinish(conn_);
}

Connection::Connection(Connection&& other) noexcept
    : conninfo_(std::move(other.conninfo_)),
      conn_(std::exchange(other.conn_, nullptr)),
      prepared_(std::exchange(other.prepared_, {})) {}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    if (conn_) PQfinish(conn_);
    conninfo_ = std::move(other.conninfo_);
    conn_ = std::exchange(other.conn_, nullptr);
    prepared_ = std::exchange(other.prepared_, {});
  }
  return *this;
}

void Connection::connect() {
  conn_ = PQconnectdb(conninfo_.c_str());
  if (!conn_) throw Error(sqlstate::kCannotConnect, "cannot connect to PostgreSQL: out of memory", true);
  if (PQstatus(conn_) != CONNECTION_OK) {
    // libpq's message names the host and port it tried, never the password.
    const std::string message = "cannot connect to PostgreSQL: " + trimmed(PQerrorMessage(conn_));
    PQfinish(conn_);
    conn_ = nullptr;
    throw Error(sqlstate::kCannotConnect, message, true);
  }
  // Notices ("relation already exists, skipping") are chatter, not errors; libpq would
  // print them to stderr, which belongs to flowd's logger.
  PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
}

void Connection::reconnect() {
  if (conn_) PQfinish(conn_);
  conn_ = nullptr;
  prepared_.clear();  // they lived in the old session
  connect();
}

void Connection::throw_session_error(std::string_view what) const {
  const bool lost = !conn_ || PQstatus(conn_) == CONNECTION_BAD;
  const std::string message = conn_ ? trimmed(PQerrorMessage(conn_)) : "not connected";
  throw Error(lost ? sqlstate::kConnectionFailure : "", std::string(what) + ": " + message, lost);
}

namespace {

// Takes ownership of `raw` and throws the server's error, if any, as an Error.
Result checked(PGconn* conn, PGresult* raw, std::string_view sql) {
  std::unique_ptr<PGresult, decltype(&PQclear)> owned(raw, PQclear);
  const ExecStatusType status = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return Result(owned.release());
  const bool lost = PQstatus(conn) == CONNECTION_BAD;
  const char* state = raw ? PQresultErrorField(raw, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = raw ? trimmed(PQresultErrorField(raw, PG_DIAG_MESSAGE_PRIMARY)) : "";
  if (message.empty()) message = trimmed(PQerrorMessage(conn));
  if (raw)
    if (const char* detail = PQresultErrorField(raw, PG_DIAG_MESSAGE_DETAIL)) message += " (" + trimmed(detail) + ")";
  std::string code = state ? state : (lost ? sqlstate::kConnectionFailure : "");
  throw Error(std::move(code), message + "; in: " + excerpt(sql), lost);
}

}  // namespace

Result Connection::exec_params(std::string_view sql, std::span<const Param> params) {
  if (!conn_) throw_session_error("exec");
  std::vector<const char*> values;
  std::vector<int> lengths, formats;
  for (const Param& param : params) {
    values.push_back(param.is_null() ? nullptr : param.value().c_str());
    lengths.push_back(param.is_null() ? 0 : static_cast<int>(param.value().size()));
    formats.push_back(param.is_binary() ? 1 : 0);
  }
  const std::string text(sql);
  const int count = static_cast<int>(params.size());
  const std::string& name = prepared_name(text, count);
  PGresult* raw = name.empty()
                      ? PQexecParams(conn_, text.c_str(), count, nullptr, values.data(), lengths.data(), formats.data(), 0)
                      : PQexecPrepared(conn_, name.c_str(), count, values.data(), lengths.data(), formats.data(), 0);
  return checked(conn_, raw, sql);
}

const std::string& Connection::prepared_name(const std::string& sql, int param_count) {
  static const std::string kUnprepared;
  if (const auto found = prepared_.find(sql); found != prepared_.end()) return found->second;
  if (prepared_.size() >= kMaxPrepared) return kUnprepared;
  std::string name = "flow_" + std::to_string(prepared_.size() + 1);
  // Parameter types are left to the server to infer, as PQexecParams does. A statement that
  // fails to prepare (a syntax error, an aborted transaction) throws and is not cached.
  checked(conn_, PQprepare(conn_, name.c_str(), sql.c_str(), param_count, nullptr), sql);
  return prepared_.emplace(sql, std::move(name)).first->second;
}

void Connection::exec_script(std::string_view sql) {
  if (!conn_) throw_session_error("exec");
  checked(conn_, PQexec(conn_, std::string(sql).c_str()), sql);
}

void Connection::listen(std::string_view channel) {
  if (!conn_) throw_session_error("listen");
  std::unique_ptr<char, decltype(&PQfreemem)> quoted(PQescapeIdentifier(conn_, channel.data(), channel.size()),
                                                       PQfreemem);
  if (!quoted) throw_session_error("listen");
  exec(std::string("LISTEN ") + quoted.get());
}

void Connection::notify(std::string_view channel, std::string_view payload) {
  exec("SELECT pg_notify($1, $2)", channel, payload);
}

std::optional<Notification> Connection::wait_for_notification(std::chrono::milliseconds timeout) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (!conn_ || !PQconsumeInput(conn_)) throw_session_error("waiting for a notification");
    if (PGnotify* raw = PQnotifies(conn_)) {
      Notification notification{raw->relname, raw->extra ? raw->extra : "", raw->be_pid};
      PQfreemem(raw);
      return notification;
    }
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd socket{PQsocket(conn_), POLLIN, 0};
    if (poll(&socket, 1, static_cast<int>(left.count())) < 0 && errno != EINTR)
      throw Error("", std::string("waiting for a notification: poll: ") + std::strerror(errno));
  }
}

int Connection::backend_pid() const { return conn_ ? PQbackendPID(conn_) : 0; }

}  // namespace flow::runtime::store
