// SPDX-License-Identifier: Apache-2.0
// Recognises a Smithy RPC v2 CBOR request: a `smithy-protocol: rpc-v2-cbor` header and a path
// "{prefix?}/service/{ServiceName}/operation/{Operation}" (only the last four segments count).
// botocore puts the model's targetPrefix in {ServiceName} ("GraniteServiceVersion20100801" for
// CloudWatch); the spec asks servers to accept an absolute shape ID with '#' replaced by '.' too,
// so the service name is what follows the last dot. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "common/result.h"
#include "http/message.h"
#include "protocol/model.h"

namespace tw::protocol {

struct CborTarget {
  std::string service_name;  // "GraniteServiceVersion20100801"
  std::string operation;     // "PutMetricData"
};

// The service and operation of an rpc-v2-cbor request, or nullopt when it is not one.
std::optional<CborTarget> MatchCborRequest(const http::HttpRequest& request);

// True when `target` addresses `service` (its targetPrefix, and it speaks rpc-v2-cbor).
bool TargetsService(const CborTarget& target, const ServiceModel& service);

// The protocol's request rules beyond identification: POST only, and no X-Amz-Target or
// X-Amzn-Target header (the spec makes servers reject those, so a request cannot be routed
// two ways). An error to answer with, or success.
Status CheckCborRequest(const http::HttpRequest& request);

}  // namespace tw::protocol
