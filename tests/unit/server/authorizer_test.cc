// SPDX-License-Identifier: Apache-2.0
#include "server/authorizer.h"

#include <gtest/gtest.h>

#include "server/credential_store.h"

namespace tw::server {
namespace {

using protocol::Protocol;
using protocol::ServiceCatalog;

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
  EXPECT_TRUE(authorizer.Authorize(RootPrincipal("000000000000"), *iam,
                                   *iam->FindOperation("CreateUser"), protocol::Value(),
                                   Protocol::kQuery));
}

TEST(AuthorizerTest, RootOfAnotherAccountIsDenied) {
  AccountRootAuthorizer authorizer("000000000000");
  const auto* iam = ServiceCatalog::Embedded().Find("iam");
  auto denied =
      authorizer.Authorize(RootPrincipal("111111111111"), *iam, *iam->FindOperation("CreateUser"),
                           protocol::Value(), Protocol::kQuery);
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, "AccessDenied");
}

TEST(AuthorizerTest, OtherPrincipalsAreImplicitlyDeniedWithAwsMessage) {
  AccountRootAuthorizer authorizer("000000000000");
  const auto* logs = ServiceCatalog::Embedded().Find("logs");
  auto denied = authorizer.Authorize(User(), *logs, *logs->FindOperation("CreateLogGroup"),
                                     protocol::Value(), Protocol::kJson);
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, "AccessDeniedException");
  EXPECT_EQ(denied.error().message,
            "User: arn:aws:iam::000000000000:user/alice is not authorized to perform: "
            "logs:CreateLogGroup because no identity-based policy allows the logs:CreateLogGroup "
            "action");
  const auto* sns = ServiceCatalog::Embedded().Find("sns");
  auto denied_query = authorizer.Authorize(User(), *sns, *sns->FindOperation("CreateTopic"),
                                           protocol::Value(), Protocol::kQuery);
  ASSERT_FALSE(denied_query);
  EXPECT_EQ(denied_query.error().code, "AccessDenied");
  EXPECT_EQ(denied_query.error().http_status, 403);
}

TEST(AuthorizerTest, GetCallerIdentityNeedsNoPermission) {
  AccountRootAuthorizer authorizer("000000000000");
  const auto* sts = ServiceCatalog::Embedded().Find("sts");
  EXPECT_TRUE(authorizer.Authorize(User(), *sts, *sts->FindOperation("GetCallerIdentity"),
                                   protocol::Value(), Protocol::kQuery));
}

}  // namespace
}  // namespace tw::server
