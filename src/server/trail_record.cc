// SPDX-License-Identifier: Apache-2.0
#include "server/trail_record.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>

#include "common/strings.h"
#include "common/time_format.h"

namespace tw::server {
namespace json = boost::json;
using protocol::Member;
using protocol::Shape;
using protocol::ShapeType;
using protocol::Value;

namespace {

constexpr std::string_view kEventVersion = "1.09";

std::string LowerCamel(std::string_view name) {
  std::string out(name);
  if (!out.empty() && out[0] >= 'A' && out[0] <= 'Z') out[0] = static_cast<char>(out[0] + 32);
  return out;
}

bool IsSensitive(const Member& member) { return member.shape && member.shape->sensitive; }

json::value Render(const Value& value, const Shape* shape);

json::value RenderStructure(const Value& value, const Shape* shape) {
  json::object out;
  for (const auto& [name, item] : value.entries()) {
    const Member* member = shape ? shape->FindMember(name) : nullptr;
    // Secrets never reach a record: AWS leaves passwords and secret keys out entirely.
    if (member && IsSensitive(*member)) continue;
    if (item.is_blob()) continue;  // payload bytes are not part of a record
    out[LowerCamel(name)] = Render(item, member ? member->shape : nullptr);
  }
  return out;
}

json::value Render(const Value& value, const Shape* shape) {
  switch (value.kind()) {
    case Value::Kind::kNull:
      return nullptr;
    case Value::Kind::kBool:
      return value.as_bool();
    case Value::Kind::kInteger:
      return value.as_integer();
    case Value::Kind::kDouble:
      return value.as_double();
    case Value::Kind::kString:
      return json::string(value.as_string());
    case Value::Kind::kBlob:
      return nullptr;
    case Value::Kind::kTimestamp:
      return json::string(FormatJavaDate(value.as_timestamp().epoch_millis));
    case Value::Kind::kList: {
      json::array out;
      const Shape* item_shape = shape && shape->member ? shape->member->shape : nullptr;
      for (const Value& item : value.as_list()) {
        if (item_shape && item_shape->sensitive) continue;
        out.push_back(Render(item, item_shape));
      }
      return out;
    }
    case Value::Kind::kMap: {
      json::object out;
      const Shape* value_shape = shape && shape->value ? shape->value->shape : nullptr;
      for (const auto& [key, item] : value.entries()) {
        if (value_shape && value_shape->sensitive) continue;
        out[key] = Render(item, value_shape);
      }
      return out;
    }
    case Value::Kind::kStructure:
      return RenderStructure(value, shape);
  }
  return nullptr;
}

json::value RenderElements(const Value* value, const Shape* shape) {
  if (!value || !value->is_structure() || value->entries().empty()) return nullptr;
  json::value rendered = RenderStructure(*value, shape);
  if (rendered.as_object().empty()) return nullptr;
  return rendered;
}

// Renders a structure with the member names as they are on the wire (S3's XML element names).
json::value RenderWireStructure(const Value& value, const Shape* shape) {
  json::object out;
  for (const auto& [name, item] : value.entries()) {
    const Member* member = shape ? shape->FindMember(name) : nullptr;
    if ((member && IsSensitive(*member)) || item.is_blob()) continue;
    const Shape* item_shape = member ? member->shape : nullptr;
    std::string key = member && !member->location_name.empty() ? member->location_name : name;
    out[key] =
        item.is_structure() ? RenderWireStructure(item, item_shape) : Render(item, item_shape);
  }
  return out;
}

// S3 records parameters as the request carried them, not as the SDK names them: bucketName and
// key from the path, query parameters under their own names (a subresource such as ?policy or ?acl
// as an empty string), the Host header, x-amz-acl, body structures under their XML element names
// with S3's namespace, and PutBucketPolicy's document as parsed JSON (bucketPolicy).
json::value S3RequestParameters(const ApiCall& call) {
  const Shape* shape = call.operation ? call.operation->input : nullptr;
  json::object out;
  if (call.operation) {
    std::string_view uri = call.operation->request_uri;
    if (auto q = uri.find('?'); q != std::string_view::npos) {
      std::string_view query = uri.substr(q + 1);
      while (!query.empty()) {
        std::string_view part = query.substr(0, query.find('&'));
        query.remove_prefix(std::min(query.size(), part.size() + 1));
        auto eq = part.find('=');
        if (eq == std::string_view::npos) {
          out[part] = "";
        } else if (part.substr(0, eq) != "x-id") {
          out[part.substr(0, eq)] = part.substr(eq + 1);
        }
      }
    }
  }
  if (call.input && call.input->is_structure()) {
    for (const auto& [name, item] : call.input->entries()) {
      const Member* member = shape ? shape->FindMember(name) : nullptr;
      if (!member || IsSensitive(*member) || item.is_blob()) continue;
      const std::string& wire = member->location_name.empty() ? name : member->location_name;
      switch (member->location) {
        case protocol::Location::kUri:
          out[name == "Bucket" ? "bucketName"
              : name == "Key"  ? "key"
                               : wire] = Render(item, member->shape);
          break;
        case protocol::Location::kQueryString:
          out[wire] = Render(item, member->shape);
          break;
        case protocol::Location::kHeader:
          if (wire == "x-amz-acl" || wire == "x-amz-copy-source" ||
              wire == "x-amz-server-side-encryption" || wire == "x-amz-storage-class") {
            out[wire] = Render(item, member->shape);
          }
          break;
        case protocol::Location::kBody:
          if (name == "Policy" && item.is_string()) {
            boost::system::error_code ec;
            json::value policy = json::parse(item.as_string(), ec);
            out["bucketPolicy"] = ec ? json::value(json::string(item.as_string())) : policy;
          } else if (item.is_structure()) {
            json::value body = RenderWireStructure(item, member->shape);
            body.as_object()["xmlns"] = "http://s3.amazonaws.com/doc/2006-03-01/";
            out[wire] = std::move(body);
          }
          break;
        default:
          break;
      }
    }
  }
  if (!call.host.empty()) out["Host"] = call.host;
  if (out.empty()) return nullptr;
  return out;
}

std::string EventSource(const protocol::ServiceModel& service) {
  return service.endpoint_prefix() + ".amazonaws.com";
}

// Appends `"key":` (a comma first unless the object just opened).
void Key(std::string& out, std::string_view key) {
  if (out.back() != '{') out.push_back(',');
  AppendJsonString(out, key);
  out.push_back(':');
}

void StringField(std::string& out, std::string_view key, std::string_view value) {
  Key(out, key);
  AppendJsonString(out, value);
}

void BoolField(std::string& out, std::string_view key, bool value) {
  Key(out, key);
  out += value ? "true" : "false";
}

// The record is written straight into one string (no JSON tree): it is built on the request
// thread for every call, so it costs one growing buffer rather than a node per field.
void AppendUserIdentity(std::string& out, const ApiCall& call) {
  out.push_back('{');
  const auth::Principal* p = call.principal;
  if (!p) {
    StringField(out, "type", "Unknown");
    if (!call.access_key_id.empty()) StringField(out, "accessKeyId", call.access_key_id);
    out.push_back('}');
    return;
  }
  std::string_view type = "Unknown";
  switch (p->type) {
    case auth::PrincipalType::kRoot:
      type = "Root";
      break;
    case auth::PrincipalType::kIamUser:
      type = "IAMUser";
      break;
    case auth::PrincipalType::kAssumedRole:
      type = "AssumedRole";
      break;
    case auth::PrincipalType::kFederatedUser:
      type = "FederatedUser";
      break;
    case auth::PrincipalType::kAwsService:
      type = "AWSService";
      break;
  }
  StringField(out, "type", type);
  StringField(out, "principalId", p->user_id);
  StringField(out, "arn", p->arn);
  StringField(out, "accountId", p->account_id);
  StringField(out, "accessKeyId", call.access_key_id);
  if (p->type == auth::PrincipalType::kIamUser) StringField(out, "userName", p->user_name);
  if (call.from_console) {
    Key(out, "sessionContext");
    out += "{\"sessionIssuer\":{},\"webIdFederationData\":{},\"attributes\":{";
    StringField(out, "creationDate", FormatIso8601(call.session_created_millis, false));
    StringField(out, "mfaAuthenticated", p->mfa_authenticated ? "true" : "false");
    out += "}}";
  } else if (p->session_expires_millis || p->type == auth::PrincipalType::kAssumedRole) {
    Key(out, "sessionContext");
    out += "{\"attributes\":{";
    // When the temporary credentials were issued, as AWS records it.
    if (p->session_issued_millis) {
      StringField(out, "creationDate", FormatIso8601(*p->session_issued_millis, false));
    }
    StringField(out, "mfaAuthenticated", p->mfa_authenticated ? "true" : "false");
    out += "}}";
  }
  out.push_back('}');
}

// LookupEvents' Username: the user name, "root" for the root user, the session for a role.
std::string LookupUsername(const auth::Principal* p) {
  if (!p) return {};
  switch (p->type) {
    case auth::PrincipalType::kRoot:
      return "root";
    case auth::PrincipalType::kIamUser:
      return p->user_name;
    case auth::PrincipalType::kAssumedRole:
    case auth::PrincipalType::kFederatedUser: {
      auto slash = p->arn.rfind('/');
      return slash == std::string::npos ? p->user_name : p->arn.substr(slash + 1);
    }
    case auth::PrincipalType::kAwsService:
      return {};
  }
  return {};
}

// The resources LookupEvents can filter on, named by the members that identify them.
std::vector<pipeline::TrailResource> Resources(const ApiCall& call) {
  struct Rule {
    std::string_view service;
    std::string_view member;
    std::string_view type;
  };
  static constexpr Rule kRules[] = {
      {"iam", "UserName", "AWS::IAM::User"},
      {"iam", "GroupName", "AWS::IAM::Group"},
      {"iam", "RoleName", "AWS::IAM::Role"},
      {"iam", "PolicyArn", "AWS::IAM::Policy"},
      {"iam", "AccessKeyId", "AWS::IAM::AccessKey"},
      {"s3", "Bucket", "AWS::S3::Bucket"},
      {"logs", "logGroupName", "AWS::Logs::LogGroup"},
      {"sns", "TopicArn", "AWS::SNS::Topic"},
      {"cloudwatch", "AlarmName", "AWS::CloudWatch::Alarm"},
      {"cloudtrail", "Name", "AWS::CloudTrail::Trail"},
  };
  std::vector<pipeline::TrailResource> out;
  if (!call.service || !call.input || !call.input->is_structure()) return out;
  for (const Rule& rule : kRules) {
    if (rule.service != call.service->name()) continue;
    std::string_view name = call.input->GetString(rule.member);
    if (!name.empty()) out.push_back({std::string(rule.type), std::string(name)});
  }
  return out;
}

// The errorCode CloudTrail records. Query-protocol services (IAM, STS, SNS, CloudWatch) answer a
// modeled error with the model's wire code (NoSuchEntity), but their records name the error by
// its exception shape (NoSuchEntityException), as real records show for IAM and RDS. Codes the
// model does not define (AccessDenied, ValidationError, Throttling) and codes that already are a
// shape name (CloudWatch's ResourceNotFound) are recorded as sent; JSON services already send
// shape names and S3 (rest-xml) records its REST codes, so neither changes.
std::string RecordedErrorCode(const ApiCall& call) {
  const std::string& code = call.error->code;
  const protocol::ServiceModel* service = call.service;
  if (!service || !service->Speaks(protocol::Protocol::kQuery)) return code;
  auto declares = [&](const Shape* shape) {
    return shape && shape->exception &&
           (shape->name == code || shape->error_code == code || shape->query_error_code == code);
  };
  // The operation's own error list first: two shapes can share a code (CloudWatch's
  // DashboardNotFoundError and ResourceNotFound both answer ResourceNotFound).
  if (call.operation) {
    for (const Shape* shape : call.operation->errors) {
      if (declares(shape)) return shape->name;
    }
  }
  if (const Shape* named = service->FindShape(code); named && named->exception) return code;
  if (const Shape* shape = service->FindErrorShape(code); declares(shape)) return shape->name;
  return code;
}

// Data events (AWS CloudTrail User Guide, "Logging data events"): S3 object-level calls, SNS
// Publish and PublishBatch on topics, and CloudWatch Logs' log-event reads and writes. They are
// high-volume data-plane calls: event history does not keep them, and a trail logs them only
// when its event selectors ask for that data resource type.
bool IsDataEventCall(const ApiCall& call) {
  static constexpr std::string_view kS3Data[] = {"GetObject",
                                                 "PutObject",
                                                 "HeadObject",
                                                 "DeleteObject",
                                                 "DeleteObjects",
                                                 "CopyObject",
                                                 "UploadPart",
                                                 "ListParts",
                                                 "GetObjectAcl",
                                                 "PutObjectAcl",
                                                 "CompleteMultipartUpload",
                                                 "CreateMultipartUpload",
                                                 "AbortMultipartUpload",
                                                 "GetObjectTagging",
                                                 "PutObjectTagging",
                                                 "DeleteObjectTagging"};
  static constexpr std::string_view kSnsData[] = {"Publish", "PublishBatch"};
  static constexpr std::string_view kLogsData[] = {
      "PutLogEvents", "GetLogEvents", "FilterLogEvents", "GetLogRecord", "StartLiveTail"};
  if (!call.service) return false;
  const std::string_view service = call.service->name();
  auto listed = [&](const auto& ops) {
    return std::find(std::begin(ops), std::end(ops), call.operation_name) != std::end(ops);
  };
  if (service == "s3") return listed(kS3Data);
  if (service == "sns") return listed(kSnsData);
  if (service == "logs") return listed(kLogsData);
  return false;
}

// The ARN a data event's resources element names (data event selectors match it).
std::string DataResourceArn(const pipeline::TrailResource& r) {
  if (r.type.starts_with("AWS::S3::")) return "arn:aws:s3:::" + r.name;
  return r.name;
}

}  // namespace

bool IsDataEvent(const ApiCall& call) { return IsDataEventCall(call); }

bool IsReadOnlyOperation(std::string_view name) {
  static constexpr std::string_view kPrefixes[] = {"Get",    "List",     "Describe", "Lookup",
                                                   "Head",   "Filter",   "Test",     "Simulate",
                                                   "Search", "Generate", "Select"};
  for (std::string_view prefix : kPrefixes) {
    if (name.starts_with(prefix) && name.size() > prefix.size() && name[prefix.size()] >= 'A' &&
        name[prefix.size()] <= 'Z') {
      // GenerateCredentialReport and friends start work; they are not reads.
      return prefix != "Generate";
    }
  }
  return false;
}

std::string FormatJavaDate(std::int64_t epoch_millis) {
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::string iso = FormatIso8601(epoch_millis, false);  // 2023-07-10T12:24:29Z
  int year = std::stoi(iso.substr(0, 4));
  int month = std::stoi(iso.substr(5, 2));
  int day = std::stoi(iso.substr(8, 2));
  int hour = std::stoi(iso.substr(11, 2));
  int hour12 = hour % 12 == 0 ? 12 : hour % 12;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s %d, %d %d:%s %s", kMonths[month - 1], day, year, hour12,
                iso.substr(14, 5).c_str(), hour < 12 ? "AM" : "PM");
  return buf;
}

