// SPDX-License-Identifier: Apache-2.0
#include "protocol/json/json_routing.h"

#include "common/strings.h"

namespace tw::protocol {

std::optional<std::string> JsonVersionOf(std::string_view content_type) {
  std::string_view media = Trim(content_type.substr(0, content_type.find(';')));
  constexpr std::string_view kPrefix = "application/x-amz-json-";
  if (media.size() != kPrefix.size() + 3 || !IStartsWith(media, kPrefix)) return std::nullopt;
  std::string_view version = media.substr(kPrefix.size());
  if (version != "1.0" && version != "1.1") return std::nullopt;
  return std::string(version);
}

std::optional<JsonTarget> ParseAmzTarget(std::string_view target) {
  target = Trim(target);
  auto dot = target.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == target.size()) return std::nullopt;
  JsonTarget out;
  out.target_prefix = std::string(target.substr(0, dot));
  out.operation = std::string(target.substr(dot + 1));
  return out;
}

std::optional<JsonTarget> MatchJsonRequest(const http::HttpRequest& request) {
  auto version = JsonVersionOf(request.headers.Get("Content-Type"));
  if (!version) return std::nullopt;
  const std::string* target = request.headers.Find("X-Amz-Target");
  if (target == nullptr) return std::nullopt;
  auto parsed = ParseAmzTarget(*target);
  if (!parsed) return std::nullopt;
  parsed->json_version = std::move(*version);
  return parsed;
}

bool TargetsService(const JsonTarget& target, const ServiceModel& service) {
  return service.Speaks(Protocol::kJson) && !service.target_prefix().empty() &&
         service.target_prefix() == target.target_prefix;
}

}  // namespace tw::protocol
