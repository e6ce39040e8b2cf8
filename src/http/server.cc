// SPDX-License-Identifier: Apache-2.0
#include "http/server.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <exception>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_set>
#include <utility>
#include <vector>

#include "common/aws_error.h"
#include "common/strings.h"

namespace tw::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using SysError = boost::system::error_code;
using Clock = std::chrono::steady_clock;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
// Bytes asked for when waiting for the first byte of a request.
constexpr std::size_t kReadChunk = 16 * 1024;
// After answering a request we refuse (413, 431, 400), the client may still be sending. Closing
// with unread data makes the kernel send a RST that can destroy our answer before the client
// reads it, so the rest is read and discarded for a while first.
constexpr std::chrono::seconds kLingerTime{2};
constexpr std::size_t kLingerBytes = 4 * 1024 * 1024;
constexpr std::uint64_t kMaxReserve = 1024 * 1024;
// How often the shutdown sequence checks whether every connection has finished.
constexpr std::chrono::milliseconds kDrainPoll{10};

// One accepted connection. Its stream and `idle` are only touched on the connection's strand;
// the set of live connections (Server::Impl) shares ownership so Shutdown() can reach them.
struct Connection {
  explicit Connection(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  // True while waiting for the first byte of the next request: such a connection can be closed
  // during shutdown without losing a request.
  bool idle = false;
};

std::string ToStd(beast::string_view s) { return std::string(s.data(), s.size()); }

void LogSpawnFailure(std::string_view what, std::exception_ptr error) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    spdlog::warn("http: {} failed: {}", what, e.what());
  } catch (...) {
    spdlog::warn("http: {} failed with a non-standard exception", what);
  }
}

// Splits an origin-form ("/p?q") or absolute-form ("http://host/p?q") request-target. The path
// keeps its percent-encoding: SigV4 signs it exactly as sent.
void SplitTarget(std::string_view target, HttpRequest& request) {
  if (!target.empty() && target.front() != '/') {
    std::size_t scheme_end = target.find("://");
    if (scheme_end != std::string_view::npos) {
      std::size_t rest = target.find_first_of("/?", scheme_end + 3);
      target = rest == std::string_view::npos ? std::string_view() : target.substr(rest);
    }
  }
  std::size_t question = target.find('?');
  if (question == std::string_view::npos) {
    request.path = std::string(target);
  } else {
    request.path = std::string(target.substr(0, question));
    request.raw_query = std::string(target.substr(question + 1));
  }
  if (request.path.empty()) request.path = "/";
}

// Builds the HttpRequest straight from the parser's callbacks. Beast's own fields container
// groups repeated names together; this keeps every field in arrival order, as Headers promises,
// and saves copying header and body out of a Beast message.
class RequestParser final : public bhttp::basic_parser<true> {
 public:
  HttpRequest& request() { return request_; }
  unsigned version() const { return version_; }
  bool expects_continue() const { return expects_continue_; }
  // From now on body bytes go to `sink` instead of the request's body.
  void set_sink(BodySink* sink) { sink_ = sink; }
  // True when the sink refused bytes and reading stopped.
  bool sink_stopped() const { return sink_stopped_; }