pipeline::TrailEvent BuildTrailEvent(const ApiCall& call) {
  pipeline::TrailEvent event;
  event.event_id = call.event_id;
  event.event_time_millis = call.event_time_millis;
  event.event_name = call.operation_name;
  event.recipient_account_id = call.recipient_account_id;
  event.access_key_id = call.access_key_id;
  event.username = LookupUsername(call.principal);
  event.read_only = IsReadOnlyOperation(call.operation_name);
  event.resources = Resources(call);
  const bool data_event = IsDataEvent(call);
  event.event_category = data_event ? "Data" : "Management";
  // LookupEvents and Insights attribute errors by the code the record carries.
  if (call.error) event.error_code = RecordedErrorCode(call);
  const bool global =
      call.service && (call.service->name() == "iam" || call.service->name() == "sts");
  event.aws_region = global || call.region.empty() ? "us-east-1" : call.region;
  // Object-level events name the object too (data event selectors match its ARN); a log group's
  // data events name the group by ARN (resources.ARN selectors match it).
  if (data_event && call.input && call.input->is_structure()) {
    std::string_view bucket = call.input->GetString("Bucket");
    std::string_view key = call.input->GetString("Key");
    if (!bucket.empty() && !key.empty()) {
      event.resources.insert(event.resources.begin(),
                             {"AWS::S3::Object", std::string(bucket) + "/" + std::string(key)});
    }
    for (pipeline::TrailResource& r : event.resources) {
      if (r.type == "AWS::Logs::LogGroup" && !r.name.starts_with("arn:")) {
        r.name = "arn:aws:logs:" + event.aws_region + ":" + call.recipient_account_id +
                 ":log-group:" + r.name;
      }
    }
  }
  event.event_source = call.service ? EventSource(*call.service) : "unknown";

  std::string& out = event.record_json;
  out.reserve(1024);
  out.push_back('{');
  StringField(out, "eventVersion", kEventVersion);
  Key(out, "userIdentity");
  AppendUserIdentity(out, call);
  StringField(out, "eventTime", FormatIso8601(call.event_time_millis, false));
  StringField(out, "eventSource", event.event_source);
  StringField(out, "eventName", event.event_name);
  StringField(out, "awsRegion", event.aws_region);
  StringField(out, "sourceIPAddress", call.source_ip);
  StringField(out, "userAgent", call.user_agent);
  if (call.error) {
    StringField(out, "errorCode", event.error_code);
    StringField(out, "errorMessage", call.error->message);
  }
  const Shape* input_shape = call.operation ? call.operation->input : nullptr;
  const Shape* output_shape = call.operation ? call.operation->output : nullptr;
  const bool s3 = call.service && call.service->name() == "s3";
  auto append_value = [&out](const json::value& v) {
    if (v.is_null()) {
      out += "null";
    } else {
      out += json::serialize(v);
    }
  };
  Key(out, "requestParameters");
  append_value(s3 ? S3RequestParameters(call) : RenderElements(call.input, input_shape));
  // S3 answers most calls with headers or an empty body, recorded as null; CreateMultipartUpload
  // is the exception whose ids a reader needs.
  const bool s3_response = s3 && call.operation_name == "CreateMultipartUpload";
  Key(out, "responseElements");
  if (call.error || event.read_only || (s3 && !s3_response)) {
    out += "null";
  } else {
    append_value(RenderElements(call.output, output_shape));
  }
  StringField(out, "requestID", call.request_id);
  StringField(out, "eventID", call.event_id);
  BoolField(out, "readOnly", event.read_only);
  if (data_event && !event.resources.empty()) {
    Key(out, "resources");
    out.push_back('[');
    for (std::size_t i = 0; i < event.resources.size(); ++i) {
      if (i) out.push_back(',');
      out.push_back('{');
      StringField(out, "type", event.resources[i].type);
      StringField(out, "ARN", DataResourceArn(event.resources[i]));
      out.push_back('}');
    }
    out.push_back(']');
  }
  StringField(out, "eventType", "AwsApiCall");
  BoolField(out, "managementEvent", !data_event);
  StringField(out, "recipientAccountId", call.recipient_account_id);
  StringField(out, "eventCategory", event.event_category);
  if (call.from_console) StringField(out, "sessionCredentialFromConsole", "true");
  out.push_back('}');
  return event;
}

}  // namespace tw::server
