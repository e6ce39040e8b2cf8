// SPDX-License-Identifier: Apache-2.0
// The router decides which service, protocol and operation a request targets, before anything is
// authenticated or parsed. Signals, strongest first: the SigV4 credential scope's service (passed
// in by the caller, who reads it without verifying), the rpc-v2-cbor path and smithy-protocol
// header, X-Amz-Target for JSON protocols, Action= (with Version= to tell query services apart
// when the request is unsigned), and finally S3's host and path rules. Pure and thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "http/message.h"
#include "protocol/model.h"

namespace tw::protocol {

struct Route {
  const ServiceModel* service = nullptr;
  Protocol protocol = Protocol::kQuery;
  std::string operation_name;            // as the request names it (may be unknown)
  const Operation* operation = nullptr;  // nullptr when the service has no such operation
};

// `scope_service` is the service of the SigV4 credential scope, or empty when the request carries
// no readable signature. Fails only when no service at all can be identified.
Result<Route> ResolveRoute(const http::HttpRequest& request, const ServiceCatalog& catalog,
                           std::string_view scope_service);

// The error a request for an operation its service does not have gets, in that service's style:
// query InvalidAction, JSON/CBOR UnknownOperationException, S3 MethodNotAllowed.
AwsError UnknownOperationError(const Route& route);

}  // namespace tw::protocol
