// SPDX-License-Identifier: Apache-2.0
// AwsClient: the HTTP side of trailwatch's client commands. Requests are signed with the
// project's SigV4 signer (auth/sigv4/signer.h) and sent with libcurl over one reused handle
// (keep-alive). Two wire forms: JSON 1.0/1.1 with X-Amz-Target (CloudWatch Logs, trailwatch's
// own operations) and the query protocol (CloudWatch's PutMetricAlarm/DescribeAlarms, XML
// answers). A non-2xx answer becomes an AwsError with the service's code and message; a
// transport failure is code "RequestError". Not thread-safe (one handle); one client per thread.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cli/credentials.h"
#include "common/result.h"

namespace tw::cli {

struct HttpAnswer {
  long status = 0;
  std::string body;
  std::string query_error;  // x-amzn-query-error, when present
};

class AwsClient {
 public:
  // The transport is replaceable for tests: (url, headers, body) → answer.
  using Send = std::function<Result<HttpAnswer>(
      const std::string& url, const std::vector<std::pair<std::string, std::string>>& headers,
      const std::string& body)>;

  AwsClient(std::string endpoint, ClientCredentials credentials,
            std::int64_t timeout_seconds = 300);
  AwsClient(std::string endpoint, ClientCredentials credentials, Send send);
  ~AwsClient();
  AwsClient(const AwsClient&) = delete;
  AwsClient& operator=(const AwsClient&) = delete;

  // POST / with X-Amz-Target: <target_prefix>.<operation>, signed for `signing_name`.
  Result<boost::json::object> CallJson(const std::string& signing_name,
                                       const std::string& target_prefix,
                                       const std::string& operation,
                                       const std::string& json_version,
                                       const boost::json::object& body);
  // Action=<operation>&Version=<version>&params... (form POST); the XML answer's text.
  Result<std::string> CallQuery(const std::string& signing_name, const std::string& version,
                                const std::string& operation,
                                const std::vector<std::pair<std::string, std::string>>& params);

  const ClientCredentials& credentials() const { return credentials_; }
  const std::string& endpoint() const { return endpoint_; }

  // The AWS error in a failed answer (JSON "__type"/"message", XML <Code>/<Message>, or the
  // x-amzn-query-error header); pure, for tests.
  static AwsError ErrorFromAnswer(const HttpAnswer& answer);

 private:
  Result<HttpAnswer> Post(const std::string& signing_name, const std::string& content_type,
                          std::vector<std::pair<std::string, std::string>> extra_headers,
                          std::string body);

  std::string endpoint_;
  ClientCredentials credentials_;
  Send send_;
  struct Curl;
  std::unique_ptr<Curl> curl_;
};

}  // namespace tw::cli
