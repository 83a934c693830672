// The only translation unit that includes Beast/Asio (docs/runtime.md). Modelled on Beast's
// example/http/server/async and example/advanced/server at Boost 1.74.
#include "runtime/http/server.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

namespace flow::runtime::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

class Session;

// What the sessions share with the Server. They hold it by shared_ptr: a session that
// outlives stop()'s timeout is destroyed with the io_context, after the Server's members.
struct State {
  Options options;
  Handler handler;
  std::atomic<bool> stopping{false};
  std::mutex mutex;
  std::condition_variable drained;  // notified when `sessions` becomes empty
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
};

// Every beast::http::error (bad method, bad field, …) shares one category.
bool is_parse_error(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category();
}

Request to_request(bhttp::request<bhttp::string_body>&& message, const std::string& remote) {
  Request request;
  // As sent: methods are case-sensitive (RFC 9110 §9.1) and the standard ones upper case.
  request.method = std::string(message.method_string());
  const std::string_view target(message.target().data(), message.target().size());
  const auto question = target.find('?');
  request.target = std::string(target.substr(0, question));
  if (question != std::string_view::npos) request.query = std::string(target.substr(question + 1));
  for (const auto& field : message)
    request.headers.add(std::string(field.name_string()), std::string(field.value()));
  request.body = std::move(message.body());
  request.remote = remote;
  return request;
}

bhttp::response<bhttp::string_body> to_beast(Response response, unsigned version, bool keep_alive) {
  bhttp::response<bhttp::string_body> out;
  out.version(version);
  out.result(static_cast<unsigned>(response.status));
  out.set(bhttp::field::server, "flowd");
  if (!response.content_type.empty()) out.set(bhttp::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) out.insert(name, value);
  out.body() = std::move(response.body);
  out.keep_alive(keep_alive);
  out.prepare_payload();
  return out;
}

// One connection. Every member is touched only on the connection's strand (the socket's
// executor), so a session needs no lock of its own.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<State> state)
      : stream_(std::move(socket)), state_(std::move(state)) {}

  ~Session() {
    std::lock_guard lock(state_->mutex);
    state_->sessions.erase(this);
    if (state_->sessions.empty()) state_->drained.notify_all();
  }

  // Called on the accepting strand, before any I/O: registering first lets stop() see it.
  void start() {
    {
      std::lock_guard lock(state_->mutex);
      state_->sessions.emplace(this, weak_from_this());
    }
    beast::error_code ec;
    const auto peer = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = peer.address().to_string() + ":" + std::to_string(peer.port());
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
  }

  // From stop(): an idle connection closes now; a busy one after its response is written.
  void close_if_idle() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      beast::error_code ignored;
      if (!self->busy_) self->stream_.socket().close(ignored);  // aborts the pending read
    });
  }

 private:
  void read() {
    if (state_->stopping) return close();
    parser_.emplace();
    parser_->body_limit(state_->options.body_limit);
    stream_.expires_after(state_->options.read_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec == bhttp::error::end_of_stream) return close();  // the client is done
    // The rest of the body is unread, so the connection cannot carry another request.
    if (ec == bhttp::error::body_limit)
      return reply_error(413, "payload_too_large",
                         "the request body exceeds " + std::to_string(state_->options.body_limit) + " bytes");
    if (ec && is_parse_error(ec)) return reply_error(400, "bad_request", "malformed HTTP request: " + ec.message());
    if (ec) return;  // timeout, reset, or closed by stop(): no one to answer

    busy_ = true;
    auto message = parser_->release();
    const unsigned version = message.version();
    const bool keep_alive = message.keep_alive();
    const Request request = to_request(std::move(message), remote_);
    // Logged by the handler (the API's router), which knows which paths hold secrets.
    call_handler(request, [self = shared_from_this(), version, keep_alive,
                           answered = std::make_shared<std::atomic<bool>>(false)](Response response) {
      if (answered->exchange(true)) return spdlog::error("http: a request was answered twice; the second is dropped");
      // On the connection's strand: at once when answered inside the handler, queued for a
      // server thread when answered from another thread (a /v1/track recorder). A handler
      // must not answer many requests from one long call on a server thread: Asio would keep
      // the writes' completions in that thread's private queue until the call returned.
      asio::dispatch(self->stream_.get_executor(), [self, version, keep_alive, response = std::move(response)]() mutable {
        self->write(to_beast(std::move(response), version, keep_alive && !self->state_->stopping));
      });
    });
  }

  void call_handler(const Request& request, const Respond& respond) {
    // The message is logged, never sent: it may name tables, paths or secrets.
    try {
      return state_->handler(request, respond);
    } catch (const std::exception& e) {
      spdlog::error("http {} {}: handler threw: {}", request.method, request.target, e.what());
    } catch (...) {
      spdlog::error("http {} {}: handler threw a non-exception", request.method, request.target);
    }
    respond(json_error(500, "internal_error", "internal server error"));
  }

  void reply_error(int status, std::string_view code, std::string message) {
    spdlog::debug("http {} from {}: {}", status, remote_, message);
    busy_ = true;
    write(to_beast(json_error(status, code, message), 11, false));
  }

  void write(bhttp::response<bhttp::string_body> response) {
    response_ = std::move(response);  // async_write needs it alive until on_write
    stream_.expires_after(state_->options.read_timeout);  // a client that never reads
    bhttp::async_write(stream_, response_, beast::bind_front_handler(&Session::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    busy_ = false;
    if (ec) return;
    if (!response_.keep_alive()) return close();
    read();
  }

  // Half-close, as Beast's examples do: the client reads the response, then sees EOF. The
  // socket itself closes when the last handler lets go of the session.
  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  std::shared_ptr<State> state_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;  // fresh per request
  bhttp::response<bhttp::string_body> response_;
  std::string remote_;
  bool busy_ = false;  // a request is being handled or its response written
};

}  // namespace

