// SPDX-License-Identifier: Apache-2.0
#include "services/cloudtrail/trail.h"

#include <algorithm>
#include <boost/json.hpp>

#include "common/strings.h"

namespace tw::services::cloudtrail {
namespace {

namespace json = boost::json;

bool ReadWriteMatches(std::string_view type, bool read_only) {
  if (type == "ReadOnly") return read_only;
  if (type == "WriteOnly") return !read_only;
  return true;
}

// An S3 data resource value: "arn:aws:s3" / "arn:aws:s3:::" select every object; otherwise the
// value is a bucket ("arn:aws:s3:::bucket/") or object-ARN prefix.
bool S3ValueMatches(std::string_view value, std::string_view object_arn) {
  if (value == "arn:aws:s3" || value == "arn:aws:s3:::") return true;
  return object_arn.starts_with(value);
}

std::vector<std::string_view> FieldValues(const std::string& field,
                                          const pipeline::TrailEvent& event) {
  std::vector<std::string_view> out;
  if (field == "eventCategory") {
    out.push_back(event.event_category);
  } else if (field == "eventName") {
    out.push_back(event.event_name);
  } else if (field == "eventSource") {
    out.push_back(event.event_source);
  } else if (field == "readOnly") {
    out.push_back(event.read_only ? "true" : "false");
  } else if (field == "eventType") {
    out.push_back("AwsApiCall");
  } else if (field == "resources.type") {
    for (const auto& r : event.resources) out.push_back(r.type);
  }
  return out;
}

bool FieldMatches(const FieldSelector& f, const pipeline::TrailEvent& event,
                  const std::vector<std::string>& arns) {
  std::vector<std::string_view> values;
  if (f.field == "resources.ARN") {
    for (const auto& a : arns) values.push_back(a);
  } else {
    values = FieldValues(f.field, event);
  }
  auto one = [&](std::string_view v) {
    auto any = [&](const std::vector<std::string>& list, auto pred) {
      return std::any_of(list.begin(), list.end(), pred);
    };
    if (!f.equals.empty() && !any(f.equals, [&](const std::string& x) { return v == x; }))
      return false;
    if (!f.starts_with.empty() &&
        !any(f.starts_with, [&](const std::string& x) { return v.starts_with(x); }))
      return false;
    if (!f.ends_with.empty() &&
        !any(f.ends_with, [&](const std::string& x) { return v.ends_with(x); }))
      return false;
    if (any(f.not_equals, [&](const std::string& x) { return v == x; })) return false;
    if (any(f.not_starts_with, [&](const std::string& x) { return v.starts_with(x); }))
      return false;
    if (any(f.not_ends_with, [&](const std::string& x) { return v.ends_with(x); })) return false;
    return true;
  };
  return std::any_of(values.begin(), values.end(), one);
}

std::vector<std::string> ResourceArns(const pipeline::TrailEvent& event) {
  std::vector<std::string> out;
  for (const auto& r : event.resources) {
    if (r.type == "AWS::S3::Object" || r.type == "AWS::S3::Bucket") {
      out.push_back("arn:aws:s3:::" + r.name);
    } else if (r.name.starts_with("arn:")) {
      out.push_back(r.name);
    }
  }
  return out;
}

json::array Strings(const std::vector<std::string>& values) {
  json::array out;
  for (const auto& v : values) out.emplace_back(v);
  return out;
}

std::vector<std::string> StringsFrom(const json::value* v) {
  std::vector<std::string> out;
  if (!v || !v->is_array()) return out;
  for (const auto& item : v->as_array()) {
    if (item.is_string()) out.emplace_back(item.as_string());
  }
  return out;
}

std::string Str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

bool Bool(const json::object& o, std::string_view key, bool fallback) {
  const json::value* v = o.if_contains(key);
  return v && v->is_bool() ? v->as_bool() : fallback;
}

std::optional<std::int64_t> Millis(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v && v->is_int64()) return v->as_int64();
  return std::nullopt;
}

void PutMillis(json::object& o, std::string_view key, const std::optional<std::int64_t>& v) {
  if (v) o[key] = *v;
}

AwsError Corrupt(std::string_view what) {
  return AwsError::From(ErrorCode::kInternalFailure,
                        "cloudtrail: stored " + std::string(what) + " is not valid JSON");
}

}  // namespace

