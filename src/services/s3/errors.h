// SPDX-License-Identifier: Apache-2.0
// S3's own errors with S3's codes, statuses, messages and the extra elements S3 puts in its
// <Error> document (BucketName, Key, UploadId, ...), so clients and humans see what AWS shows.
// Also the bucket-name rules CreateBucket enforces. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/aws_error.h"

namespace tw::services::s3 {

AwsError NoSuchBucket(std::string_view bucket);
AwsError NoSuchKey(std::string_view key);
AwsError NoSuchUpload(std::string_view upload_id);
AwsError NoSuchBucketPolicy(std::string_view bucket);
AwsError NoSuchTagSet(std::string_view bucket);
AwsError AccessDenied();
AwsError InvalidBucketName(std::string_view bucket);
AwsError BucketNotEmpty(std::string_view bucket);
AwsError BucketAlreadyExists(std::string_view bucket);
AwsError BucketAlreadyOwnedByYou(std::string_view bucket);
AwsError IllegalLocationConstraint(std::string_view constraint);
// `condition` names the header that failed ("If-Match").
AwsError PreconditionFailed(std::string_view condition);
// Not an error document on the wire: 304 has no body; clients surface it as code "304".
AwsError NotModified();
AwsError InvalidRange(std::string_view requested, std::int64_t object_size);
AwsError BadDigest(std::string_view expected_base64, std::string_view calculated_base64);
AwsError InvalidDigest(std::string_view content_md5);
AwsError InvalidArgument(std::string_view message, std::string_view name, std::string_view value);
AwsError InvalidRequest(std::string_view message);
AwsError MalformedXml();
AwsError MalformedPolicy(std::string_view message);
AwsError KeyTooLong(std::size_t size);
AwsError EntityTooSmall(std::int64_t size, int part_number, std::string_view etag);
AwsError InvalidPart(std::string_view upload_id, int part_number, std::string_view etag);
AwsError InvalidPartOrder(std::string_view upload_id);
AwsError InvalidTag(std::string_view message);
AwsError AccessControlListNotSupported();

// S3's naming rules for general purpose buckets: 3-63 characters of lowercase letters, digits,
// '.' and '-'; starting and ending with a letter or digit; no "..", no IPv4-address form; none of
// the reserved prefixes (xn--, sthree-, amzn-s3-demo-) or suffixes (-s3alias, --ol-s3, .mrap,
// --x-s3, --table-s3).
bool IsValidBucketName(std::string_view name);

}  // namespace tw::services::s3