 private:
  std::size_t Deliver(beast::string_view body, SysError& ec) {
    if (sink_ == nullptr) {
      request_.body.append(body.data(), body.size());
      return body.size();
    }
    if (!sink_->Write(std::string_view(body.data(), body.size()))) {
      sink_stopped_ = true;
      ec = bhttp::error::bad_chunk;  // any error ends the read; sink_stopped() tells why
      return 0;
    }
    return body.size();
  }
  void on_request_impl(bhttp::verb, beast::string_view method, beast::string_view target,
                       int version, SysError&) override {
    request_.method = ToStd(method);
    SplitTarget(std::string_view(target.data(), target.size()), request_);
    version_ = static_cast<unsigned>(version);
  }
  void on_response_impl(int, beast::string_view, int, SysError& ec) override {
    ec = bhttp::error::bad_version;  // unreachable: this parser reads requests
  }
  void on_field_impl(bhttp::field name, beast::string_view name_string, beast::string_view value,
                     SysError&) override {
    if (name == bhttp::field::expect && beast::iequals(value, "100-continue")) {
      expects_continue_ = true;
    }
    request_.headers.Add(ToStd(name_string), ToStd(value));
  }
  void on_header_impl(SysError&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, SysError&) override {
    if (sink_ != nullptr) return;
    // The parser has already refused a declared length above body_limit; the reservation is
    // capped as well so that idle clients declaring big bodies cannot pin much memory.
    if (length) request_.body.reserve(static_cast<std::size_t>(std::min(*length, kMaxReserve)));
  }
  std::size_t on_body_impl(beast::string_view body, SysError& ec) override {
    return Deliver(body, ec);
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view, SysError&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view body, SysError& ec) override {
    return Deliver(body, ec);
  }
  void on_finish_impl(SysError&) override {}

  HttpRequest request_;
  unsigned version_ = 11;
  bool expects_continue_ = false;
  BodySink* sink_ = nullptr;
  bool sink_stopped_ = false;
};

// Beast does not check what a handler puts in a field; a CR or LF would let it split the
// response.
bool IsValidFieldName(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(),
                     [](unsigned char c) { return c > 0x20 && c < 0x7f && c != ':'; });
}

bool IsValidFieldValue(std::string_view value) {
  return std::none_of(value.begin(), value.end(),
                      [](unsigned char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

std::optional<std::uint64_t> ParseLength(std::string_view text) {
  text = Trim(text);
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// A Beast body that sends a FileRange with pread in 256 KiB pieces, so a GetObject of any size
// needs one buffer per response, not the object.
struct FileRangeBody {
  struct value_type {
    std::shared_ptr<const FileRange> file;
  };
  static std::uint64_t size(const value_type& body) { return body.file ? body.file->length() : 0; }

  class writer {
   public:
    using const_buffers_type = asio::const_buffer;
    template <bool isRequest, class Fields>
    writer(const bhttp::header<isRequest, Fields>&, const value_type& body) : body_(body) {}
    void init(SysError& ec) {
      ec = {};
      if (body_.file) {
        remaining_ = body_.file->length();
        position_ = body_.file->offset();
      }
    }
    boost::optional<std::pair<const_buffers_type, bool>> get(SysError& ec) {
      ec = {};
      if (remaining_ == 0) return boost::none;
      // One buffer per response, no larger than the range needs.
      if (buffer_.empty()) {
        buffer_.resize(static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, kPiece)));
      }
      const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, kPiece));
      ssize_t n;
      do {
        n = ::pread(body_.file->fd(), buffer_.data(), want, static_cast<off_t>(position_));
      } while (n < 0 && errno == EINTR);
      if (n <= 0) {
        // The object shrank or the disk failed: the length is already sent, so end the
        // connection rather than send fewer bytes than promised.
        ec = n < 0 ? SysError(errno, boost::system::system_category())
                   : SysError(boost::asio::error::eof);
        return boost::none;
      }
      position_ += static_cast<std::uint64_t>(n);
      remaining_ -= static_cast<std::uint64_t>(n);
      return std::make_pair(asio::const_buffer(buffer_.data(), static_cast<std::size_t>(n)),
                            remaining_ > 0);
    }

   private:
    static constexpr std::size_t kPiece = 256 * 1024;
    const value_type& body_;
    std::uint64_t remaining_ = 0;
    std::uint64_t position_ = 0;
    std::vector<char> buffer_;
  };
};

bool IsParseError(const SysError& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
}

}  // namespace

class Server::Impl {
 public:
  Impl(ServerOptions options, Handler& handler)
      : options_(std::move(options)),
        handler_(handler),
        io_(static_cast<int>(std::max<std::size_t>(1, options_.io_threads))),
        accept_strand_(asio::make_strand(io_)) {}

  Status Start();
  std::uint16_t port() const { return port_.load(); }
  void Shutdown();
  void Wait();

