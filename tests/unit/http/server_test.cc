// SPDX-License-Identifier: Apache-2.0
// Drives tw::http::Server over loopback with a plain POSIX-socket client, so the test checks the
// bytes on the wire rather than what another HTTP library would make of them.
#include "http/server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "common/strings.h"

namespace tw::http {
namespace {

using namespace std::chrono_literals;

// Remembers every request and answers by path.
// Collects a streamed body; refuses (stops the read) at the first 'X'.
class TestSink : public BodySink {
 public:
  bool Write(std::string_view bytes) override {
    if (bytes.find('X') != std::string_view::npos) return false;
    received += bytes;
    ++writes;
    return true;
  }
  std::string received;
  int writes = 0;
};

class TestHandler : public Handler {
 public:
  bool MayPlanBody(const HttpRequest& request) const override {
    return request.path.starts_with("/stream") || request.path == "/refuse";
  }
  BodyPlan PlanBody(HttpRequest& request) override {
    BodyPlan plan;
    if (request.path == "/refuse") {
      plan.response = HttpResponse{403, {}, "refused before the body", nullptr};
    } else if (request.path == "/stream") {
      plan.sink = std::make_shared<TestSink>();
      plan.limit = 1 << 20;
    }
    return plan;  // "/stream-buffered": buffered as usual
  }

  HttpResponse Handle(HttpRequest& request) override {
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
    }
    HttpResponse response;
    response.headers.Add("Content-Type", "text/plain");
    if (auto* sink = dynamic_cast<TestSink*>(request.body_sink.get())) {
      response.body = (request.body_complete ? "streamed:" : "stopped:") +
                      std::to_string(sink->received.size()) + ":" + request.body;
      return response;
    }
    if (request.path == "/throw") throw std::runtime_error("handler failure");
    if (request.path == "/slow") {
      std::this_thread::sleep_for(300ms);
      response.body = std::string(100000, 's');
      return response;
    }
    if (request.path == "/head") {
      response.body = "hello world";
      return response;
    }
    response.headers.Add("X-Method", request.method);
    response.body = request.body.empty() ? "empty" : "got:" + request.body;
    return response;
  }

  HttpRequest Last() {
    std::lock_guard lock(mutex_);
    return requests_.empty() ? HttpRequest() : requests_.back();
  }
  std::size_t Count() {
    std::lock_guard lock(mutex_);
    return requests_.size();
  }

 private:
  std::mutex mutex_;
  std::vector<HttpRequest> requests_;
};

struct Response {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  std::optional<std::string> Header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (IEquals(n, name)) return v;
    }
    return std::nullopt;
  }
};

