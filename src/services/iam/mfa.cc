// SPDX-License-Identifier: Apache-2.0
// Virtual MFA devices: creation (seed and QR code), enabling with two consecutive TOTP codes,
// resync, deactivation, deletion and the listings.
#include "services/iam/credential_crypto.h"
#include "services/iam/errors.h"
#include "services/iam/iam_service.h"
#include "services/iam/mfa_check.h"

namespace tw::services::iam {
namespace {

// Steps of clock drift accepted: a code of the previous or next step for sign-in; more for the
// two codes of EnableMFADevice, and a wide window for ResyncMFADevice, whose purpose is drift.
constexpr std::int64_t kSignInWindow = 1;
constexpr std::int64_t kEnableWindow = 10;
constexpr std::int64_t kResyncWindow = 60;

AwsError InvalidCode() {
  return AwsError::Make("InvalidAuthenticationCode", 403,
                        "Authentication code for device is not valid.");
}

std::int64_t NowStep(const RequestContext& context) {
  return EpochMillis(context.clock.Now()) / 1000 / kTotpStepSeconds;
}

Value MfaDeviceValue(const MfaDeviceRecord& d) {
  Value v = Value::MakeStructure();
  v.Set("UserName", d.user_name);
  v.Set("SerialNumber", d.serial_number);
  if (d.enabled_at) v.Set("EnableDate", TimestampValue(*d.enabled_at));
  return v;
}

}  // namespace

Result<MfaCheck> CheckMfaCode(IamStore& store, std::string_view user_name,
                              std::string_view serial_number, std::string_view code,
                              std::int64_t now_millis) {
  if (user_name.empty()) return MfaCheck::kNotUsersDevice;
  auto device = store.GetMfaDevice(serial_number);
  if (!device) {
    if (device.error().code == "NoSuchEntity") return MfaCheck::kNotUsersDevice;
    return std::move(device).error();
  }
  auto user = store.GetUser(user_name);
  if (!user) return std::move(user).error();
  if (device->user_name.empty() || device->user.id != user->id) return MfaCheck::kNotUsersDevice;
  auto key = Base32Decode(device->seed);
  if (!key) return MfaCheck::kInvalidCode;
  auto step =
      FindTotpStep(*key, code, now_millis / 1000 / kTotpStepSeconds, kSignInWindow, kSignInWindow);
  if (!step) return MfaCheck::kInvalidCode;
  auto fresh = store.AdvanceMfaCounter(serial_number, *step);
  if (!fresh) return std::move(fresh).error();
  return *fresh ? MfaCheck::kValid : MfaCheck::kInvalidCode;
}

Result<Value> IamService::CreateVirtualMFADevice(RequestContext& context, const Value& input) {
  MfaDeviceRecord device;
  device.name = input.GetString("VirtualMFADeviceName");
  device.path = PathOr(input, "Path");
  device.serial_number = IamArn(account_id_, "mfa", device.path, device.name);
  // 40 random bytes: a 64-character base32 seed, the length IAM's seeds have.
  device.seed = Base32Encode(context.random.Bytes(40));
  device.created_at = NowSeconds(EpochMillis(context.clock.Now()));
  // The authenticator app shows "<device name>@<account>", as the AWS console's QR codes do.
  auto png =
      QrCodePng("otpauth://totp/" + device.name + "@" + account_id_ + "?secret=" + device.seed);
  if (!png) return std::move(png).error();
  if (Status st = store_.CreateMfaDevice(device); !st) return std::move(st).error();
  Value v = Value::MakeStructure();
  v.Set("SerialNumber", device.serial_number);
  // Blobs: the codec base64-encodes them, so clients see base64 of the base32 text and of the
  // PNG, as from IAM.
  v.Set("Base32StringSeed", protocol::Blob{device.seed});
  v.Set("QRCodePNG", protocol::Blob{std::move(*png)});
  Value output = Value::MakeStructure();
  output.Set("VirtualMFADevice", std::move(v));
  return output;
}

Result<Value> IamService::EnableMFADevice(RequestContext& context, const Value& input) {
  std::string user_name(input.GetString("UserName"));
  auto user = store_.GetUser(user_name);
  if (!user) return std::move(user).error();
  std::string_view serial = input.GetString("SerialNumber");
  auto device = store_.GetMfaDevice(serial);
  if (!device) return std::move(device).error();
  if (!device->user_name.empty()) return EntityAlreadyExists("MFA Device is already in use.");
  auto key = Base32Decode(device->seed);
  if (!key) return InvalidCode();
  auto step = FindConsecutiveTotpSteps(*key, input.GetString("AuthenticationCode1"),
                                       input.GetString("AuthenticationCode2"), NowStep(context),
                                       kEnableWindow, 1);
  if (!step) return InvalidCode();
  if (Status st = store_.EnableMfaDevice(user->name, serial, *step + 1,
                                         NowSeconds(EpochMillis(context.clock.Now())));
      !st) {
    return std::move(st).error();
  }
  return Value::MakeStructure();
}

Result<Value> IamService::ResyncMFADevice(RequestContext& context, const Value& input) {
  std::string user_name(input.GetString("UserName"));
  auto user = store_.GetUser(user_name);
  if (!user) return std::move(user).error();
  std::string_view serial = input.GetString("SerialNumber");
  auto device = store_.GetMfaDevice(serial);
  if (!device) return std::move(device).error();
  if (device->user.id != user->id) {
    return NoSuchEntity("MFA Device with serial number " + std::string(serial) +
                        " does not exist.");
  }
  auto key = Base32Decode(device->seed);
  if (!key) return InvalidCode();
  auto step = FindConsecutiveTotpSteps(*key, input.GetString("AuthenticationCode1"),
                                       input.GetString("AuthenticationCode2"), NowStep(context),
                                       kResyncWindow, kResyncWindow);
  if (!step) return InvalidCode();
  auto advanced = store_.AdvanceMfaCounter(serial, *step + 1);
  if (!advanced) return std::move(advanced).error();
  if (!*advanced) return InvalidCode();  // codes already used
  return Value::MakeStructure();
}

Result<Value> IamService::DeactivateMFADevice(RequestContext& context, const Value& input) {
  std::string user_name = SubjectUserName(context, input);
  if (user_name.empty()) {
    return NoSuchEntity("MFA Device with serial number " +
                        std::string(input.GetString("SerialNumber")) + " does not exist.");
  }
  if (Status st = store_.DeactivateMfaDevice(user_name, input.GetString("SerialNumber")); !st) {
    return std::move(st).error();
  }
  return Value::MakeStructure();
}

Result<Value> IamService::DeleteVirtualMFADevice(RequestContext&, const Value& input) {
  if (Status st = store_.DeleteMfaDevice(input.GetString("SerialNumber")); !st) {
    return std::move(st).error();
  }
  return Value::MakeStructure();
}

Result<Value> IamService::ListMFADevices(RequestContext& context, const Value& input) {
  std::string user_name = SubjectUserName(context, input);
  std::vector<MfaDeviceRecord> devices;
  if (!user_name.empty()) {
    // The root user's devices are not IAM devices here: an empty list.
    auto listed = store_.ListMfaDevices(user_name);
    if (!listed) return std::move(listed).error();
    devices = std::move(*listed);
  }
  auto page = Paginate(input, devices.size());
  if (!page) return std::move(page).error();
  Value list = Value::MakeList();
  for (std::size_t i = page->begin; i < page->end; ++i) list.Push(MfaDeviceValue(devices[i]));
  Value output = Value::MakeStructure();
  output.Set("MFADevices", std::move(list));
  SetPageMembers(output, *page);
  return output;
}

Result<Value> IamService::ListVirtualMFADevices(RequestContext&, const Value& input) {
  auto all = store_.ListMfaDevices("");
  if (!all) return std::move(all).error();
  std::string status = OptionalString(input, "AssignmentStatus").value_or("Any");
  std::vector<const MfaDeviceRecord*> devices;
  for (const auto& d : *all) {
    bool assigned = !d.user_name.empty();
    if (status == "Any" || (status == "Assigned") == assigned) devices.push_back(&d);
  }
  auto page = Paginate(input, devices.size());
  if (!page) return std::move(page).error();
  Value list = Value::MakeList();
  for (std::size_t i = page->begin; i < page->end; ++i) {
    const MfaDeviceRecord& d = *devices[i];
    Value v = Value::MakeStructure();
    v.Set("SerialNumber", d.serial_number);
    if (!d.user_name.empty()) {
      v.Set("User", UserValue(account_id_, d.user, false));
      if (d.enabled_at) v.Set("EnableDate", TimestampValue(*d.enabled_at));
    }
    list.Push(std::move(v));
  }
  Value output = Value::MakeStructure();
  output.Set("VirtualMFADevices", std::move(list));
  SetPageMembers(output, *page);
  return output;
}

}  // namespace tw::services::iam
