// SPDX-License-Identifier: Apache-2.0
// No operation bypasses authorization: every operation the real ServiceSet registers, called
// through the real Dispatcher (routing, SigV4, parsing, validation) as an existing IAM user with
// no policies, is refused with the service's access-denied error — except the calls AWS makes
// permission-free (sts:GetCallerIdentity, sts:GetSessionToken). Also checks that every
// registered operation has an authorization descriptor.
#include <gtest/gtest.h>

#include "authz_fixture.h"
#include "request_builder.h"
#include "server/authz_table.h"

namespace tw::server {
namespace {

using testing::AuthzTest;

TEST_F(AuthzTest, EveryRegisteredOperationHasADescriptor) {
  int registered = 0;
  for (const auto& service : protocol::ServiceCatalog::Embedded().services()) {
    for (const auto& [name, operation] : service->operations()) {
      if (!services_->operations().Has(service->name(), name)) continue;
      ++registered;
      EXPECT_TRUE(HasAuthzEntry(service->name(), name))
          << service->name() << ":" << name << " has no authorization descriptor";
    }
  }
  EXPECT_GT(registered, 100);
}

TEST_F(AuthzTest, AUserWithoutPoliciesIsDeniedEveryOperation) {
  int checked = 0;
  for (const auto& service : protocol::ServiceCatalog::Embedded().services()) {
    for (const auto& [name, operation] : service->operations()) {
      if (!services_->operations().Has(service->name(), name)) continue;
      if (operation.auth_none) continue;  // no caller: the trust policy decides, in the handler
      // S3 refuses DeleteObjects key by key in a 200 answer (session_policy_test.cc,
      // DeleteObjectsRefusesKeysOneByOne and DeleteObjectsWithoutPoliciesDeletesNothing).
      if (service->name() == "s3" && name == "DeleteObjects") continue;
      ++checked;
      http::HttpResponse r = Send(testing::BuildRequest(*service, operation),
                                  service->signing_name(), "AKIABOBEXAMPLE000000");
      // HEAD responses have no body: the audit record has the error and its message.
      std::string text = r.body.empty() ? trail_.last.record_json : r.body;
      std::string where = service->name() + ":" + name + " -> " + std::to_string(r.status) + " " +
                          text.substr(0, 600);
      if (IsPermissionFree(service->name(), name)) {
        EXPECT_EQ(text.find("not authorized"), std::string::npos) << where;
        continue;
      }
      const bool json = text.find("AccessDeniedException") != std::string::npos;
      const bool query = text.find("<Code>AccessDenied</Code>") != std::string::npos ||
                         (r.body.empty() && trail_.last.error_code == "AccessDenied");
      const bool sns = text.find("<Code>AuthorizationError</Code>") != std::string::npos;
      EXPECT_TRUE(json || query || sns) << where;
      EXPECT_EQ(r.status, json ? 400 : 403) << where;
      EXPECT_NE(text.find("User: arn:aws:iam::000000000000:user/bob is not authorized to "
                          "perform: "),
                std::string::npos)
          << where;
      EXPECT_NE(text.find(" on resource: "), std::string::npos) << where;
    }
  }
  EXPECT_GT(checked, 100);
}

}  // namespace
}  // namespace tw::server
