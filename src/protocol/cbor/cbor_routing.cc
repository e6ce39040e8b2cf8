// SPDX-License-Identifier: Apache-2.0
#include "protocol/cbor/cbor_routing.h"

#include <vector>

#include "common/strings.h"

namespace tw::protocol {

std::optional<CborTarget> MatchCborRequest(const http::HttpRequest& request) {
  if (!IEquals(Trim(request.headers.Get("smithy-protocol")), "rpc-v2-cbor")) return std::nullopt;
  std::string_view path = request.path;
  path = path.substr(0, path.find('?'));
  while (path.ends_with('/')) path.remove_suffix(1);
  std::vector<std::string_view> segments = Split(path, '/');
  if (segments.size() < 4) return std::nullopt;
  auto tail = segments.end() - 4;
  if (tail[0] != "service" || tail[2] != "operation" || tail[1].empty() || tail[3].empty()) {
    return std::nullopt;
  }
  std::string_view service = tail[1];
  if (auto dot = service.rfind('.'); dot != std::string_view::npos)
    service = service.substr(dot + 1);
  if (service.empty()) return std::nullopt;
  return CborTarget{std::string(service), std::string(tail[3])};
}

bool TargetsService(const CborTarget& target, const ServiceModel& service) {
  return service.Speaks(Protocol::kRpcV2Cbor) && !service.target_prefix().empty() &&
         service.target_prefix() == target.service_name;
}

Status CheckCborRequest(const http::HttpRequest& request) {
  if (request.method != "POST") {
    return AwsError::From(ErrorCode::kMethodNotAllowed,
                          "rpc-v2-cbor requests must use POST, not " + request.method);
  }
  if (request.headers.Has("X-Amz-Target") || request.headers.Has("X-Amzn-Target")) {
    return AwsError::From(ErrorCode::kSerializationException,
                          "rpc-v2-cbor requests must not carry an X-Amz-Target header");
  }
  return {};
}

}  // namespace tw::protocol
