// SPDX-License-Identifier: Apache-2.0
// The runtime view of the botocore service models in models/ (embedded in the binary). Codecs,
// validation, routing and the coverage report read these tables; services never do. We load the
// JSON models at start-up instead of generating C++ from them: one generic path for every
// protocol, no code-generation step in the build, and a model refresh is a data change only.
// Loading all seven models takes a few milliseconds. Immutable after loading; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace tw::protocol {

enum class ShapeType {
  kStructure,
  kList,
  kMap,
  kString,
  kInteger,
  kLong,
  kFloat,
  kDouble,
  kBoolean,
  kTimestamp,
  kBlob,
  kBigInteger,
  kBigDecimal,
};

// Where a member travels in REST protocols (and as headers anywhere).
enum class Location { kBody, kHeader, kHeaders, kQueryString, kUri, kStatusCode };

enum class Protocol { kQuery, kJson, kRpcV2Cbor, kRestXml, kRestJson };

std::string_view ProtocolName(Protocol p);

struct Shape;

struct Member {
  std::string name;  // model member name ("UserName")
  const Shape* shape = nullptr;
  Location location = Location::kBody;
  std::string location_name;  // wire name; defaults to name
  std::string query_name;     // ec2-style override (unused by our services, kept for fidelity)
  std::string xml_namespace_uri;
  std::string xml_namespace_prefix;
  bool xml_attribute = false;
  bool flattened = false;  // member-level "flattened" (rest-xml)
  bool required = false;
  bool host_label = false;
  bool idempotency_token = false;
  bool json_value = false;  // header carrying base64 JSON
  bool event_payload = false;
  std::string timestamp_format;  // member-level override
};

struct Shape {
  std::string name;
  ShapeType type = ShapeType::kString;
  // Structures.
  std::vector<Member> members;
  std::string payload;  // rest: the member that is the whole body
  bool exception = false;
  bool fault = false;  // "fault": true, a server-side error shape
  // Error shapes: "error": {code, httpStatusCode, senderFault}; awsQueryError for query-compatible.
  std::string error_code;
  int error_http_status = 0;
  bool sender_fault = true;
  std::string query_error_code;
  int query_error_http_status = 0;
  bool is_union = false;
  bool document = false;
  // Lists and maps.
  std::unique_ptr<Member> member;  // list item
  std::unique_ptr<Member> key;     // map key
  std::unique_ptr<Member> value;   // map value
  bool flattened = false;
  // Scalars.
  std::optional<double> min;
  std::optional<double> max;
  std::string pattern;
  std::vector<std::string> enum_values;
  bool sensitive = false;
  bool streaming = false;
  bool event_stream = false;
  std::string timestamp_format;
  std::string location_name;  // shape-level xml name (rare)
  std::string xml_namespace_uri;

  const Member* FindMember(std::string_view member_name) const;
  bool IsScalar() const {
    return type != ShapeType::kStructure && type != ShapeType::kList && type != ShapeType::kMap;
  }
};

struct Operation {
  std::string name;
  std::string http_method = "POST";
  std::string request_uri = "/";
  int http_response_code = 200;
  const Shape* input = nullptr;
  const Shape* output = nullptr;
  std::string input_location_name;  // rest-xml root element of the input payload
  std::string input_xml_namespace;
  std::string result_wrapper;  // query: <OpResult> element
  std::vector<const Shape*> errors;
  bool auth_none = false;  // "authtype": "none" (sts:AssumeRoleWithWebIdentity, ...)
  bool unsigned_payload = false;
  bool http_checksum_required = false;
};

class ServiceModel {
 public:
  // Parses one botocore service-2.json document. `name` is the botocore service name ("logs").
  static Result<std::unique_ptr<ServiceModel>> Parse(std::string_view name, std::string_view json);

  const std::string& name() const { return name_; }
  const std::string& api_version() const { return api_version_; }
  const std::string& endpoint_prefix() const { return endpoint_prefix_; }
  // The SigV4 signing name (metadata.signingName, else endpointPrefix): "monitoring" for
  // CloudWatch.
  const std::string& signing_name() const { return signing_name_; }
  const std::string& service_id() const { return service_id_; }
  const std::string& full_name() const { return full_name_; }
  const std::string& target_prefix() const { return target_prefix_; }
  const std::string& json_version() const { return json_version_; }
  const std::string& xml_namespace() const { return xml_namespace_; }
  // Every protocol the service speaks, model order first ("protocols", else "protocol").
  const std::vector<Protocol>& protocols() const { return protocols_; }
  bool Speaks(Protocol p) const;
  bool aws_query_compatible() const { return aws_query_compatible_; }

  const Operation* FindOperation(std::string_view op_name) const;
  const Shape* FindShape(std::string_view shape_name) const;
  const std::map<std::string, Operation, std::less<>>& operations() const { return operations_; }
  // The error shape whose code (or name) is `code`, or nullptr.
  const Shape* FindErrorShape(std::string_view code) const;

 private:
  std::string name_, api_version_, endpoint_prefix_, signing_name_, service_id_, full_name_;
  std::string target_prefix_, json_version_, xml_namespace_;
  std::vector<Protocol> protocols_;
  bool aws_query_compatible_ = false;
  std::map<std::string, std::unique_ptr<Shape>, std::less<>> shapes_;
  std::map<std::string, Operation, std::less<>> operations_;
};

// Every service trailwatch serves, loaded from the embedded models.
class ServiceCatalog {
 public:
  // Loads the embedded models; throws std::runtime_error if one is malformed (a build defect).
  static const ServiceCatalog& Embedded();
  // For tests: a catalog over given (name, json) documents.
  static Result<std::unique_ptr<ServiceCatalog>> FromDocuments(
      const std::vector<std::pair<std::string, std::string_view>>& documents);

  const ServiceModel* Find(std::string_view service_name) const;
  // By SigV4 signing name ("monitoring" -> cloudwatch).
  const ServiceModel* FindBySigningName(std::string_view signing_name) const;
  // By JSON X-Amz-Target prefix ("Logs_20140328" -> logs).
  const ServiceModel* FindByTargetPrefix(std::string_view prefix) const;
  const std::vector<std::unique_ptr<ServiceModel>>& services() const { return services_; }

 private:
  std::vector<std::unique_ptr<ServiceModel>> services_;
};

}  // namespace tw::protocol