 private:
  asio::awaitable<void> AcceptLoop();
  asio::awaitable<void> Drain();
  asio::awaitable<void> RunSession(std::shared_ptr<Connection> connection);
  // Reads, handles and answers one request; false when the connection must close.
  asio::awaitable<bool> ServeOne(Connection& connection, beast::flat_buffer& buffer,
                                 const std::string& remote_ip);
  // Answers a request we cannot read (400, 413, 431) and closes the connection.
  asio::awaitable<void> Reject(beast::tcp_stream& stream, bhttp::status status, unsigned version);
  HttpResponse Invoke(HttpRequest& request);
  BodyPlan InvokePlan(HttpRequest& request);
  // Writes a response to a request whose body was not read, then closes like Reject.
  asio::awaitable<void> AnswerUnread(beast::tcp_stream& stream, HttpResponse&& response,
                                     const HttpRequest& request, unsigned version);
  bhttp::response<bhttp::string_body> ToBeastResponse(HttpResponse&& response,
                                                      const HttpRequest& request, unsigned version,
                                                      bool& keep_alive);

  std::vector<std::shared_ptr<Connection>> SnapshotConnections() {
    std::lock_guard lock(connections_mutex_);
    return {connections_.begin(), connections_.end()};
  }
  std::size_t ConnectionCount() {
    std::lock_guard lock(connections_mutex_);
    return connections_.size();
  }
  void Unregister(const std::shared_ptr<Connection>& connection) {
    std::lock_guard lock(connections_mutex_);
    connections_.erase(connection);
  }

  const ServerOptions options_;
  Handler& handler_;

  std::mutex state_mutex_;  // orders Start() against Shutdown()
  bool started_ = false;
  std::atomic<bool> shutting_down_{false};
  std::atomic<std::uint16_t> port_{0};

  std::mutex connections_mutex_;
  std::unordered_set<std::shared_ptr<Connection>> connections_;

  std::mutex wait_mutex_;  // serializes joining
  bool workers_joined_ = false;

  // Declared after the connection set: nothing in io_ may outlive it.
  asio::io_context io_;
  // The acceptor, the accept loop and the shutdown sequence all run on this strand.
  asio::strand<asio::io_context::executor_type> accept_strand_;
  std::optional<tcp::acceptor> acceptor_;
  std::optional<asio::thread_pool> workers_;
  std::vector<std::thread> io_threads_;
};

