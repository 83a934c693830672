#include "runtime/store/connection.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <cerrno>
#include <cstring>
#include <utility>
#include <memory>
#include <stdexcept>
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
      prepared_(std::exchange(other.prepared_, {})),
      deferred_(std::exchange(other.deferred_, {})) {}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    if (conn_) PQfinish(conn_);
    conninfo_ = std::move(other.conninfo_);
    conn_ = std::exchange(other.conn_, nullptr);
    prepared_ = std::exchange(other.prepared_, {});
    deferred_ = std::exchange(other.deferred_, {});
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
  deferred_.clear();  // and so did the transaction they belonged to
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

// Parameters as libpq's three parallel arrays.
struct Bound {
  explicit Bound(std::span<const Param> params) {
    for (const Param& param : params) {
      values.push_back(param.is_null() ? nullptr : param.value().c_str());
      lengths.push_back(param.is_null() ? 0 : static_cast<int>(param.value().size()));
      formats.push_back(param.is_binary() ? 1 : 0);
    }
  }
  int count() const { return static_cast<int>(values.size()); }

  std::vector<const char*> values;
  std::vector<int> lengths, formats;
};

}  // namespace

Result Connection::exec_params(std::string_view sql, std::span<const Param> params) {
  if (!conn_) throw_session_error("exec");
  if (!deferred_.empty()) {
    const Deferred last = defer_params(sql, params);
    run_deferred();
    return last.result();
  }
  const Bound bound(params);
  const std::string text(sql);
  const std::string& name = prepared_name(text, bound.count());
  PGresult* raw = name.empty() ? PQexecParams(conn_, text.c_str(), bound.count(), nullptr, bound.values.data(),
                                              bound.lengths.data(), bound.formats.data(), 0)
                               : PQexecPrepared(conn_, name.c_str(), bound.count(), bound.values.data(),
                                                bound.lengths.data(), bound.formats.data(), 0);
  return checked(conn_, raw, sql);
}

const Result& Connection::Deferred::result() const {
  if (!*slot_) throw std::logic_error("a deferred statement's result was read before it ran");
  return **slot_;
}

Connection::Deferred Connection::defer_params(std::string_view sql, std::span<const Param> params) {
  deferred_.push_back({std::string(sql), std::vector<Param>(params.begin(), params.end()), Deferred()});
  return deferred_.back().deferred;
}

bool Connection::in_transaction() const {
  const auto status = conn_ ? PQtransactionStatus(conn_) : PQTRANS_UNKNOWN;
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
}

void Connection::run_deferred() {
  // Preparing is a round trip of its own, so it comes first, outside the pipeline (once per
  // statement text and session, like exec's). A statement that fails to prepare is dropped
  // and its error thrown, the rest of the queue kept: BEGIN and the writes are not lost.
  std::vector<const std::string*> names;
  for (size_t i = 0; i < deferred_.size(); ++i) {
    try {
      names.push_back(&prepared_name(deferred_[i].sql, static_cast<int>(deferred_[i].params.size())));
    } catch (const Error&) {
      deferred_.erase(deferred_.begin() + static_cast<std::ptrdiff_t>(i));
      throw;
    }
  }
  const std::vector<Queued> queue = std::exchange(deferred_, {});
  if (PQenterPipelineMode(conn_) != 1) throw_session_error("entering pipeline mode");
  try {
    pipeline(queue, names);
  } catch (const Error& error) {
    if (!error.connection_lost()) throw;  // an SQL error: the pipeline was read to its end
    abandon_session();
    throw;
  } catch (...) {
    // Results left unread would be taken for the next statement's: the session is
    // unusable, and its transaction must not stay open on the server holding locks.
    abandon_session();
    throw Error(sqlstate::kConnectionFailure, "a pipeline was left unread; the session was closed", true);
  }
}

// Sends `queue` and reads every result up to the sync point. Throws the first SQL error
// after reading to the end (the session stays usable), or a lost-connection Error at once.
void Connection::pipeline(const std::vector<Queued>& queue, const std::vector<const std::string*>& names) {
  const auto broken = [this](std::string_view what) {
    return Error(sqlstate::kConnectionFailure, std::string(what) + ": " + trimmed(PQerrorMessage(conn_)), true);
  };
  // Blocking pipeline mode cannot deadlock here: the server answers each statement with a
  // few bytes, far less than a socket buffer, so it never stalls writing while we write.
  for (size_t i = 0; i < queue.size(); ++i) {
    const Bound bound(queue[i].params);
    const int sent = names[i]->empty()
                         ? PQsendQueryParams(conn_, queue[i].sql.c_str(), bound.count(), nullptr, bound.values.data(),
                                             bound.lengths.data(), bound.formats.data(), 0)
                         : PQsendQueryPrepared(conn_, names[i]->c_str(), bound.count(), bound.values.data(),
                                               bound.lengths.data(), bound.formats.data(), 0);
    if (sent != 1) throw broken("sending a statement");
  }
  if (PQpipelineSync(conn_) != 1) throw broken("sending a pipeline");
  // Each statement's results end with a null; after an error the server skips the rest
  // (PGRES_PIPELINE_ABORTED) up to the sync point, and the first error is the one to throw.
  std::optional<Error> failure;
  for (const Queued& statement : queue) {
    PGresult* raw = PQgetResult(conn_);
    if (!raw) throw broken("reading a pipeline");
    if (PQresultStatus(raw) == PGRES_PIPELINE_ABORTED) {
      PQclear(raw);
    } else {
      try {
        statement.deferred.slot_->emplace(checked(conn_, raw, statement.sql));
      } catch (Error& error) {
        if (error.connection_lost()) throw;
        if (!failure) failure.emplace(std::move(error));
      }
    }
    while (PGresult* rest = PQgetResult(conn_)) PQclear(rest);
  }
  PGresult* sync = PQgetResult(conn_);
  const bool synced = sync && PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
  PQclear(sync);
  if (!synced || PQexitPipelineMode(conn_) != 1) throw broken("ending a pipeline");
  if (failure) throw std::move(*failure);
}

void Connection::abandon_session() {
  PQfinish(conn_);
  conn_ = nullptr;
  prepared_.clear();
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
  if (!deferred_.empty()) run_deferred();  // in order: what was queued runs first
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

void Connection::notify_on_commit(std::string_view channel, std::string_view payload) {
  defer("SELECT pg_notify($1, $2)", channel, payload);
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
