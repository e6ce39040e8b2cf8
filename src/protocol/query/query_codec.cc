// SPDX-License-Identifier: Apache-2.0
#include "protocol/query/query_codec.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/strings.h"
#include "protocol/xml/xml_shape.h"
#include "protocol/xml/xml_writer.h"

namespace tw::protocol {
namespace {

using Params = std::map<std::string, std::string, std::less<>>;

// Guards recursion on self-referencing shapes; real inputs nest a handful of levels.
constexpr int kMaxDepth = 32;
constexpr std::size_t kMaxShownValue = 256;

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

class ParamReader {
 public:
  ParamReader(const Params& params, const ServiceModel& service)
      : params_(params), service_(service) {}

  // The value of `shape` stored under `prefix`, nullopt when the request does not mention it.
  Result<std::optional<Value>> Read(const Shape& shape, const Member* member,
                                    const std::string& prefix, int depth) const {
    if (depth > kMaxDepth) return std::optional<Value>();
    switch (shape.type) {
      case ShapeType::kStructure:
        return ReadStructure(shape, prefix, depth);
      case ShapeType::kList:
        return ReadList(shape, member, prefix, depth);
      case ShapeType::kMap:
        return ReadMap(shape, member, prefix, depth);
      default:
        return ReadScalar(shape, member, prefix);
    }
  }

  Result<std::optional<Value>> ReadStructure(const Shape& shape, const std::string& prefix,
                                             int depth) const {
    if (!prefix.empty() && !HasChildren(prefix)) return std::optional<Value>();
    Value out = Value::MakeStructure();
    for (const Member& m : shape.members) {
      std::string key = prefix.empty() ? std::string(xml::WireName(m))
                                       : prefix + "." + std::string(xml::WireName(m));
      auto v = Read(*m.shape, &m, key, depth + 1);
      if (!v) return std::move(v).error();
      if (*v) out.Set(m.name, std::move(**v));
    }
    return std::optional<Value>(std::move(out));
  }

 private:
  bool HasChildren(std::string_view prefix) const {
    std::string dotted = std::string(prefix) + ".";
    auto it = params_.lower_bound(dotted);
    return it != params_.end() && StartsWith(it->first, dotted);
  }

  // The distinct numeric components N of keys "<base>.N[.rest]", ascending.
  std::vector<std::uint32_t> Indices(std::string_view base) const {
    std::string dotted = std::string(base) + ".";
    std::vector<std::uint32_t> out;
    for (auto it = params_.lower_bound(dotted); it != params_.end(); ++it) {
      std::string_view key = it->first;
      if (!StartsWith(key, dotted)) break;
      std::string_view rest = key.substr(dotted.size());
      rest = rest.substr(0, rest.find('.'));
      std::uint32_t n = 0;
      auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), n);
      if (ec != std::errc() || end != rest.data() + rest.size() || n == 0) continue;
      out.push_back(n);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  bool IsEmptyMarker(const std::string& prefix) const {
    // Clients send `Name=` for an empty list (botocore: "The query protocol serializes empty
    // lists"), so AWS can tell "clear it" from "leave it".
    auto it = params_.find(prefix);
    return it != params_.end() && it->second.empty();
  }

  Result<std::optional<Value>> ReadList(const Shape& shape, const Member* member,
                                        const std::string& prefix, int depth) const {
    const Member& item = *shape.member;
    std::string base;
    if (shape.flattened || (member && member->flattened)) {
      base = prefix;
      if (!item.location_name.empty()) {
        // A flattened list whose item has a locationName replaces the last name component.
        std::size_t dot = prefix.rfind('.');
        base = (dot == std::string::npos ? std::string() : prefix.substr(0, dot + 1)) +
               item.location_name;
      }
    } else {
      base = prefix + "." + (item.location_name.empty() ? "member" : item.location_name);
    }
    std::vector<std::uint32_t> indices = Indices(base);
    if (indices.empty()) {
      if (IsEmptyMarker(prefix)) return std::optional<Value>(Value::MakeList());
      return std::optional<Value>();
    }
    Value list = Value::MakeList();
    for (std::uint32_t n : indices) {
      auto v = Read(*item.shape, &item, base + "." + std::to_string(n), depth + 1);
      if (!v) return std::move(v).error();
      if (*v) list.Push(std::move(**v));
    }
    return std::optional<Value>(std::move(list));
  }

