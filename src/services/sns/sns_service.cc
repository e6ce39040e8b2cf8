// SPDX-License-Identifier: Apache-2.0
#include "services/sns/sns_service.h"

#include <spdlog/spdlog.h>

#include "common/strings.h"

namespace tw::services::sns {
namespace {

std::string HtmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

http::HttpResponse Page(int status, std::string_view title, std::string_view text) {
  http::HttpResponse response;
  response.status = status;
  response.headers.Set("Content-Type", "text/html; charset=UTF-8");
  response.body = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" +
                  HtmlEscape(title) + "</title></head><body><h1>" + HtmlEscape(title) + "</h1><p>" +
                  HtmlEscape(text) + "</p></body></html>\n";
  return response;
}

http::HttpResponse Xml(int status, std::string body) {
  http::HttpResponse response;
  response.status = status;
  response.headers.Set("Content-Type", "text/xml");
  response.body = std::move(body);
  return response;
}

std::string XmlError(const AwsError& e, std::string_view request_id) {
  return "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error><Type>Sender"
         "</Type><Code>" +
         HtmlEscape(e.code) + "</Code><Message>" + HtmlEscape(e.message) +
         "</Message></Error><RequestId>" + std::string(request_id) + "</RequestId></ErrorResponse>";
}

}  // namespace

AwsError InvalidParameter(std::string what) {
  return AwsError::Make("InvalidParameter", 400, "Invalid parameter: " + std::move(what));
}

AwsError TopicNotFound() { return AwsError::Make("NotFound", 404, "Topic does not exist"); }

std::optional<ArnParts> ParseSnsArn(std::string_view arn) {
  auto parts = Split(arn, ':');
  if (parts.size() < 6 || parts[0] != "arn" || parts[2] != "sns" || parts[3].empty() ||
      parts[4].size() != 12) {
    return std::nullopt;
  }
  std::string resource(arn.substr(arn.find(':', arn.find(parts[4]) + 12) + 1));
  return ArnParts{std::string(parts[3]), std::string(parts[4]), resource};
}

// AWS's policy for a topic created without one (what GetTopicAttributes returns).
std::string DefaultTopicPolicy(std::string_view topic_arn, std::string_view account_id) {
  return "{\"Version\":\"2008-10-17\",\"Id\":\"__default_policy_ID\",\"Statement\":[{\"Sid\":"
         "\"__default_statement_ID\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},"
         "\"Action\":[\"SNS:GetTopicAttributes\",\"SNS:SetTopicAttributes\","
         "\"SNS:AddPermission\",\"SNS:RemovePermission\",\"SNS:DeleteTopic\",\"SNS:Subscribe\","
         "\"SNS:ListSubscriptionsByTopic\",\"SNS:Publish\"],\"Resource\":\"" +
         std::string(topic_arn) + "\",\"Condition\":{\"StringEquals\":{\"AWS:SourceOwner\":\"" +
         std::string(account_id) + "\"}}}]}";
}

std::string DefaultEffectiveDeliveryPolicy() {
  return "{\"http\":{\"defaultHealthyRetryPolicy\":{\"minDelayTarget\":20,\"maxDelayTarget\":20,"
         "\"numRetries\":3,\"numMaxDelayRetries\":0,\"numNoDelayRetries\":0,"
         "\"numMinDelayRetries\":0,\"backoffFunction\":\"linear\"},"
         "\"disableSubscriptionOverrides\":false,\"defaultRequestPolicy\":{\"headerContentType\":"
         "\"text/plain; charset=UTF-8\"}}}";
}

SnsService::SnsService(store::Database& database, const Clock& clock, RandomSource& random,
                       SnsOptions options)
    : store_(database), clock_(clock), random_(random), options_(std::move(options)) {}

SnsService::~SnsService() {
  if (worker_) worker_->Stop();
}

Result<std::unique_ptr<SnsService>> SnsService::Create(store::Database& database,
                                                       const Clock& clock, RandomSource& random,
                                                       SnsOptions options) {
  std::unique_ptr<SnsService> service(new SnsService(database, clock, random, std::move(options)));
  auto signer = MessageSigner::Open(service->options_.data_dir / "sns");
  if (!signer) return signer.error();
  service->signer_ = std::move(signer).value();
  Transport* transport = service->options_.transport;
  if (!transport) {
    service->own_transport_ = std::make_unique<CurlTransport>(
        service->options_.smtp, service->options_.data_dir / "outbox", clock);
    transport = service->own_transport_.get();
  }
  service->worker_ = std::make_unique<DeliveryWorker>(service->store_, *transport, clock);
  if (service->options_.start_worker) service->worker_->Start();
  return service;
}

std::string SnsService::BaseUrl() const {
  return options_.public_url ? options_.public_url() : std::string("http://127.0.0.1:4566");
}

void SnsService::Register(OperationTable& table) {
  auto add = [&](const char* name,
                 Result<Value> (SnsService::*method)(RequestContext&, const Value&)) {
    table.Add("sns", name, [this, method](RequestContext& context, const Value& input) {
      return (this->*method)(context, input);
    });
  };
  add("CreateTopic", &SnsService::CreateTopic);
  add("DeleteTopic", &SnsService::DeleteTopic);
  add("ListTopics", &SnsService::ListTopics);
  add("GetTopicAttributes", &SnsService::GetTopicAttributes);
  add("SetTopicAttributes", &SnsService::SetTopicAttributes);
  add("TagResource", &SnsService::TagResource);
  add("UntagResource", &SnsService::UntagResource);
  add("ListTagsForResource", &SnsService::ListTagsForResource);
  add("Subscribe", &SnsService::Subscribe);
  add("ConfirmSubscription", &SnsService::ConfirmSubscription);
  add("Unsubscribe", &SnsService::Unsubscribe);
  add("ListSubscriptions", &SnsService::ListSubscriptions);
  add("ListSubscriptionsByTopic", &SnsService::ListSubscriptionsByTopic);
  add("GetSubscriptionAttributes", &SnsService::GetSubscriptionAttributes);
  add("SetSubscriptionAttributes", &SnsService::SetSubscriptionAttributes);
  add("Publish", &SnsService::PublishApi);
  add("PublishBatch", &SnsService::PublishBatch);
}

Result<TopicRecord> SnsService::RequireTopic(const std::string& arn) {
  if (!ParseSnsArn(arn)) return InvalidParameter("TopicArn");
  auto topic = store_.GetTopic(arn);
  if (!topic) return topic.error();
  if (!topic->has_value()) return TopicNotFound();
  return **topic;
}

Result<SubscriptionRecord> SnsService::RequireSubscription(const std::string& arn) {
  if (!ParseSnsArn(arn)) return InvalidParameter("SubscriptionArn");
  auto subscription = store_.GetSubscription(arn);
  if (!subscription) return subscription.error();
  if (!subscription->has_value()) {
    return AwsError::Make("NotFound", 404, "Subscription does not exist");
  }
  return **subscription;
}

std::optional<http::HttpResponse> SnsService::HandleLink(const http::HttpRequest& request) {
  if (request.method != "GET" && request.method != "HEAD") return std::nullopt;
  if (request.path.rfind(kLinkPrefix, 0) != 0) return std::nullopt;
  const std::string rest = request.path.substr(kLinkPrefix.size());
  std::map<std::string, std::string> params;
  if (auto parsed = ParseFormEncoded(request.raw_query)) {
    for (auto& [name, value] : *parsed) params[name] = value;
  }
  const std::string request_id = random_.Uuid();
  if (rest == "SimpleNotificationService-" + signer_->certificate_id() + ".pem") {
    http::HttpResponse response;
    response.headers.Set("Content-Type", "application/x-x509-ca-cert");
    response.body = signer_->certificate_pem();
    return response;
  }
  const std::string action = params["Action"];
  if (rest.empty() && action == "ConfirmSubscription") {
    auto arn = Confirm(params["TopicArn"], params["Token"], false);
    if (!arn) return Xml(arn.error().http_status, XmlError(arn.error(), request_id));
    return Xml(200,
               "<ConfirmSubscriptionResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
               "<ConfirmSubscriptionResult><SubscriptionArn>" +
                   HtmlEscape(*arn) +
                   "</SubscriptionArn></ConfirmSubscriptionResult><ResponseMetadata><RequestId>" +
                   request_id + "</RequestId></ResponseMetadata></ConfirmSubscriptionResponse>");
  }
  if (rest == "confirmation.html") {
    auto arn = Confirm(params["TopicArn"], params["Token"], false);
    if (!arn)
      return Page(arn.error().http_status, "Subscription not confirmed", arn.error().message);
    return Page(200, "Subscription confirmed!",
                "You have successfully subscribed. Your subscription's id is: " + *arn +
                    ". If it was not your intention to subscribe, visit the unsubscribe link in "
                    "any notification email.");
  }
  const bool unsubscribe_page = rest == "unsubscribe.html";
  if ((rest.empty() && action == "Unsubscribe") || unsubscribe_page) {
    auto subscription = RequireSubscription(params["SubscriptionArn"]);
    Status result;
    if (!subscription) {
      result = subscription.error();
    } else if (subscription->authenticate_unsubscribe) {
      // ConfirmSubscription(AuthenticateOnUnsubscribe=true) disables anonymous unsubscribe.
      result = AwsError::Make("AuthorizationError", 403,
                              "This subscription requires authentication to unsubscribe");
    } else {
      result = Remove(*subscription);
    }
    if (unsubscribe_page) {
      if (!result)
        return Page(result.error().http_status, "Unsubscribe failed", result.error().message);
      return Page(200, "Subscription removed!",
                  "Your subscription to the topic below has been deactivated for " +
                      subscription->endpoint + ": " + subscription->topic_arn);
    }
    if (!result) return Xml(result.error().http_status, XmlError(result.error(), request_id));
    return Xml(200,
               "<UnsubscribeResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
               "<ResponseMetadata><RequestId>" +
                   request_id + "</RequestId></ResponseMetadata></UnsubscribeResponse>");
  }
  return Page(404, "Not found", "No such SNS link.");
}

Result<std::string> SnsService::Publish(const pipeline::Notification& notification) {
  auto topic = RequireTopic(notification.topic_arn);
  if (!topic) return topic.error();
  PublishRequest request;
  request.topic_arn = notification.topic_arn;
  request.message = notification.message;
  if (!notification.subject.empty()) request.subject = notification.subject.substr(0, 100);
  return PublishMessage(*topic, request);
}

}  // namespace tw::services::sns
