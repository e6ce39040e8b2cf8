// SPDX-License-Identifier: Apache-2.0
#include "iam_test_fixture.h"

namespace tw::services::iam::testing {
namespace {

TEST_F(IamServiceTest, CredentialReportHasAwsColumns) {
  AwsError none = Err("GetCredentialReport", Value::MakeStructure());
  EXPECT_EQ(none.code, "ReportNotPresent");
  EXPECT_EQ(none.http_status, 410);
  Ok("CreateUser", In({{"UserName", "frank"}}));
  Ok("CreateLoginProfile", In({{"UserName", "frank"}, {"Password", "Secr3t-Pass"}}));
  Ok("CreateAccessKey", In({{"UserName", "frank"}}));
  EXPECT_EQ(Ok("GenerateCredentialReport").GetString("State"), "STARTED");
  EXPECT_EQ(Ok("GenerateCredentialReport").GetString("State"), "COMPLETE");
  Value report = Ok("GetCredentialReport");
  EXPECT_EQ(report.GetString("ReportFormat"), "text/csv");
  std::string csv = report.Find("Content")->as_blob().bytes;
  EXPECT_TRUE(csv.starts_with(
      "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
      "password_next_rotation,mfa_active,access_key_1_active,"));
  EXPECT_NE(csv.find("\n<root_account>,arn:aws:iam::123456789012:root,2014-05-13T16:53:20+00:00,"
                     "not_supported,no_information,not_supported,not_supported,false,true,"),
            std::string::npos);
  EXPECT_NE(csv.find("\nfrank,arn:aws:iam::123456789012:user/frank,2015-08-30T12:36:00+00:00,true,"
                     "no_information,2015-08-30T12:36:00+00:00,N/A,false,true,"
                     "2015-08-30T12:36:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,"
                     "N/A\n"),
            std::string::npos)
      << csv;
}

}  // namespace
}  // namespace tw::services::iam::testing
