// SPDX-License-Identifier: Apache-2.0
// Transport: how a rendered message leaves trailwatch. CurlTransport sends email over SMTP
// (smtp:// or smtps://, optional credentials) and HTTP/S POSTs with libcurl; without an SMTP URL
// each email is written as one RFC 5322 .eml file into the outbox directory instead, so a server
// with no mail relay still shows what would have been sent. The SMTP password is never logged.
//
// Thread-safe: each call uses its own curl handle.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"

namespace tw::services::sns {

struct SmtpSettings {
  std::string url;  // smtp://host:port or smtps://host:port; empty: write to the outbox
  std::string user;
  std::string password;
  std::string from = "AWS Notifications <no-reply@sns.amazonaws.com>";
};

struct OutgoingEmail {
  std::string to;
  std::string subject;
  std::string body;
  std::string message_id;
  // The topic's DisplayName, shown as the sender's name (AWS: DisplayName is the email's
  // sender display name); empty keeps the configured From.
  std::string sender_name;
};

struct OutgoingPost {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct SendResult {
  bool delivered = false;
  std::string error;  // why not, for the log and the retry record
};

class Transport {
 public:
  virtual ~Transport() = default;
  virtual SendResult SendEmail(const OutgoingEmail& email) = 0;
  virtual SendResult Post(const OutgoingPost& post) = 0;
};

class CurlTransport final : public Transport {
 public:
  CurlTransport(SmtpSettings smtp, std::filesystem::path outbox, const Clock& clock);
  SendResult SendEmail(const OutgoingEmail& email) override;
  // Delivered when the endpoint answers 200-499 within 15 s (AWS: 5xx and timeouts retry).
  SendResult Post(const OutgoingPost& post) override;

 private:
  SmtpSettings smtp_;
  std::filesystem::path outbox_;
  const Clock& clock_;
};

// The RFC 5322 message (CRLF lines) for `email` from `from`, dated `epoch_millis`.
// RFC 2045 quoted-printable: lines of at most 76 characters, line breaks as CRLF.
std::string QuotedPrintable(std::string_view text);
// Its inverse: soft breaks removed, =XX decoded, CRLF as "\n"; a malformed escape is kept as is.
std::string DecodeQuotedPrintable(std::string_view text);

std::string RenderEmail(const OutgoingEmail& email, const std::string& from,
                        std::int64_t epoch_millis);
// The bare address of "Name <addr>" (or the text itself).
std::string AddressOf(const std::string& mailbox);

}  // namespace tw::services::sns
