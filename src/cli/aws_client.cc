// SPDX-License-Identifier: Apache-2.0
#include "cli/aws_client.h"

#include <curl/curl.h>

#include <chrono>
#include <mutex>

#include "auth/sigv4/signer.h"
#include "common/strings.h"

namespace tw::cli {
namespace json = boost::json;

namespace {

AwsError RequestError(std::string message) {
  return AwsError::Make("RequestError", 0, std::move(message));
}

std::size_t Collect(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

std::size_t CollectHeader(char* data, std::size_t size, std::size_t count, void* out) {
  std::string_view line(data, size * count);
  constexpr std::string_view kName = "x-amzn-query-error:";
  if (line.size() > kName.size() && IEquals(line.substr(0, kName.size()), kName)) {
    std::string_view value = line.substr(kName.size());
    while (!value.empty() && (value.front() == ' ')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.remove_suffix(1);
    *static_cast<std::string*>(out) = std::string(value);
  }
  return size * count;
}

// The text between <tag> and </tag>, first occurrence.
std::string XmlText(const std::string& xml, const std::string& tag) {
  auto open = xml.find("<" + tag + ">");
  if (open == std::string::npos) return {};
  open += tag.size() + 2;
  auto close = xml.find("</" + tag + ">", open);
  if (close == std::string::npos) return {};
  std::string text = xml.substr(open, close - open);
  // The few entities AWS messages use.
  for (auto [entity, ch] :
       {std::pair{"&quot;", "\""}, {"&apos;", "'"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}}) {
    for (auto at = text.find(entity); at != std::string::npos; at = text.find(entity, at + 1)) {
      text.replace(at, std::string_view(entity).size(), ch);
    }
  }
  return text;
}

}  // namespace

struct AwsClient::Curl {
  CURL* handle = nullptr;
  std::int64_t timeout_seconds = 300;
  ~Curl() {
    if (handle) curl_easy_cleanup(handle);
  }
};

AwsClient::AwsClient(std::string endpoint, ClientCredentials credentials,
                     std::int64_t timeout_seconds)
    : endpoint_(std::move(endpoint)),
      credentials_(std::move(credentials)),
      curl_(std::make_unique<Curl>()) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  while (!endpoint_.empty() && endpoint_.back() == '/') endpoint_.pop_back();
  curl_->handle = curl_easy_init();
  curl_->timeout_seconds = timeout_seconds;
  send_ = [this](const std::string& url,
                 const std::vector<std::pair<std::string, std::string>>& headers,
                 const std::string& body) -> Result<HttpAnswer> {
    CURL* h = curl_->handle;
    if (!h) return RequestError("libcurl could not be initialised");
    curl_easy_reset(h);
    HttpAnswer answer;
    curl_slist* list = nullptr;
    for (const auto& [name, value] : headers) {
      list = curl_slist_append(list, (name + ": " + value).c_str());
    }
    list = curl_slist_append(list, "Expect:");  // no 100-continue round trip
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &Collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &answer.body);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &CollectHeader);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &answer.query_error);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, static_cast<long>(curl_->timeout_seconds));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    CURLcode code = curl_easy_perform(h);
    curl_slist_free_all(list);
    if (code != CURLE_OK) {
      return RequestError("could not reach " + url + ": " + curl_easy_strerror(code));
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &answer.status);
    return answer;
  };
}

AwsClient::AwsClient(std::string endpoint, ClientCredentials credentials, Send send)
    : endpoint_(std::move(endpoint)), credentials_(std::move(credentials)), send_(std::move(send)) {
  while (!endpoint_.empty() && endpoint_.back() == '/') endpoint_.pop_back();
}

AwsClient::~AwsClient() = default;

