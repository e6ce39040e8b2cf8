// SPDX-License-Identifier: Apache-2.0
#include "services/sns/transport.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <mutex>

#include "common/crypto.h"
#include "common/time_format.h"

namespace tw::services::sns {
namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Upload {
  std::string_view data;
  std::size_t offset = 0;
};

std::size_t ReadUpload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  std::size_t n = std::min(size * count, upload->data.size() - upload->offset);
  std::memcpy(buffer, upload->data.data() + upload->offset, n);
  upload->offset += n;
  return n;
}

std::size_t Discard(char*, std::size_t size, std::size_t count, void*) { return size * count; }

bool IsAscii(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80 || c < 0x20) return false;
  }
  return true;
}

// RFC 2047 encoded-word for non-ASCII subjects.
std::string HeaderText(std::string_view s) {
  if (IsAscii(s)) return std::string(s);
  return "=?UTF-8?B?" + Base64Encode(s) + "?=";
}

}  // namespace

std::string QuotedPrintable(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  std::size_t line_length = 0;
  // Appends one encoded unit, breaking the line softly first so no line exceeds 76 characters.
  auto put = [&](std::string_view unit) {
    if (line_length + unit.size() > 75) {
      out += "=\r\n";
      line_length = 0;
    }
    out += unit;
    line_length += unit.size();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n' || (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
      if (c == '\r') ++i;
      out += "\r\n";  // a hard line break stays one
      line_length = 0;
      continue;
    }
    const bool at_line_end = i + 1 == text.size() || text[i + 1] == '\n' || text[i + 1] == '\r';
    const bool literal =
        (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !at_line_end);
    if (literal) {
      const char one[1] = {static_cast<char>(c)};
      put(std::string_view(one, 1));
    } else {
      const char escaped[3] = {'=', kHex[c >> 4], kHex[c & 15]};
      put(std::string_view(escaped, 3));
    }
  }
  return out;
}

std::string DecodeQuotedPrintable(std::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;  // CRLF → \n
    if (c != '=') {
      out += c;
      continue;
    }
    if (text.substr(i + 1, 2) == "\r\n") {
      i += 2;  // soft line break
    } else if (i + 1 < text.size() && text[i + 1] == '\n') {
      i += 1;
    } else if (i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string AddressOf(const std::string& mailbox) {
  auto open = mailbox.rfind('<');
  auto close = mailbox.rfind('>');
  if (open != std::string::npos && close != std::string::npos && close > open) {
    return mailbox.substr(open + 1, close - open - 1);
  }
  return mailbox;
}

std::string RenderEmail(const OutgoingEmail& email, const std::string& from,
                        std::int64_t epoch_millis) {
  std::string domain = AddressOf(from);
  domain = domain.substr(domain.find('@') == std::string::npos ? 0 : domain.find('@') + 1);
  std::string sender = from;
  if (!email.sender_name.empty()) {
    std::string name = email.sender_name;
    std::erase_if(name, [](char c) { return c == '"' || c == '\\' || c == '\r' || c == '\n'; });
    sender = (IsAscii(name) ? "\"" + name + "\"" : HeaderText(name)) + " <" + AddressOf(from) + ">";
  }
  std::string headers = "From: " + sender + "\r\nTo: " + email.to +
                        "\r\nSubject: " + HeaderText(email.subject) +
                        "\r\nDate: " + FormatHttpDate(epoch_millis) + "\r\nMessage-ID: <" +
                        email.message_id + "@" + domain +
                        ">\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                        "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
  // Quoted-printable keeps every line within SMTP's 998-character limit (an alarm's JSON message
  // is one long line) and the body 7-bit clean for relays without 8BITMIME.
  return headers + QuotedPrintable(email.body);
}

CurlTransport::CurlTransport(SmtpSettings smtp, std::filesystem::path outbox, const Clock& clock)
    : smtp_(std::move(smtp)), outbox_(std::move(outbox)), clock_(clock) {
  GlobalInit();
}

SendResult CurlTransport::SendEmail(const OutgoingEmail& email) {
  const std::int64_t now = EpochMillis(clock_.Now());
  std::string message = RenderEmail(email, smtp_.from, now);
  if (smtp_.url.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(outbox_, ec);
    auto path = outbox_ / (std::to_string(now) + "-" + email.message_id + ".eml");
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return {false, "cannot create " + path.string()};
    bool ok = ::write(fd, message.data(), message.size()) == static_cast<ssize_t>(message.size());
    ::close(fd);
    return ok ? SendResult{true, ""} : SendResult{false, "cannot write " + path.string()};
  }
  CURL* curl = curl_easy_init();
  if (!curl) return {false, "curl_easy_init failed"};
  Upload upload{message};
  std::string from = "<" + AddressOf(smtp_.from) + ">";
  std::string to = "<" + email.to + ">";
  curl_slist* recipients = curl_slist_append(nullptr, to.c_str());
  curl_easy_setopt(curl, CURLOPT_URL, smtp_.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  if (!smtp_.user.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, smtp_.user.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, smtp_.password.c_str());
    curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
  }
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadUpload);
  curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 15L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
  CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(recipients);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) return {false, std::string("SMTP: ") + curl_easy_strerror(rc)};
  return {true, ""};
}

SendResult CurlTransport::Post(const OutgoingPost& post) {
  CURL* curl = curl_easy_init();
  if (!curl) return {false, "curl_easy_init failed"};
  curl_slist* headers = nullptr;
  for (const auto& [name, value] : post.headers) {
    headers = curl_slist_append(headers, (name + ": " + value).c_str());
  }
  headers = curl_slist_append(headers, "Expect:");
  curl_easy_setopt(curl, CURLOPT_URL, post.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, post.body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(post.body.size()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Discard);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 15L);
  CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) return {false, std::string("HTTP: ") + curl_easy_strerror(rc)};
  if (status >= 500 || status < 200) return {false, "HTTP status " + std::to_string(status)};
  return {true, ""};
}

}  // namespace tw::services::sns
