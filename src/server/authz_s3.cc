// SPDX-License-Identifier: Apache-2.0
// S3's table (Service Authorization Reference, "Actions defined by Amazon S3", and the S3 User
// Guide's "Required permissions for Amazon S3 API operations"). Operations map to actions that
// are not always named after them: ListObjects, ListObjectsV2 and HeadBucket need s3:ListBucket;
// HeadObject needs s3:GetObject; the multipart calls that write need s3:PutObject; DeleteBucket-
// Tagging needs s3:PutBucketTagging; a VersionId turns s3:GetObject / s3:DeleteObject into their
// *Version forms. Bucket-level resources are arn:aws:s3:::<bucket>, object-level
// arn:aws:s3:::<bucket>/<key>; ListBuckets has no resource ("*"). The bucket's policy is the
// resource-based policy of every check naming the bucket.
#include "server/authz_table.h"

namespace tw::server {
namespace {

AuthzCheck Check(std::string action, std::string resource, std::string bucket) {
  AuthzCheck check;
  check.action = std::move(action);
  check.resource = std::move(resource);
  check.bucket = std::move(bucket);
  return check;
}

std::string ActionFor(std::string_view operation, bool versioned) {
  static constexpr std::pair<std::string_view, std::string_view> kRenamed[] = {
      {"ListBuckets", "s3:ListAllMyBuckets"},
      {"HeadBucket", "s3:ListBucket"},
      {"ListObjects", "s3:ListBucket"},
      {"ListObjectsV2", "s3:ListBucket"},
      {"HeadObject", "s3:GetObject"},
      {"CreateMultipartUpload", "s3:PutObject"},
      {"UploadPart", "s3:PutObject"},
      {"UploadPartCopy", "s3:PutObject"},
      {"CompleteMultipartUpload", "s3:PutObject"},
      {"ListMultipartUploads", "s3:ListBucketMultipartUploads"},
      {"ListParts", "s3:ListMultipartUploadParts"},
      {"DeleteObjects", "s3:DeleteObject"},
      {"DeleteBucketTagging", "s3:PutBucketTagging"},
      {"CopyObject", "s3:PutObject"},
      {"ListObjectVersions", "s3:ListBucketVersions"},
  };
  std::string action = "s3:" + std::string(operation);
  for (const auto& [op, mapped] : kRenamed) {
    if (op == operation) action = std::string(mapped);
  }
  if (versioned && (action == "s3:GetObject" || action == "s3:DeleteObject" ||
                    action == "s3:GetObjectAcl" || action == "s3:GetObjectTagging")) {
    action += "Version";
  }
  return action;
}

std::string UrlDecode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto hex = [](char c) {
      return c >= '0' && c <= '9'                     ? c - '0'
             : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10
                                                      : -1;
    };
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::vector<AuthzCheck> DescribeS3(std::string_view operation, const AuthzInput& in) {
  const protocol::Value& input = in.input;
  std::string bucket = InputString(input, "Bucket");
  std::string key = InputString(input, "Key");
  bool versioned = !InputString(input, "VersionId").empty();
  std::string bucket_arn = "arn:aws:s3:::" + bucket;
  std::string action = ActionFor(operation, versioned);

  if (operation == "ListBuckets") return {Check(action, "*", "")};
  if (operation == "DeleteObjects") {
    // Every key needs s3:DeleteObject (or DeleteObjectVersion); S3 answers a refused key with
    // an AccessDenied <Error> for that key and deletes the others.
    std::vector<AuthzCheck> checks;
    const protocol::Value* del = input.is_object() ? input.Find("Delete") : nullptr;
    const protocol::Value* objects = del && del->is_object() ? del->Find("Objects") : nullptr;
    if (objects && objects->is_list()) {
      std::size_t index = 0;
      for (const auto& object : objects->as_list()) {
        bool with_version = !InputString(object, "VersionId").empty();
        checks.push_back(Check(with_version ? "s3:DeleteObjectVersion" : "s3:DeleteObject",
                               bucket_arn + "/" + InputString(object, "Key"), bucket));
        checks.back().item = index++;
      }
    }
    if (checks.empty()) checks.push_back(Check(action, bucket_arn + "/*", bucket));
    return checks;
  }
  if (!key.empty()) {
    std::vector<AuthzCheck> checks;
    checks.push_back(Check(action, bucket_arn + "/" + key, bucket));
    // s3:x-amz-acl: the canned ACL of a write (CloudTrail's documented bucket policy requires
    // "bucket-owner-full-control"); absent when the request sends none.
    if (operation == "PutObject" || operation == "CopyObject" ||
        operation == "CreateMultipartUpload") {
      if (std::string acl = InputString(input, "ACL"); !acl.empty()) {
        checks.back().context.Set("s3:x-amz-acl", acl);
      }
    }
    if (operation == "CopyObject" || operation == "UploadPartCopy") {
      // The source needs s3:GetObject (or GetObjectVersion): "bucket/key[?versionId=...]".
      std::string source = UrlDecode(InputString(input, "CopySource"));
      if (source.starts_with("/")) source.erase(0, 1);
      bool source_versioned = false;
      if (auto q = source.find("?versionId="); q != std::string::npos) {
        source.resize(q);
        source_versioned = true;
      }
      std::string source_bucket = source.substr(0, source.find('/'));
      checks.push_back(Check(source_versioned ? "s3:GetObjectVersion" : "s3:GetObject",
                             "arn:aws:s3:::" + source, source_bucket));
    }
    return checks;
  }
  AuthzCheck check = Check(action, bucket_arn, bucket);
  if (action == "s3:ListBucket" && operation != "HeadBucket") {
    // Condition keys of s3:ListBucket (Service Authorization Reference).
    if (const protocol::Value* prefix = input.Find("Prefix"); prefix && prefix->is_string()) {
      check.context.Set("s3:prefix", prefix->as_string());
    }
    if (const protocol::Value* delimiter = input.Find("Delimiter");
        delimiter && delimiter->is_string()) {
      check.context.Set("s3:delimiter", delimiter->as_string());
    }
    if (const protocol::Value* max = input.Find("MaxKeys"); max && max->is_integer()) {
      check.context.Set("s3:max-keys", std::to_string(max->as_integer()));
    }
  }
  return {std::move(check)};
}

}  // namespace

const ServiceAuthz& S3Authz() {
  static const ServiceAuthz kTable{"s3",
                                   {"AbortMultipartUpload",
                                    "CompleteMultipartUpload",
                                    "CopyObject",
                                    "CreateBucket",
                                    "CreateMultipartUpload",
                                    "DeleteBucket",
                                    "DeleteBucketPolicy",
                                    "DeleteBucketTagging",
                                    "DeleteObject",
                                    "DeleteObjects",
                                    "GetBucketAcl",
                                    "GetBucketLocation",
                                    "GetBucketPolicy",
                                    "GetBucketTagging",
                                    "GetBucketVersioning",
                                    "GetObject",
                                    "HeadBucket",
                                    "HeadObject",
                                    "ListBuckets",
                                    "ListMultipartUploads",
                                    "ListObjects",
                                    "ListObjectsV2",
                                    "ListParts",
                                    "PutBucketAcl",
                                    "PutBucketPolicy",
                                    "PutBucketTagging",
                                    "PutBucketVersioning",
                                    "PutObject",
                                    "UploadPart",
                                    "UploadPartCopy",
                                    "GetObjectAcl",
                                    "PutObjectAcl",
                                    "GetObjectTagging",
                                    "PutObjectTagging",
                                    "DeleteObjectTagging",
                                    "GetBucketPolicyStatus",
                                    "ListObjectVersions"},
                                   false,
                                   &DescribeS3};
  return kTable;
}

}  // namespace tw::server