// A minimal blocking HTTP/1.1 client: enough framing (Content-Length, read-to-EOF) for the
// server's answers, which never use chunked encoding.
class Client {
 public:
  explicit Client(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval timeout{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  }
  ~Client() { ::close(fd_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return connected_; }

  void Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  // One response; nullopt when the connection ends first. `head` means no body follows.
  std::optional<Response> Read(bool head = false) {
    std::size_t end;
    while ((end = pending_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return std::nullopt;
    }
    std::string header = pending_.substr(0, end);
    pending_.erase(0, end + 4);
    Response response;
    std::vector<std::string_view> lines = Split(header, '\n');
    std::string_view status_line = Trim(lines[0]);
    if (status_line.size() < 12) return std::nullopt;
    response.status = std::atoi(std::string(status_line.substr(9, 3)).c_str());
    for (std::size_t i = 1; i < lines.size(); ++i) {
      std::string_view line = Trim(lines[i]);
      std::size_t colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      response.headers.emplace_back(std::string(line.substr(0, colon)),
                                    std::string(Trim(line.substr(colon + 1))));
    }
    if (head || response.status < 200 || response.status == 204 || response.status == 304) {
      return response;
    }
    if (auto length = response.Header("Content-Length")) {
      std::size_t size = std::stoul(*length);
      while (pending_.size() < size) {
        if (!Fill()) return std::nullopt;
      }
      response.body = pending_.substr(0, size);
      pending_.erase(0, size);
    } else {
      while (Fill()) {
      }
      response.body = std::move(pending_);
      pending_.clear();
    }
    return response;
  }

  // True when the server closed the connection (EOF or reset) with nothing more to read.
  bool ReadsEof() {
    char c;
    ssize_t n = ::recv(fd_, &c, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }

 private:
  bool Fill() {
    char chunk[16384];
    ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    pending_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string pending_;
};

class ServerTest : public ::testing::Test {
 protected:
  void StartServer(ServerOptions options = {}) {
    options.port = 0;
    options.worker_threads = 2;
    server_ = std::make_unique<Server>(options, handler_);
    Status started = server_->Start();
    ASSERT_TRUE(started.has_value()) << started.error().message;
    ASSERT_NE(server_->port(), 0);
  }
  std::uint16_t port() const { return server_->port(); }

  TestHandler handler_;
  std::unique_ptr<Server> server_;
};

TEST_F(ServerTest, GetRoundTrip) {
  StartServer();
  Client client(port());
  ASSERT_TRUE(client.connected());
  client.Send("GET /x HTTP/1.1\r\nHost: localhost\r\n\r\n");
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "empty");
  EXPECT_EQ(response->Header("Content-Length"), "5");
  EXPECT_EQ(response->Header("X-Method"), "GET");
  HttpRequest seen = handler_.Last();
  EXPECT_EQ(seen.method, "GET");
  EXPECT_EQ(seen.path, "/x");
  EXPECT_EQ(seen.raw_query, "");
  EXPECT_EQ(seen.remote_ip, "127.0.0.1");
  EXPECT_FALSE(seen.tls);
}

TEST_F(ServerTest, PostRoundTrip) {
  StartServer();
  Client client(port());
  client.Send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nAction=List");
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "got:Action=List");
  EXPECT_EQ(handler_.Last().body, "Action=List");
}

TEST_F(ServerTest, RawPathAndQueryArePreserved) {
  StartServer();
  Client client(port());
  client.Send("GET /a%20b/c?x=1&y=%2F HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_TRUE(client.Read());
  HttpRequest seen = handler_.Last();
  EXPECT_EQ(seen.path, "/a%20b/c");
  EXPECT_EQ(seen.raw_query, "x=1&y=%2F");
}

TEST_F(ServerTest, AbsoluteFormTargetIsReducedToPathAndQuery) {
  StartServer();
  Client client(port());
  client.Send("GET http://bucket.localhost:4566/k%2B?acl HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_TRUE(client.Read());
  HttpRequest seen = handler_.Last();
  EXPECT_EQ(seen.path, "/k%2B");
  EXPECT_EQ(seen.raw_query, "acl");
}

TEST_F(ServerTest, DuplicateHeadersKeepArrivalOrder) {
  StartServer();
  Client client(port());
  client.Send("GET / HTTP/1.1\r\nHost: h\r\nX-Amz-Meta-A: 1\r\nx-b: 2\r\nX-Amz-Meta-A: 3\r\n\r\n");
  ASSERT_TRUE(client.Read());
  HttpRequest seen = handler_.Last();
  const auto& fields = seen.headers.fields();
  ASSERT_EQ(fields.size(), 4u);
  EXPECT_EQ(fields[0], (Headers::Field{"Host", "h"}));
  EXPECT_EQ(fields[1], (Headers::Field{"X-Amz-Meta-A", "1"}));
  EXPECT_EQ(fields[2], (Headers::Field{"x-b", "2"}));
  EXPECT_EQ(fields[3], (Headers::Field{"X-Amz-Meta-A", "3"}));
}

TEST_F(ServerTest, KeepAliveAndPipelining) {
  StartServer();
  Client client(port());
  client.Send("GET /1 HTTP/1.1\r\nHost: h\r\n\r\n");
  auto first = client.Read();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  EXPECT_FALSE(first->Header("Connection").has_value());
  // Two more requests in one write: answered in order on the same connection.
  client.Send(
      "POST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\nA"
      "POST /3 HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\nB");
  auto second = client.Read();
  auto third = client.Read();
  ASSERT_TRUE(second && third);
  EXPECT_EQ(second->body, "got:A");
  EXPECT_EQ(third->body, "got:B");
  EXPECT_EQ(handler_.Count(), 3u);
}

TEST_F(ServerTest, Http10ClosesUnlessKeepAlive) {
  StartServer();
  Client keep(port());
  keep.Send("GET /k HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  auto kept = keep.Read();
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->Header("Connection"), "keep-alive");
  keep.Send("GET /k2 HTTP/1.0\r\n\r\n");
  auto last = keep.Read();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->status, 200);
  EXPECT_TRUE(keep.ReadsEof());
}

TEST_F(ServerTest, ExpectContinueSends100BeforeBody) {
  StartServer();
  Client client(port());
  client.Send(
      "PUT /bucket/key HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  auto interim = client.Read();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  EXPECT_EQ(handler_.Count(), 0u);
  client.Send("hello");
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "got:hello");
}

TEST_F(ServerTest, PlannedBodyStreamsToTheSinkWithItsOwnLimit) {
  ServerOptions options;
  options.body_limit = 1024;  // the plan's 1 MiB applies instead
  StartServer(options);
  Client client(port());
  const std::string body(200000, 'a');
  client.Send(
      "PUT /stream HTTP/1.1\r\nHost: h\r\nContent-Length: 200000\r\n"
      "Expect: 100-continue\r\n\r\n");
  auto interim = client.Read();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  client.Send(body.substr(0, 70000));
  client.Send(body.substr(70000));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "streamed:200000:");  // nothing in request.body
  // Chunked transfer encoding streams too, on the same keep-alive connection.
  std::string chunk(5000, 'b');
  client.Send("PUT /stream HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1388\r\n" +
              chunk + "\r\n1388\r\n" + chunk + "\r\n0\r\n\r\n");
  response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body, "streamed:10000:");
  // A declared length over the plan's limit is refused unread.
  Client big(port());
  big.Send("PUT /stream HTTP/1.1\r\nHost: h\r\nContent-Length: 2000000\r\n\r\n");
  response = big.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  // Unplanned bodies keep the server's limit.
  Client buffered(port());
  buffered.Send("PUT /stream-buffered HTTP/1.1\r\nHost: h\r\nContent-Length: 2000\r\n\r\n");
  response = buffered.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
}

TEST_F(ServerTest, PlanCanAnswerBeforeTheBodyIsRead) {
  StartServer();
  Client client(port());
  client.Send(
      "PUT /refuse HTTP/1.1\r\nHost: h\r\nContent-Length: 1073741824\r\n"
      "Expect: 100-continue\r\n\r\n");
  auto response = client.Read();  // no 100 Continue first
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 403);
  EXPECT_EQ(response->body, "refused before the body");
  EXPECT_EQ(response->Header("Connection"), "close");
  EXPECT_TRUE(client.ReadsEof());
  EXPECT_EQ(handler_.Count(), 0u);
}

TEST_F(ServerTest, SinkStoppingTheBodyStillCallsTheHandlerAndCloses) {
  StartServer();
  Client client(port());
  client.Send("PUT /stream HTTP/1.1\r\nHost: h\r\nContent-Length: 100000\r\n\r\n");
  client.Send(std::string(1000, 'a') + "X");
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body.rfind("stopped:", 0), 0u) << response->body;
  EXPECT_EQ(response->Header("Connection"), "close");
  EXPECT_TRUE(client.ReadsEof());
}

