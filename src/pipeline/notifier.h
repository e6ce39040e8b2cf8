// SPDX-License-Identifier: Apache-2.0
// Notifier: how an alarm's actions reach SNS without CloudWatch depending on SNS. CloudWatch
// calls Publish for each action ARN when an alarm changes state; the SNS service implements it
// (the same path as the Publish API, as the principal cloudwatch.amazonaws.com, so the topic
// policy decides). Implementations are thread-safe, quick (delivery is asynchronous) and report
// failures instead of dropping them silently.
#pragma once

#include <map>
#include <string>

#include "common/result.h"

namespace tw::pipeline {

struct Notification {
  std::string topic_arn;
  std::string subject;  // "ALARM: \"name\" in US East (N. Virginia)"
  std::string message;  // the alarm's JSON message, as CloudWatch writes it
  std::string source_account_id;
  std::string source_arn;  // the alarm ARN (aws:SourceArn for the topic policy)
  // Per-protocol replacements of `message`, keyed as Publish's MessageStructure=json keys:
  // CloudWatch gives "email" subscribers a readable text while email-json, http/https and the
  // rest get the JSON. Empty: every protocol gets `message`.
  std::map<std::string, std::string> per_protocol;
};

class Notifier {
 public:
  virtual ~Notifier() = default;
  // The message id SNS assigned, or the error (NotFound, AuthorizationError, ...).
  virtual Result<std::string> Publish(const Notification& notification) = 0;
};

}  // namespace tw::pipeline
