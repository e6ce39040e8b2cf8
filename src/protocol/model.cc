// SPDX-License-Identifier: Apache-2.0
#include "protocol/model.h"

#include <algorithm>
#include <boost/json.hpp>
#include <stdexcept>

#include "common/embedded.h"

namespace tw::embedded_models {
extern const tw::EmbeddedFile kFiles[];
extern const std::size_t kFileCount;
}  // namespace tw::embedded_models

namespace tw::protocol {
namespace json = boost::json;

std::string_view ProtocolName(Protocol p) {
  switch (p) {
    case Protocol::kQuery:
      return "query";
    case Protocol::kJson:
      return "json";
    case Protocol::kRpcV2Cbor:
      return "smithy-rpc-v2-cbor";
    case Protocol::kRestXml:
      return "rest-xml";
    case Protocol::kRestJson:
      return "rest-json";
  }
  return "unknown";
}

const Member* Shape::FindMember(std::string_view member_name) const {
  for (const Member& m : members) {
    if (m.name == member_name) return &m;
  }
  return nullptr;
}

namespace {

AwsError ModelError(std::string_view service, std::string message) {
  return AwsError::From(ErrorCode::kInternalFailure,
                        "service model " + std::string(service) + ": " + std::move(message));
}

std::string Str(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return (it != o.end() && it->value().is_string()) ? std::string(it->value().as_string())
                                                    : std::string();
}

bool Bool(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_bool() && it->value().as_bool();
}

std::optional<double> Number(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end()) return std::nullopt;
  if (it->value().is_int64()) return static_cast<double>(it->value().as_int64());
  if (it->value().is_uint64()) return static_cast<double>(it->value().as_uint64());
  if (it->value().is_double()) return it->value().as_double();
  return std::nullopt;
}

std::optional<ShapeType> ParseType(std::string_view t) {
  static const std::pair<std::string_view, ShapeType> kTypes[] = {
      {"structure", ShapeType::kStructure},
      {"list", ShapeType::kList},
      {"map", ShapeType::kMap},
      {"string", ShapeType::kString},
      {"integer", ShapeType::kInteger},
      {"long", ShapeType::kLong},
      {"float", ShapeType::kFloat},
      {"double", ShapeType::kDouble},
      {"boolean", ShapeType::kBoolean},
      {"timestamp", ShapeType::kTimestamp},
      {"blob", ShapeType::kBlob},
      {"bigInteger", ShapeType::kBigInteger},
      {"bigDecimal", ShapeType::kBigDecimal}};
  for (const auto& [name, type] : kTypes) {
    if (name == t) return type;
  }
  return std::nullopt;
}

std::optional<Protocol> ParseProtocol(std::string_view p) {
  if (p == "query") return Protocol::kQuery;
  if (p == "json") return Protocol::kJson;
  if (p == "smithy-rpc-v2-cbor") return Protocol::kRpcV2Cbor;
  if (p == "rest-xml") return Protocol::kRestXml;
  if (p == "rest-json") return Protocol::kRestJson;
  return std::nullopt;
}

Location ParseLocation(std::string_view l) {
  if (l == "header") return Location::kHeader;
  if (l == "headers") return Location::kHeaders;
  if (l == "querystring") return Location::kQueryString;
  if (l == "uri") return Location::kUri;
  if (l == "statusCode") return Location::kStatusCode;
  return Location::kBody;
}

}  // namespace