Status Server::Impl::Start() {
  std::lock_guard lock(state_mutex_);
  if (started_ || shutting_down_) {
    return AwsError::From(ErrorCode::kInternalFailure, "HTTP server already started or shut down");
  }
  const std::string where = options_.host + ":" + std::to_string(options_.port);
  SysError ec;
  tcp::resolver resolver(io_);
  auto endpoints = resolver.resolve(options_.host, std::to_string(options_.port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || endpoints.empty()) {
    return AwsError::From(ErrorCode::kInternalFailure,
                          "cannot resolve listen address " + where + ": " +
                              (ec ? ec.message() : std::string("no addresses")));
  }
  const tcp::endpoint endpoint = endpoints.begin()->endpoint();

  tcp::acceptor acceptor(accept_strand_);
  auto fail = [&](std::string_view step) -> Status {
    return AwsError::From(
        ErrorCode::kInternalFailure,
        "cannot listen on " + where + " (" + std::string(step) + "): " + ec.message());
  };
  if (acceptor.open(endpoint.protocol(), ec)) return fail("open");
  // Lets a restarted server bind while old connections sit in TIME_WAIT; on Linux it does not
  // let two servers share a listening port, so "address in use" is still reported.
  if (acceptor.set_option(asio::socket_base::reuse_address(true), ec)) return fail("setsockopt");
  if (acceptor.bind(endpoint, ec)) return fail("bind");
  if (acceptor.listen(asio::socket_base::max_listen_connections, ec)) return fail("listen");
  const tcp::endpoint bound = acceptor.local_endpoint(ec);
  if (ec) return fail("getsockname");
  port_ = bound.port();
  acceptor_.emplace(std::move(acceptor));

  std::size_t workers = options_.worker_threads;
  if (workers == 0) workers = std::max<std::size_t>(2, std::thread::hardware_concurrency());
  workers_.emplace(workers);

  asio::co_spawn(accept_strand_, AcceptLoop(),
                 [](std::exception_ptr e) { LogSpawnFailure("accept loop", e); });
  const std::size_t io_threads = std::max<std::size_t>(1, options_.io_threads);
  for (std::size_t i = 0; i < io_threads; ++i) {
    io_threads_.emplace_back([this] {
      // Completion handlers here do not throw; the loop only keeps a surprise from ending the
      // thread and silently stalling the server.
      for (;;) {
        try {
          io_.run();
          return;
        } catch (const std::exception& e) {
          spdlog::warn("http: I/O thread caught: {}", e.what());
        }
      }
    });
  }
  started_ = true;
  spdlog::info("http: listening on {}:{}", bound.address().to_string(), bound.port());
  return {};
}

void Server::Impl::Shutdown() {
  std::lock_guard lock(state_mutex_);
  if (shutting_down_.exchange(true)) return;
  if (!started_) return;
  asio::co_spawn(accept_strand_, Drain(),
                 [](std::exception_ptr e) { LogSpawnFailure("shutdown", e); });
}

void Server::Impl::Wait() {
  std::lock_guard lock(wait_mutex_);
  for (std::thread& thread : io_threads_) {
    if (thread.joinable()) thread.join();
  }
  // io_ has run out of work, so no session waits for a handler any more.
  if (workers_ && !workers_joined_) {
    workers_->join();
    workers_joined_ = true;
  }
}

asio::awaitable<void> Server::Impl::AcceptLoop() {
  asio::steady_timer backoff(accept_strand_);
  for (;;) {
    auto [ec, socket] = co_await acceptor_->async_accept(asio::make_strand(io_), kTuple);
    if (shutting_down_) co_return;
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      // Typically out of file descriptors: pause instead of spinning on the error.
      spdlog::warn("http: accept failed: {}", ec.message());
      backoff.expires_after(std::chrono::milliseconds(50));
      co_await backoff.async_wait(kTuple);
      continue;
    }
    SysError ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto connection = std::make_shared<Connection>(std::move(socket));
    {
      std::lock_guard lock(connections_mutex_);
      connections_.insert(connection);
    }
    auto executor = connection->stream.get_executor();
    asio::co_spawn(executor, RunSession(std::move(connection)),
                   [](std::exception_ptr e) { LogSpawnFailure("connection", e); });
  }
}

asio::awaitable<void> Server::Impl::Drain() {
  SysError ignored;
  acceptor_->close(ignored);
  // Connections waiting for their next request close now; the others close after answering,
  // since every response written from here on says Connection: close.
  for (const auto& connection : SnapshotConnections()) {
    asio::post(connection->stream.get_executor(), [connection] {
      if (connection->idle) connection->stream.cancel();
    });
  }
  const auto deadline = Clock::now() + options_.shutdown_grace;
  asio::steady_timer timer(accept_strand_);
  while (ConnectionCount() > 0 && Clock::now() < deadline) {
    timer.expires_after(kDrainPoll);
    co_await timer.async_wait(kTuple);
  }
  auto remaining = SnapshotConnections();
  if (!remaining.empty()) {
    spdlog::warn("http: shutdown grace expired, closing {} connection(s)", remaining.size());
    for (const auto& connection : remaining) {
      asio::post(connection->stream.get_executor(), [connection] { connection->stream.close(); });
    }
  }
}

