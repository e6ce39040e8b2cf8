// SPDX-License-Identifier: Apache-2.0
#include "protocol/rest_xml/rest_xml_codec.h"

#include <fmt/format.h>

#include <array>
#include <utility>

#include "common/crypto.h"
#include "common/strings.h"
#include "protocol/rest_xml/rest_routing.h"
#include "protocol/xml/xml_reader.h"
#include "protocol/xml/xml_shape.h"
#include "protocol/xml/xml_writer.h"

namespace tw::protocol {
namespace {

using xml::WireName;

// S3 names most output documents after neither the operation nor the output shape; botocore
// ignores the root name but other SDKs and humans do not, so these follow the S3 API reference.
constexpr std::array<std::pair<std::string_view, std::string_view>, 31> kS3OutputRoots = {{
    {"CompleteMultipartUpload", "CompleteMultipartUploadResult"},
    {"CreateMultipartUpload", "InitiateMultipartUploadResult"},
    {"CreateSession", "CreateSessionResult"},
    {"DeleteObjects", "DeleteResult"},
    {"GetBucketAccelerateConfiguration", "AccelerateConfiguration"},
    {"GetBucketAcl", "AccessControlPolicy"},
    {"GetBucketCors", "CORSConfiguration"},
    {"GetBucketLifecycle", "LifecycleConfiguration"},
    {"GetBucketLifecycleConfiguration", "LifecycleConfiguration"},
    {"GetBucketLocation", "LocationConstraint"},
    {"GetBucketLogging", "BucketLoggingStatus"},
    {"GetBucketNotification", "NotificationConfiguration"},
    {"GetBucketNotificationConfiguration", "NotificationConfiguration"},
    {"GetBucketRequestPayment", "RequestPaymentConfiguration"},
    {"GetBucketTagging", "Tagging"},
    {"GetBucketVersioning", "VersioningConfiguration"},
    {"GetBucketWebsite", "WebsiteConfiguration"},
    {"GetObjectAcl", "AccessControlPolicy"},
    {"GetObjectAttributes", "GetObjectAttributesResponse"},
    {"GetObjectTagging", "Tagging"},
    {"ListBucketAnalyticsConfigurations", "ListBucketAnalyticsConfigurationResult"},
    {"ListBucketIntelligentTieringConfigurations",
     "ListBucketIntelligentTieringConfigurationsOutput"},
    {"ListBucketInventoryConfigurations", "ListInventoryConfigurationsResult"},
    {"ListBucketMetricsConfigurations", "ListMetricsConfigurationsResult"},
    {"ListBuckets", "ListAllMyBucketsResult"},
    {"ListDirectoryBuckets", "ListAllMyDirectoryBucketsResult"},
    {"ListMultipartUploads", "ListMultipartUploadsResult"},
    {"ListObjectVersions", "ListVersionsResult"},
    {"ListObjects", "ListBucketResult"},
    {"ListObjectsV2", "ListBucketResult"},
    {"ListParts", "ListPartsResult"},
}};

constexpr std::size_t kMaxShownValue = 256;

AwsError InvalidArgument(std::string_view name, std::string_view value, std::string_view expected) {
  std::string shown(value.substr(0, kMaxShownValue));
  return AwsError::From(ErrorCode::kInvalidArgument,
                        fmt::format("Invalid value for {}: it must be {}", name, expected))
      .With("ArgumentName", std::string(name))
      .With("ArgumentValue", std::move(shown));
}

// Splits a list header on commas outside double quotes, unquoting quoted items (RFC 7230; the
// SDKs quote items that contain a comma or a quote).
std::vector<std::string> SplitHeaderList(std::string_view value) {
  std::vector<std::string> out;
  std::string current;
  bool quoted = false;
  bool was_quoted = false;
  for (std::size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (quoted) {
      if (c == '\\' && i + 1 < value.size()) {
        current.push_back(value[++i]);
      } else if (c == '"') {
        quoted = false;
      } else {
        current.push_back(c);
      }
    } else if (c == '"' && Trim(current).empty()) {
      quoted = true;
      was_quoted = true;
      current.clear();
    } else if (c == ',') {
      out.push_back(was_quoted ? current : std::string(Trim(current)));
      current.clear();
      was_quoted = false;
    } else {
      current.push_back(c);
    }
  }
  if (!Trim(current).empty() || was_quoted || !out.empty()) {
    out.push_back(was_quoted ? current : std::string(Trim(current)));
  }
  return out;
}

Result<Value> ParseText(std::string_view text, const Member& member, const Shape& shape,
                        std::string_view default_format, std::string_view argument_name) {
  xml::ScalarError why;
  auto v =
      xml::ParseScalar(text, shape, xml::TimestampFormatOf(&member, shape, default_format), &why);
  if (!v) return InvalidArgument(argument_name, text, why.expected);
  return std::move(*v);
}

Result<Value> ParseHeader(std::string_view text, const Member& member) {
  const Shape& shape = *member.shape;
  std::string_view name = WireName(member);
  if (shape.type == ShapeType::kList) {
    Value list = Value::MakeList();
    for (const std::string& item : SplitHeaderList(text)) {
      Result<Value> v = ParseText(item, *shape.member, *shape.member->shape, "rfc822", name);
      if (!v) return v;
      list.Push(std::move(*v));
    }
    return list;
  }
  if (member.json_value && shape.type == ShapeType::kString) {
    // jsonvalue headers carry base64 of a JSON document; the Value keeps the JSON text.
    auto decoded = Base64Decode(Trim(text));
    if (!decoded) return InvalidArgument(name, text, "base64-encoded JSON");
    return Value(std::move(*decoded));
  }
  return ParseText(text, member, shape, "rfc822", name);
}

std::string HeaderText(const Value& value, const Member& member) {
  const Shape& shape = *member.shape;
  if (shape.type == ShapeType::kList && value.is_list()) {
    std::string out;
    for (const Value& item : value.as_list()) {
      std::string text = xml::FormatScalar(
          item, *shape.member->shape,
          xml::TimestampFormatOf(shape.member.get(), *shape.member->shape, "rfc822"));
      if (text.find_first_of(",\"") != std::string::npos) {
        std::string quoted = "\"";
        for (char c : text) {
          if (c == '"') quoted.push_back('\\');
          quoted.push_back(c);
        }
        text = quoted + "\"";
      }
      if (!out.empty()) out += ",";
      out += text;
    }
    return out;
  }
  if (member.json_value && value.is_string()) return Base64Encode(value.as_string());
  return xml::FormatScalar(value, shape, xml::TimestampFormatOf(&member, shape, "rfc822"));
}

// The payload member: raw bytes for blobs and strings, an XML document for structures.
Status ParsePayload(const http::HttpRequest& request, const Member& payload, Value& out) {
  const Shape& shape = *payload.shape;
  if (shape.type == ShapeType::kBlob) {
    if (!request.body.empty()) out.Set(payload.name, Value(Blob{request.body}));
  } else if (shape.type == ShapeType::kString) {
    if (!request.body.empty()) out.Set(payload.name, Value(request.body));
  } else if (!Trim(request.body).empty()) {
    // The root element is the member's locationName on the wire; S3 does not insist on it,
    // so neither do we (only its content is read).
    Result<xml::XmlNode> root = xml::ParseXml(request.body);
    if (!root) return std::move(root).error();
    Result<Value> v = xml::ReadXml(*root, shape);
    if (!v) return std::move(v).error();
    out.Set(payload.name, std::move(*v));
  }
  return {};
}

// True when `name` is one of the query literals of a requestUri ("?select&select-type=2").
bool IsUriLiteral(std::string_view request_uri, std::string_view name) {
  std::size_t q = request_uri.find('?');
  if (q == std::string_view::npos) return false;
  for (std::string_view part : Split(request_uri.substr(q + 1), '&')) {
    if (part.substr(0, part.find('=')) == name) return true;
  }
  return false;
}

std::string HostId(const ResponseMeta& meta) {
  // S3's x-amz-id-2 is an opaque base64 token; deriving it from the request id keeps the pair
  // stable for support correlation without another source of randomness.
  return Base64Encode(Sha256("host-id:" + meta.request_id));
}

void AddRequestIdHeaders(http::HttpResponse& response, const ResponseMeta& meta) {
  response.headers.Add("x-amz-request-id", meta.request_id);
  response.headers.Add("x-amz-id-2", HostId(meta));
}

bool IsHead(const ResponseMeta& meta) { return IEquals(meta.method, "HEAD"); }

std::string_view XmlNamespace(const ServiceModel& service) {
  return service.xml_namespace().empty() ? kS3XmlNamespace
                                         : std::string_view(service.xml_namespace());
}

}  // namespace

std::string_view RestXmlOutputRoot(const Operation& operation) {
  for (const auto& [op, root] : kS3OutputRoots) {
    if (op == operation.name) return root;
  }
  if (operation.output && !operation.output->location_name.empty()) {
    return operation.output->location_name;
  }
  return operation.output ? std::string_view(operation.output->name) : std::string_view();
}

Result<Value> RestXmlCodec::ParseRequest(const http::HttpRequest& request,
                                         const ServiceModel& /*service*/,
                                         const Operation& operation) const {
  Value out = Value::MakeStructure();
  if (!operation.input) return out;
  const Shape& input = *operation.input;

  auto labels = MatchUriTemplate(operation.request_uri, TemplatePath(request));
  if (!labels) {
    return AwsError::Make("InvalidURI", 400, "Couldn't parse the specified URI.");
  }
  auto query = ParseFormEncoded(request.raw_query);
  if (!query) {
    return AwsError::Make("InvalidURI", 400, "Couldn't parse the specified URI.");
  }

  bool has_body_members = false;
  for (const Member& m : input.members) {
    const Shape& shape = *m.shape;
    std::string_view name = WireName(m);
    switch (m.location) {
      case Location::kUri: {
        for (const auto& [label, text] : *labels) {
          if (label != name) continue;
          Result<Value> v = ParseText(text, m, shape, "iso8601", name);
          if (!v) return std::move(v).error();
          out.Set(m.name, std::move(*v));
          break;
        }
        break;
      }
      case Location::kQueryString: {
        if (shape.type == ShapeType::kMap) {
          // A querystring map takes every parameter no other member or literal claims.
          Value map = Value::MakeMap();
          for (const auto& [key, text] : *query) {
            bool claimed = IsUriLiteral(operation.request_uri, key) || IStartsWith(key, "X-Amz-") ||
                           key == "x-id";
            for (const Member& other : input.members) {
              if (&other != &m && other.location == Location::kQueryString &&
                  WireName(other) == key) {
                claimed = true;
              }
            }
            if (!claimed) map.Set(key, Value(text));
          }
          if (!map.entries().empty()) out.Set(m.name, std::move(map));
          break;
        }
        Value list = Value::MakeList();
        for (const auto& [key, text] : *query) {
          if (key != name) continue;
          const bool is_list = shape.type == ShapeType::kList;
          const Member& item = is_list ? *shape.member : m;
          Result<Value> v = ParseText(text, item, *item.shape, "iso8601", name);
          if (!v) return std::move(v).error();
          if (!is_list) {
            out.Set(m.name, std::move(*v));
            break;
          }
          list.Push(std::move(*v));
        }
        if (shape.type == ShapeType::kList && !list.as_list().empty()) {
          out.Set(m.name, std::move(list));
        }
        break;
      }
      case Location::kHeader: {
        const std::string* text = request.headers.Find(name);
        if (!text) break;
        Result<Value> v = ParseHeader(*text, m);
        if (!v) return std::move(v).error();
        out.Set(m.name, std::move(*v));
        break;
      }
      case Location::kHeaders: {
        Value map = Value::MakeMap();
        for (const auto& [header, text] : request.headers) {
          if (header.size() <= name.size() || !IStartsWith(header, name)) continue;
          // S3 stores user-metadata names in lower case whatever the client sent.
          map.Set(ToLower(std::string_view(header).substr(name.size())), Value(text));
        }
        if (!map.entries().empty()) out.Set(m.name, std::move(map));
        break;
      }
      case Location::kStatusCode:
        break;
      case Location::kBody:
        if (m.name != input.payload) {
          has_body_members = true;
          break;
        }
        if (Status st = ParsePayload(request, m, out); !st) return std::move(st).error();
        break;
    }
  }

  if (input.payload.empty() && has_body_members && !Trim(request.body).empty()) {
    Result<xml::XmlNode> root = xml::ParseXml(request.body);
    if (!root) return std::move(root).error();
    Result<Value> v = xml::ReadXml(*root, input);
    if (!v) return std::move(v).error();
    for (auto& [name, item] : v->entries()) out.Set(name, std::move(item));
  }
  return out;
}

http::HttpResponse RestXmlCodec::WriteResponse(const ServiceModel& service,
                                               const Operation& operation, const Value& output,
                                               const ResponseMeta& meta) const {
  http::HttpResponse response;
  response.status = operation.http_response_code;
  AddRequestIdHeaders(response, meta);
  const Shape* shape = operation.output;
  if (!shape || !output.is_object()) return response;
  const xml::XmlStyle style{xml::TimestampStyle::kIsoAlwaysMillis};

  bool has_body_members = false;
  for (const auto& [name, value] : output.entries()) {
    const Member* m = shape->FindMember(name);
    if (!m || value.is_null()) continue;
    switch (m->location) {
      case Location::kHeader:
        response.headers.Set(WireName(*m), HeaderText(value, *m));
        break;
      case Location::kHeaders:
        if (value.is_object()) {
          for (const auto& [key, item] : value.entries()) {
            if (item.is_string())
              response.headers.Add(std::string(WireName(*m)) + key, item.as_string());
          }
        }
        break;
      case Location::kStatusCode:
        if (value.is_integer()) response.status = static_cast<int>(value.as_integer());
        break;
      case Location::kBody:
        if (m->name != shape->payload) has_body_members = true;
        break;
      default:
        break;
    }
  }

  // S3 answers a ranged GetObject/HeadObject with 206 Partial Content. The model has no status
  // member for it, so a Content-Range header member in the output is what marks it partial.
  if (response.status == 200 && response.headers.Has("Content-Range")) response.status = 206;

  if (!shape->payload.empty()) {
    const Member* payload = shape->FindMember(shape->payload);
    const Value* value = output.Find(shape->payload);
    if (payload && value && !value->is_null()) {
      const Shape& ps = *payload->shape;
      if (ps.type == ShapeType::kBlob || ps.type == ShapeType::kString) {
        response.body = value->is_blob() ? value->as_blob().bytes
                                         : (value->is_string() ? value->as_string() : "");
        if (value->is_blob()) response.file = value->as_blob().file;
        if (!response.headers.Has("Content-Type")) {
          response.headers.Add("Content-Type", ps.type == ShapeType::kBlob
                                                   ? "application/octet-stream"
                                                   : "text/plain");
        }
      } else if (ps.type == ShapeType::kStructure) {
        std::string_view root = !payload->location_name.empty() ? payload->location_name
                                : !ps.location_name.empty()     ? ps.location_name
                                                                : ps.name;
        xml::XmlWriter w;
        w.Declaration();
        w.StartElement(root);
        w.Attribute("xmlns", XmlNamespace(service));
        xml::WriteBodyMembers(w, ps, *value, style);
        w.EndElement();
        response.body = w.Take();
        response.headers.Set("Content-Type", "application/xml");
      }
    }
  } else if (has_body_members) {
    xml::XmlWriter w;
    w.Declaration();
    w.StartElement(RestXmlOutputRoot(operation));
    w.Attribute("xmlns", XmlNamespace(service));
    if (operation.name == "GetBucketLocation") {
      // The one S3 document whose root element is itself the value: an empty root means
      // us-east-1.
      const Member* m = shape->FindMember("LocationConstraint");
      const Value* v = output.Find("LocationConstraint");
      if (m && v && v->is_string()) w.Text(v->as_string());
    } else {
      xml::WriteBodyMembers(w, *shape, output, style);
    }
    w.EndElement();
    response.body = w.Take();
    response.headers.Set("Content-Type", "application/xml");
  }
  if (IsHead(meta)) response.body.clear();
  return response;
}

http::HttpResponse RestXmlCodec::WriteError(const ServiceModel& /*service*/, const AwsError& error,
                                            const ResponseMeta& meta) const {
  http::HttpResponse response;
  response.status = error.http_status;
  AddRequestIdHeaders(response, meta);
  if (IsHead(meta)) return response;
  xml::XmlWriter w;
  w.Declaration();
  w.StartElement("Error");
  w.Element("Code", error.code);
  w.Element("Message", error.message);
  for (const auto& [name, value] : error.extra) w.Element(name, value);
  w.Element("RequestId", meta.request_id);
  w.Element("HostId", HostId(meta));
  w.EndElement();
  response.body = w.Take();
  response.headers.Add("Content-Type", "application/xml");
  return response;
}

}  // namespace tw::protocol