Result<std::unique_ptr<ServiceModel>> ServiceModel::Parse(std::string_view name,
                                                          std::string_view text) {
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec || !doc.is_object()) return ModelError(name, "not a JSON object");
  const json::object& root = doc.as_object();
  auto model = std::make_unique<ServiceModel>();
  model->name_ = std::string(name);

  const json::value* metadata_value = root.if_contains("metadata");
  if (!metadata_value || !metadata_value->is_object()) return ModelError(name, "no metadata");
  const json::object& metadata = metadata_value->as_object();
  model->api_version_ = Str(metadata, "apiVersion");
  model->endpoint_prefix_ = Str(metadata, "endpointPrefix");
  model->signing_name_ = Str(metadata, "signingName");
  if (model->signing_name_.empty()) model->signing_name_ = model->endpoint_prefix_;
  model->service_id_ = Str(metadata, "serviceId");
  model->full_name_ = Str(metadata, "serviceFullName");
  model->target_prefix_ = Str(metadata, "targetPrefix");
  model->json_version_ = Str(metadata, "jsonVersion");
  model->xml_namespace_ = Str(metadata, "xmlNamespace");
  model->aws_query_compatible_ = metadata.contains("awsQueryCompatible");
  if (const json::value* list = metadata.if_contains("protocols"); list && list->is_array()) {
    for (const json::value& p : list->as_array()) {
      if (!p.is_string()) continue;
      if (auto protocol = ParseProtocol(p.as_string())) model->protocols_.push_back(*protocol);
    }
  }
  if (model->protocols_.empty()) {
    auto protocol = ParseProtocol(Str(metadata, "protocol"));
    if (!protocol) return ModelError(name, "unknown protocol");
    model->protocols_.push_back(*protocol);
  }

  const json::value* shapes_value = root.if_contains("shapes");
  if (!shapes_value || !shapes_value->is_object()) return ModelError(name, "no shapes");
  const json::object& shapes = shapes_value->as_object();
  // Two passes: create every shape so references resolve, then fill them in.
  for (const auto& entry : shapes) {
    auto shape = std::make_unique<Shape>();
    shape->name = std::string(entry.key());
    model->shapes_.emplace(shape->name, std::move(shape));
  }
  auto resolve_member = [&](const json::value& v, std::string_view member_name,
                            Member& out) -> Status {
    if (!v.is_object()) return ModelError(name, "member is not an object");
    const json::object& m = v.as_object();
    out.name = std::string(member_name);
    std::string shape_name = Str(m, "shape");
    out.shape = model->FindShape(shape_name);
    if (!out.shape) return ModelError(name, "unknown shape " + shape_name);
    out.location = ParseLocation(Str(m, "location"));
    out.location_name = Str(m, "locationName");
    out.query_name = Str(m, "queryName");
    out.xml_attribute = Bool(m, "xmlAttribute");
    out.flattened = Bool(m, "flattened");
    out.host_label = Bool(m, "hostLabel");
    out.idempotency_token = Bool(m, "idempotencyToken");
    out.json_value = Bool(m, "jsonvalue");
    out.event_payload = Bool(m, "eventpayload");
    out.timestamp_format = Str(m, "timestampFormat");
    if (const json::value* ns = m.if_contains("xmlNamespace"); ns && ns->is_object()) {
      out.xml_namespace_uri = Str(ns->as_object(), "uri");
      out.xml_namespace_prefix = Str(ns->as_object(), "prefix");
    }
    return {};
  };
  for (const auto& entry : shapes) {
    if (!entry.value().is_object()) return ModelError(name, "shape is not an object");
    const json::object& s = entry.value().as_object();
    Shape& shape = *model->shapes_.find(std::string_view(entry.key()))->second;
    auto type = ParseType(Str(s, "type"));
    if (!type) return ModelError(name, "unknown type of shape " + shape.name);
    shape.type = *type;
    shape.min = Number(s, "min");
    shape.max = Number(s, "max");
    shape.pattern = Str(s, "pattern");
    shape.sensitive = Bool(s, "sensitive");
    shape.streaming = Bool(s, "streaming");
    shape.event_stream = Bool(s, "eventstream");
    shape.timestamp_format = Str(s, "timestampFormat");
    shape.flattened = Bool(s, "flattened");
    shape.exception = Bool(s, "exception");
    shape.fault = Bool(s, "fault");
    shape.is_union = Bool(s, "union");
    shape.document = Bool(s, "document");
    shape.payload = Str(s, "payload");
    shape.location_name = Str(s, "locationName");
    if (const json::value* ns = s.if_contains("xmlNamespace"); ns && ns->is_object()) {
      shape.xml_namespace_uri = Str(ns->as_object(), "uri");
    }
    if (const json::value* values = s.if_contains("enum"); values && values->is_array()) {
      for (const json::value& e : values->as_array()) {
        if (e.is_string()) shape.enum_values.emplace_back(e.as_string());
      }
    }
    if (const json::value* error = s.if_contains("error"); error && error->is_object()) {
      shape.error_code = Str(error->as_object(), "code");
      shape.error_http_status =
          static_cast<int>(Number(error->as_object(), "httpStatusCode").value_or(0));
      auto sender = error->as_object().if_contains("senderFault");
      shape.sender_fault = !sender || !sender->is_bool() || sender->as_bool();
    }
    if (const json::value* error = s.if_contains("awsQueryError"); error && error->is_object()) {
      shape.query_error_code = Str(error->as_object(), "code");
      shape.query_error_http_status =
          static_cast<int>(Number(error->as_object(), "httpStatusCode").value_or(0));
    }
    if (shape.type == ShapeType::kStructure) {
      std::vector<std::string> required;
      if (const json::value* req = s.if_contains("required"); req && req->is_array()) {
        for (const json::value& r : req->as_array()) {
          if (r.is_string()) required.emplace_back(r.as_string());
        }
      }
      if (const json::value* members = s.if_contains("members"); members && members->is_object()) {
        for (const auto& m : members->as_object()) {
          Member member;
          if (Status st = resolve_member(m.value(), m.key(), member); !st) return st.error();
          member.required =
              std::find(required.begin(), required.end(), member.name) != required.end();
          shape.members.push_back(std::move(member));
        }
      }
    } else if (shape.type == ShapeType::kList) {
      const json::value* m = s.if_contains("member");
      if (!m) return ModelError(name, "list without member: " + shape.name);
      shape.member = std::make_unique<Member>();
      if (Status st = resolve_member(*m, "member", *shape.member); !st) return st.error();
    } else if (shape.type == ShapeType::kMap) {
      const json::value* k = s.if_contains("key");
      const json::value* v = s.if_contains("value");
      if (!k || !v) return ModelError(name, "map without key/value: " + shape.name);
      shape.key = std::make_unique<Member>();
      shape.value = std::make_unique<Member>();
      if (Status st = resolve_member(*k, "key", *shape.key); !st) return st.error();
      if (Status st = resolve_member(*v, "value", *shape.value); !st) return st.error();
    }
  }

  const json::value* ops_value = root.if_contains("operations");
  if (!ops_value || !ops_value->is_object()) return ModelError(name, "no operations");
  for (const auto& entry : ops_value->as_object()) {
    if (!entry.value().is_object()) return ModelError(name, "operation is not an object");
    const json::object& o = entry.value().as_object();
    Operation op;
    op.name = std::string(entry.key());
    if (const json::value* http = o.if_contains("http"); http && http->is_object()) {
      const json::object& h = http->as_object();
      if (auto m = Str(h, "method"); !m.empty()) op.http_method = m;
      if (auto u = Str(h, "requestUri"); !u.empty()) op.request_uri = u;
      op.http_response_code = static_cast<int>(Number(h, "responseCode").value_or(200));
    }
    if (const json::value* in = o.if_contains("input"); in && in->is_object()) {
      op.input = model->FindShape(Str(in->as_object(), "shape"));
      op.input_location_name = Str(in->as_object(), "locationName");
      if (const json::value* ns = in->as_object().if_contains("xmlNamespace");
          ns && ns->is_object()) {
        op.input_xml_namespace = Str(ns->as_object(), "uri");
      }
    }
    if (const json::value* out = o.if_contains("output"); out && out->is_object()) {
      op.output = model->FindShape(Str(out->as_object(), "shape"));
      op.result_wrapper = Str(out->as_object(), "resultWrapper");
    }
    if (const json::value* errors = o.if_contains("errors"); errors && errors->is_array()) {
      for (const json::value& e : errors->as_array()) {
        if (!e.is_object()) continue;
        if (const Shape* shape = model->FindShape(Str(e.as_object(), "shape"))) {
          op.errors.push_back(shape);
        }
      }
    }
    op.auth_none = Str(o, "authtype") == "none";
    if (const json::value* auth = o.if_contains("auth"); auth && auth->is_array()) {
      for (const json::value& a : auth->as_array()) {
        if (a.is_string() && a.as_string() == "smithy.api#noAuth") op.auth_none = true;
      }
    }
    op.unsigned_payload = Bool(o, "unsignedPayload");
    op.http_checksum_required = Bool(o, "httpChecksumRequired");
    model->operations_.emplace(op.name, std::move(op));
  }
  return model;
}

