// SPDX-License-Identifier: Apache-2.0
// Fuzzes QueryCodec::ParseRequest: the first byte picks an operation, the rest is the form body
// (and, when it contains a '\n', the part before it is the query string).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "protocol/model.h"
#include "protocol/query/query_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tw::protocol;
  static constexpr std::pair<std::string_view, std::string_view> kOps[] = {
      {"iam", "CreateUser"},
      {"iam", "PutUserPolicy"},
      {"sns", "Publish"},
      {"sns", "SetTopicAttributes"},
      {"cloudwatch", "PutMetricData"},
      {"cloudwatch", "PutMetricAlarm"},
      {"sts", "AssumeRole"},
      {"cloudwatch", "GetMetricData"},
  };
  if (size == 0) return 0;
  const auto& [service_name, op_name] = kOps[data[0] % std::size(kOps)];
  const ServiceModel* service = ServiceCatalog::Embedded().Find(service_name);
  const Operation* op = service->FindOperation(op_name);
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  tw::http::HttpRequest request;
  request.method = "POST";
  request.path = "/";
  if (std::size_t nl = rest.find('\n'); nl != std::string_view::npos) {
    request.raw_query = std::string(rest.substr(0, nl));
    rest.remove_prefix(nl + 1);
  }
  request.body = std::string(rest);
  QueryCodec codec;
  auto parsed = codec.ParseRequest(request, *service, *op);
  if (parsed) {
    // Whatever parsed must serialize without trouble as well.
    (void)parsed->DebugString();
  } else {
    (void)codec.WriteError(*service, parsed.error(), ResponseMeta{"fuzz", "POST"});
  }
  return 0;
}
