// SPDX-License-Identifier: Apache-2.0
#include "auth/sigv4/auth_error.h"

namespace tw::auth {
namespace {

constexpr std::string_view kSignatureMismatchText =
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details.";
constexpr std::string_view kInvalidTokenText =
    "The security token included in the request is invalid.";
constexpr std::string_view kExpiredTokenText =
    "The security token included in the request is expired";

std::string Or(const std::string& text, std::string_view fallback) {
  return text.empty() ? std::string(fallback) : text;
}

// Query and JSON services answer in pairs: the query code, or the JSON "...Exception" code.
AwsError Pick(ErrorFlavor flavor, ErrorCode query_code, ErrorCode json_code, std::string message) {
  return AwsError::From(flavor == ErrorFlavor::kQuery ? query_code : json_code, std::move(message));
}

AwsError WithExtras(AwsError error, const AuthError& auth) {
  for (const auto& [name, value] : auth.extra) error.extra.emplace_back(name, value);
  return error;
}

AwsError SignatureMismatch(const AuthError& error, ErrorFlavor flavor) {
  switch (flavor) {
    case ErrorFlavor::kQuery: {
      std::string message(kSignatureMismatchText);
      // IAM and STS still explain what they expected; it is what makes client bugs debuggable.
      std::string_view canonical = error.Extra("CanonicalRequest");
      std::string_view string_to_sign = error.Extra("StringToSign");
      if (!canonical.empty() && !string_to_sign.empty()) {
        message += "\n\nThe Canonical String for this request should have been\n'";
        message += canonical;
        message += "'\n\nThe String-to-Sign should have been\n'";
        message += string_to_sign;
        message += "'\n";
      }
      return AwsError::From(ErrorCode::kSignatureDoesNotMatch, std::move(message));
    }
    case ErrorFlavor::kJson:
      return AwsError::From(ErrorCode::kInvalidSignatureException,
                            std::string(kSignatureMismatchText));
    case ErrorFlavor::kS3:
      return WithExtras(
          AwsError::From(ErrorCode::kSignatureDoesNotMatch, std::string(kSignatureMismatchText)),
          error);
  }
  return AwsError::From(ErrorCode::kSignatureDoesNotMatch, std::string(kSignatureMismatchText));
}

}  // namespace

std::string_view AuthError::Extra(std::string_view name) const {
  for (const auto& [key, value] : extra) {
    if (key == name) return value;
  }
  return {};
}

AuthError MakeAuthError(AuthErrorKind kind, std::string message, std::string s3_message) {
  AuthError error;
  error.kind = kind;
  error.message = std::move(message);
  error.s3_message = std::move(s3_message);
  return error;
}

AwsError ToAwsError(const AuthError& error, ErrorFlavor flavor) {
  const bool s3 = flavor == ErrorFlavor::kS3;
  switch (error.kind) {
    case AuthErrorKind::kMissingAuthentication:
      if (s3) return AwsError::From(ErrorCode::kAccessDenied, "Access Denied");
      return flavor == ErrorFlavor::kQuery
                 ? AwsError::From(ErrorCode::kMissingAuthenticationToken,
                                  "Request is missing Authentication Token")
                 : AwsError::From(ErrorCode::kMissingAuthenticationTokenException,
                                  "Missing Authentication Token");

    case AuthErrorKind::kUnsupportedAlgorithm:
    case AuthErrorKind::kConflictingAuth:
      if (s3) {
        return WithExtras(AwsError::From(ErrorCode::kInvalidArgument,
                                         Or(error.s3_message, "Unsupported Authorization Type")),
                          error);
      }
      return Pick(flavor, ErrorCode::kIncompleteSignature, ErrorCode::kIncompleteSignatureException,
                  error.message);

    case AuthErrorKind::kIncompleteSignature:
      if (s3) {
        return WithExtras(
            AwsError::From(ErrorCode::kAuthorizationHeaderMalformed,
                           Or(error.s3_message, "The authorization header is malformed.")),
            error);
      }
      return Pick(flavor, ErrorCode::kIncompleteSignature, ErrorCode::kIncompleteSignatureException,
                  error.message);

    case AuthErrorKind::kInvalidQueryParameters:
      if (s3) {
        return WithExtras(AwsError::From(ErrorCode::kAuthorizationQueryParametersError,
                                         Or(error.s3_message, error.message)),
                          error);
      }
      return Pick(flavor, ErrorCode::kIncompleteSignature, ErrorCode::kIncompleteSignatureException,
                  error.message);

    case AuthErrorKind::kInvalidDate:
      if (s3) {
        if (error.presigned) {
          return AwsError::From(
              ErrorCode::kAuthorizationQueryParametersError,
              "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
        }
        return AwsError::From(ErrorCode::kAccessDenied,
                              "AWS authentication requires a valid Date or x-amz-date header");
      }
      return Pick(flavor, ErrorCode::kIncompleteSignature, ErrorCode::kIncompleteSignatureException,
                  error.message);

    case AuthErrorKind::kInvalidScope:
      if (s3) {
        return WithExtras(
            AwsError::From(error.presigned ? ErrorCode::kAuthorizationQueryParametersError
                                           : ErrorCode::kAuthorizationHeaderMalformed,
                           Or(error.s3_message, error.message)),
            error);
      }
      return Pick(flavor, ErrorCode::kSignatureDoesNotMatch, ErrorCode::kInvalidSignatureException,
                  error.message);

    case AuthErrorKind::kUnknownAccessKey:
      if (s3) {
        return WithExtras(
            AwsError::From(ErrorCode::kInvalidAccessKeyId,
                           "The AWS Access Key Id you provided does not exist in our records."),
            error);
      }
      return Pick(flavor, ErrorCode::kInvalidClientTokenId, ErrorCode::kUnrecognizedClientException,
                  std::string(kInvalidTokenText));

    case AuthErrorKind::kInvalidToken:
      if (s3) {
        return AwsError::From(ErrorCode::kInvalidToken,
                              "The provided token is malformed or otherwise invalid.");
      }
      return Pick(flavor, ErrorCode::kInvalidClientTokenId, ErrorCode::kUnrecognizedClientException,
                  std::string(kInvalidTokenText));

    case AuthErrorKind::kExpiredToken:
      if (s3) {
        // S3 answers 400 where the registry (query protocol) says 403.
        AwsError aws = AwsError::From(ErrorCode::kExpiredToken, "The provided token has expired.");
        aws.http_status = 400;
        return aws;
      }
      return Pick(flavor, ErrorCode::kExpiredToken, ErrorCode::kExpiredTokenException,
                  std::string(kExpiredTokenText));

    case AuthErrorKind::kRequestTimeTooSkewed:
      if (s3) {
        return WithExtras(
            AwsError::From(ErrorCode::kRequestTimeTooSkewed,
                           "The difference between the request time and the current time is too "
                           "large."),
            error);
      }
      return Pick(flavor, ErrorCode::kSignatureDoesNotMatch, ErrorCode::kInvalidSignatureException,
                  error.message);

    case AuthErrorKind::kPresignedExpired:
    case AuthErrorKind::kPresignedNotYetValid: {
      std::string text = error.kind == AuthErrorKind::kPresignedExpired
                             ? "Request has expired"
                             : "Request is not valid yet";
      if (s3) return WithExtras(AwsError::From(ErrorCode::kAccessDenied, std::move(text)), error);
      return Pick(flavor, ErrorCode::kAccessDenied, ErrorCode::kAccessDeniedException,
                  std::move(text));
    }

    case AuthErrorKind::kSignatureMismatch:
    case AuthErrorKind::kChunkSignatureMismatch:
      return SignatureMismatch(error, flavor);

    case AuthErrorKind::kInvalidContentSha256:
      if (s3) {
        return WithExtras(
            AwsError::From(ErrorCode::kInvalidArgument, Or(error.s3_message, error.message)),
            error);
      }
      return SignatureMismatch(AuthError{}, flavor);

    case AuthErrorKind::kContentSha256Mismatch:
      if (s3) {
        return WithExtras(
            AwsError::From(ErrorCode::kXAmzContentSHA256Mismatch,
                           "The provided 'x-amz-content-sha256' header does not match what was "
                           "computed."),
            error);
      }
      return SignatureMismatch(AuthError{}, flavor);

    case AuthErrorKind::kMalformedChunkedBody:
      return AwsError::From(ErrorCode::kIncompleteBody,
                            Or(error.message, "The request body terminated unexpectedly"));
  }
  return SignatureMismatch(error, flavor);
}

std::string_view AuthErrorKindName(AuthErrorKind kind) {
  switch (kind) {
    case AuthErrorKind::kMissingAuthentication:
      return "MissingAuthentication";
    case AuthErrorKind::kUnsupportedAlgorithm:
      return "UnsupportedAlgorithm";
    case AuthErrorKind::kConflictingAuth:
      return "ConflictingAuth";
    case AuthErrorKind::kIncompleteSignature:
      return "IncompleteSignature";
    case AuthErrorKind::kInvalidQueryParameters:
      return "InvalidQueryParameters";
    case AuthErrorKind::kInvalidDate:
      return "InvalidDate";
    case AuthErrorKind::kInvalidScope:
      return "InvalidScope";
    case AuthErrorKind::kUnknownAccessKey:
      return "UnknownAccessKey";
    case AuthErrorKind::kInvalidToken:
      return "InvalidToken";
    case AuthErrorKind::kExpiredToken:
      return "ExpiredToken";
    case AuthErrorKind::kRequestTimeTooSkewed:
      return "RequestTimeTooSkewed";
    case AuthErrorKind::kPresignedExpired:
      return "PresignedExpired";
    case AuthErrorKind::kPresignedNotYetValid:
      return "PresignedNotYetValid";
    case AuthErrorKind::kSignatureMismatch:
      return "SignatureMismatch";
    case AuthErrorKind::kInvalidContentSha256:
      return "InvalidContentSha256";
    case AuthErrorKind::kContentSha256Mismatch:
      return "ContentSha256Mismatch";
    case AuthErrorKind::kMalformedChunkedBody:
      return "MalformedChunkedBody";
    case AuthErrorKind::kChunkSignatureMismatch:
      return "ChunkSignatureMismatch";
  }
  return "Unknown";
}

}  // namespace tw::auth