asio::awaitable<void> Server::Impl::RunSession(std::shared_ptr<Connection> connection) {
  struct Unregisterer {
    Impl* impl;
    const std::shared_ptr<Connection>& connection;
    ~Unregisterer() { impl->Unregister(connection); }
  } unregisterer{this, connection};

  beast::tcp_stream& stream = connection->stream;
  SysError ec;
  std::string remote_ip;
  const tcp::endpoint peer = stream.socket().remote_endpoint(ec);
  if (!ec) remote_ip = peer.address().to_string();

  beast::flat_buffer buffer;
  for (;;) {
    if (buffer.size() == 0) {
      // Checked on the strand right before going idle, so a Shutdown() racing with us either
      // is seen here or finds the connection idle and cancels the read.
      if (shutting_down_) break;
      connection->idle = true;
      stream.expires_after(options_.idle_timeout);
      auto [read_ec, n] = co_await stream.async_read_some(buffer.prepare(kReadChunk), kTuple);
      connection->idle = false;
      if (read_ec) {
        if (read_ec == beast::error::timeout) {
          spdlog::debug("http: closing idle connection from {}", remote_ip);
        }
        break;
      }
      buffer.commit(n);
    }
    if (!co_await ServeOne(*connection, buffer, remote_ip)) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream.close();
}

asio::awaitable<bool> Server::Impl::ServeOne(Connection& connection, beast::flat_buffer& buffer,
                                             const std::string& remote_ip) {
  beast::tcp_stream& stream = connection.stream;
  const auto started = Clock::now();
  RequestParser parser;
  parser.header_limit(static_cast<std::uint32_t>(
      std::min<std::size_t>(options_.header_limit, std::numeric_limits<std::uint32_t>::max())));
  // The body limit depends on the handler's plan (streamed uploads have their own), so the
  // declared length is checked after the header instead of by the header parser.
  parser.body_limit(boost::none);

  // One deadline covers the whole request: header, 100 Continue and body.
  stream.expires_after(options_.request_timeout);
  auto reject_for = [&](const SysError& ec) -> std::optional<bhttp::status> {
    if (ec == bhttp::error::header_limit) return bhttp::status::request_header_fields_too_large;
    if (ec == bhttp::error::body_limit) return bhttp::status::payload_too_large;
    if (IsParseError(ec)) return bhttp::status::bad_request;
    return std::nullopt;  // disconnect or timeout: nobody to answer
  };
  auto fail = [&](const SysError& ec) -> asio::awaitable<bool> {
    if (auto status = reject_for(ec)) {
      spdlog::debug("http: rejecting request from {} with {}: {}", remote_ip,
                    static_cast<unsigned>(*status), ec.message());
      co_await Reject(stream, *status, parser.version());
    } else {
      spdlog::debug("http: connection from {} ended mid-request: {}", remote_ip, ec.message());
    }
    co_return false;
  };

  if (auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser, kTuple); ec) {
    co_return co_await fail(ec);
  }
  const unsigned version = parser.version();
  bool body_stopped = false;
  if (!parser.is_done()) {
    // The handler may stream the body to a sink, or refuse the request before its body is read
    // (S3 answers a denied upload without waiting for the data).
    parser.request().remote_ip = remote_ip;
    BodyPlan plan;
    if (handler_.MayPlanBody(parser.request())) {
      plan = co_await asio::co_spawn(
          workers_->get_executor(),
          [this, &parser]() -> asio::awaitable<BodyPlan> {
            co_return InvokePlan(parser.request());
          },
          asio::use_awaitable);
    }
    if (plan.response) {
      co_await AnswerUnread(stream, std::move(*plan.response), parser.request(), version);
      co_return false;
    }
    const std::uint64_t limit = plan.sink ? plan.limit : options_.body_limit;
    if (auto declared = parser.content_length(); declared && *declared > limit) {
      co_return co_await fail(bhttp::error::body_limit);
    }
    parser.body_limit(limit);
    if (plan.sink) {
      parser.request().body_sink = plan.sink;
      parser.set_sink(plan.sink.get());
    }
    // The aws CLI waits for this before sending an upload body.
    if (version >= 11 && parser.expects_continue()) {
      bhttp::response<bhttp::empty_body> proceed{bhttp::status::continue_, version};
      if (auto [ec, n] = co_await bhttp::async_write(stream, proceed, kTuple); ec) co_return false;
    }
    if (plan.sink) {
      // A streamed body may take long as a whole; each read must make progress in time.
      while (!parser.is_done()) {
        stream.expires_after(options_.body_progress_timeout);
        auto [ec, n] = co_await bhttp::async_read_some(stream, buffer, parser, kTuple);
        if (!ec) continue;
        if (parser.sink_stopped()) {
          body_stopped = true;
          break;
        }
        co_return co_await fail(ec);
      }
      stream.expires_after(options_.request_timeout);
    } else if (auto [ec, n] = co_await bhttp::async_read(stream, buffer, parser, kTuple); ec) {
      co_return co_await fail(ec);
    }
  }
  const bool client_keep_alive = parser.keep_alive() && !body_stopped;
  HttpRequest request = std::move(parser.request());
  request.remote_ip = remote_ip;
  request.tls = false;
  request.body_complete = !body_stopped;
  // The handler may move from the request; keep what the log line needs.
  std::string method = request.method;
  std::string path = request.path;

  // Run the handler on the worker pool; co_spawn's completion brings us back to this
  // connection's strand.
  HttpResponse response = co_await asio::co_spawn(
      workers_->get_executor(),
      [this, &request]() -> asio::awaitable<HttpResponse> { co_return Invoke(request); },
      asio::use_awaitable);

  bool keep_alive = client_keep_alive;
  std::shared_ptr<const FileRange> file = std::move(response.file);
  bhttp::response<bhttp::string_body> message =
      ToBeastResponse(std::move(response), request, version, keep_alive);
  const unsigned status = message.result_int();
  SysError ec;
  if (file && request.method != "HEAD" && status != 204 && status != 304) {
    // Sent from the file; a large one may take long as a whole, so each write gets its own
    // deadline through the serializer loop.
    bhttp::response<FileRangeBody> streamed{std::move(message.base())};
    streamed.body().file = std::move(file);
    streamed.content_length(streamed.body().file->length());
    bhttp::response_serializer<FileRangeBody> serializer{streamed};
    while (!serializer.is_done()) {
      stream.expires_after(options_.request_timeout);
      auto [write_ec, n] = co_await bhttp::async_write_some(stream, serializer, kTuple);
      if (write_ec) {
        ec = write_ec;
        break;
      }
    }
  } else {
    stream.expires_after(options_.request_timeout);
    auto [write_ec, n] = co_await bhttp::async_write(stream, message, kTuple);
    ec = write_ec;
  }
  const double millis = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  spdlog::debug("http: {} {} {} -> {} ({:.1f} ms){}", remote_ip, method, path, status, millis,
                ec ? " write failed: " + ec.message() : std::string());
  co_return !ec && keep_alive;
}

