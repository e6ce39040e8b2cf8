// SPDX-License-Identifier: Apache-2.0
// Fuzzes S3 routing and RestXmlCodec::ParseRequest. Input layout (lines split on '\n'):
//   METHOD
//   target (path?query)
//   Host header value
//   zero or more "Name: value" header lines, then an empty line
//   the body (everything after the empty line)
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/model.h"
#include "protocol/rest_xml/rest_routing.h"
#include "protocol/rest_xml/rest_xml_codec.h"

namespace {

std::string_view NextLine(std::string_view& in) {
  std::size_t nl = in.find('\n');
  std::string_view line = in.substr(0, nl);
  in.remove_prefix(nl == std::string_view::npos ? in.size() : nl + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tw::protocol;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  tw::http::HttpRequest request;
  request.method = std::string(NextLine(in));
  std::string_view target = NextLine(in);
  std::size_t q = target.find('?');
  request.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) request.raw_query = std::string(target.substr(q + 1));
  request.headers.Add("Host", std::string(NextLine(in)));
  while (!in.empty()) {
    std::string_view line = NextLine(in);
    if (line.empty()) break;
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    request.headers.Add(std::string(line.substr(0, colon)), std::string(value));
  }
  request.body = std::string(in);

  const ServiceModel* s3 = ServiceCatalog::Embedded().Find("s3");
  bool vhost = VirtualHostBucket(request.headers.Get("Host")).has_value();
  const Operation* op = MatchRestOperation(*s3, request, vhost);
  if (!op) return 0;
  RestXmlCodec codec;
  auto parsed = codec.ParseRequest(request, *s3, *op);
  ResponseMeta meta{"fuzz", request.method};
  if (parsed) {
    (void)parsed->DebugString();
  } else {
    (void)codec.WriteError(*s3, parsed.error(), meta);
  }
  return 0;
}
