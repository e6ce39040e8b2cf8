// SPDX-License-Identifier: Apache-2.0
// Fuzzes the rpc-v2-cbor codec and its bounded CBOR reader: the input is a request body parsed
// against a few CloudWatch operation inputs. Whatever parses must serialize and parse again.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "protocol/cbor/cbor_codec.h"
#include "protocol/model.h"

namespace {

using tw::protocol::Operation;
using tw::protocol::ServiceCatalog;
using tw::protocol::ServiceModel;

std::vector<std::pair<const ServiceModel*, const Operation*>> Targets() {
  std::vector<std::pair<const ServiceModel*, const Operation*>> out;
  const ServiceModel* service = ServiceCatalog::Embedded().Find("cloudwatch");
  if (service == nullptr) return out;
  for (const char* op_name : {"PutMetricData", "GetMetricData", "DescribeAlarms", "PutMetricAlarm",
                              "GetMetricStatistics", "PutCompositeAlarm"}) {
    if (const Operation* op = service->FindOperation(op_name)) out.emplace_back(service, op);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto targets = Targets();
  static const tw::protocol::CborCodec codec;
  tw::http::HttpRequest request;
  request.method = "POST";
  request.body.assign(reinterpret_cast<const char*>(data), size);
  for (const auto& [service, operation] : targets) {
    auto parsed = codec.ParseRequest(request, *service, *operation);
    if (!parsed) continue;
    std::string again = tw::protocol::WriteCborBody(*parsed, *operation->input);
    if (!tw::protocol::ParseCborBody(again, operation->input)) std::abort();
  }
  return 0;
}