TEST_F(ServerTest, BodyOverLimitIs413) {
  ServerOptions options;
  options.body_limit = 1024;
  StartServer(options);
  {
    // Declared length: refused before 100 Continue, without reading the body.
    Client client(port());
    client.Send(
        "PUT /k HTTP/1.1\r\nHost: h\r\nContent-Length: 4096\r\nExpect: 100-continue\r\n\r\n");
    auto response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 413);
    EXPECT_EQ(response->Header("Connection"), "close");
    EXPECT_TRUE(client.ReadsEof());
  }
  {
    // Chunked: found out while reading.
    Client client(port());
    std::string chunk(1000, 'x');
    client.Send("PUT /k HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");
    client.Send("3e8\r\n" + chunk + "\r\n3e8\r\n" + chunk + "\r\n0\r\n\r\n");
    auto response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 413);
    EXPECT_TRUE(client.ReadsEof());
  }
  EXPECT_EQ(handler_.Count(), 0u);
}

TEST_F(ServerTest, HeaderOverLimitIs431) {
  ServerOptions options;
  options.header_limit = 1024;
  StartServer(options);
  Client client(port());
  client.Send("GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + std::string(4096, 'b') + "\r\n\r\n");
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 431);
  EXPECT_TRUE(client.ReadsEof());
  EXPECT_EQ(handler_.Count(), 0u);
}

TEST_F(ServerTest, MalformedRequestIs400AndCloses) {
  StartServer();
  for (std::string_view garbage :
       {"NOT AN HTTP REQUEST\r\n\r\n", "GET / HTTP/1.1\r\nBad Header\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: abc\r\n\r\n"}) {
    Client client(port());
    client.Send(garbage);
    auto response = client.Read();
    ASSERT_TRUE(response) << garbage;
    EXPECT_EQ(response->status, 400) << garbage;
    EXPECT_TRUE(client.ReadsEof()) << garbage;
  }
  EXPECT_EQ(handler_.Count(), 0u);
}