std::string Trail::LogGroupName() const {
  // arn:aws:logs:<region>:<account>:log-group:<name>[:*]
  auto at = cwl_group_arn.find(":log-group:");
  if (at == std::string::npos) return {};
  std::string rest = cwl_group_arn.substr(at + 11);
  if (rest.ends_with(":*")) rest.resize(rest.size() - 2);
  return rest;
}

std::string Trail::LogGroupRegion() const {
  std::vector<std::string_view> parts = Split(cwl_group_arn, ':');
  return parts.size() > 3 ? std::string(parts[3]) : std::string();
}

bool IsGlobalServiceEvent(const pipeline::TrailEvent& event) {
  return event.event_source == "iam.amazonaws.com" || event.event_source == "sts.amazonaws.com" ||
         event.event_source == "signin.amazonaws.com";
}

bool TrailSelects(const Trail& trail, const pipeline::TrailEvent& event) {
  if (event.recipient_account_id != trail.account_id) return false;
  if (IsGlobalServiceEvent(event)) {
    if (!trail.include_global_service_events) return false;
  }
  if (!trail.multi_region && event.aws_region != trail.home_region) return false;
  if (event.event_category == "Insight") return false;

  if (trail.advanced_selectors) {
    const std::vector<std::string> arns = ResourceArns(event);
    for (const AdvancedEventSelector& s : *trail.advanced_selectors) {
      bool all = !s.field_selectors.empty();
      for (const FieldSelector& f : s.field_selectors) {
        if (!FieldMatches(f, event, arns)) {
          all = false;
          break;
        }
      }
      if (all) return true;
    }
    return false;
  }

  const bool data = event.event_category == "Data";
  std::string object_arn;
  if (data) {
    for (const auto& r : event.resources) {
      if (r.type == "AWS::S3::Object") object_arn = "arn:aws:s3:::" + r.name;
    }
  }
  for (const EventSelector& s : trail.event_selectors) {
    if (!ReadWriteMatches(s.read_write_type, event.read_only)) continue;
    if (!data) {
      if (!s.include_management_events) continue;
      if (std::find(s.exclude_management_event_sources.begin(),
                    s.exclude_management_event_sources.end(),
                    event.event_source) != s.exclude_management_event_sources.end()) {
        continue;
      }
      return true;
    }
    if (object_arn.empty()) continue;
    for (const DataResource& r : s.data_resources) {
      if (r.type != "AWS::S3::Object") continue;
      for (const std::string& v : r.values) {
        if (S3ValueMatches(v, object_arn)) return true;
      }
    }
  }
  return false;
}

bool MayLogDataEvents(const Trail& trail) {
  if (trail.advanced_selectors) {
    for (const AdvancedEventSelector& s : *trail.advanced_selectors) {
      bool data = true;
      for (const FieldSelector& f : s.field_selectors) {
        if (f.field == "eventCategory" && !f.equals.empty() &&
            std::find(f.equals.begin(), f.equals.end(), "Data") == f.equals.end()) {
          data = false;
        }
      }
      if (data) return true;
    }
    return false;
  }
  for (const EventSelector& s : trail.event_selectors) {
    if (!s.data_resources.empty()) return true;
  }
  return false;
}

