// SPDX-License-Identifier: Apache-2.0
// Fuzzes the subscription-filter destination ARN parser (services/logs/subscription_delivery.h):
// any input classifies without crashing, and a recognized kind has every ARN field filled and a
// resource of the kind's shape.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "services/logs/subscription_delivery.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace logs = ::tw::services::logs;
  const std::string_view arn(reinterpret_cast<const char*>(data), size);
  const logs::DestinationArn parsed = logs::ParseDestinationArn(arn);
  (void)logs::DestinationKindName(parsed.kind);
  if (parsed.kind == logs::DestinationKind::kUnknown) return 0;
  if (parsed.partition.empty() || parsed.region.empty() || parsed.account_id.empty() ||
      parsed.resource.empty() || !arn.starts_with("arn:")) {
    std::abort();
  }
  const char* prefix = parsed.kind == logs::DestinationKind::kKinesis    ? "stream/"
                       : parsed.kind == logs::DestinationKind::kFirehose ? "deliverystream/"
                       : parsed.kind == logs::DestinationKind::kLambda   ? "function:"
                                                                         : "destination:";
  if (!std::string_view(parsed.resource).starts_with(prefix)) std::abort();
  return 0;
}
