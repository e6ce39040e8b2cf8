// SPDX-License-Identifier: Apache-2.0
// RestXmlCodec: the AWS `rest-xml` protocol as S3 speaks it. A request's members come from URI
// labels of the operation's requestUri (path-style or virtual-hosted bucket), the query string,
// single headers, prefixed header maps (x-amz-meta-*), and the body: the raw bytes for a blob or
// string payload, or an XML document for a structure payload. Responses put members back in the
// same places, with XML bodies in S3's namespace, and errors are S3's bare <Error> document
// (none for HEAD, which has no body). Stateless; thread-safe.
//
// Values that do not parse (a non-number in max-keys, a bad date header) are S3's
// InvalidArgument with ArgumentName/ArgumentValue; a body that is not well-formed XML is
// MalformedXML; a path that does not fit the operation's template is InvalidURI.
#pragma once

#include "protocol/codec.h"

namespace tw::protocol {

class RestXmlCodec final : public Codec {
 public:
  Protocol protocol() const override { return Protocol::kRestXml; }

  Result<Value> ParseRequest(const http::HttpRequest& request, const ServiceModel& service,
                             const Operation& operation) const override;
  // meta.method "HEAD" suppresses the body (HeadObject, HeadBucket).
  http::HttpResponse WriteResponse(const ServiceModel& service, const Operation& operation,
                                   const Value& output, const ResponseMeta& meta) const override;
  // meta.method "HEAD" suppresses the body: S3 answers a failed HEAD with status and headers.
  http::HttpResponse WriteError(const ServiceModel& service, const AwsError& error,
                                const ResponseMeta& meta) const override;
};

// S3's default XML namespace, on every response document.
inline constexpr std::string_view kS3XmlNamespace = "http://s3.amazonaws.com/doc/2006-03-01/";

// The root element S3 uses for an operation's output document when the output has body members
// but no payload ("ListBucketResult" for ListObjectsV2); else the output shape's locationName or
// name.
std::string_view RestXmlOutputRoot(const Operation& operation);

}  // namespace tw::protocol
