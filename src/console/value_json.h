// SPDX-License-Identifier: Apache-2.0
// The console's JSON form of operation inputs and outputs: botocore's member names and shapes
// (structures as objects, lists as arrays, maps as objects), timestamps as ISO 8601 strings in
// output and accepted as ISO 8601 strings or epoch seconds in input, blobs as base64. Conversions
// follow the model shapes (protocol::Shape), so the console needs no per-operation code. Pure;
// thread-safe.
#pragma once

#include <boost/json/value.hpp>

#include "common/result.h"
#include "protocol/model.h"
#include "protocol/value.h"

namespace tw::console {

// The Value of `json` shaped by `shape` (an operation's input). Unknown members, wrong types and
// malformed timestamps or base64 are a SerializationException naming the member path. A null
// shape (an operation without input) accepts only an empty object. Nesting is limited.
Result<protocol::Value> JsonToValue(const boost::json::value& json, const protocol::Shape* shape);

// The JSON of an operation output `value` shaped by `shape` (null: structure rendered from the
// Value alone).
boost::json::value ValueToJson(const protocol::Value& value, const protocol::Shape* shape);

}  // namespace tw::console