AwsError AwsClient::ErrorFromAnswer(const HttpAnswer& answer) {
  const int status = static_cast<int>(answer.status);
  std::string code;
  std::string message;
  if (!answer.body.empty() && answer.body.front() == '{') {
    json::error_code ec;
    json::value parsed = json::parse(answer.body, ec);
    if (!ec && parsed.is_object()) {
      const json::object& o = parsed.as_object();
      if (auto* t = o.if_contains("__type"); t && t->is_string()) code = t->as_string();
      for (const char* key : {"message", "Message"}) {
        if (auto* m = o.if_contains(key); m && m->is_string()) message = m->as_string();
      }
    }
    // "com.amazonaws.logs#ResourceNotFoundException" → the code after '#'.
    if (auto hash = code.rfind('#'); hash != std::string::npos) code = code.substr(hash + 1);
  } else if (answer.body.find("<Error>") != std::string::npos) {
    code = XmlText(answer.body, "Code");
    message = XmlText(answer.body, "Message");
  }
  if (!answer.query_error.empty()) {
    std::string header = answer.query_error.substr(0, answer.query_error.find(';'));
    if (!header.empty()) code = header;
  }
  if (code.empty()) {
    code = "HTTP" + std::to_string(status);
    message = answer.body.substr(0, 300);
  }
  return AwsError::Make(std::move(code), status, std::move(message));
}

Result<HttpAnswer> AwsClient::Post(const std::string& signing_name, const std::string& content_type,
                                   std::vector<std::pair<std::string, std::string>> extra_headers,
                                   std::string body) {
  http::HttpRequest request;
  request.method = "POST";
  request.path = "/";
  std::string host = endpoint_;
  if (auto scheme = host.find("://"); scheme != std::string::npos) host = host.substr(scheme + 3);
  if (auto slash = host.find('/'); slash != std::string::npos) host = host.substr(0, slash);
  request.headers.Add("Host", host);
  request.headers.Add("Content-Type", content_type);
  for (auto& [name, value] : extra_headers) request.headers.Add(name, value);
  request.headers.Add("User-Agent", "trailwatch-cli/0.1.0");
  request.body = std::move(body);
  auth::SigningParams params;
  params.access_key_id = credentials_.access_key_id;
  params.secret_access_key = credentials_.secret_access_key;
  params.session_token = credentials_.session_token;
  params.region = credentials_.region;
  params.service = signing_name;
  params.now_millis = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  auth::SignRequest(request, params);
  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& [name, value] : request.headers) {
    if (IEquals(name, "Host")) continue;  // curl sends the same Host from the URL
    headers.emplace_back(name, value);
  }
  auto answer = send_(endpoint_ + "/", headers, request.body);
  if (!answer) return answer;
  if (answer->status < 200 || answer->status >= 300) return ErrorFromAnswer(*answer);
  return answer;
}

Result<json::object> AwsClient::CallJson(const std::string& signing_name,
                                         const std::string& target_prefix,
                                         const std::string& operation,
                                         const std::string& json_version,
                                         const json::object& body) {
  auto answer = Post(signing_name, "application/x-amz-json-" + json_version,
                     {{"X-Amz-Target", target_prefix + "." + operation}}, json::serialize(body));
  if (!answer) return std::move(answer).error();
  if (answer->body.empty()) return json::object{};
  json::error_code ec;
  json::value parsed = json::parse(answer->body, ec);
  if (ec || !parsed.is_object()) {
    return RequestError(operation + ": the answer is not a JSON object");
  }
  return std::move(parsed.as_object());
}

Result<std::string> AwsClient::CallQuery(
    const std::string& signing_name, const std::string& version, const std::string& operation,
    const std::vector<std::pair<std::string, std::string>>& params) {
  std::string body = "Action=" + UriEncode(operation) + "&Version=" + UriEncode(version);
  for (const auto& [name, value] : params) body += "&" + UriEncode(name) + "=" + UriEncode(value);
  auto answer =
      Post(signing_name, "application/x-www-form-urlencoded; charset=utf-8", {}, std::move(body));
  if (!answer) return std::move(answer).error();
  return std::move(answer->body);
}

}  // namespace tw::cli
