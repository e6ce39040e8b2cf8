// SPDX-License-Identifier: Apache-2.0
// Builds a minimal valid wire request for any operation of the embedded models, the way an SDK
// would: the required members only, with values that pass the models' constraints (enums,
// lengths, the patterns our services use), serialized as query, JSON or REST-XML. Used to drive
// every registered operation through the real dispatcher. Not a general serializer. Pure.
#pragma once

#include <cctype>
#include <string>
#include <string_view>

#include "http/message.h"
#include "protocol/model.h"

namespace tw::server::testing {
namespace detail {

using protocol::Location;
using protocol::Member;
using protocol::Shape;
using protocol::ShapeType;

constexpr std::string_view kPolicy =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})";

inline std::string Scalar(const Member& member) {
  const Shape& shape = *member.shape;
  const std::string& name = member.name;
  switch (shape.type) {
    case ShapeType::kBoolean:
      return "false";
    case ShapeType::kInteger:
    case ShapeType::kLong:
    case ShapeType::kBigInteger:
      return std::to_string(static_cast<long long>(shape.min.value_or(1) < 1 ? 1 : *shape.min));
    case ShapeType::kFloat:
    case ShapeType::kDouble:
    case ShapeType::kBigDecimal:
      return "1";
    case ShapeType::kTimestamp:
      return "2026-01-01T00:00:00Z";
    case ShapeType::kBlob:
      return "eA==";
    default:
      break;
  }
  if (!shape.enum_values.empty()) return shape.enum_values.front();
  if (name.find("PolicyDocument") != std::string::npos || name == "Policy" ||
      name == "PolicyInputList") {
    return std::string(kPolicy);
  }
  if (name == "Path" || name == "PathPrefix" || name == "NewPath") return "/";
  if (name == "VersionId") return "v1";
  if (name == "CopySource") return "src/key";
  if (name == "TopicArn" || name == "TargetArn") return "arn:aws:sns:us-east-1:000000000000:t";
  if (name == "resourceArn" || name == "ResourceArn" || name == "ResourceARN") {
    return "arn:aws:logs:us-east-1:000000000000:log-group:g";
  }
  if (name == "RoleArn") return "arn:aws:iam::000000000000:role/r";
  if (name == "SerialNumber") return "arn:aws:iam::000000000000:mfa/m";
  if (name.ends_with("Arn") || name.ends_with("ARN")) {
    return "arn:aws:iam::000000000000:policy/p";
  }
  if (name == "AuthenticationCode1" || name == "AuthenticationCode2") return "123456";
  if (name == "AccessKeyId") return "AKIAEXAMPLEEXAMPLE00";
  std::size_t length = static_cast<std::size_t>(shape.min.value_or(1));
  if (length < 8) length = 8;
  if (shape.max && length > *shape.max) length = static_cast<std::size_t>(*shape.max);
  return std::string(length, 'a');
}

inline std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

// Query: Name=v, lists Name.member.1, structures Name.Sub, maps Name.entry.1.key/value.
inline void QueryMembers(const Shape& shape, const std::string& prefix, std::string& body) {
  for (const Member& m : shape.members) {
    if (!m.required) continue;
    std::string key = prefix + (m.location_name.empty() ? m.name : m.location_name);
    const Shape& s = *m.shape;
    if (s.type == ShapeType::kStructure) {
      QueryMembers(s, key + ".", body);
    } else if (s.type == ShapeType::kList) {
      std::string item = key + (s.flattened ? ".1" : ".member.1");
      if (s.member->shape->type == ShapeType::kStructure) {
        QueryMembers(*s.member->shape, item + ".", body);
      } else {
        Member named = *s.member;
        named.name = m.name;
        body += "&" + item + "=" + UrlEncode(Scalar(named));
      }
    } else if (s.type == ShapeType::kMap) {
      body += "&" + key + ".entry.1.key=k&" + key + ".entry.1.value=v";
    } else {
      body += "&" + key + "=" + UrlEncode(Scalar(m));
    }
  }
}

inline std::string JsonValue(const Member& m);

inline std::string JsonObject(const Shape& shape) {
  std::string out = "{";
  for (const Member& m : shape.members) {
    if (!m.required) continue;
    if (out.size() > 1) out += ",";
    out += "\"" + m.name + "\":" + JsonValue(m);
  }
  return out + "}";
}