  Result<std::optional<Value>> ReadMap(const Shape& shape, const Member* member,
                                       const std::string& prefix, int depth) const {
    const bool flattened = shape.flattened || (member && member->flattened);
    std::string base = flattened ? prefix : prefix + ".entry";
    std::string key_name = shape.key->location_name.empty() ? "key" : shape.key->location_name;
    std::string value_name =
        shape.value->location_name.empty() ? "value" : shape.value->location_name;
    std::vector<std::uint32_t> indices = Indices(base);
    if (indices.empty()) {
      if (IsEmptyMarker(prefix)) return std::optional<Value>(Value::MakeMap());
      return std::optional<Value>();
    }
    Value map = Value::MakeMap();
    for (std::uint32_t n : indices) {
      std::string entry = base + "." + std::to_string(n) + ".";
      auto key = params_.find(entry + key_name);
      if (key == params_.end()) {
        return QueryParameterError(
            service_,
            fmt::format("Map entry {} has no {}", entry.substr(0, entry.size() - 1), key_name));
      }
      auto v = Read(*shape.value->shape, shape.value.get(), entry + value_name, depth + 1);
      if (!v) return std::move(v).error();
      map.Set(key->second, *v ? std::move(**v) : Value());
    }
    return std::optional<Value>(std::move(map));
  }

  Result<std::optional<Value>> ReadScalar(const Shape& shape, const Member* member,
                                          const std::string& key) const {
    auto it = params_.find(key);
    if (it == params_.end()) return std::optional<Value>();
    xml::ScalarError why;
    auto v =
        xml::ParseScalar(it->second, shape, xml::TimestampFormatOf(member, shape, "iso8601"), &why);
    if (!v) {
      std::string shown = it->second.substr(0, kMaxShownValue);
      return QueryParameterError(
          service_, fmt::format("Value '{}' for parameter {} is invalid. It must be {}.", shown,
                                key, why.expected));
    }
    return std::optional<Value>(std::move(*v));
  }

  const Params& params_;
  const ServiceModel& service_;
};

Status AddPairs(std::string_view encoded, Params& params) {
  if (encoded.empty()) return {};
  auto pairs = ParseFormEncoded(encoded);
  if (!pairs) {
    return AwsError::From(ErrorCode::kMalformedQueryString,
                          "The request contains a malformed percent-encoded parameter.");
  }
  for (auto& [name, value] : *pairs) params.insert_or_assign(std::move(name), std::move(value));
  return {};
}

http::HttpResponse XmlResponse(int status, std::string body, const ResponseMeta& meta) {
  http::HttpResponse response;
  response.status = status;
  response.headers.Add("x-amzn-RequestId", meta.request_id);
  response.headers.Add("Content-Type", "text/xml");
  response.body = std::move(body);
  return response;
}

}  // namespace

AwsError QueryParameterError(const ServiceModel& service, std::string message) {
  // Each query service has its own code for "this parameter's value is not acceptable".
  if (service.name() == "sns") return AwsError::Make("InvalidParameter", 400, std::move(message));
  if (service.name() == "cloudwatch") {
    return AwsError::From(ErrorCode::kInvalidParameterValue, std::move(message));
  }
  return AwsError::From(ErrorCode::kValidationError, std::move(message));
}

Result<Value> QueryCodec::ParseRequest(const http::HttpRequest& request,
                                       const ServiceModel& service,
                                       const Operation& operation) const {
  Params params;
  // Presigned and GET requests carry parameters in the query string; a POST body wins when a
  // name appears in both.
  if (Status st = AddPairs(request.raw_query, params); !st) return std::move(st).error();
  std::string_view content_type = request.headers.Get("Content-Type");
  if (!request.body.empty() &&
      (content_type.empty() || IStartsWith(content_type, "application/x-www-form-urlencoded"))) {
    if (Status st = AddPairs(request.body, params); !st) return std::move(st).error();
  }
  if (!operation.input) return Value::MakeStructure();
  ParamReader reader(params, service);
  auto parsed = reader.ReadStructure(*operation.input, std::string(), 0);
  if (!parsed) return std::move(parsed).error();
  return std::move(**parsed);
}

http::HttpResponse QueryCodec::WriteResponse(const ServiceModel& service,
                                             const Operation& operation, const Value& output,
                                             const ResponseMeta& meta) const {
  xml::XmlWriter w;
  w.StartElement(operation.name + "Response");
  w.Attribute("xmlns", service.xml_namespace());
  if (operation.output) {
    // botocore looks the wrapper up unconditionally, so it is written even when empty.
    const bool wrapped = !operation.result_wrapper.empty();
    if (wrapped) w.StartElement(operation.result_wrapper);
    xml::WriteBodyMembers(w, *operation.output, output, xml::XmlStyle{});
    if (wrapped) w.EndElement();
  }
  w.StartElement("ResponseMetadata");
  w.Element("RequestId", meta.request_id);
  w.EndElement();
  return XmlResponse(200, w.Take(), meta);
}

http::HttpResponse QueryCodec::WriteError(const ServiceModel& service, const AwsError& error,
                                          const ResponseMeta& meta) const {
  xml::XmlWriter w;
  w.StartElement("ErrorResponse");
  w.Attribute("xmlns", service.xml_namespace());
  w.StartElement("Error");
  w.Element("Type", error.fault == Fault::kSender ? "Sender" : "Receiver");
  w.Element("Code", error.code);
  w.Element("Message", error.message);
  w.EndElement();
  w.Element("RequestId", meta.request_id);
  return XmlResponse(error.http_status, w.Take(), meta);
}

}  // namespace tw::protocol