std::string TrailToJson(const Trail& t) {
  json::object o;
  o["account_id"] = t.account_id;
  o["home_region"] = t.home_region;
  o["name"] = t.name;
  o["s3_bucket"] = t.s3_bucket;
  o["s3_prefix"] = t.s3_prefix;
  o["sns_topic_name"] = t.sns_topic_name;
  o["kms_key_id"] = t.kms_key_id;
  o["cwl_group_arn"] = t.cwl_group_arn;
  o["cwl_role_arn"] = t.cwl_role_arn;
  o["include_global"] = t.include_global_service_events;
  o["multi_region"] = t.multi_region;
  o["organization"] = t.organization;
  o["validation"] = t.log_file_validation;
  json::array selectors;
  for (const EventSelector& s : t.event_selectors) {
    json::object so;
    so["rw"] = s.read_write_type;
    so["mgmt"] = s.include_management_events;
    json::array resources;
    for (const DataResource& r : s.data_resources) {
      resources.push_back(json::object{{"type", r.type}, {"values", Strings(r.values)}});
    }
    so["data"] = std::move(resources);
    so["exclude"] = Strings(s.exclude_management_event_sources);
    selectors.push_back(std::move(so));
  }
  o["selectors"] = std::move(selectors);
  if (t.advanced_selectors) {
    json::array advanced;
    for (const AdvancedEventSelector& s : *t.advanced_selectors) {
      json::array fields;
      for (const FieldSelector& f : s.field_selectors) {
        fields.push_back(json::object{{"field", f.field},
                                      {"eq", Strings(f.equals)},
                                      {"sw", Strings(f.starts_with)},
                                      {"ew", Strings(f.ends_with)},
                                      {"neq", Strings(f.not_equals)},
                                      {"nsw", Strings(f.not_starts_with)},
                                      {"new", Strings(f.not_ends_with)}});
      }
      advanced.push_back(json::object{{"name", s.name}, {"fields", std::move(fields)}});
    }
    o["advanced"] = std::move(advanced);
  }
  o["custom_selectors"] = t.custom_selectors;
  o["insights"] = Strings(t.insight_types);
  json::array tags;
  for (const auto& [k, v] : t.tags) tags.push_back(json::array{json::string(k), json::string(v)});
  o["tags"] = std::move(tags);
  o["logging"] = t.logging;
  PutMillis(o, "start_logging", t.start_logging_millis);
  PutMillis(o, "stop_logging", t.stop_logging_millis);
  o["created"] = t.created_millis;
  return json::serialize(o);
}

Result<Trail> TrailFromJson(std::string_view text) {
  boost::system::error_code ec;
  json::value parsed = json::parse(text, ec);
  if (ec || !parsed.is_object()) return Corrupt("trail");
  const json::object& o = parsed.as_object();
  Trail t;
  t.account_id = Str(o, "account_id");
  t.home_region = Str(o, "home_region");
  t.name = Str(o, "name");
  t.s3_bucket = Str(o, "s3_bucket");
  t.s3_prefix = Str(o, "s3_prefix");
  t.sns_topic_name = Str(o, "sns_topic_name");
  t.kms_key_id = Str(o, "kms_key_id");
  t.cwl_group_arn = Str(o, "cwl_group_arn");
  t.cwl_role_arn = Str(o, "cwl_role_arn");
  t.include_global_service_events = Bool(o, "include_global", true);
  t.multi_region = Bool(o, "multi_region", false);
  t.organization = Bool(o, "organization", false);
  t.log_file_validation = Bool(o, "validation", false);
  t.event_selectors.clear();
  if (const json::value* sel = o.if_contains("selectors"); sel && sel->is_array()) {
    for (const auto& item : sel->as_array()) {
      if (!item.is_object()) return Corrupt("event selector");
      const json::object& so = item.as_object();
      EventSelector s;
      s.read_write_type = Str(so, "rw");
      s.include_management_events = Bool(so, "mgmt", true);
      if (const json::value* data = so.if_contains("data"); data && data->is_array()) {
        for (const auto& r : data->as_array()) {
          if (!r.is_object()) return Corrupt("data resource");
          s.data_resources.push_back(DataResource{
              Str(r.as_object(), "type"), StringsFrom(r.as_object().if_contains("values"))});
        }
      }
      s.exclude_management_event_sources = StringsFrom(so.if_contains("exclude"));
      t.event_selectors.push_back(std::move(s));
    }
  }
  if (const json::value* adv = o.if_contains("advanced"); adv && adv->is_array()) {
    std::vector<AdvancedEventSelector> list;
    for (const auto& item : adv->as_array()) {
      if (!item.is_object()) return Corrupt("advanced event selector");
      AdvancedEventSelector s;
      s.name = Str(item.as_object(), "name");
      if (const json::value* fields = item.as_object().if_contains("fields");
          fields && fields->is_array()) {
        for (const auto& f : fields->as_array()) {
          if (!f.is_object()) return Corrupt("field selector");
          const json::object& fo = f.as_object();
          FieldSelector fs;
          fs.field = Str(fo, "field");
          fs.equals = StringsFrom(fo.if_contains("eq"));
          fs.starts_with = StringsFrom(fo.if_contains("sw"));
          fs.ends_with = StringsFrom(fo.if_contains("ew"));
          fs.not_equals = StringsFrom(fo.if_contains("neq"));
          fs.not_starts_with = StringsFrom(fo.if_contains("nsw"));
          fs.not_ends_with = StringsFrom(fo.if_contains("new"));
          s.field_selectors.push_back(std::move(fs));
        }
      }
      list.push_back(std::move(s));
    }
    t.advanced_selectors = std::move(list);
  }
  t.custom_selectors = Bool(o, "custom_selectors", false);
  t.insight_types = StringsFrom(o.if_contains("insights"));
  if (const json::value* tags = o.if_contains("tags"); tags && tags->is_array()) {
    for (const auto& pair : tags->as_array()) {
      if (!pair.is_array() || pair.as_array().size() != 2 || !pair.as_array()[0].is_string() ||
          !pair.as_array()[1].is_string()) {
        return Corrupt("tag");
      }
      t.tags.emplace_back(std::string(pair.as_array()[0].as_string()),
                          std::string(pair.as_array()[1].as_string()));
    }
  }
  t.logging = Bool(o, "logging", false);
  t.start_logging_millis = Millis(o, "start_logging");
  t.stop_logging_millis = Millis(o, "stop_logging");
  t.created_millis = Millis(o, "created").value_or(0);
  return t;
}