inline std::string JsonValue(const Member& m) {
  const Shape& s = *m.shape;
  switch (s.type) {
    case ShapeType::kStructure:
      return JsonObject(s);
    case ShapeType::kList: {
      Member named = *s.member;
      named.name = m.name;
      return "[" + JsonValue(named) + "]";
    }
    case ShapeType::kMap:
      return R"({"k":"v"})";
    case ShapeType::kBoolean:
    case ShapeType::kInteger:
    case ShapeType::kLong:
    case ShapeType::kFloat:
    case ShapeType::kDouble:
      return Scalar(m);
    case ShapeType::kTimestamp:
      return "1767225600";
    default: {
      std::string text = Scalar(m), quoted = "\"";
      for (char c : text) {
        if (c == '"' || c == '\\') quoted.push_back('\\');
        quoted.push_back(c);
      }
      return quoted + "\"";
    }
  }
}

inline std::string XmlElement(const Member& m);

inline std::string XmlChildren(const Shape& shape) {
  std::string out;
  for (const Member& m : shape.members) {
    if (m.required) out += XmlElement(m);
  }
  return out;
}

inline std::string XmlElement(const Member& m) {
  std::string name = m.location_name.empty() ? m.name : m.location_name;
  const Shape& s = *m.shape;
  if (s.type == ShapeType::kList) {
    Member item = *s.member;
    if (item.location_name.empty())
      item.location_name = s.flattened || m.flattened ? name : "member";
    item.name = m.name;
    if (s.flattened || m.flattened) return XmlElement(item);
    return "<" + name + ">" + XmlElement(item) + "</" + name + ">";
  }
  if (s.type == ShapeType::kStructure) return "<" + name + ">" + XmlChildren(s) + "</" + name + ">";
  return "<" + name + ">" + Scalar(m) + "</" + name + ">";
}

}  // namespace detail

using detail::JsonObject;
using detail::QueryMembers;
using detail::Scalar;
using detail::UrlEncode;
using detail::XmlChildren;
using protocol::Location;
using protocol::Member;
using protocol::Shape;
using protocol::ShapeType;

inline http::HttpRequest BuildRequest(const protocol::ServiceModel& service,
                                      const protocol::Operation& operation) {
  http::HttpRequest r;
  r.method = "POST";
  r.path = "/";
  const Shape* input = operation.input;
  if (service.Speaks(protocol::Protocol::kRestXml)) {
    r.method = operation.http_method;
    std::string uri = operation.request_uri;
    std::string query;
    if (auto q = uri.find('?'); q != std::string::npos) {
      query = uri.substr(q + 1);
      uri.resize(q);
    }
    if (input) {
      for (const Member& m : input->members) {
        if (!m.required && m.location != Location::kUri) continue;
        std::string wire = m.location_name.empty() ? m.name : m.location_name;
        std::string value = m.name == "Bucket" ? "bucket" : m.name == "Key" ? "key" : Scalar(m);
        if (m.location == Location::kUri) {
          for (std::string label : {"{" + wire + "}", "{" + wire + "+}"}) {
            if (auto at = uri.find(label); at != std::string::npos)
              uri.replace(at, label.size(), value);
          }
        } else if (m.location == Location::kQueryString) {
          query += (query.empty() ? "" : "&") + wire + "=" + UrlEncode(value);
        } else if (m.location == Location::kHeader) {
          r.headers.Add(wire, value);
        }
      }
      if (!input->payload.empty()) {
        const Member* payload = input->FindMember(input->payload);
        if (payload && payload->required) {
          if (payload->shape->type == ShapeType::kStructure) {
            std::string root =
                operation.input_location_name.empty()
                    ? (payload->location_name.empty() ? payload->name : payload->location_name)
                    : operation.input_location_name;
            r.body = "<" + root + " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" +
                     XmlChildren(*payload->shape) + "</" + root + ">";
          } else {
            r.body = Scalar(*payload);
          }
        }
      }
    }
    r.path = uri;
    r.raw_query = query;
    return r;
  }
  if (service.Speaks(protocol::Protocol::kJson) && !service.Speaks(protocol::Protocol::kQuery)) {
    r.headers.Add("Content-Type", "application/x-amz-json-" + service.json_version());
    r.headers.Add("X-Amz-Target", service.target_prefix() + "." + operation.name);
    r.body = input ? JsonObject(*input) : "{}";
    return r;
  }
  r.headers.Add("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  r.body = "Action=" + operation.name + "&Version=" + service.api_version();
  if (input) QueryMembers(*input, "", r.body);
  return r;
}

}  // namespace tw::server::testing
