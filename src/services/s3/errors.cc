// SPDX-License-Identifier: Apache-2.0
#include "services/s3/errors.h"

#include <array>

namespace tw::services::s3 {

AwsError NoSuchBucket(std::string_view bucket) {
  return AwsError::Make("NoSuchBucket", 404, "The specified bucket does not exist")
      .With("BucketName", std::string(bucket));
}

AwsError NoSuchKey(std::string_view key) {
  return AwsError::Make("NoSuchKey", 404, "The specified key does not exist.")
      .With("Key", std::string(key));
}

AwsError NoSuchUpload(std::string_view upload_id) {
  return AwsError::Make("NoSuchUpload", 404,
                        "The specified upload does not exist. The upload ID may be invalid, or "
                        "the upload may have been aborted or completed.")
      .With("UploadId", std::string(upload_id));
}

AwsError NoSuchBucketPolicy(std::string_view bucket) {
  return AwsError::Make("NoSuchBucketPolicy", 404, "The bucket policy does not exist")
      .With("BucketName", std::string(bucket));
}

AwsError NoSuchTagSet(std::string_view bucket) {
  return AwsError::Make("NoSuchTagSet", 404, "The TagSet does not exist")
      .With("BucketName", std::string(bucket));
}

AwsError AccessDenied() { return AwsError::Make("AccessDenied", 403, "Access Denied"); }

AwsError InvalidBucketName(std::string_view bucket) {
  return AwsError::Make("InvalidBucketName", 400, "The specified bucket is not valid.")
      .With("BucketName", std::string(bucket));
}

AwsError BucketNotEmpty(std::string_view bucket) {
  return AwsError::Make("BucketNotEmpty", 409, "The bucket you tried to delete is not empty")
      .With("BucketName", std::string(bucket));
}

AwsError BucketAlreadyExists(std::string_view bucket) {
  return AwsError::Make("BucketAlreadyExists", 409,
                        "The requested bucket name is not available. The bucket namespace is "
                        "shared by all users of the system. Please select a different name and "
                        "try again.")
      .With("BucketName", std::string(bucket));
}

AwsError BucketAlreadyOwnedByYou(std::string_view bucket) {
  return AwsError::Make("BucketAlreadyOwnedByYou", 409,
                        "Your previous request to create the named bucket succeeded and you "
                        "already own it.")
      .With("BucketName", std::string(bucket));
}

AwsError IllegalLocationConstraint(std::string_view constraint) {
  std::string which = constraint.empty() ? "unspecified" : std::string(constraint);
  return AwsError::Make("IllegalLocationConstraintException", 400,
                        "The " + which +
                            " location constraint is incompatible for the region specific "
                            "endpoint this request was sent to.");
}

AwsError PreconditionFailed(std::string_view condition) {
  return AwsError::Make("PreconditionFailed", 412,
                        "At least one of the pre-conditions you specified did not hold")
      .With("Condition", std::string(condition));
}

AwsError NotModified() { return AwsError::Make("NotModified", 304, "Not Modified"); }

AwsError InvalidRange(std::string_view requested, std::int64_t object_size) {
  return AwsError::Make("InvalidRange", 416, "The requested range is not satisfiable")
      .With("RangeRequested", std::string(requested))
      .With("ActualObjectSize", std::to_string(object_size));
}

AwsError BadDigest(std::string_view expected_base64, std::string_view calculated_base64) {
  return AwsError::Make("BadDigest", 400,
                        "The Content-MD5 you specified did not match what we received.")
      .With("ExpectedDigest", std::string(expected_base64))
      .With("CalculatedDigest", std::string(calculated_base64));
}

AwsError InvalidDigest(std::string_view content_md5) {
  return AwsError::Make("InvalidDigest", 400, "The Content-MD5 you specified was invalid.")
      .With("Content-MD5", std::string(content_md5));
}

AwsError InvalidArgument(std::string_view message, std::string_view name, std::string_view value) {
  return AwsError::Make("InvalidArgument", 400, std::string(message))
      .With("ArgumentName", std::string(name))
      .With("ArgumentValue", std::string(value));
}

AwsError InvalidRequest(std::string_view message) {
  return AwsError::Make("InvalidRequest", 400, std::string(message));
}

AwsError MalformedXml() {
  return AwsError::Make("MalformedXML", 400,
                        "The XML you provided was not well-formed or did not validate against "
                        "our published schema");
}

AwsError MalformedPolicy(std::string_view message) {
  return AwsError::Make("MalformedPolicy", 400, std::string(message));
}

AwsError KeyTooLong(std::size_t size) {
  return AwsError::Make("KeyTooLongError", 400, "Your key is too long")
      .With("Size", std::to_string(size))
      .With("MaxSizeAllowed", "1024");
}

AwsError EntityTooSmall(std::int64_t size, int part_number, std::string_view etag) {
  return AwsError::Make("EntityTooSmall", 400,
                        "Your proposed upload is smaller than the minimum allowed object size.")
      .With("ProposedSize", std::to_string(size))
      .With("MinSizeAllowed", "5242880")
      .With("PartNumber", std::to_string(part_number))
      .With("ETag", std::string(etag));
}

AwsError InvalidPart(std::string_view upload_id, int part_number, std::string_view etag) {
  return AwsError::Make("InvalidPart", 400,
                        "One or more of the specified parts could not be found.  The part may "
                        "not have been uploaded, or the specified entity tag may not match the "
                        "part's entity tag.")
      .With("UploadId", std::string(upload_id))
      .With("PartNumber", std::to_string(part_number))
      .With("ETag", std::string(etag));
}

AwsError InvalidPartOrder(std::string_view upload_id) {
  return AwsError::Make("InvalidPartOrder", 400,
                        "The list of parts was not in ascending order. The parts list must be "
                        "specified in order by part number.")
      .With("UploadId", std::string(upload_id));
}

AwsError InvalidTag(std::string_view message) {
  return AwsError::Make("InvalidTag", 400, std::string(message));
}

AwsError AccessControlListNotSupported() {
  return AwsError::Make("AccessControlListNotSupported", 400, "The bucket does not allow ACLs");
}

bool IsValidBucketName(std::string_view name) {
  if (name.size() < 3 || name.size() > 63) return false;
  auto is_lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!is_lower_or_digit(name.front()) || !is_lower_or_digit(name.back())) return false;
  bool all_digits_and_dots = true;
  int dots = 0;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (!is_lower_or_digit(c) && c != '.' && c != '-') return false;
    if (c == '.') {
      ++dots;
      if (i + 1 < name.size() && name[i + 1] == '.') return false;
    } else if (c < '0' || c > '9') {
      all_digits_and_dots = false;
    }
  }
  // "192.168.5.4" is refused: it would be ambiguous in a virtual-hosted URL.
  if (all_digits_and_dots && dots == 3) return false;
  constexpr std::array<std::string_view, 3> kReservedPrefixes = {"xn--", "sthree-",
                                                                 "amzn-s3-demo-"};
  for (std::string_view p : kReservedPrefixes) {
    if (name.starts_with(p)) return false;
  }
  constexpr std::array<std::string_view, 5> kReservedSuffixes = {"-s3alias", "--ol-s3", ".mrap",
                                                                 "--x-s3", "--table-s3"};
  for (std::string_view s : kReservedSuffixes) {
    if (name.ends_with(s)) return false;
  }
  return true;
}

}  // namespace tw::services::s3