struct Server::Impl {
  std::shared_ptr<State> state;
  asio::io_context ioc;
  tcp::acceptor acceptor{asio::make_strand(ioc)};  // after ioc: destroyed before it
  std::vector<std::thread> threads;
  std::mutex lifecycle;  // start() and stop()
  bool started = false;
  bool stopped = false;
  uint16_t port = 0;

  void accept() {
    acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (!acceptor.is_open()) return;  // stop() closed it
      if (ec) spdlog::warn("http accept: {}", ec.message());
      else admit(std::move(socket));
      accept();
    });
  }

  void admit(tcp::socket socket) {
    const size_t limit = state->options.max_connections;
    if (limit != 0) {
      std::lock_guard lock(state->mutex);
      // Dropping the socket closes it: the client sees a reset and may retry later.
      if (state->sessions.size() >= limit) return spdlog::warn("http: {} connections, refusing one", limit);
    }
    std::make_shared<Session>(std::move(socket), state)->start();
  }

  void run() {
    // Asio's pattern: an exception escaping a completion handler unwinds run(); log it and
    // keep the thread serving rather than take the process down.
    for (;;) {
      try {
        ioc.run();
        return;
      } catch (const std::exception& e) {
        spdlog::error("http: {}", e.what());
      }
    }
  }
};

Server::Server(Options options, Handler handler) : impl_(std::make_unique<Impl>()) {
  impl_->state = std::make_shared<State>();
  impl_->state->options = std::move(options);
  impl_->state->handler = std::move(handler);
}

Server::~Server() { stop(); }

void Server::start() {
  std::lock_guard lifecycle(impl_->lifecycle);
  if (impl_->started) return;
  const Options& options = impl_->state->options;
  const tcp::endpoint endpoint{asio::ip::make_address(options.address), options.port};
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(asio::socket_base::max_listen_connections);
  impl_->port = acceptor.local_endpoint().port();
  impl_->started = true;
  impl_->accept();  // queued before the threads run, so run() has work and does not return
  for (unsigned i = 0; i < std::max(1u, options.threads); ++i) impl_->threads.emplace_back([this] { impl_->run(); });
  spdlog::debug("http listening on {}:{}", options.address, impl_->port);
}

uint16_t Server::port() const { return impl_->port; }

void Server::stop() {
  std::lock_guard lifecycle(impl_->lifecycle);
  if (!impl_->started || impl_->stopped) return;
  impl_->stopped = true;
  State& state = *impl_->state;
  state.stopping = true;
  asio::dispatch(impl_->acceptor.get_executor(), [impl = impl_.get()] {
    beast::error_code ignored;
    impl->acceptor.close(ignored);
  });

  // Locked only while copying: the last reference to a session may be dropped here, and
  // its destructor takes the mutex.
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(state.mutex);
    for (const auto& [_, weak] : state.sessions)
      if (auto session = weak.lock()) live.push_back(std::move(session));
  }
  for (const auto& session : live) session->close_if_idle();
  live.clear();

  {
    std::unique_lock lock(state.mutex);
    if (!state.drained.wait_for(lock, state.options.stop_timeout, [&] { return state.sessions.empty(); }))
      spdlog::warn("http: {} connections still busy after {} ms, abandoning them", state.sessions.size(),
                   state.options.stop_timeout.count());
  }
  impl_->ioc.stop();  // only what stop_timeout gave up on is left to cancel
  for (auto& thread : impl_->threads) thread.join();
  spdlog::debug("http stopped");
}

}  // namespace flow::runtime::http