HttpResponse Server::Impl::Invoke(HttpRequest& request) {
  // Copied up front: after Handle() the request may have been moved from.
  std::string method = request.method;
  std::string path = request.path;
  std::string failure;
  try {
    return handler_.Handle(request);
  } catch (const std::exception& e) {
    failure = e.what();
  } catch (...) {
    failure = "non-standard exception";
  }
  spdlog::warn("http: handler threw for {} {}: {}", method, path, failure);
  HttpResponse response;
  response.status = 500;
  response.headers.Add("Content-Type", "text/plain");
  response.body = "Internal server error\n";
  return response;
}

BodyPlan Server::Impl::InvokePlan(HttpRequest& request) {
  try {
    return handler_.PlanBody(request);
  } catch (const std::exception& e) {
    spdlog::warn("http: body plan threw for {} {}: {}", request.method, request.path, e.what());
  } catch (...) {
    spdlog::warn("http: body plan threw for {} {}", request.method, request.path);
  }
  return {};  // buffer the body; Handle() answers
}

asio::awaitable<void> Server::Impl::AnswerUnread(beast::tcp_stream& stream, HttpResponse&& response,
                                                 const HttpRequest& request, unsigned version) {
  bool keep_alive = false;
  bhttp::response<bhttp::string_body> message =
      ToBeastResponse(std::move(response), request, version, keep_alive);
  message.keep_alive(false);
  stream.expires_after(kLingerTime);
  if (auto [ec, n] = co_await bhttp::async_write(stream, message, kTuple); ec) co_return;
  spdlog::debug("http: {} {} {} -> {} before its body was read", request.remote_ip, request.method,
                request.path, message.result_int());
  SysError ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  std::vector<char> sink(16 * 1024);
  std::size_t drained = 0;
  while (drained < kLingerBytes) {
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink), kTuple);
    if (ec) break;
    drained += n;
  }
}

