// SPDX-License-Identifier: Apache-2.0
#include "protocol/router/router.h"

#include "common/strings.h"
#include "protocol/rest_xml/rest_routing.h"

namespace tw::protocol {
namespace {

constexpr std::string_view kCborPathPrefix = "/service/";

bool IsFormBody(const http::HttpRequest& request) {
  return IStartsWith(request.headers.Get("Content-Type"), "application/x-www-form-urlencoded");
}

// The value of a form/query parameter, decoded, from the body (form posts) or the query string.
std::string FindParameter(const http::HttpRequest& request, std::string_view name) {
  auto search = [&](std::string_view encoded) -> std::optional<std::string> {
    for (std::string_view part : Split(encoded, '&')) {
      auto eq = part.find('=');
      if (part.substr(0, eq) != name) continue;
      if (eq == std::string_view::npos) return std::string();
      return UriDecode(part.substr(eq + 1), true);
    }
    return std::nullopt;
  };
  if (request.method == "POST" && IsFormBody(request)) {
    if (auto v = search(request.body)) return *v;
  }
  return search(request.raw_query).value_or(std::string());
}

struct CborTarget {
  std::string service_name;  // smithy service shape name, e.g. GraniteServiceVersion20100801
  std::string operation;
};

// rpc-v2-cbor requests are POST /service/<ServiceName>/operation/<Operation>.
std::optional<CborTarget> ParseCborPath(const http::HttpRequest& request) {
  if (!IEquals(request.headers.Get("smithy-protocol"), "rpc-v2-cbor")) return std::nullopt;
  std::string_view path = request.path;
  if (!path.starts_with(kCborPathPrefix)) return std::nullopt;
  auto parts = Split(path.substr(1), '/');
  if (parts.size() != 4 || parts[2] != "operation") return std::nullopt;
  return CborTarget{std::string(parts[1]), std::string(parts[3])};
}

Route Finish(const ServiceModel* service, Protocol protocol, std::string operation_name) {
  Route route;
  route.service = service;
  route.protocol = protocol;
  route.operation = service->FindOperation(operation_name);
  route.operation_name = std::move(operation_name);
  return route;
}

const ServiceModel* QueryServiceByVersion(const ServiceCatalog& catalog, std::string_view version) {
  for (const auto& service : catalog.services()) {
    if (service->Speaks(Protocol::kQuery) && service->api_version() == version) {
      return service.get();
    }
  }
  return nullptr;
}

AwsError NoService() {
  return AwsError::From(ErrorCode::kUnknownOperationException,
                        "trailwatch could not tell which AWS service this request is for");
}

}  // namespace

Result<Route> ResolveRoute(const http::HttpRequest& request, const ServiceCatalog& catalog,
                           std::string_view scope_service) {
  const ServiceModel* service =
      scope_service.empty() ? nullptr : catalog.FindBySigningName(scope_service);

  if (auto cbor = ParseCborPath(request)) {
    // The smithy service name is the JSON target prefix (GraniteServiceVersion20100801).
    const ServiceModel* by_name = catalog.FindByTargetPrefix(cbor->service_name);
    if (!service) service = by_name;
    if (service && service->Speaks(Protocol::kRpcV2Cbor)) {
      return Finish(service, Protocol::kRpcV2Cbor, cbor->operation);
    }
  }

  std::string_view target = request.headers.Get("X-Amz-Target");
  if (!target.empty()) {
    auto dot = target.rfind('.');
    std::string_view prefix = target.substr(0, dot == std::string_view::npos ? 0 : dot);
    std::string_view operation = dot == std::string_view::npos ? target : target.substr(dot + 1);
    if (!service) service = catalog.FindByTargetPrefix(prefix);
    if (service && service->Speaks(Protocol::kJson)) {
      return Finish(service, Protocol::kJson, std::string(operation));
    }
  }

  std::string action = FindParameter(request, "Action");
  if (!action.empty() || (service && service->Speaks(Protocol::kQuery))) {
    if (!service) service = QueryServiceByVersion(catalog, FindParameter(request, "Version"));
    if (service && service->Speaks(Protocol::kQuery)) {
      return Finish(service, Protocol::kQuery, action);
    }
  }

  // Everything else is S3: path-style or virtual-hosted buckets.
  if (!service) service = catalog.Find("s3");
  if (!service || !service->Speaks(Protocol::kRestXml)) return NoService();
  Route route;
  route.service = service;
  route.protocol = Protocol::kRestXml;
  bool virtual_host = VirtualHostBucket(request.headers.Get("Host")).has_value();
  route.operation = MatchRestOperation(*service, request, virtual_host);
  if (route.operation) route.operation_name = route.operation->name;
  return route;
}

AwsError UnknownOperationError(const Route& route) {
  switch (route.protocol) {
    case Protocol::kQuery:
      if (route.operation_name.empty()) {
        return AwsError::From(ErrorCode::kMissingAction, "Missing Action");
      }
      return AwsError::From(ErrorCode::kInvalidAction, "Could not find operation " +
                                                           route.operation_name + " for version " +
                                                           route.service->api_version());
    case Protocol::kJson:
    case Protocol::kRpcV2Cbor:
    case Protocol::kRestJson:
      return AwsError::From(ErrorCode::kUnknownOperationException,
                            "The operation " + route.operation_name + " is not an operation of " +
                                route.service->full_name());
    case Protocol::kRestXml:
      return AwsError::From(ErrorCode::kMethodNotAllowed,
                            "The specified method is not allowed against this resource.");
  }
  return AwsError::From(ErrorCode::kInternalFailure, "unknown protocol");
}

}  // namespace tw::protocol
