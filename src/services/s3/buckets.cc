// SPDX-License-Identifier: Apache-2.0
// Bucket operations: create/head/list/location/delete, tagging, policy documents, canned ACLs
// and the versioning state.
#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <set>
#include <utility>

#include "common/crypto.h"
#include "common/strings.h"
#include "iam/policy/validate_document.h"
#include "services/s3/errors.h"
#include "services/s3/s3_service.h"
#include "services/s3/support.h"

namespace tw::services::s3 {
namespace {

using protocol::Timestamp;
using protocol::Value;

constexpr std::string_view kEnforced = "BucketOwnerEnforced";
constexpr std::string_view kPrivate = "private";
constexpr std::string_view kAllUsers = "http://acs.amazonaws.com/groups/global/AllUsers";
constexpr std::string_view kAuthenticatedUsers =
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
constexpr std::string_view kLogDelivery = "http://acs.amazonaws.com/groups/s3/LogDelivery";
constexpr std::size_t kMaxBucketTags = 50;
constexpr std::size_t kMaxTagKey = 128;
constexpr std::size_t kMaxTagValue = 256;
constexpr std::string_view kPolicyNotJson =
    "Policies must be valid JSON and the first byte must be '{'";
constexpr std::string_view kListTokenPrefix = "tw-buckets:";
constexpr std::int64_t kMaxBuckets = 10000;

// "EU" is the legacy name of eu-west-1 as a location constraint.
std::string RegionOfConstraint(std::string_view constraint) {
  return constraint == "EU" ? std::string("eu-west-1") : std::string(constraint);
}

std::string RequestRegion(const RequestContext& context) {
  return context.region.empty() ? std::string(kDefaultRegion) : std::string(context.region);
}

std::string LocationOf(const BucketRecord& bucket) {
  // S3 answers a path for us-east-1 and a virtual-hosted URL elsewhere.
  if (bucket.region == kDefaultRegion) return "/" + bucket.name;
  return "http://" + bucket.name + ".s3.amazonaws.com/";
}

Value Grant(Value grantee, std::string_view permission) {
  Value g = Value::MakeStructure();
  g.Set("Grantee", std::move(grantee));
  g.Set("Permission", std::string(permission));
  return g;
}

Value GroupGrantee(std::string_view uri) {
  Value g = Value::MakeStructure();
  g.Set("Type", "Group");
  g.Set("URI", std::string(uri));
  return g;
}

Value OwnerGrantee(std::string_view account_id) {
  Value g = Value::MakeStructure();
  g.Set("Type", "CanonicalUser");
  g.Set("DisplayName", std::string(account_id));
  g.Set("ID", CanonicalUserId(account_id));
  return g;
}

// The grants a canned ACL stands for (S3 User Guide, "Canned ACL").
Value GrantsOf(std::string_view canned, std::string_view account_id) {
  Value grants = Value::MakeList();
  grants.Push(Grant(OwnerGrantee(account_id), "FULL_CONTROL"));
  if (canned == "public-read" || canned == "public-read-write") {
    grants.Push(Grant(GroupGrantee(kAllUsers), "READ"));
  }
  if (canned == "public-read-write") grants.Push(Grant(GroupGrantee(kAllUsers), "WRITE"));
  if (canned == "authenticated-read") grants.Push(Grant(GroupGrantee(kAuthenticatedUsers), "READ"));
  if (canned == "log-delivery-write") {
    grants.Push(Grant(GroupGrantee(kLogDelivery), "WRITE"));
    grants.Push(Grant(GroupGrantee(kLogDelivery), "READ_ACP"));
  }
  return grants;
}

// The canned ACL an AccessControlPolicy document is equivalent to, or nullopt when it is not
// one of them (trailwatch stores canned ACLs only).
std::optional<std::string> CannedOfPolicy(const Value& policy, std::string_view account_id) {
  const Value* grants = policy.Find("Grants");
  std::set<std::string> seen;
  if (grants && grants->is_list()) {
    for (const Value& g : grants->as_list()) {
      const Value* grantee = g.Find("Grantee");
      if (!grantee) return std::nullopt;
      std::string who = grantee->GetString("Type") == "Group"
                            ? std::string(grantee->GetString("URI"))
                            : std::string(grantee->GetString("ID"));
      if (who == CanonicalUserId(account_id)) who = "owner";
      seen.insert(who + " " + std::string(g.GetString("Permission")));
    }
  }
  for (std::string_view canned : {"private", "public-read", "public-read-write",
                                  "authenticated-read", "log-delivery-write"}) {
    std::set<std::string> expected;
    const Value grants_of_canned = GrantsOf(canned, account_id);
    for (const Value& g : grants_of_canned.as_list()) {
      const Value& grantee = *g.Find("Grantee");
      std::string who = grantee.GetString("Type") == "Group" ? std::string(grantee.GetString("URI"))
                                                             : std::string("owner");
      expected.insert(who + " " + std::string(g.GetString("Permission")));
    }
    if (expected == seen) return std::string(canned);
  }
  return std::nullopt;
}

bool HasGrantHeaders(const Value& input) {
  for (std::string_view h :
       {"GrantFullControl", "GrantRead", "GrantReadACP", "GrantWrite", "GrantWriteACP"}) {
    if (input.Find(h)) return true;
  }
  return false;
}

// ---- bucket policy checks S3 makes before the grammar (S3 names these its own way) ----------

std::vector<std::string> StringsOf(const boost::json::value* v) {
  std::vector<std::string> out;
  if (!v) return out;
  if (v->is_string()) out.emplace_back(v->as_string());
  if (v->is_array()) {
    for (const auto& item : v->as_array()) {
      if (item.is_string()) out.emplace_back(item.as_string());
    }
  }
  return out;
}

// '*' and '?' glob match, enough to see whether a resource pattern can name this bucket.
bool GlobMatches(std::string_view pattern, std::string_view text) {
  if (pattern.empty()) return text.empty();
  if (pattern.front() == '*') {
    for (std::size_t i = 0; i <= text.size(); ++i) {
      if (GlobMatches(pattern.substr(1), text.substr(i))) return true;
    }
    return false;
  }
  if (text.empty()) return false;
  if (pattern.front() != '?' && pattern.front() != text.front()) return false;
  return GlobMatches(pattern.substr(1), text.substr(1));
}

Status CheckS3PolicyRules(std::string_view document, std::string_view bucket) {
  std::string_view trimmed = Trim(document);
  if (trimmed.empty() || trimmed.front() != '{') return MalformedPolicy(kPolicyNotJson);
  boost::system::error_code ec;
  boost::json::value root = boost::json::parse(trimmed, ec);
  if (ec || !root.is_object()) return MalformedPolicy(kPolicyNotJson);
  const boost::json::value* statements = root.as_object().if_contains("Statement");
  if (!statements) return MalformedPolicy("Missing required field Statement");
  std::vector<const boost::json::object*> list;
  if (statements->is_object()) list.push_back(&statements->as_object());
  if (statements->is_array()) {
    for (const auto& s : statements->as_array()) {
      if (s.is_object()) list.push_back(&s.as_object());
    }
  }
  for (const boost::json::object* s : list) {
    if (!s->contains("Effect")) return MalformedPolicy("Missing required field Effect");
    if (!s->contains("Principal") && !s->contains("NotPrincipal")) {
      return MalformedPolicy("Missing required field Principal");
    }
    if (!s->contains("Action") && !s->contains("NotAction")) {
      return MalformedPolicy("Missing required field Action");
    }
    if (!s->contains("Resource") && !s->contains("NotResource")) {
      return MalformedPolicy("Missing required field Resource");
    }
    auto actions = StringsOf(s->if_contains("Action"));
    auto not_actions = StringsOf(s->if_contains("NotAction"));
    actions.insert(actions.end(), not_actions.begin(), not_actions.end());
    for (const std::string& a : actions) {
      if (a != "*" && !IStartsWith(a, "s3:")) return MalformedPolicy("Policy has invalid action");
    }
    auto resources = StringsOf(s->if_contains("Resource"));
    auto not_resources = StringsOf(s->if_contains("NotResource"));
    resources.insert(resources.end(), not_resources.begin(), not_resources.end());
    for (const std::string& r : resources) {
      // A bucket policy may only name the bucket and its objects.
      std::string_view rest = r;
      if (rest != "*" && !rest.starts_with("arn:aws:s3:::")) {
        return MalformedPolicy("Policy has invalid resource");
      }
      if (rest == "*") continue;
      rest.remove_prefix(std::string_view("arn:aws:s3:::").size());
      std::string_view bucket_part = rest.substr(0, rest.find('/'));
      if (!GlobMatches(bucket_part, bucket)) return MalformedPolicy("Policy has invalid resource");
    }
  }
  return {};
}

// The IAM grammar's messages, said the way S3 says them.
AwsError ToS3PolicyError(const AwsError& iam) {
  const std::string& m = iam.message;
  if (m.starts_with("Syntax errors") || m.find("JSON") != std::string::npos) {
    return MalformedPolicy(kPolicyNotJson);
  }
  if (m.starts_with("Invalid principal in policy")) {
    return MalformedPolicy("Invalid principal in policy");
  }
  if (m == "Policy statement must contain actions.") {
    return MalformedPolicy("Missing required field Action");
  }
  if (m == "Policy statement must contain resources.") {
    return MalformedPolicy("Missing required field Resource");
  }
  return MalformedPolicy(m);
}

}  // namespace

Result<Value> S3Service::CreateBucket(RequestContext& context, const Value& input) {
  std::string name(input.GetString("Bucket"));
  if (!IsValidBucketName(name)) return InvalidBucketName(name);
  const std::string request_region = RequestRegion(context);
  std::string constraint;
  if (const Value* config = input.Find("CreateBucketConfiguration")) {
    constraint = std::string(config->GetString("LocationConstraint"));
  }
  std::string region;
  if (constraint.empty()) {
    // Without a constraint the bucket is in us-east-1, which only that endpoint creates.
    if (request_region != kDefaultRegion) return IllegalLocationConstraint("");
    region = std::string(kDefaultRegion);
  } else {
    region = RegionOfConstraint(constraint);
    // The us-east-1 (global) endpoint creates buckets anywhere; a regional one only at home.
    if (request_region != kDefaultRegion && region != request_region) {
      return IllegalLocationConstraint(constraint);
    }
  }
  std::string ownership(input.GetString("ObjectOwnership", kEnforced));
  std::string acl(input.GetString("ACL", kPrivate));
  if (ownership == kEnforced && (acl != kPrivate || HasGrantHeaders(input))) {
    return AwsError::Make("InvalidBucketAclWithObjectOwnership", 400,
                          "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced "
                          "setting");
  }
  BucketRecord record;
  record.name = name;
  record.account_id = context.principal.account_id;
  record.region = region;
  record.created_at = WholeSeconds(EpochMillis(context.clock.Now()));
  record.object_ownership = ownership;
  record.canned_acl = acl;
  auto existing = store_.CreateBucket(record);
  if (!existing) return std::move(existing).error();
  if (*existing) {
    const BucketRecord& other = **existing;
    if (other.account_id != context.principal.account_id) return BucketAlreadyExists(name);
    // us-east-1 keeps its legacy answer: re-creating your own bucket there succeeds (200).
    if (!(other.region == kDefaultRegion && region == kDefaultRegion)) {
      return BucketAlreadyOwnedByYou(name);
    }
    record = other;
  }
  Value out = Value::MakeStructure();
  out.Set("Location", LocationOf(record));
  return out;
}

Result<Value> S3Service::HeadBucket(RequestContext& context, const Value& input) {
  auto bucket = OwnedBucket(context, input);
  if (!bucket) return std::move(bucket).error();
  Value out = Value::MakeStructure();
  out.Set("BucketRegion", bucket->region);
  out.Set("AccessPointAlias", false);
  return out;
}

Result<Value> S3Service::ListBuckets(RequestContext& context, const Value& input) {
  auto buckets = store_.ListBuckets(context.principal.account_id);
  if (!buckets) return std::move(buckets).error();
  std::string_view prefix = input.GetString("Prefix");
  std::string_view region = input.GetString("BucketRegion");
  std::string after;
  if (const Value* token = input.Find("ContinuationToken"); token && token->is_string()) {
    auto decoded = Base64Decode(token->as_string());
    if (!decoded || !decoded->starts_with(kListTokenPrefix)) {
      return InvalidArgument("The continuation token provided is incorrect", "continuation-token",
                             token->as_string());
    }
    after = decoded->substr(kListTokenPrefix.size());
  }
  std::int64_t max = kMaxBuckets;
  if (const Value* m = input.Find("MaxBuckets"); m && m->is_integer()) {
    if (m->as_integer() < 1 || m->as_integer() > kMaxBuckets) {
      return InvalidArgument("Argument max-buckets must be an integer between 1 and 10000",
                             "max-buckets", std::to_string(m->as_integer()));
    }
    max = m->as_integer();
  }
  Value list = Value::MakeList();
  std::string last;
  bool more = false;
  for (const BucketRecord& b : *buckets) {
    if (!b.name.starts_with(prefix) || (!region.empty() && b.region != region)) continue;
    if (!after.empty() && b.name <= after) continue;
    if (static_cast<std::int64_t>(list.as_list().size()) == max) {
      more = true;
      break;
    }
    Value item = Value::MakeStructure();
    item.Set("Name", b.name);
    item.Set("CreationDate", Timestamp{b.created_at});
    item.Set("BucketRegion", b.region);
    list.Push(std::move(item));
    last = b.name;
  }
  Value out = Value::MakeStructure();
  out.Set("Buckets", std::move(list));
  out.Set("Owner", OwnerValue(context.principal.account_id));
  if (more) out.Set("ContinuationToken", Base64Encode(std::string(kListTokenPrefix) + last));
  if (input.Find("Prefix")) out.Set("Prefix", std::string(prefix));
  return out;
}

Result<Value> S3Service::GetBucketLocation(RequestContext& context, const Value& input) {
  auto bucket = OwnedBucket(context, input);
  if (!bucket) return std::move(bucket).error();
  Value out = Value::MakeStructure();
  // us-east-1 is the empty constraint: an empty <LocationConstraint/> element, which clients
  // read as null (the document itself must be there; botocore parses its root element).
  out.Set("LocationConstraint", bucket->region == kDefaultRegion ? "" : bucket->region);
  return out;
}

Result<Value> S3Service::DeleteBucket(RequestContext& context, const Value& input) {
  auto bucket = OwnedBucket(context, input);
  if (!bucket) return std::move(bucket).error();
  std::vector<std::string> blobs;
  auto outcome = store_.DeleteBucket(bucket->name, blobs);
  if (!outcome) return std::move(outcome).error();
  switch (*outcome) {
    case DeleteBucketOutcome::kNotFound:
      return NoSuchBucket(bucket->name);
    case DeleteBucketOutcome::kNotEmpty:
      return BucketNotEmpty(bucket->name);
    case DeleteBucketOutcome::kDeleted:
      break;
  }
  RemoveBlobs(blobs);
  return Value::MakeStructure();
}

Result<Value> S3Service::PutBucketTagging(RequestContext& context, const Value& input) {
  auto bucket = OwnedBucket(context, input);
  if (!bucket) return std::move(bucket).error();
  if (const Value* md5 = input.Find("ContentMD5"); md5 && md5->is_string()) {
    if (Status st = CheckContentMd5(md5->as_string(), Md5(context.http.body)); !st)
      return st.error();
  }
  std::vector<TagRecord> tags;
  std::set<std::string> keys;
  if (const Value* tagging = input.Find("Tagging")) {
    if (const Value* set = tagging->Find("TagSet"); set && set->is_list()) {
      for (const Value& t : set->as_list()) {
        TagRecord tag{std::string(t.GetString("Key")), std::string(t.GetString("Value"))};
        if (tag.key.size() > kMaxTagKey) {
          return InvalidTag("The TagKey you have provided is too long, max 128");
        }
        if (tag.value.size() > kMaxTagValue) {
          return InvalidTag("The TagValue you have provided is too long, max 256");
        }
        if (IStartsWith(tag.key, "aws:")) {
          return InvalidTag("System tags cannot be added/updated by requester");
        }
        if (!keys.insert(tag.key).second) {
          return InvalidTag("Cannot provide multiple Tags with the same key");
        }
        tags.push_back(std::move(tag));
      }
    }
  }
  if (tags.size() > kMaxBucketTags) return InvalidTag("Bucket tag count cannot be greater than 50");
  auto done = store_.SetBucketTags(bucket->name, tags);
  if (!done) return std::move(done).error();
  if (!*done) return NoSuchBucket(bucket->name);
  return Value::MakeStructure();
}

Result<Value> S3Service::GetBucketTagging(RequestContext& context, const Value& input) {
  auto bucket = OwnedBucket(context, input);
  if (!bucket) return std::move(bucket).error();
  auto tags = store_.GetBucketTags(bucket->name);
  if (!tags) return std::move(tags).error();
  if (tags->empty()) return NoSuchTagSet(bucket->name);
  Value set = Value::MakeList();
  for (const TagRecord& t : *tags) {
    set.Push(Value::MakeStructure({{"Key", t.key}, {"Value", t.value}}));
  }
  Value out = Value::MakeStructure();
  out.Set("TagSet", std::move(set));
  return out;
}

Result<Value> S3Service::DeleteBucketTagging(RequestContext& context, const Value& input) {
  auto bucket = OwnedBucket(context, input);
  if (!bucket) return std::move(bucket).error();
  auto done = store_.SetBucketTags(bucket->name, std::nullopt);
  if (!done) return std::move(done).error();
  return Value::MakeStructure();
}

Result<Value> S3Service::PutBucketPolicy(RequestContext& context, const Value& input) {
  auto bucket = OwnedBucket(context, input);
  if (!bucket) return std::move(bucket).error();
  if (const Value* md5 = input.Find("ContentMD5"); md5 && md5->is_string()) {
    if (Status st = CheckContentMd5(md5->as_string(), Md5(context.http.body)); !st)
      return st.error();
  }
  std::string document(input.GetString("Policy"));
  if (Status st = CheckS3PolicyRules(document, bucket->name); !st) return st.error();
  if (Status st = iam::policy::ValidatePolicyDocument(document, iam::policy::PolicyKind::kResource);
      !st) {
    return ToS3PolicyError(st.error());
  }
  auto done = store_.SetBucketPolicy(bucket->name, document);
  if (!done) return std::move(done).error();
  if (!*done) return NoSuchBucket(bucket->name);
  return Value::MakeStructure();
}

Result<Value> S3Service::GetBucketPolicy(RequestContext& context, const Value& input) {
  auto bucket = OwnedBucket(context, input);
  if (!bucket) return std::move(bucket).error();
  if (!bucket->policy) return NoSuchBucketPolicy(bucket->name);
  Value out = Value::MakeStructure();
  out.Set("Policy", *bucket->policy);
  return out;
}

Result<Value> S3Service::DeleteBucketPolicy(RequestContext& context, const Value& input) {
  auto bucket = OwnedBucket(context, input);
  if (!bucket) return std::move(bucket).error();
  auto done = store_.SetBucketPolicy(bucket->name, std::nullopt);
  if (!done) return std::move(done).error();
  return Value::MakeStructure();
}

Result<Value> S3Service::PutBucketAcl(RequestContext& context, const Value& input) {
  auto bucket = OwnedBucket(context, input);
  if (!bucket) return std::move(bucket).error();
  std::optional<std::string> canned;
  if (const Value* acl = input.Find("ACL"); acl && acl->is_string()) {
    canned = acl->as_string();
  } else if (const Value* policy = input.Find("AccessControlPolicy")) {
    canned = CannedOfPolicy(*policy, bucket->account_id);
    if (!canned) {
      if (bucket->object_ownership == kEnforced) return AccessControlListNotSupported();
      return AwsError::From(ErrorCode::kNotImplemented,
                            "trailwatch stores canned ACLs only; this grant list is not one");
    }
  } else if (HasGrantHeaders(input)) {
    if (bucket->object_ownership == kEnforced) return AccessControlListNotSupported();
    return AwsError::From(ErrorCode::kNotImplemented,
                          "trailwatch stores canned ACLs only; use x-amz-acl");
  } else {
    return MalformedXml();
  }
  // With ACLs disabled (BucketOwnerEnforced, the default) only the owner-only ACL is accepted.
  if (bucket->object_ownership == kEnforced && *canned != kPrivate) {
    return AccessControlListNotSupported();
  }
  auto done = store_.SetBucketAcl(bucket->name, *canned);
  if (!done) return std::move(done).error();
  if (!*done) return NoSuchBucket(bucket->name);
  return Value::MakeStructure();
}

Result<Value> S3Service::GetBucketAcl(RequestContext& context, const Value& input) {
  auto bucket = OwnedBucket(context, input);
  if (!bucket) return std::move(bucket).error();
  Value out = Value::MakeStructure();
  out.Set("Owner", OwnerValue(bucket->account_id));
  out.Set("Grants", GrantsOf(bucket->canned_acl, bucket->account_id));
  return out;
}

Result<Value> S3Service::PutBucketVersioning(RequestContext& context, const Value& input) {
  auto bucket = OwnedBucket(context, input);
  if (!bucket) return std::move(bucket).error();
  std::optional<std::string> status;
  std::optional<std::string> mfa_delete;
  if (const Value* config = input.Find("VersioningConfiguration")) {
    if (const Value* s = config->Find("Status"); s && s->is_string()) status = s->as_string();
    if (const Value* m = config->Find("MFADelete"); m && m->is_string()) {
      mfa_delete = m->as_string();
    }
  }
  if (!status && !mfa_delete) return MalformedXml();
  auto done = store_.SetBucketVersioning(bucket->name, status, mfa_delete);
  if (!done) return std::move(done).error();
  if (!*done) return NoSuchBucket(bucket->name);
  return Value::MakeStructure();
}

Result<Value> S3Service::GetBucketVersioning(RequestContext& context, const Value& input) {
  auto bucket = OwnedBucket(context, input);
  if (!bucket) return std::move(bucket).error();
  // A bucket that was never versioned answers an empty VersioningConfiguration.
  Value out = Value::MakeStructure();
  if (bucket->versioning) out.Set("Status", *bucket->versioning);
  if (bucket->mfa_delete) out.Set("MFADelete", *bucket->mfa_delete);
  return out;
}

}  // namespace tw::services::s3
