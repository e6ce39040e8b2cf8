// SPDX-License-Identifier: Apache-2.0
// Groups and their members.
#include "services/iam/errors.h"
#include "services/iam/iam_service.h"

namespace tw::services::iam {

Result<Value> IamService::CreateGroup(RequestContext& context, const Value& input) {
  GroupRecord group{std::string(input.GetString("GroupName")), PathOr(input, "Path"),
                    NewUniqueId(context.random, "AGPA"),
                    NowSeconds(EpochMillis(context.clock.Now()))};
  if (Status st = store_.CreateGroup(group); !st) return std::move(st).error();
  Value output = Value::MakeStructure();
  output.Set("Group", GroupValue(account_id_, group));
  return output;
}

Result<Value> IamService::GetGroup(RequestContext& /*context*/, const Value& input) {
  std::string_view name = input.GetString("GroupName");
  auto group = store_.GetGroup(name);
  if (!group) return std::move(group).error();
  auto members = store_.ListGroupMembers(name);
  if (!members) return std::move(members).error();
  // IAM pages the members; the group comes with every page.
  auto page = Paginate(input, members->size());
  if (!page) return std::move(page).error();
  Value users = Value::MakeList();
  for (std::size_t i = page->begin; i < page->end; ++i) {
    users.Push(UserValue(account_id_, (*members)[i], /*with_details=*/false));
  }
  Value output = Value::MakeStructure();
  output.Set("Group", GroupValue(account_id_, *group));
  output.Set("Users", std::move(users));
  SetPageMembers(output, *page);
  return output;
}

namespace {

Value GroupList(std::string_view account_id, const std::vector<GroupRecord>& groups,
                const Page& page) {
  Value list = Value::MakeList();
  for (std::size_t i = page.begin; i < page.end; ++i) {
    list.Push(GroupValue(account_id, groups[i]));
  }
  return list;
}

}  // namespace

Result<Value> IamService::ListGroups(RequestContext& /*context*/, const Value& input) {
  auto groups = store_.ListGroups(PathOr(input, "PathPrefix"));
  if (!groups) return std::move(groups).error();
  auto page = Paginate(input, groups->size());
  if (!page) return std::move(page).error();
  Value output = Value::MakeStructure();
  output.Set("Groups", GroupList(account_id_, *groups, *page));
  SetPageMembers(output, *page);
  return output;
}

Result<Value> IamService::ListGroupsForUser(RequestContext& /*context*/, const Value& input) {
  auto groups = store_.ListGroupsForUser(input.GetString("UserName"));
  if (!groups) return std::move(groups).error();
  auto page = Paginate(input, groups->size());
  if (!page) return std::move(page).error();
  Value output = Value::MakeStructure();
  output.Set("Groups", GroupList(account_id_, *groups, *page));
  SetPageMembers(output, *page);
  return output;
}

Result<Value> IamService::AddUserToGroup(RequestContext& context, const Value& input) {
  if (Status st = store_.AddUserToGroup(input.GetString("GroupName"), input.GetString("UserName"),
                                        EpochMillis(context.clock.Now()));
      !st) {
    return std::move(st).error();
  }
  return Value::MakeStructure();
}

Result<Value> IamService::RemoveUserFromGroup(RequestContext& /*context*/, const Value& input) {
  if (Status st =
          store_.RemoveUserFromGroup(input.GetString("GroupName"), input.GetString("UserName"));
      !st) {
    return std::move(st).error();
  }
  return Value::MakeStructure();
}

Result<Value> IamService::UpdateGroup(RequestContext& /*context*/, const Value& input) {
  if (Status st =
          store_.UpdateGroup(input.GetString("GroupName"), OptionalString(input, "NewGroupName"),
                             OptionalString(input, "NewPath"));
      !st) {
    return std::move(st).error();
  }
  return Value::MakeStructure();
}

Result<Value> IamService::DeleteGroup(RequestContext& /*context*/, const Value& input) {
  if (Status st = store_.DeleteGroup(input.GetString("GroupName")); !st) {
    return std::move(st).error();
  }
  return Value::MakeStructure();
}

}  // namespace tw::services::iam
