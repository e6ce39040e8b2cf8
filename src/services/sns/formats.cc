// SPDX-License-Identifier: Apache-2.0
#include "services/sns/formats.h"

#include <cstdio>
#include <vector>

#include "common/strings.h"

namespace tw::services::sns {
namespace {

void AppendSigned(std::string& out, std::string_view key, std::string_view value) {
  out.append(key).append("\n").append(value).append("\n");
}

std::string Query(std::string_view base, std::string_view path,
                  std::initializer_list<std::pair<std::string_view, std::string_view>> params) {
  std::string url = std::string(base) + std::string(kLinkPrefix) + std::string(path);
  char sep = '?';
  for (const auto& [name, value] : params) {
    url += sep;
    url.append(name).append("=").append(UriEncode(value));
    sep = '&';
  }
  return url;
}

}  // namespace

std::string JsonQuote(std::string_view text) {
  std::string out;
  AppendJsonString(out, text);
  return out;
}

std::string StringToSign(const Envelope& e) {
  // Byte-sorted key order; Subject only when present (AWS verification guide).
  std::string out;
  if (e.type == "Notification") {
    AppendSigned(out, "Message", e.message);
    AppendSigned(out, "MessageId", e.message_id);
    if (e.subject) AppendSigned(out, "Subject", *e.subject);
    AppendSigned(out, "Timestamp", e.timestamp);
    AppendSigned(out, "TopicArn", e.topic_arn);
    AppendSigned(out, "Type", e.type);
  } else {
    AppendSigned(out, "Message", e.message);
    AppendSigned(out, "MessageId", e.message_id);
    AppendSigned(out, "SubscribeURL", e.subscribe_url);
    AppendSigned(out, "Timestamp", e.timestamp);
    AppendSigned(out, "Token", e.token);
    AppendSigned(out, "TopicArn", e.topic_arn);
    AppendSigned(out, "Type", e.type);
  }
  return out;
}

std::string RenderEnvelope(const Envelope& e) {
  std::vector<std::pair<std::string_view, std::string>> fields;
  auto add = [&](std::string_view key, std::string_view value) {
    fields.emplace_back(key, JsonQuote(value));
  };
  add("Type", e.type);
  add("MessageId", e.message_id);
  if (e.type == "Notification") {
    add("TopicArn", e.topic_arn);
    if (e.subject) add("Subject", *e.subject);
    add("Message", e.message);
    add("Timestamp", e.timestamp);
    add("SignatureVersion", e.signature_version);
    add("Signature", e.signature);
    add("SigningCertURL", e.signing_cert_url);
    add("UnsubscribeURL", e.unsubscribe_url);
    if (e.message_attributes) fields.emplace_back("MessageAttributes", *e.message_attributes);
  } else {
    add("Token", e.token);
    add("TopicArn", e.topic_arn);
    add("Message", e.message);
    add("SubscribeURL", e.subscribe_url);
    add("Timestamp", e.timestamp);
    add("SignatureVersion", e.signature_version);
    add("Signature", e.signature);
    add("SigningCertURL", e.signing_cert_url);
  }
  std::string out = "{\n";
  for (std::size_t i = 0; i < fields.size(); ++i) {
    out += "  " + JsonQuote(fields[i].first) + " : " + fields[i].second;
    out += i + 1 < fields.size() ? ",\n" : "\n";
  }
  out += "}";
  return out;
}

std::string SubscribeUrl(std::string_view base, std::string_view topic_arn,
                         std::string_view token) {
  return Query(base, "",
               {{"Action", "ConfirmSubscription"}, {"TopicArn", topic_arn}, {"Token", token}});
}

std::string ConfirmationPageUrl(std::string_view base, std::string_view topic_arn,
                                std::string_view token, std::string_view endpoint) {
  return Query(base, "confirmation.html",
               {{"TopicArn", topic_arn}, {"Token", token}, {"Endpoint", endpoint}});
}

std::string UnsubscribeUrl(std::string_view base, std::string_view subscription_arn) {
  return Query(base, "", {{"Action", "Unsubscribe"}, {"SubscriptionArn", subscription_arn}});
}

std::string UnsubscribePageUrl(std::string_view base, std::string_view subscription_arn,
                               std::string_view endpoint) {
  return Query(base, "unsubscribe.html",
               {{"SubscriptionArn", subscription_arn}, {"Endpoint", endpoint}});
}

std::string SigningCertUrl(std::string_view base, std::string_view certificate_id) {
  return std::string(base) + std::string(kLinkPrefix) + "SimpleNotificationService-" +
         std::string(certificate_id) + ".pem";
}

std::string ConfirmationMessage(std::string_view topic_arn) {
  return "You have chosen to subscribe to the topic " + std::string(topic_arn) +
         ".\nTo confirm the subscription, visit the SubscribeURL included in this message.";
}

std::string UnsubscribeMessage(std::string_view subscription_arn) {
  return "You have chosen to deactivate subscription " + std::string(subscription_arn) +
         ".\nTo cancel this operation and restore the subscription, visit the SubscribeURL "
         "included in this message.";
}

std::string ConfirmationEmailBody(std::string_view topic_arn, std::string_view confirm_url) {
  return "You have chosen to subscribe to the topic:\n" + std::string(topic_arn) +
         "\n\nTo confirm this subscription, click or visit the link below (If this was in error "
         "no action is necessary):\nConfirm subscription   -> " +
         std::string(confirm_url) +
         "\n\nPlease do not reply directly to this email. If you wish to remove yourself from "
         "receiving all future SNS subscription confirmation requests please send an email to "
         "sns opt-out\n";
}

std::string NotificationEmailBody(std::string_view message, std::string_view unsubscribe_url) {
  return std::string(message) +
         "\n\n--\nIf you wish to stop receiving notifications from this topic, please click or "
         "visit the link below to unsubscribe:\n" +
         std::string(unsubscribe_url) +
         "\n\nPlease do not reply directly to this email. If you have any questions or comments "
         "regarding this email, please contact us at https://aws.amazon.com/support\n";
}

}  // namespace tw::services::sns
