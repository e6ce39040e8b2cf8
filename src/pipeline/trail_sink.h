// SPDX-License-Identifier: Apache-2.0
// TrailSink: where the dispatcher hands every API call's CloudTrail record. The CloudTrail service
// implements it (event history, trails); the dispatcher depends only on this interface. Record
// must not block the request path and must not lose an event it accepted, including at shutdown.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tw::pipeline {

struct TrailResource {
  std::string type;  // "AWS::IAM::User"
  std::string name;  // as LookupEvents shows ResourceName
};

// One CloudTrail record, with the fields event history indexes beside the full record JSON.
struct TrailEvent {
  std::string event_id;
  std::int64_t event_time_millis = 0;
  std::string event_source;  // "iam.amazonaws.com"
  std::string event_name;    // "CreateUser"
  std::string aws_region;
  std::string recipient_account_id;
  bool read_only = false;
  std::string event_category = "Management";
  std::string username;  // as LookupEvents' Username attribute matches it
  std::string access_key_id;
  std::string error_code;
  std::vector<TrailResource> resources;
  std::string record_json;  // the complete record, as LookupEvents' CloudTrailEvent returns it
};

class TrailSink {
 public:
  virtual ~TrailSink() = default;
  virtual void Record(TrailEvent event) = 0;
  // False when no trail would log a data event now (event history never keeps them), so the
  // caller may skip building data events' records at all.
  virtual bool WantsDataEvents() const { return true; }
};

}  // namespace tw::pipeline
