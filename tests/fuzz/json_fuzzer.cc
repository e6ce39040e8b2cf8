// SPDX-License-Identifier: Apache-2.0
// Fuzzes the AWS JSON codec: the input is a request body parsed against a few real operation
// inputs (nested lists and maps, timestamps, unions, documents). Whatever parses must serialize
// and parse again (the writer never produces what the reader rejects).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "protocol/json/json_codec.h"
#include "protocol/model.h"

namespace {

using tw::protocol::Operation;
using tw::protocol::ServiceCatalog;
using tw::protocol::ServiceModel;

std::vector<std::pair<const ServiceModel*, const Operation*>> Targets() {
  std::vector<std::pair<const ServiceModel*, const Operation*>> out;
  const std::pair<const char*, const char*> kOps[] = {
      {"logs", "PutLogEvents"},       {"logs", "CreateLogGroup"},
      {"logs", "FilterLogEvents"},    {"logs", "PutIntegration"},
      {"cloudtrail", "LookupEvents"}, {"cloudwatch", "PutMetricData"},
      {"cloudwatch", "GetMetricData"}};
  for (const auto& [service_name, op_name] : kOps) {
    const ServiceModel* service = ServiceCatalog::Embedded().Find(service_name);
    const Operation* op = service ? service->FindOperation(op_name) : nullptr;
    if (op != nullptr) out.emplace_back(service, op);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto targets = Targets();
  static const tw::protocol::JsonCodec codec;
  tw::http::HttpRequest request;
  request.method = "POST";
  request.body.assign(reinterpret_cast<const char*>(data), size);
  for (const auto& [service, operation] : targets) {
    auto parsed = codec.ParseRequest(request, *service, *operation);
    if (!parsed) continue;
    std::string again = tw::protocol::WriteJsonBody(*parsed, *operation->input);
    if (!tw::protocol::ParseJsonBody(again, operation->input)) std::abort();
  }
  return 0;
}
