// SPDX-License-Identifier: Apache-2.0
#include "server/authorizer.h"

#include <gtest/gtest.h>

#include "server/credential_store.h"

namespace tw::server {
namespace {

using protocol::Protocol;
using protocol::ServiceCatalog;

Status Call(const Authorizer& authorizer, const auth::Principal& principal,
            const protocol::ServiceModel& service, std::string_view operation, Protocol protocol) {
  static const protocol::Value kEmpty = protocol::Value::MakeStructure();
  return authorizer.Authorize(AuthorizationRequest{
      principal, service, *service.FindOperation(operation), kEmpty, protocol, nullptr});
}

auth::Principal User() {
  auth::Principal p;
  p.type = auth::PrincipalType::kIamUser;
  p.account_id = "000000000000";
  p.arn = "arn:aws:iam::000000000000:user/alice";
  p.user_name = "alice";
  return p;
}

TEST(AuthorizerTest, RootOfTheAccountMayDoEverything) {
  AccountRootAuthorizer authorizer("000000000000");
  const auto* iam = ServiceCatalog::Embedded().Find("iam");
  EXPECT_TRUE(
      Call(authorizer, RootPrincipal("000000000000"), *iam, "CreateUser", Protocol::kQuery));
}

TEST(AuthorizerTest, RootOfAnotherAccountIsDenied) {
  AccountRootAuthorizer authorizer("000000000000");
  const auto* iam = ServiceCatalog::Embedded().Find("iam");
  auto denied =
      Call(authorizer, RootPrincipal("111111111111"), *iam, "CreateUser", Protocol::kQuery);
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, "AccessDenied");
}

TEST(AuthorizerTest, OtherPrincipalsAreImplicitlyDeniedWithAwsMessage) {
  AccountRootAuthorizer authorizer("000000000000");
  const auto* logs = ServiceCatalog::Embedded().Find("logs");
  auto denied = Call(authorizer, User(), *logs, "CreateLogGroup", Protocol::kJson);
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, "AccessDeniedException");
  EXPECT_EQ(denied.error().message,
            "User: arn:aws:iam::000000000000:user/alice is not authorized to perform: "
            "logs:CreateLogGroup because no identity-based policy allows the logs:CreateLogGroup "
            "action");
  const auto* sns = ServiceCatalog::Embedded().Find("sns");
  auto denied_query = Call(authorizer, User(), *sns, "CreateTopic", Protocol::kQuery);
  ASSERT_FALSE(denied_query);
  // SNS's own code for it.
  EXPECT_EQ(denied_query.error().code, "AuthorizationError");
  EXPECT_EQ(denied_query.error().http_status, 403);
}

TEST(AuthorizerTest, GetCallerIdentityNeedsNoPermission) {
  AccountRootAuthorizer authorizer("000000000000");
  const auto* sts = ServiceCatalog::Embedded().Find("sts");
  EXPECT_TRUE(Call(authorizer, User(), *sts, "GetCallerIdentity", Protocol::kQuery));
}

}  // namespace
}  // namespace tw::server
