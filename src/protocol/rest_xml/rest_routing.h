// SPDX-License-Identifier: Apache-2.0
// REST operation routing for S3-style (rest-xml) services: picks the operation whose method,
// requestUri path template and query literals ("/{Bucket}?acl", "?list-type=2") match a request,
// breaking ties the way S3 does with required query parameters (uploadId, partNumber, id) and
// headers (x-amz-copy-source), and understands virtual-hosted buckets (bucket.s3.localhost).
// Also the URI-template matcher the rest-xml codec uses to bind labels. Pure functions over the
// immutable model; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/message.h"
#include "protocol/model.h"

namespace tw::protocol {

// The bucket named by a virtual-hosted Host header, or nullopt for a path-style host. Accepted:
// `bucket.s3.<anything>.localhost`, `bucket.s3.localhost`, `bucket.localhost`,
// `bucket.s3.amazonaws.com`, `bucket.s3.<region>.amazonaws.com`, `bucket.s3-<region>.amazonaws.com`
// (bucket names may contain dots). A port is ignored; hosts that are IP addresses or start with
// `s3.` / `s3-` are path-style.
std::optional<std::string> VirtualHostBucket(std::string_view host);

// The path as the requestUri templates see it: "/<bucket>" + path for a virtual-hosted request
// (still percent-encoded), else the request path.
std::string TemplatePath(const http::HttpRequest& request);

using UriLabels = std::vector<std::pair<std::string, std::string>>;

// Matches `path` (percent-encoded, as sent) against the path part of a requestUri template
// ("/{Bucket}/{Key+}"); on success the labels (without '+') with percent-decoded values. A
// trailing '/' after a non-greedy template is tolerated ("/bucket/" is the bucket).
std::optional<UriLabels> MatchUriTemplate(std::string_view request_uri, std::string_view path);

// The most specific operation for the request, or nullptr. `virtual_host_bucket` says the Host
// header names the bucket (see VirtualHostBucket), so the path is the key.
const Operation* MatchRestOperation(const ServiceModel& service, const http::HttpRequest& request,
                                    bool virtual_host_bucket);

}  // namespace tw::protocol
