// SPDX-License-Identifier: Apache-2.0
// Fuzzes SigV4 parsing and verification. The input is split on '\n' into: Authorization value,
// raw query, path, X-Amz-Date, x-amz-content-sha256, then the rest as the body. An odd first byte
// signs the request first (then applies the fields on top), so the success and late-check paths
// are reached too. Every error is rendered in all three flavours.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "auth/credentials.h"
#include "auth/sigv4/auth_error.h"
#include "auth/sigv4/chunked.h"
#include "auth/sigv4/parser.h"
#include "auth/sigv4/signer.h"
#include "auth/sigv4/verifier.h"
#include "http/message.h"

namespace {

constexpr std::int64_t kNow = 1'440'938'160'000;  // 2015-08-30T12:36:00Z

class Provider final : public tw::auth::CredentialProvider {
 public:
  std::optional<tw::auth::Credential> Find(std::string_view id) const override {
    if (id != "AKIDEXAMPLE" && id != "ASIAEXAMPLE") return std::nullopt;
    tw::auth::Credential c;
    c.access_key_id = std::string(id);
    c.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    if (id == "ASIAEXAMPLE") {
      c.session_token = "token";
      c.expires_millis = kNow + 1000;
    }
    return c;
  }
};

void Exercise(const tw::http::HttpRequest& request, const tw::auth::Verifier& verifier,
              const Provider& provider) {
  (void)tw::auth::PeekCredentialScope(request);
  for (bool s3 : {false, true}) {
    auto parsed = tw::auth::ParseAuth(request, s3);
    if (parsed) (void)tw::auth::CandidateCanonicalRequests(request, *parsed, !s3);
    tw::auth::VerifyOptions options;
    options.s3 = s3;
    if (s3) options.expected_region = "us-east-1";
    auto verified = verifier.Verify(request, provider, kNow, options);
    if (!verified) {
      for (auto flavor : {tw::auth::ErrorFlavor::kQuery, tw::auth::ErrorFlavor::kJson,
                          tw::auth::ErrorFlavor::kS3}) {
        (void)tw::auth::ToAwsError(verified.error(), flavor);
      }
    } else if (s3) {
      (void)tw::auth::DecodeStreamingBody(request, *verified);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Provider provider;
  static const tw::auth::Verifier verifier;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  bool sign_first = !input.empty() && (static_cast<unsigned char>(input[0]) & 1);
  std::vector<std::string_view> fields;
  while (fields.size() < 5) {
    auto nl = input.find('\n');
    if (nl == std::string_view::npos) break;
    fields.push_back(input.substr(0, nl));
    input.remove_prefix(nl + 1);
  }
  fields.resize(5);

  tw::http::HttpRequest request;
  request.method = sign_first ? "PUT" : "GET";
  request.path = std::string(fields[2]);
  request.raw_query = std::string(fields[1]);
  request.body = std::string(input);
  request.headers.Add("Host", "example.amazonaws.com");
  if (sign_first) {
    tw::auth::SigningParams params;
    params.access_key_id = fields[0].size() % 2 ? "ASIAEXAMPLE" : "AKIDEXAMPLE";
    params.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    if (params.access_key_id[1] == 'S') params.session_token = "token";
    params.region = "us-east-1";
    params.service = fields[3].size() % 2 ? "s3" : "service";
    params.s3 = params.service == "s3";
    params.now_millis = kNow;
    if (!fields[4].empty()) params.payload_hash = std::string(fields[4]);
    if (fields[0].size() % 3 == 0) {
      tw::auth::Presign(request, params, 3600);
    } else {
      tw::auth::SignRequest(request, params);
    }
    Exercise(request, verifier, provider);
  }
  if (!fields[0].empty()) request.headers.Set("Authorization", std::string(fields[0]));
  if (!fields[3].empty()) request.headers.Set("X-Amz-Date", std::string(fields[3]));
  if (!fields[4].empty()) request.headers.Set("x-amz-content-sha256", std::string(fields[4]));
  Exercise(request, verifier, provider);
  return 0;
}
