// SPDX-License-Identifier: Apache-2.0
// The bytes SNS puts on the wire: the JSON documents HTTP/S and email-json endpoints receive
// (Notification, SubscriptionConfirmation, UnsubscribeConfirmation), the canonical string their
// signature covers, the plain-text emails (confirmation request and notification with its
// unsubscribe footer) and trailwatch's stand-ins for AWS's links (SubscribeURL, UnsubscribeURL,
// SigningCertURL), which point at this server's /_trailwatch/sns/ routes. Formats follow the AWS
// SNS Developer Guide, "Parsing message formats" and "Email notifications".
//
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tw::services::sns {

// The path prefix of every link route; '_' cannot start an S3 bucket name, so no bucket collides.
inline constexpr std::string_view kLinkPrefix = "/_trailwatch/sns/";

struct Envelope {
  std::string type;  // Notification | SubscriptionConfirmation | UnsubscribeConfirmation
  std::string message_id;
  std::string token;  // confirmations only
  std::string topic_arn;
  std::optional<std::string> subject;  // notifications published with a Subject only
  std::string message;
  std::string subscribe_url;  // confirmations only
  std::string timestamp;      // ISO 8601 with milliseconds
  std::string signature_version = "1";
  std::string signature;
  std::string signing_cert_url;
  std::string unsubscribe_url;                    // notifications only
  std::optional<std::string> message_attributes;  // rendered JSON object, notifications only
};

// "Key\nValue\n" for each signed field present, in the order AWS documents.
std::string StringToSign(const Envelope& envelope);
// The JSON document, keys in AWS's order, in AWS's `"Key" : "value"` pretty style.
std::string RenderEnvelope(const Envelope& envelope);
// A JSON string literal (quotes included).
std::string JsonQuote(std::string_view text);

// The links a subscriber follows. `base` is the server's URL ("http://127.0.0.1:4566").
std::string SubscribeUrl(std::string_view base, std::string_view topic_arn, std::string_view token);
std::string ConfirmationPageUrl(std::string_view base, std::string_view topic_arn,
                                std::string_view token, std::string_view endpoint);
std::string UnsubscribeUrl(std::string_view base, std::string_view subscription_arn);
std::string UnsubscribePageUrl(std::string_view base, std::string_view subscription_arn,
                               std::string_view endpoint);
std::string SigningCertUrl(std::string_view base, std::string_view certificate_id);

// The SubscriptionConfirmation/UnsubscribeConfirmation Message texts.
std::string ConfirmationMessage(std::string_view topic_arn);
std::string UnsubscribeMessage(std::string_view subscription_arn);

// Email bodies (protocol `email`).
std::string ConfirmationEmailBody(std::string_view topic_arn, std::string_view confirm_url);
std::string NotificationEmailBody(std::string_view message, std::string_view unsubscribe_url);
inline constexpr std::string_view kConfirmationSubject =
    "AWS Notification - Subscription Confirmation";
inline constexpr std::string_view kDefaultEmailSubject = "AWS Notification Message";

}  // namespace tw::services::sns
