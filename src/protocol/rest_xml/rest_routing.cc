// SPDX-License-Identifier: Apache-2.0
#include "protocol/rest_xml/rest_routing.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "common/strings.h"

namespace tw::protocol {
namespace {

// Operations S3 still lists beside their replacements on the same method and URI. A request
// that fits both is the current one; the deprecated shapes are subsets on the wire anyway.
constexpr std::array<std::string_view, 5> kPreferred = {
    "ListBuckets", "GetBucketLifecycleConfiguration", "PutBucketLifecycleConfiguration",
    "GetBucketNotificationConfiguration", "PutBucketNotificationConfiguration"};

// Scores: a query literal is decisive, a literal path segment nearly so; a present required
// query/header member counts a little more than a missing one costs, so an operation whose
// distinguishing parameter is absent loses to the plain one (GetObject over ListParts) but a
// request that names a sub-resource still routes to it when a required header is missing (and
// validation then says what is missing).
constexpr int kQueryLiteral = 1000;
constexpr int kPathLiteral = 100;
constexpr int kRequiredPresent = 50;
constexpr int kRequiredMissing = -60;
constexpr int kExplicitOperation = 100000;  // ?x-id=GetObject (AWS SDK for JavaScript v3)

bool IsIpv4(std::string_view host) {
  if (host.empty()) return false;
  for (char c : host) {
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != '.') return false;
  }
  return true;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// The part before ".s3." / ".s3-" / a trailing ".s3", or nullopt when `rest` is path-style.
std::optional<std::string> BucketBeforeS3(std::string_view rest, bool bare_is_bucket) {
  if (rest.empty() || rest == "s3" || rest.starts_with("s3.") || rest.starts_with("s3-")) {
    return std::nullopt;
  }
  for (std::size_t pos = rest.find(".s3"); pos != std::string_view::npos;
       pos = rest.find(".s3", pos + 1)) {
    std::size_t after = pos + 3;
    if (after == rest.size() || rest[after] == '.' || rest[after] == '-') {
      return std::string(rest.substr(0, pos));
    }
  }
  if (bare_is_bucket) return std::string(rest);
  return std::nullopt;
}

struct QueryParam {
  std::string_view name;
  std::string_view value;
  bool has_value = false;
};

std::vector<QueryParam> SplitQuery(std::string_view query) {
  std::vector<QueryParam> out;
  for (std::string_view part : Split(query, '&')) {
    if (part.empty()) continue;
    std::size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      out.push_back({part, {}, false});
    } else {
      out.push_back({part.substr(0, eq), part.substr(eq + 1), true});
    }
  }
  return out;
}

// Raw query names are compared undecoded: every S3 sub-resource name is plain ASCII.
const QueryParam* FindParam(const std::vector<QueryParam>& params, std::string_view name) {
  for (const QueryParam& p : params) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

}  // namespace

std::optional<std::string> VirtualHostBucket(std::string_view host) {
  host = Trim(host);
  if (host.empty() || host.front() == '[') return std::nullopt;  // IPv6 literal
  if (std::size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    host = host.substr(0, colon);
  }
  if (IsIpv4(host)) return std::nullopt;
  std::string lower = ToLower(host);
  std::string_view h = lower;
  if (EndsWith(h, ".localhost")) {
    return BucketBeforeS3(h.substr(0, h.size() - std::string_view(".localhost").size()), true);
  }
  if (EndsWith(h, ".amazonaws.com")) {
    return BucketBeforeS3(h.substr(0, h.size() - std::string_view(".amazonaws.com").size()), false);
  }
  return std::nullopt;
}

std::string TemplatePath(const http::HttpRequest& request) {
  std::string path = request.path.empty() ? std::string("/") : request.path;
  if (auto bucket = VirtualHostBucket(request.headers.Get("Host"))) {
    if (path.front() != '/') path.insert(path.begin(), '/');
    return "/" + UriEncode(*bucket) + path;
  }
  return path;
}

std::optional<UriLabels> MatchUriTemplate(std::string_view request_uri, std::string_view path) {
  std::string_view tpl = request_uri.substr(0, request_uri.find('?'));
  if (!tpl.empty() && tpl.front() == '/') tpl.remove_prefix(1);
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  UriLabels labels;
  std::size_t pos = 0;
  std::vector<std::string_view> segments =
      tpl.empty() ? std::vector<std::string_view>{} : Split(tpl, '/');
  for (std::size_t i = 0; i < segments.size(); ++i) {
    std::string_view seg = segments[i];
    const bool last = i + 1 == segments.size();
    if (i > 0) {
      if (pos >= path.size() || path[pos] != '/') return std::nullopt;
      ++pos;
    }
    if (seg.size() >= 2 && seg.front() == '{' && seg.back() == '}') {
      std::string_view label = seg.substr(1, seg.size() - 2);
      std::string_view raw;
      if (!label.empty() && label.back() == '+') {
        label.remove_suffix(1);
        if (!last) return std::nullopt;  // S3 only has trailing greedy labels
        raw = path.substr(pos);
        pos = path.size();
      } else {
        std::size_t end = path.find('/', pos);
        if (end == std::string_view::npos) end = path.size();
        raw = path.substr(pos, end - pos);
        pos = end;
      }
      if (raw.empty()) return std::nullopt;
      auto decoded = UriDecode(raw);
      if (!decoded) return std::nullopt;
      labels.emplace_back(std::string(label), std::move(*decoded));
    } else {
      if (path.substr(pos, seg.size()) != seg) return std::nullopt;
      pos += seg.size();
    }
  }
  if (pos == path.size() || (pos + 1 == path.size() && path[pos] == '/' && !segments.empty())) {
    return labels;
  }
  return std::nullopt;
}

const Operation* MatchRestOperation(const ServiceModel& service, const http::HttpRequest& request,
                                    bool virtual_host_bucket) {
  std::string path = request.path.empty() ? std::string("/") : request.path;
  if (virtual_host_bucket) {
    auto bucket = VirtualHostBucket(request.headers.Get("Host"));
    // The router decided the host names a bucket; any non-empty label stands in for it.
    path = "/" + (bucket ? UriEncode(*bucket) : std::string("bucket")) +
           (path.front() == '/' ? "" : "/") + path;
  }
  std::vector<QueryParam> query = SplitQuery(request.raw_query);
  const QueryParam* explicit_op = FindParam(query, "x-id");

  const Operation* best = nullptr;
  int best_score = 0;
  bool best_preferred = false;
  for (const auto& [name, op] : service.operations()) {
    if (op.http_method != request.method) continue;
    std::string_view uri = op.request_uri;
    int score = 0;
    bool ok = true;
    if (std::size_t q = uri.find('?'); q != std::string_view::npos) {
      for (const QueryParam& lit : SplitQuery(uri.substr(q + 1))) {
        const QueryParam* got = FindParam(query, lit.name);
        if (!got || (lit.has_value && got->value != lit.value)) {
          ok = false;
          break;
        }
        score += kQueryLiteral;
      }
    }
    if (!ok || !MatchUriTemplate(uri, path)) continue;
    std::string_view tpl = uri.substr(0, uri.find('?'));
    for (std::string_view seg : Split(tpl, '/')) {
      if (!seg.empty() && seg.front() != '{') score += kPathLiteral;
    }
    if (op.input) {
      for (const Member& m : op.input->members) {
        if (!m.required) continue;
        bool present;
        if (m.location == Location::kQueryString) {
          present = FindParam(query, m.location_name.empty() ? m.name : m.location_name);
        } else if (m.location == Location::kHeader) {
          present = request.headers.Has(m.location_name.empty() ? m.name : m.location_name);
        } else {
          continue;
        }
        score += present ? kRequiredPresent : kRequiredMissing;
      }
    }
    if (explicit_op && explicit_op->value == op.name) score += kExplicitOperation;
    const bool preferred =
        std::find(kPreferred.begin(), kPreferred.end(), op.name) != kPreferred.end();
    if (!best || score > best_score || (score == best_score && preferred && !best_preferred)) {
      best = &op;
      best_score = score;
      best_preferred = preferred;
    }
  }
  return best;
}

}  // namespace tw::protocol