std::string StateToJson(const TrailState& s) {
  json::object o;
  PutMillis(o, "delivery", s.latest_delivery_millis);
  PutMillis(o, "delivery_attempt", s.latest_delivery_attempt_millis);
  o["delivery_error"] = s.latest_delivery_error;
  PutMillis(o, "cwl", s.latest_cwl_delivery_millis);
  o["cwl_error"] = s.latest_cwl_error;
  PutMillis(o, "digest", s.latest_digest_millis);
  o["digest_error"] = s.latest_digest_error;
  PutMillis(o, "insight", s.latest_insight_millis);
  json::object chains;
  for (const auto& [region, c] : s.chains) {
    chains[region] = json::object{{"bucket", c.bucket},
                                  {"key", c.key},
                                  {"sha256", c.sha256_hex},
                                  {"signature", c.signature_hex},
                                  {"end", c.end_millis}};
  }
  o["chains"] = std::move(chains);
  return json::serialize(o);
}

Result<TrailState> StateFromJson(std::string_view text) {
  boost::system::error_code ec;
  json::value parsed = json::parse(text, ec);
  if (ec || !parsed.is_object()) return Corrupt("trail state");
  const json::object& o = parsed.as_object();
  TrailState s;
  s.latest_delivery_millis = Millis(o, "delivery");
  s.latest_delivery_attempt_millis = Millis(o, "delivery_attempt");
  s.latest_delivery_error = Str(o, "delivery_error");
  s.latest_cwl_delivery_millis = Millis(o, "cwl");
  s.latest_cwl_error = Str(o, "cwl_error");
  s.latest_digest_millis = Millis(o, "digest");
  s.latest_digest_error = Str(o, "digest_error");
  s.latest_insight_millis = Millis(o, "insight");
  if (const json::value* chains = o.if_contains("chains"); chains && chains->is_object()) {
    for (const auto& [region, c] : chains->as_object()) {
      if (!c.is_object()) return Corrupt("digest chain");
      const json::object& co = c.as_object();
      s.chains[std::string(region)] =
          DigestChain{Str(co, "bucket"), Str(co, "key"), Str(co, "sha256"), Str(co, "signature"),
                      Millis(co, "end").value_or(0)};
    }
  }
  return s;
}

}  // namespace tw::services::cloudtrail
