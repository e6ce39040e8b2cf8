// SPDX-License-Identifier: Apache-2.0
// Users, and the tag operations of users, roles and policies.
#include "services/iam/errors.h"
#include "services/iam/iam_service.h"

namespace tw::services::iam {

Result<Value> IamService::CreateUser(RequestContext& context, const Value& input) {
  UserRecord user;
  user.name = std::string(input.GetString("UserName"));
  user.path = PathOr(input, "Path");
  user.id = NewUniqueId(context.random, "AIDA");
  user.created_at = NowSeconds(EpochMillis(context.clock.Now()));
  user.permissions_boundary = OptionalString(input, "PermissionsBoundary");
  auto tags = ParseTags(input);
  if (!tags) return std::move(tags).error();
  if (user.permissions_boundary) {
    auto resolved = ResolveManagedPolicy(*user.permissions_boundary, /*for_boundary=*/true);
    if (!resolved) return std::move(resolved).error();
  }
  if (Status st = store_.CreateUser(user, *tags); !st) return std::move(st).error();
  user.tags = std::move(tags).value();
  Value output = Value::MakeStructure();
  output.Set("User", UserValue(account_id_, user, /*with_details=*/true));
  return output;
}

Result<Value> IamService::GetUser(RequestContext& context, const Value& input) {
  std::string name = SubjectUserName(context, input);
  Value output = Value::MakeStructure();
  if (name.empty()) {
    // The root user: IAM answers with the account id as UserId, the root ARN and the account's
    // creation date, and no UserName or Path.
    auto account = accounts_.FindAccount(account_id_);
    if (!account) return std::move(account).error();
    Value user = Value::MakeStructure();
    user.Set("UserId", account_id_);
    user.Set("Arn", "arn:aws:iam::" + account_id_ + ":root");
    user.Set("CreateDate",
             TimestampValue(NowSeconds(account->has_value() ? (*account)->created_at : 0)));
    output.Set("User", std::move(user));
    return output;
  }
  auto user = store_.GetUser(name);
  if (!user) return std::move(user).error();
  output.Set("User", UserValue(account_id_, *user, /*with_details=*/true));
  return output;
}

Result<Value> IamService::ListUsers(RequestContext& /*context*/, const Value& input) {
  auto users = store_.ListUsers(PathOr(input, "PathPrefix"));
  if (!users) return std::move(users).error();
  auto page = Paginate(input, users->size());
  if (!page) return std::move(page).error();
  Value list = Value::MakeList();
  for (std::size_t i = page->begin; i < page->end; ++i) {
    list.Push(UserValue(account_id_, (*users)[i], /*with_details=*/false));
  }
  Value output = Value::MakeStructure();
  output.Set("Users", std::move(list));
  SetPageMembers(output, *page);
  return output;
}

Result<Value> IamService::UpdateUser(RequestContext& /*context*/, const Value& input) {
  if (Status st =
          store_.UpdateUser(input.GetString("UserName"), OptionalString(input, "NewUserName"),
                            OptionalString(input, "NewPath"));
      !st) {
    return std::move(st).error();
  }
  return Value::MakeStructure();
}

Result<Value> IamService::DeleteUser(RequestContext& /*context*/, const Value& input) {
  if (Status st = store_.DeleteUser(input.GetString("UserName")); !st) {
    return std::move(st).error();
  }
  return Value::MakeStructure();
}

Result<Value> IamService::PutUserPermissionsBoundary(RequestContext& /*context*/,
                                                     const Value& input) {
  std::string arn(input.GetString("PermissionsBoundary"));
  auto resolved = ResolveManagedPolicy(arn, /*for_boundary=*/true);
  if (!resolved) return std::move(resolved).error();
  if (Status st = store_.PutUserPermissionsBoundary(input.GetString("UserName"), arn); !st) {
    return std::move(st).error();
  }
  return Value::MakeStructure();
}

Result<Value> IamService::DeleteUserPermissionsBoundary(RequestContext& /*context*/,
                                                        const Value& input) {
  if (Status st = store_.PutUserPermissionsBoundary(input.GetString("UserName"), std::nullopt);
      !st) {
    return std::move(st).error();
  }
  return Value::MakeStructure();
}

namespace {

// The input member naming what is tagged, and for policies a check that the ARN is one.
std::string_view TagSubjectMember(TagTarget target) {
  switch (target) {
    case TagTarget::kUser:
      return "UserName";
    case TagTarget::kRole:
      return "RoleName";
    case TagTarget::kPolicy:
      return "PolicyArn";
  }
  return "UserName";
}

Status CheckTagSubject(TagTarget target, std::string_view name) {
  if (target != TagTarget::kPolicy) return {};
  auto parts = ParsePolicyArn(name);
  if (!parts) return std::move(parts).error();
  // AWS managed policies carry no tags of any account.
  if (parts->account == "aws") return PolicyNotFound(name);
  return {};
}

}  // namespace

Result<Value> IamService::TagResource(TagTarget target, const Value& input) {
  std::string_view name = input.GetString(TagSubjectMember(target));
  if (Status st = CheckTagSubject(target, name); !st) return std::move(st).error();
  auto tags = ParseTags(input);
  if (!tags) return std::move(tags).error();
  if (Status st = store_.TagEntity(target, name, *tags, kTagsQuota); !st) {
    return std::move(st).error();
  }
  return Value::MakeStructure();
}

Result<Value> IamService::UntagResource(TagTarget target, const Value& input) {
  std::string_view name = input.GetString(TagSubjectMember(target));
  if (Status st = CheckTagSubject(target, name); !st) return std::move(st).error();
  std::vector<std::string> keys;
  if (const Value* list = input.Find("TagKeys"); list && list->is_list()) {
    for (const Value& key : list->as_list()) {
      if (key.is_string()) keys.push_back(key.as_string());
    }
  }
  if (Status st = store_.UntagEntity(target, name, keys); !st) return std::move(st).error();
  return Value::MakeStructure();
}

Result<Value> IamService::ListResourceTags(TagTarget target, const Value& input) {
  std::string_view name = input.GetString(TagSubjectMember(target));
  if (Status st = CheckTagSubject(target, name); !st) return std::move(st).error();
  auto tags = store_.ListTags(target, name);
  if (!tags) return std::move(tags).error();
  auto page = Paginate(input, tags->size());
  if (!page) return std::move(page).error();
  std::vector<Tag> slice(tags->begin() + static_cast<std::ptrdiff_t>(page->begin),
                         tags->begin() + static_cast<std::ptrdiff_t>(page->end));
  Value output = Value::MakeStructure();
  output.Set("Tags", TagsValue(slice));
  SetPageMembers(output, *page);
  return output;
}

}  // namespace tw::services::iam
