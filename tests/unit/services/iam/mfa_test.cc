// SPDX-License-Identifier: Apache-2.0
#include "iam_test_fixture.h"
#include "services/iam/credential_crypto.h"

namespace tw::services::iam::testing {
namespace {

TEST(TotpTest, MatchesRfc6238Vectors) {
  // RFC 6238 appendix B, SHA-1, truncated to 6 digits.
  const std::string key = "12345678901234567890";
  EXPECT_EQ(TotpCode(key, 59 / 30), "287082");
  EXPECT_EQ(TotpCode(key, 1111111109 / 30), "081804");
  EXPECT_EQ(TotpCode(key, 2000000000 / 30), "279037");
  EXPECT_EQ(Base32Decode(Base32Encode(key)), key);
}

TEST(QrCodeTest, IsAPng) {
  auto png = QrCodePng("otpauth://totp/dev@123456789012?secret=ABC");
  ASSERT_TRUE(png);
  EXPECT_EQ(png->substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
}

TEST_F(IamServiceTest, VirtualMfaDeviceLifecycle) {
  Ok("CreateUser", In({{"UserName", "dave"}}));
  Value created = Ok("CreateVirtualMFADevice", In({{"VirtualMFADeviceName", "dave-phone"}}));
  const Value& device = *created.Find("VirtualMFADevice");
  std::string serial(device.GetString("SerialNumber"));
  EXPECT_EQ(serial, "arn:aws:iam::123456789012:mfa/dave-phone");
  std::string seed = device.Find("Base32StringSeed")->as_blob().bytes;
  EXPECT_EQ(seed.size(), 64u);
  auto key = Base32Decode(seed);
  ASSERT_TRUE(key);
  EXPECT_FALSE(device.Find("QRCodePNG")->as_blob().bytes.empty());

  std::int64_t step = EpochMillis(clock_.Now()) / 1000 / 30;
  AwsError bad = Err("EnableMFADevice", In({{"UserName", "dave"},
                                            {"SerialNumber", serial},
                                            {"AuthenticationCode1", "000000"},
                                            {"AuthenticationCode2", "000001"}}));
  EXPECT_EQ(bad.code, "InvalidAuthenticationCode");
  EXPECT_EQ(bad.message, "Authentication code for device is not valid.");
  Ok("EnableMFADevice", In({{"UserName", "dave"},
                            {"SerialNumber", serial},
                            {"AuthenticationCode1", TotpCode(*key, step - 1)},
                            {"AuthenticationCode2", TotpCode(*key, step)}}));
  Value listed = Ok("ListMFADevices", In({{"UserName", "dave"}}));
  ASSERT_EQ(listed.Find("MFADevices")->as_list().size(), 1u);
  EXPECT_EQ(listed.Find("MFADevices")->as_list()[0].GetString("SerialNumber"), serial);
  Value assigned = Ok("ListVirtualMFADevices", In({{"AssignmentStatus", "Assigned"}}));
  EXPECT_EQ(assigned.Find("VirtualMFADevices")->as_list().size(), 1u);
  EXPECT_EQ(Ok("ListVirtualMFADevices", In({{"AssignmentStatus", "Unassigned"}}))
                .Find("VirtualMFADevices")
                ->as_list()
                .size(),
            0u);
  EXPECT_EQ(Err("DeleteUser", In({{"UserName", "dave"}})).message,
            "Cannot delete entity, must delete MFA device first.");
  EXPECT_EQ(Err("DeleteVirtualMFADevice", In({{"SerialNumber", serial}})).code, "DeleteConflict");
  Ok("DeactivateMFADevice", In({{"UserName", "dave"}, {"SerialNumber", serial}}));
  Ok("DeleteVirtualMFADevice", In({{"SerialNumber", serial}}));
  Ok("DeleteUser", In({{"UserName", "dave"}}));
}

}  // namespace
}  // namespace tw::services::iam::testing
