// SPDX-License-Identifier: Apache-2.0
#include "protocol/model.h"

#include <gtest/gtest.h>

namespace tw::protocol {
namespace {

TEST(ModelTest, EmbeddedCatalogHasEveryServiceWithItsProtocols) {
  const ServiceCatalog& catalog = ServiceCatalog::Embedded();
  for (const char* name : {"iam", "sts", "cloudtrail", "logs", "cloudwatch", "sns", "s3"}) {
    EXPECT_NE(catalog.Find(name), nullptr) << name;
  }
  const ServiceModel* cw = catalog.FindBySigningName("monitoring");
  ASSERT_NE(cw, nullptr);
  EXPECT_EQ(cw->name(), "cloudwatch");
  EXPECT_TRUE(cw->Speaks(Protocol::kQuery));
  EXPECT_TRUE(cw->Speaks(Protocol::kJson));
  EXPECT_TRUE(cw->Speaks(Protocol::kRpcV2Cbor));
  EXPECT_TRUE(cw->aws_query_compatible());
  EXPECT_EQ(catalog.FindByTargetPrefix("Logs_20140328")->name(), "logs");
}

TEST(ModelTest, ResolvesShapesMembersAndConstraints) {
  const ServiceModel* iam = ServiceCatalog::Embedded().Find("iam");
  const Operation* op = iam->FindOperation("CreateUser");
  ASSERT_NE(op, nullptr);
  EXPECT_EQ(op->result_wrapper, "CreateUserResult");
  const Member* user_name = op->input->FindMember("UserName");
  ASSERT_NE(user_name, nullptr);
  EXPECT_TRUE(user_name->required);
  EXPECT_EQ(user_name->shape->max, 64);
  EXPECT_FALSE(user_name->shape->pattern.empty());
  const Shape* tags = op->input->FindMember("Tags")->shape;
  EXPECT_EQ(tags->type, ShapeType::kList);
  EXPECT_EQ(tags->member->shape->name, "Tag");
  const Shape* error = iam->FindErrorShape("EntityAlreadyExists");
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->error_http_status, 409);
}

TEST(ModelTest, RejectsMalformedModels) {
  EXPECT_FALSE(ServiceModel::Parse("x", "not json"));
  EXPECT_FALSE(ServiceModel::Parse(
      "x", R"({"metadata":{"protocol":"query"},"shapes":{"A":{"type":"list"}},"operations":{}})"));
}

}  // namespace
}  // namespace tw::protocol
