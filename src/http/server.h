// SPDX-License-Identifier: Apache-2.0
// The HTTP/1.1 server every AWS client talks to: it accepts connections on one port, parses
// requests into HttpRequest, runs the Handler on a worker pool (never on an I/O thread) and writes
// the HttpResponse back. It knows nothing about AWS. The implementation (Boost.Beast and Asio
// coroutines) stays behind a pimpl so no Boost type leaks into the rest of trailwatch.
//
// Thread-safety: Start() is called once, from one thread. Shutdown() may be called from any thread,
// including a signal-handling thread or a Handler, any number of times. Wait() blocks until the
// server has stopped and must not be called from a Handler (it would wait for itself).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "common/result.h"
#include "http/message.h"

namespace tw::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 4566;  // 0 picks an ephemeral port; port() tells which
  std::size_t io_threads = 1;
  std::size_t worker_threads = 0;  // 0 = hardware concurrency, at least 2
  std::size_t header_limit = 64 * 1024;
  // Requests are buffered in memory before the Handler sees them, so this bounds memory per
  // connection. Bodies a Handler streams (Handler::PlanBody) have the limit it gives instead.
  std::uint64_t body_limit = 64ull * 1024 * 1024;
  // How long a keep-alive connection may wait for the first byte of its next request.
  std::chrono::seconds idle_timeout{60};
  // Bounds reading one request (header and body) and, separately, writing its response.
  std::chrono::seconds request_timeout{300};
  // For bodies streamed to a Handler's BodySink (which may be gigabytes and take longer than
  // request_timeout): each read must deliver bytes within this time.
  std::chrono::seconds body_progress_timeout{60};
  // How long Shutdown() lets in-flight requests finish before their connections are closed.
  std::chrono::seconds shutdown_grace{30};
};

class Server {
 public:
  // `handler` must outlive the server.
  Server(ServerOptions options, Handler& handler);
  ~Server();  // Shutdown() and Wait()

  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, listens and starts the I/O and worker threads. The error says why it failed (address
  // in use, bad host, ...). Fails if already started or shut down.
  Status Start();

  // The bound port, valid after a successful Start().
  std::uint16_t port() const;

  // Graceful stop: no new connections, idle keep-alive connections are closed, in-flight requests
  // are answered (with Connection: close) within shutdown_grace, after which remaining
  // connections are closed. Returns at once; idempotent.
  void Shutdown();

  // Blocks until Shutdown() has completed and every thread has been joined. A Handler still
  // running past the grace period is waited for: handlers cannot be cancelled.
  void Wait();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tw::http