bhttp::response<bhttp::string_body> Server::Impl::ToBeastResponse(HttpResponse&& response,
                                                                  const HttpRequest& request,
                                                                  unsigned version,
                                                                  bool& keep_alive) {
  bhttp::response<bhttp::string_body> message;
  message.version(version);
  int status = response.status;
  if (status < 200 || status > 599) {
    spdlog::warn("http: handler answered {} {} with invalid status {}", request.method,
                 request.path, status);
    status = 500;
    response.headers = Headers();
    response.body.clear();
  }
  message.result(static_cast<unsigned>(status));

  std::optional<std::uint64_t> declared_length;
  for (const auto& [name, value] : response.headers) {
    if (!IsValidFieldName(name) || !IsValidFieldValue(value)) {
      // Not logged verbatim: the field is malformed and may hold anything.
      spdlog::warn("http: dropping a malformed response header for {} {}", request.method,
                   request.path);
      continue;
    }
    // Framing is the server's job: these are derived below, not copied.
    if (IEquals(name, "Content-Length")) {
      declared_length = ParseLength(value);
      continue;
    }
    if (IEquals(name, "Transfer-Encoding")) continue;
    if (IEquals(name, "Connection")) {
      for (std::string_view token : Split(value, ',')) {
        if (IEquals(Trim(token), "close")) keep_alive = false;
      }
      continue;
    }
    message.insert(beast::string_view(name.data(), name.size()),
                   beast::string_view(value.data(), value.size()));
  }

  if (request.method == "HEAD") {
    // A HEAD answer carries the length a GET would have (S3 HeadObject relies on it).
    message.content_length(declared_length.value_or(response.body.size()));
  } else if (status == 204 || status == 304) {
    // No body; a 304 may still tell the length of the representation.
    if (status == 304 && declared_length) message.content_length(*declared_length);
  } else {
    message.body() = std::move(response.body);
    message.content_length(message.body().size());
  }
  if (shutting_down_) keep_alive = false;
  message.keep_alive(keep_alive);
  return message;
}

asio::awaitable<void> Server::Impl::Reject(beast::tcp_stream& stream, bhttp::status status,
                                           unsigned version) {
  bhttp::response<bhttp::string_body> message{status, version};
  message.set(bhttp::field::content_type, "text/plain");
  message.body() = ToStd(bhttp::obsolete_reason(status)) + "\n";
  message.content_length(message.body().size());
  message.keep_alive(false);
  stream.expires_after(kLingerTime);
  if (auto [ec, n] = co_await bhttp::async_write(stream, message, kTuple); ec) co_return;
  SysError ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  std::vector<char> sink(16 * 1024);
  std::size_t drained = 0;
  while (drained < kLingerBytes) {
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink), kTuple);
    if (ec) break;
    drained += n;
  }
}

Server::Server(ServerOptions options, Handler& handler)
    : impl_(std::make_unique<Impl>(std::move(options), handler)) {}

Server::~Server() {
  impl_->Shutdown();
  impl_->Wait();
}

Status Server::Start() { return impl_->Start(); }
std::uint16_t Server::port() const { return impl_->port(); }
void Server::Shutdown() { impl_->Shutdown(); }
void Server::Wait() { impl_->Wait(); }

}  // namespace tw::http