bool ServiceModel::Speaks(Protocol p) const {
  return std::find(protocols_.begin(), protocols_.end(), p) != protocols_.end();
}

const Operation* ServiceModel::FindOperation(std::string_view op_name) const {
  auto it = operations_.find(op_name);
  return it == operations_.end() ? nullptr : &it->second;
}

const Shape* ServiceModel::FindShape(std::string_view shape_name) const {
  auto it = shapes_.find(shape_name);
  return it == shapes_.end() ? nullptr : it->second.get();
}

const Shape* ServiceModel::FindErrorShape(std::string_view code) const {
  for (const auto& [shape_name, shape] : shapes_) {
    if (!shape->exception) continue;
    if (shape_name == code || shape->error_code == code || shape->query_error_code == code) {
      return shape.get();
    }
  }
  return nullptr;
}

const ServiceCatalog& ServiceCatalog::Embedded() {
  static const ServiceCatalog* catalog = [] {
    std::vector<std::pair<std::string, std::string_view>> documents;
    for (std::size_t i = 0; i < embedded_models::kFileCount; ++i) {
      std::string_view file = embedded_models::kFiles[i].name;
      if (!file.ends_with(".json")) continue;
      documents.emplace_back(std::string(file.substr(0, file.size() - 5)),
                             embedded_models::kFiles[i].data);
    }
    auto loaded = FromDocuments(documents);
    if (!loaded) throw std::runtime_error(loaded.error().message);
    return std::move(loaded).value().release();
  }();
  return *catalog;
}

Result<std::unique_ptr<ServiceCatalog>> ServiceCatalog::FromDocuments(
    const std::vector<std::pair<std::string, std::string_view>>& documents) {
  auto catalog = std::make_unique<ServiceCatalog>();
  for (const auto& [service_name, text] : documents) {
    auto model = ServiceModel::Parse(service_name, text);
    if (!model) return model.error();
    catalog->services_.push_back(std::move(model).value());
  }
  return catalog;
}

const ServiceModel* ServiceCatalog::Find(std::string_view service_name) const {
  for (const auto& s : services_) {
    if (s->name() == service_name) return s.get();
  }
  return nullptr;
}

const ServiceModel* ServiceCatalog::FindBySigningName(std::string_view signing_name) const {
  for (const auto& s : services_) {
    if (s->signing_name() == signing_name || s->endpoint_prefix() == signing_name) return s.get();
  }
  return nullptr;
}

const ServiceModel* ServiceCatalog::FindByTargetPrefix(std::string_view prefix) const {
  for (const auto& s : services_) {
    if (!s->target_prefix().empty() && s->target_prefix() == prefix) return s.get();
  }
  return nullptr;
}

}  // namespace tw::protocol