TEST_F(ServerTest, ChunkedRequestBody) {
  StartServer();
  Client client(port());
  client.Send(
      "PUT /k HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(handler_.Last().body, "hello world");
}

TEST_F(ServerTest, HeadHasLengthButNoBody) {
  StartServer();
  Client client(port());
  client.Send("HEAD /head HTTP/1.1\r\nHost: h\r\n\r\n");
  auto head = client.Read(/*head=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("Content-Length"), "11");
  // Had a body been sent, it would be read as the start of the next response.
  client.Send("GET /head HTTP/1.1\r\nHost: h\r\n\r\n");
  auto get = client.Read();
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 200);
  EXPECT_EQ(get->body, "hello world");
}

TEST_F(ServerTest, ThrowingHandlerIs500) {
  StartServer();
  Client client(port());
  client.Send("GET /throw HTTP/1.1\r\nHost: h\r\n\r\n");
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 500);
  EXPECT_FALSE(response->body.empty());
  // The connection and the server survive it.
  client.Send("GET /after HTTP/1.1\r\nHost: h\r\n\r\n");
  auto after = client.Read();
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200);
}

TEST_F(ServerTest, IdleTimeoutClosesConnection) {
  ServerOptions options;
  options.idle_timeout = 1s;
  StartServer(options);
  Client client(port());
  client.Send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_TRUE(client.Read());
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.ReadsEof());
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, 800ms);
  EXPECT_LT(waited, 3s);
}

TEST_F(ServerTest, ClientDisconnectMidRequestIsHarmless) {
  StartServer();
  {
    Client client(port());
    client.Send("PUT /k HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\npartial");
  }
  {
    Client client(port());
    client.Send("GET /slow HTTP/1.1\r\nHost: h\r\n\r\n");
    // Gone before the slow handler answers: the write fails quietly.
  }
  Client client(port());
  client.Send("GET /still-up HTTP/1.1\r\nHost: h\r\n\r\n");
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
}

TEST_F(ServerTest, GracefulShutdownFinishesInFlightRequests) {
  StartServer();
  const std::uint16_t bound = port();
  Client idle(bound);
  idle.Send("GET /warm HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_TRUE(idle.Read());

  Client slow(bound);
  slow.Send("GET /slow HTTP/1.1\r\nHost: h\r\n\r\n");
  std::this_thread::sleep_for(100ms);  // the handler is now running
  const auto start = std::chrono::steady_clock::now();
  std::thread stopper([&] { server_->Shutdown(); });
  stopper.join();
  server_->Shutdown();  // idempotent

  auto response = slow.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body.size(), 100000u);
  EXPECT_EQ(response->Header("Connection"), "close");
  EXPECT_TRUE(slow.ReadsEof());
  EXPECT_TRUE(idle.ReadsEof());  // idle keep-alive connections are closed

  Client late(bound);
  EXPECT_FALSE(late.connected());
  server_->Wait();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST_F(ServerTest, ShutdownGraceExpiryClosesConnections) {
  ServerOptions options;
  options.shutdown_grace = 0s;
  StartServer(options);
  Client slow(port());
  slow.Send("GET /slow HTTP/1.1\r\nHost: h\r\n\r\n");
  std::this_thread::sleep_for(100ms);
  server_->Shutdown();
  // No grace: the connection is closed under the running handler, which still finishes.
  EXPECT_FALSE(slow.Read().has_value());
  server_->Wait();
  EXPECT_EQ(handler_.Count(), 1u);
}

TEST_F(ServerTest, ConcurrentClientsOnSeveralIoThreads) {
  ServerOptions options;
  options.io_threads = 2;
  StartServer(options);
  constexpr int kClients = 8;
  constexpr int kRequests = 20;
  std::vector<std::future<int>> answered;
  for (int c = 0; c < kClients; ++c) {
    answered.push_back(std::async(std::launch::async, [this, c] {
      Client client(port());
      int ok = 0;
      for (int i = 0; i < kRequests; ++i) {
        std::string body = std::to_string(c) + "-" + std::to_string(i);
        client.Send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: " + std::to_string(body.size()) +
                    "\r\n\r\n" + body);
        auto response = client.Read();
        if (response && response->body == "got:" + body) ++ok;
      }
      return ok;
    }));
  }
  for (auto& count : answered) EXPECT_EQ(count.get(), kRequests);
  EXPECT_EQ(handler_.Count(), static_cast<std::size_t>(kClients * kRequests));
}

TEST_F(ServerTest, StartReportsAddressInUse) {
  StartServer();
  ServerOptions options;
  options.port = port();
  TestHandler other;
  Server second(options, other);
  Status started = second.Start();
  ASSERT_FALSE(started.has_value());
  EXPECT_NE(started.error().message.find("in use"), std::string::npos) << started.error().message;
}

TEST_F(ServerTest, DestructorStopsRunningServer) {
  StartServer();
  Client client(port());
  client.Send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_TRUE(client.Read());
  server_.reset();  // must not hang on the open keep-alive connection
  EXPECT_TRUE(client.ReadsEof());
}

}  // namespace
}  // namespace tw::http
