// SPDX-License-Identifier: Apache-2.0
// SNS service tests over a real Database in a temp dir, a FakeClock and a recording transport:
// topics, subscriptions and confirmation, filter policies, message formats, signatures checked
// with OpenSSL against the served certificate, retries, and a queue that survives a restart.
#include "services/sns/sns_service.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <regex>
#include <vector>

#include "common/crypto.h"
#include "store/database.h"
#include "testing/fake_clock.h"
#include "testing/fixed_random.h"

namespace tw::services::sns {
namespace {

namespace fs = std::filesystem;

class RecordingTransport final : public Transport {
 public:
  SendResult SendEmail(const OutgoingEmail& e) override {
    std::lock_guard<std::mutex> lock(mutex);
    emails.push_back(e);
    return {!fail, fail ? "down" : ""};
  }
  SendResult Post(const OutgoingPost& p) override {
    std::lock_guard<std::mutex> lock(mutex);
    posts.push_back(p);
    return {!fail, fail ? "down" : ""};
  }
  std::mutex mutex;
  bool fail = false;
  std::vector<OutgoingEmail> emails;
  std::vector<OutgoingPost> posts;
};

Value S(Value::Entries members) { return Value::MakeStructure(std::move(members)); }
Value M(Value::Entries entries) { return Value::MakeMap(std::move(entries)); }

class SnsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tw-sns-test-" + SecureRandom().FromAlphabet("abcdef0123456789", 12));
    Open();
  }
  void TearDown() override {
    service_.reset();
    db_.reset();
    fs::remove_all(dir_);
  }
  void Open() {
    auto db = store::Database::Open(dir_);
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(*db);
    SnsOptions options;
    options.data_dir = dir_;
    options.account_id = "000000000000";
    options.public_url = [] { return std::string("http://127.0.0.1:4566"); };
    options.start_worker = false;
    options.transport = &transport_;
    auto service = SnsService::Create(*db_, clock_, random_, options);
    ASSERT_TRUE(service) << service.error().message;
    service_ = std::move(*service);
  }
  void Restart() {
    service_.reset();
    db_.reset();
    Open();
  }
  Result<Value> Call(Result<Value> (SnsService::*method)(RequestContext&, const Value&),
                     const Value& input) {
    RequestContext context{"req-1", principal_, "us-east-1", clock_, random_, http_};
    return ((*service_).*method)(context, input);
  }
  std::string CreateTopic(const std::string& name, Value attributes = M({})) {
    auto out = Call(&SnsService::CreateTopic, S({{"Name", name}, {"Attributes", attributes}}));
    EXPECT_TRUE(out) << out.error().message;
    return std::string(out->GetString("TopicArn"));
  }
  // Subscribes, delivers the confirmation and confirms with its token; returns the ARN.
  std::string SubscribeConfirmed(const std::string& topic, const std::string& protocol,
                                 const std::string& endpoint) {
    auto out = Call(&SnsService::Subscribe,
                    S({{"TopicArn", topic}, {"Protocol", protocol}, {"Endpoint", endpoint}}));
    EXPECT_TRUE(out) << out.error().message;
    service_->worker().RunDue();
    std::string token = LastToken();
    auto arn = service_->Confirm(topic, token, false);
    EXPECT_TRUE(arn) << arn.error().message;
    return arn ? *arn : "";
  }
  std::string LastToken() {
    std::smatch m;
    std::string text =
        transport_.posts.empty() ? transport_.emails.back().body : transport_.posts.back().body;
    if (!transport_.emails.empty() &&
        transport_.emails.back().subject == std::string(kConfirmationSubject)) {
      text = transport_.emails.back().body;
    }
    static const std::regex kToken("Token=([0-9a-f]+)");
    EXPECT_TRUE(std::regex_search(text, m, kToken)) << text;
    return m[1];
  }

  fs::path dir_;
  testing::FakeClock clock_;
  testing::FixedRandom random_;
  RecordingTransport transport_;
  auth::Principal principal_;
  http::HttpRequest http_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<SnsService> service_;
};

TEST_F(SnsServiceTest, CreateTopicIsIdempotentWithSameAttributes) {
  std::string arn = CreateTopic("alarms", M({{"DisplayName", "Ops"}}));
  EXPECT_EQ(arn, "arn:aws:sns:us-east-1:000000000000:alarms");
  EXPECT_EQ(CreateTopic("alarms", M({{"DisplayName", "Ops"}})), arn);
  auto differ = Call(&SnsService::CreateTopic,
                     S({{"Name", "alarms"}, {"Attributes", M({{"DisplayName", "X"}})}}));
  ASSERT_FALSE(differ);
  EXPECT_EQ(differ.error().code, "InvalidParameter");
  auto bad = Call(&SnsService::CreateTopic, S({{"Name", "bad name"}}));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "Invalid parameter: Topic Name");
}

TEST_F(SnsServiceTest, TopicAttributesDefaultsAndNotFound) {
  std::string arn = CreateTopic("t1");
  auto out = Call(&SnsService::GetTopicAttributes, S({{"TopicArn", arn}}));
  ASSERT_TRUE(out);
  const Value& a = *out->Find("Attributes");
  EXPECT_EQ(a.GetString("Owner"), "000000000000");
  EXPECT_EQ(a.GetString("SubscriptionsConfirmed"), "0");
  EXPECT_NE(a.GetString("Policy").find("__default_policy_ID"), std::string::npos);
  EXPECT_NE(a.GetString("EffectiveDeliveryPolicy").find("defaultHealthyRetryPolicy"),
            std::string::npos);
  auto missing = Call(&SnsService::GetTopicAttributes, S({{"TopicArn", arn + "x"}}));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().http_status, 404);
  EXPECT_EQ(missing.error().message, "Topic does not exist");
  auto set = Call(&SnsService::SetTopicAttributes,
                  S({{"TopicArn", arn}, {"AttributeName", "Nope"}, {"AttributeValue", "x"}}));
  ASSERT_FALSE(set);
  EXPECT_EQ(set.error().code, "InvalidParameter");
}

TEST_F(SnsServiceTest, ListTopicsPagesByHundred) {
  for (int i = 0; i < 105; ++i) CreateTopic("t" + std::to_string(1000 + i));
  auto first = Call(&SnsService::ListTopics, S({}));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->Find("Topics")->as_list().size(), 100u);
  auto second =
      Call(&SnsService::ListTopics, S({{"NextToken", std::string(first->GetString("NextToken"))}}));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->Find("Topics")->as_list().size(), 5u);
  EXPECT_EQ(second->Find("NextToken"), nullptr);
}

TEST_F(SnsServiceTest, EmailSubscriptionNeedsConfirmation) {
  std::string topic = CreateTopic("alerts");
  auto out = Call(&SnsService::Subscribe,
                  S({{"TopicArn", topic}, {"Protocol", "email"}, {"Endpoint", "ops@example.com"}}));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->GetString("SubscriptionArn"), "pending confirmation");
  auto list = Call(&SnsService::ListSubscriptionsByTopic, S({{"TopicArn", topic}}));
  EXPECT_EQ(list->Find("Subscriptions")->as_list()[0].GetString("SubscriptionArn"),
            "PendingConfirmation");
  EXPECT_EQ(service_->worker().RunDue(), 1);
  ASSERT_EQ(transport_.emails.size(), 1u);
  EXPECT_EQ(transport_.emails[0].subject, "AWS Notification - Subscription Confirmation");
  EXPECT_NE(
      transport_.emails[0].body.find("http://127.0.0.1:4566/_trailwatch/sns/confirmation.html"),
      std::string::npos);
  auto wrong = Call(&SnsService::ConfirmSubscription, S({{"TopicArn", topic}, {"Token", "abc"}}));
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, "InvalidParameter");

  // The link the person clicks.
  http::HttpRequest click;
  click.method = "GET";
  click.path = "/_trailwatch/sns/confirmation.html";
  click.raw_query = "TopicArn=" + UriEncode(topic) + "&Token=" + LastToken();
  auto page = service_->HandleLink(click);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("Subscription confirmed"), std::string::npos);
  auto attrs = Call(&SnsService::GetTopicAttributes, S({{"TopicArn", topic}}));
  EXPECT_EQ(attrs->Find("Attributes")->GetString("SubscriptionsConfirmed"), "1");
}

TEST_F(SnsServiceTest, ExpiredTokenIsRefused) {
  std::string topic = CreateTopic("expiry");
  ASSERT_TRUE(Call(&SnsService::Subscribe,
                   S({{"TopicArn", topic}, {"Protocol", "email"}, {"Endpoint", "a@example.com"}})));
  service_->worker().RunDue();
  std::string token = LastToken();
  clock_.Advance(kTokenLifetimeMillis + 1);
  EXPECT_FALSE(service_->Confirm(topic, token, false));
}

TEST_F(SnsServiceTest, PublishEmailHasFooterAndUnsubscribeLinkWorks) {
  std::string topic = CreateTopic("mail");
  std::string sub = SubscribeConfirmed(topic, "email", "ops@example.com");
  auto pub = Call(&SnsService::PublishApi,
                  S({{"TopicArn", topic}, {"Message", "disk full"}, {"Subject", "ALARM"}}));
  ASSERT_TRUE(pub) << pub.error().message;
  EXPECT_EQ(service_->worker().RunDue(), 1);
  const auto& mail = transport_.emails.back();
  EXPECT_EQ(mail.subject, "ALARM");
  EXPECT_EQ(mail.body.rfind("disk full\n\n--\nIf you wish to stop receiving", 0), 0u);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(mail.body, m, std::regex("unsubscribe:\n(\\S+)")));
  std::string url = m[1];
  http::HttpRequest click;
  click.method = "GET";
  click.path = "/_trailwatch/sns/unsubscribe.html";
  click.raw_query = url.substr(url.find('?') + 1);
  auto page = service_->HandleLink(click);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_FALSE(Call(&SnsService::GetSubscriptionAttributes, S({{"SubscriptionArn", sub}})));
}

TEST_F(SnsServiceTest, PublishValidation) {
  std::string topic = CreateTopic("v");
  auto long_subject =
      Call(&SnsService::PublishApi,
           S({{"TopicArn", topic}, {"Message", "m"}, {"Subject", std::string(101, 's')}}));
  ASSERT_FALSE(long_subject);
  EXPECT_EQ(long_subject.error().message, "Invalid parameter: Subject");
  auto big = Call(&SnsService::PublishApi,
                  S({{"TopicArn", topic}, {"Message", std::string(kMaxMessageBytes + 1, 'x')}}));
  ASSERT_FALSE(big);
  auto no_default =
      Call(&SnsService::PublishApi,
           S({{"TopicArn", topic}, {"Message", R"({"email":"x"})"}, {"MessageStructure", "json"}}));
  ASSERT_FALSE(no_default);
  EXPECT_NE(no_default.error().message.find("No default entry"), std::string::npos);
  auto missing = Call(&SnsService::PublishApi, S({{"TargetArn", topic + "x"}, {"Message", "m"}}));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "NotFound");
}

// Verifies an envelope's signature with the certificate the service serves.
bool VerifyWithCertificate(const std::string& cert_pem, const std::string& text,
                           const std::string& signature_b64, bool sha256) {
  BIO* bio = BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!cert) return false;
  EVP_PKEY* key = X509_get_pubkey(cert);
  auto signature = Base64Decode(signature_b64);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok =
      signature &&
      EVP_DigestVerifyInit(ctx, nullptr, sha256 ? EVP_sha256() : EVP_sha1(), nullptr, key) == 1 &&
      EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature->data()),
                       signature->size(), reinterpret_cast<const unsigned char*>(text.data()),
                       text.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  X509_free(cert);
  return ok;
}

std::string Field(const std::string& doc, const std::string& key) {
  std::smatch m;
  std::regex re("\"" + key + "\" : \"((?:[^\"\\\\]|\\\\.)*)\"");
  if (!std::regex_search(doc, m, re)) return "";
  std::string v = m[1], out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\\' && i + 1 < v.size()) {
      ++i;
      out += v[i] == 'n' ? '\n' : v[i];
    } else {
      out += v[i];
    }
  }
  return out;
}

TEST_F(SnsServiceTest, HttpNotificationIsSignedAndFormatted) {
  for (std::string version : {"1", "2"}) {
    transport_.posts.clear();
    std::string topic = CreateTopic("h" + version, M({{"SignatureVersion", version}}));
    std::string sub = SubscribeConfirmed(topic, "https", "https://example.com/hook");
    ASSERT_FALSE(transport_.posts.empty());
    const auto& confirmation = transport_.posts[0];
    std::string doc = confirmation.body;
    Envelope c;
    c.type = "SubscriptionConfirmation";
    c.message = Field(doc, "Message");
    c.message_id = Field(doc, "MessageId");
    c.subscribe_url = Field(doc, "SubscribeURL");
    c.timestamp = Field(doc, "Timestamp");
    c.token = Field(doc, "Token");
    c.topic_arn = topic;
    EXPECT_TRUE(VerifyWithCertificate(service_->signer().certificate_pem(), StringToSign(c),
                                      Field(doc, "Signature"), version == "2"));

    ASSERT_TRUE(Call(&SnsService::PublishApi,
                     S({{"TopicArn", topic}, {"Message", "line1\nline2"}, {"Subject", "subj"}})));
    service_->worker().RunDue();
    const auto& post = transport_.posts.back();
    doc = post.body;
    EXPECT_EQ(doc.find("{\n  \"Type\" : \"Notification\",\n  \"MessageId\" : "), 0u);
    bool has_sub_header = false;
    for (const auto& [k, v] : post.headers) {
      if (k == "x-amz-sns-subscription-arn") has_sub_header = v == sub;
    }
    EXPECT_TRUE(has_sub_header);
    Envelope n;
    n.type = "Notification";
    n.message = Field(doc, "Message");
    EXPECT_EQ(n.message, "line1\nline2");
    n.message_id = Field(doc, "MessageId");
    n.subject = Field(doc, "Subject");
    n.timestamp = Field(doc, "Timestamp");
    n.topic_arn = topic;
    EXPECT_EQ(Field(doc, "SignatureVersion"), version);
    EXPECT_TRUE(VerifyWithCertificate(service_->signer().certificate_pem(), StringToSign(n),
                                      Field(doc, "Signature"), version == "2"));
    n.message = "tampered";
    EXPECT_FALSE(VerifyWithCertificate(service_->signer().certificate_pem(), StringToSign(n),
                                       Field(doc, "Signature"), version == "2"));
  }
}

TEST_F(SnsServiceTest, StringToSignMatchesAwsExample) {
  Envelope e;
  e.type = "Notification";
  e.message = "My Test Message";
  e.message_id = "4d4dc071-ddbf-465d-bba8-08f81c89da64";
  e.subject = "My subject";
  e.timestamp = "2019-01-31T04:37:04.321Z";
  e.topic_arn = "arn:aws:sns:us-east-2:123456789012:s4-MySNSTopic-1G1WEFCOXTC0P";
  EXPECT_EQ(StringToSign(e),
            "Message\nMy Test Message\nMessageId\n4d4dc071-ddbf-465d-bba8-08f81c89da64\nSubject\n"
            "My subject\nTimestamp\n2019-01-31T04:37:04.321Z\nTopicArn\narn:aws:sns:us-east-2:"
            "123456789012:s4-MySNSTopic-1G1WEFCOXTC0P\nType\nNotification\n");
}

TEST(FilterPolicyTest, BasicOperators) {
  MessageAttributes a = {{"store", {"String", "example_corp"}},
                         {"price", {"Number", "150"}},
                         {"colors", {"String.Array", R"(["red","green"])"}}};
  EXPECT_TRUE(MatchesAttributes(R"({"store":["example_corp"]})", a));
  EXPECT_FALSE(MatchesAttributes(R"({"store":["other"]})", a));
  EXPECT_TRUE(MatchesAttributes(R"({"price":[{"numeric":[">",100,"<=",150]}]})", a));
  EXPECT_FALSE(MatchesAttributes(R"({"price":[{"numeric":["=",301]}]})", a));
  EXPECT_TRUE(MatchesAttributes(R"({"store":[{"prefix":"exa"}]})", a));
  EXPECT_TRUE(MatchesAttributes(R"({"store":[{"anything-but":["x","y"]}]})", a));
  EXPECT_FALSE(MatchesAttributes(R"({"store":[{"anything-but":{"prefix":"ex"}}]})", a));
  EXPECT_TRUE(MatchesAttributes(R"({"missing":[{"exists":false}]})", a));
  EXPECT_FALSE(MatchesAttributes(R"({"missing":["x"]})", a));
  EXPECT_TRUE(MatchesAttributes(R"({"colors":["green"]})", a));
  EXPECT_FALSE(MatchesAttributes(R"({"store":["example_corp"],"price":[{"numeric":["<",1]}]})", a));
  EXPECT_TRUE(MatchesBody(R"({"detail":{"state":["ALARM"]}})", R"({"detail":{"state":"ALARM"}})"));
  EXPECT_FALSE(MatchesBody(R"({"detail":{"state":["ALARM"]}})", R"({"detail":{"state":"OK"}})"));
  EXPECT_FALSE(MatchesBody(R"({"a":["b"]})", "not json"));
  auto bad = ValidateFilterPolicy(R"({"a":[{"wildcard":"x*"}]})");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("wildcard"), std::string::npos);
  EXPECT_FALSE(ValidateFilterPolicy("{"));
}

TEST_F(SnsServiceTest, FilterPolicyDecidesDelivery) {
  std::string topic = CreateTopic("filtered");
  std::string sub = SubscribeConfirmed(topic, "http", "http://127.0.0.1:9/x");
  auto bad = Call(&SnsService::SetSubscriptionAttributes, S({{"SubscriptionArn", sub},
                                                             {"AttributeName", "FilterPolicyScope"},
                                                             {"AttributeValue", "Everything"}}));
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("Everything"), std::string::npos);
  ASSERT_TRUE(Call(&SnsService::SetSubscriptionAttributes,
                   S({{"SubscriptionArn", sub},
                      {"AttributeName", "FilterPolicy"},
                      {"AttributeValue", R"({"severity":["high"]})"}})));
  const auto before = transport_.posts.size();
  auto attrs = [](const char* v) {
    return M({{"severity", S({{"DataType", "String"}, {"StringValue", v}})}});
  };
  ASSERT_TRUE(
      Call(&SnsService::PublishApi,
           S({{"TopicArn", topic}, {"Message", "a"}, {"MessageAttributes", attrs("low")}})));
  service_->worker().RunDue();
  EXPECT_EQ(transport_.posts.size(), before);
  ASSERT_TRUE(
      Call(&SnsService::PublishApi,
           S({{"TopicArn", topic}, {"Message", "b"}, {"MessageAttributes", attrs("high")}})));
  service_->worker().RunDue();
  EXPECT_EQ(transport_.posts.size(), before + 1);
}

TEST_F(SnsServiceTest, QueueSurvivesRestartAndRetries) {
  std::string topic = CreateTopic("durable");
  SubscribeConfirmed(topic, "email", "ops@example.com");
  transport_.fail = true;
  ASSERT_TRUE(Call(&SnsService::PublishApi, S({{"TopicArn", topic}, {"Message", "persist"}})));
  EXPECT_EQ(service_->worker().RunDue(), 1);  // fails, rescheduled
  EXPECT_EQ(*service_->store().QueuedDeliveryCount(), 1);
  Restart();
  transport_.fail = false;
  transport_.emails.clear();
  EXPECT_EQ(service_->worker().RunDue(), 0);  // not due yet: email retries 10 s later
  clock_.Advance(10'000);
  EXPECT_EQ(service_->worker().RunDue(), 1);
  ASSERT_EQ(transport_.emails.size(), 1u);
  EXPECT_EQ(transport_.emails[0].body.rfind("persist", 0), 0u);
  EXPECT_EQ(*service_->store().QueuedDeliveryCount(), 0);
}

TEST(RetryPolicyTest, DefaultsAndPhases) {
  RetryPolicy http = RetryPolicyFor("http", "");
  EXPECT_EQ(RetryDelayMillis(http, 1), 20'000);
  EXPECT_EQ(RetryDelayMillis(http, 3), 20'000);
  EXPECT_FALSE(RetryDelayMillis(http, 4));
  RetryPolicy custom = RetryPolicyFor(
      "https", R"({"healthyRetryPolicy":{"minDelayTarget":1,"maxDelayTarget":60,"numRetries":10,)"
               R"("numNoDelayRetries":2,"numMinDelayRetries":1,"numMaxDelayRetries":2,)"
               R"("backoffFunction":"exponential"}})");
  EXPECT_EQ(RetryDelayMillis(custom, 1), 0);
  EXPECT_EQ(RetryDelayMillis(custom, 3), 1'000);
  EXPECT_EQ(RetryDelayMillis(custom, 10), 60'000);
  RetryPolicy mail = RetryPolicyFor("email", "");
  EXPECT_EQ(RetryDelayMillis(mail, 1), 10'000);
  EXPECT_EQ(RetryDelayMillis(mail, 50), 600'000);
  EXPECT_FALSE(RetryDelayMillis(mail, 51));
}

TEST_F(SnsServiceTest, NotifierPublishesAlarm) {
  std::string topic = CreateTopic("cw");
  SubscribeConfirmed(topic, "email", "ops@example.com");
  pipeline::Notification n{topic, "ALARM: \"cpu\" in US East (N. Virginia)",
                           "{\"AlarmName\":\"cpu\"}", "000000000000",
                           "arn:aws:cloudwatch:us-east-1:000000000000:alarm:cpu"};
  auto id = service_->notifier().Publish(n);
  ASSERT_TRUE(id) << id.error().message;
  service_->worker().RunDue();
  EXPECT_EQ(transport_.emails.back().subject, n.subject);
  n.topic_arn += "-missing";
  EXPECT_FALSE(service_->notifier().Publish(n));
}

TEST_F(SnsServiceTest, SigningCertificateIsServedAndStable) {
  std::string pem = service_->signer().certificate_pem();
  http::HttpRequest get;
  get.method = "GET";
  get.path =
      "/_trailwatch/sns/SimpleNotificationService-" + service_->signer().certificate_id() + ".pem";
  auto response = service_->HandleLink(get);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body, pem);
  Restart();
  EXPECT_EQ(service_->signer().certificate_pem(), pem);
  get.path = "/other";
  EXPECT_FALSE(service_->HandleLink(get));
}

}  // namespace
}  // namespace tw::services::sns

namespace tw::services::sns {
namespace {

// Long lines (an alarm's JSON message is one) are folded with soft breaks; '=', non-ASCII bytes and
// trailing blanks are escaped; decoding gives the text back.
TEST(RenderEmailTest, QuotedPrintableKeepsLinesShortAndRoundTrips) {
  std::string long_line(300, 'x');
  long_line += "=ü end ";
  std::string encoded = QuotedPrintable("{\"a\":1}\n" + long_line + "\nlast");
  std::size_t start = 0;
  while (start < encoded.size()) {
    std::size_t end = encoded.find("\r\n", start);
    if (end == std::string::npos) end = encoded.size();
    EXPECT_LE(end - start, 76u);
    start = end + 2;
  }
  EXPECT_NE(encoded.find("=3D=C3=BC end=20\r\nlast"), std::string::npos);
  EXPECT_EQ(DecodeQuotedPrintable(encoded), "{\"a\":1}\n" + long_line + "\nlast");
  EXPECT_EQ(DecodeQuotedPrintable("a=3Db=\r\nc=ZZ=4"), "a=bc=ZZ=4");
}

TEST(RenderEmailTest, HeadersCrlfAndDisplayName) {
  OutgoingEmail email{"ops@example.com", "ALARM: \"cpu\"", "line1\nline2\n", "id-1", "Ops Team"};
  std::string text =
      RenderEmail(email, "AWS Notifications <no-reply@sns.amazonaws.com>", 1'440'938'160'000);
  EXPECT_NE(text.find("From: \"Ops Team\" <no-reply@sns.amazonaws.com>\r\n"), std::string::npos);
  EXPECT_NE(text.find("Subject: ALARM: \"cpu\"\r\n"), std::string::npos);
  EXPECT_NE(text.find("Content-Transfer-Encoding: quoted-printable\r\n"), std::string::npos);
  EXPECT_NE(text.find("\r\n\r\nline1\r\nline2\r\n"), std::string::npos);
  email.sender_name.clear();
  email.subject = "Überlast";
  text = RenderEmail(email, "AWS Notifications <no-reply@sns.amazonaws.com>", 0);
  EXPECT_NE(text.find("From: AWS Notifications <no-reply@sns.amazonaws.com>\r\n"),
            std::string::npos);
  EXPECT_NE(text.find("Subject: =?UTF-8?B?"), std::string::npos);
}

// ---- Unsubscribe confirmations, FIFO topics, redrive policies, filter policy limits ----

TEST_F(SnsServiceTest, UnsubscribeSendsASignedUnsubscribeConfirmationToHttp) {
  std::string topic = CreateTopic("bye");
  std::string sub = SubscribeConfirmed(topic, "https", "https://example.com/hook");
  std::string mail = SubscribeConfirmed(topic, "email", "ops@example.com");
  transport_.posts.clear();
  transport_.emails.clear();
  ASSERT_TRUE(Call(&SnsService::Unsubscribe, S({{"SubscriptionArn", sub}})));
  ASSERT_TRUE(Call(&SnsService::Unsubscribe, S({{"SubscriptionArn", mail}})));
  service_->worker().RunDue();
  EXPECT_TRUE(transport_.emails.empty());  // email endpoints are not told
  ASSERT_EQ(transport_.posts.size(), 1u);
  const auto& post = transport_.posts[0];
  EXPECT_EQ(post.url, "https://example.com/hook");
  std::string doc = post.body;
  EXPECT_EQ(doc.find("{\n  \"Type\" : \"UnsubscribeConfirmation\",\n  \"MessageId\" : "), 0u)
      << doc;
  bool type_header = false;
  for (const auto& [k, v] : post.headers) {
    if (k == "x-amz-sns-message-type") type_header = v == "UnsubscribeConfirmation";
  }
  EXPECT_TRUE(type_header);
  Envelope u;
  u.type = "UnsubscribeConfirmation";
  u.message = Field(doc, "Message");
  EXPECT_EQ(u.message, "You have chosen to deactivate subscription " + sub +
                           ".\nTo cancel this operation and restore the subscription, visit the "
                           "SubscribeURL included in this message.");
  u.message_id = Field(doc, "MessageId");
  u.subscribe_url = Field(doc, "SubscribeURL");
  EXPECT_NE(u.subscribe_url.find("Action=ConfirmSubscription"), std::string::npos);
  u.timestamp = Field(doc, "Timestamp");
  u.token = Field(doc, "Token");
  EXPECT_EQ(u.token.size(), 128u);
  u.topic_arn = topic;
  EXPECT_TRUE(VerifyWithCertificate(service_->signer().certificate_pem(), StringToSign(u),
                                    Field(doc, "Signature"), false));
  // The subscription is gone.
  EXPECT_FALSE(Call(&SnsService::GetSubscriptionAttributes, S({{"SubscriptionArn", sub}})));
}

TEST_F(SnsServiceTest, PendingSubscriptionsAreNotToldOfUnsubscribe) {
  std::string topic = CreateTopic("pending");
  auto out = Call(&SnsService::Subscribe, S({{"TopicArn", topic},
                                             {"Protocol", "http"},
                                             {"Endpoint", "http://example.com/x"},
                                             {"ReturnSubscriptionArn", true}}));
  ASSERT_TRUE(out);
  service_->worker().RunDue();
  transport_.posts.clear();
  ASSERT_TRUE(Call(&SnsService::Unsubscribe,
                   S({{"SubscriptionArn", std::string(out->GetString("SubscriptionArn"))}})));
  service_->worker().RunDue();
  EXPECT_TRUE(transport_.posts.empty());
}

TEST_F(SnsServiceTest, FifoTopicNamesAndAttributes) {
  auto bad = Call(&SnsService::CreateTopic,
                  S({{"Name", "orders"}, {"Attributes", M({{"FifoTopic", "true"}})}}));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message,
            "Invalid parameter: Fifo Topic names must end with .fifo and must be made up of only "
            "uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must "
            "be between 1 and 256 characters long.");
  auto dotted = Call(&SnsService::CreateTopic, S({{"Name", "orders.fifo"}}));
  ASSERT_FALSE(dotted);
  EXPECT_EQ(dotted.error().message, "Invalid parameter: Topic Name");
  auto cbd = Call(&SnsService::CreateTopic,
                  S({{"Name", "std"}, {"Attributes", M({{"ContentBasedDeduplication", "true"}})}}));
  ASSERT_FALSE(cbd);
  EXPECT_EQ(cbd.error().code, "InvalidParameter");
  std::string fifo = CreateTopic("orders.fifo", M({{"FifoTopic", "true"}}));
  EXPECT_EQ(fifo, "arn:aws:sns:us-east-1:000000000000:orders.fifo");
  auto attrs = Call(&SnsService::GetTopicAttributes, S({{"TopicArn", fifo}}));
  ASSERT_TRUE(attrs);
  EXPECT_EQ(attrs->Find("Attributes")->GetString("FifoTopic"), "true");
  ASSERT_TRUE(
      Call(&SnsService::SetTopicAttributes, S({{"TopicArn", fifo},
                                               {"AttributeName", "ContentBasedDeduplication"},
                                               {"AttributeValue", "true"}})));
  std::string plain = CreateTopic("plain");
  EXPECT_FALSE(
      Call(&SnsService::SetTopicAttributes, S({{"TopicArn", plain},
                                               {"AttributeName", "ContentBasedDeduplication"},
                                               {"AttributeValue", "true"}})));
}

TEST_F(SnsServiceTest, FifoTopicsTakeOnlySqsSubscriptions) {
  std::string fifo = CreateTopic("t.fifo", M({{"FifoTopic", "true"}}));
  for (const auto& [protocol, endpoint] :
       std::vector<std::pair<std::string, std::string>>{{"email", "a@example.com"},
                                                        {"email-json", "a@example.com"},
                                                        {"http", "http://example.com/"},
                                                        {"https", "https://example.com/"}}) {
    auto r = Call(&SnsService::Subscribe,
                  S({{"TopicArn", fifo}, {"Protocol", protocol}, {"Endpoint", endpoint}}));
    ASSERT_FALSE(r) << protocol;
    EXPECT_EQ(r.error().code, "InvalidParameter");
    EXPECT_EQ(r.error().message, "Invalid parameter: Invalid protocol type: " + protocol);
  }
  auto sqs =
      Call(&SnsService::Subscribe, S({{"TopicArn", fifo},
                                      {"Protocol", "sqs"},
                                      {"Endpoint", "arn:aws:sqs:us-east-1:000000000000:q.fifo"}}));
  ASSERT_FALSE(sqs);
  EXPECT_EQ(sqs.error().code, "NotImplemented");
}

TEST_F(SnsServiceTest, FifoPublishNeedsGroupAndDeduplicates) {
  std::string fifo = CreateTopic("p.fifo", M({{"FifoTopic", "true"}}));
  auto no_group = Call(&SnsService::PublishApi, S({{"TopicArn", fifo}, {"Message", "m"}}));
  ASSERT_FALSE(no_group);
  EXPECT_EQ(no_group.error().message,
            "Invalid parameter: The MessageGroupId parameter is required for FIFO topics");
  auto no_dedup = Call(&SnsService::PublishApi,
                       S({{"TopicArn", fifo}, {"Message", "m"}, {"MessageGroupId", "g"}}));
  ASSERT_FALSE(no_dedup);
  EXPECT_EQ(no_dedup.error().message,
            "Invalid parameter: The topic should either have ContentBasedDeduplication enabled "
            "or MessageDeduplicationId provided explicitly");

  auto publish = [&](const std::string& message, const std::string& dedup) {
    auto r = Call(&SnsService::PublishApi, S({{"TopicArn", fifo},
                                              {"Message", message},
                                              {"MessageGroupId", "g"},
                                              {"MessageDeduplicationId", dedup}}));
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : Value();
  };
  Value first = publish("m1", "d1");
  const std::string seq1(first.GetString("SequenceNumber"));
  EXPECT_EQ(seq1.size(), 20u);
  Value again = publish("other body", "d1");  // a duplicate within five minutes
  EXPECT_EQ(again.GetString("MessageId"), first.GetString("MessageId"));
  EXPECT_EQ(again.GetString("SequenceNumber"), seq1);
  Value second = publish("m2", "d2");
  EXPECT_NE(second.GetString("MessageId"), first.GetString("MessageId"));
  EXPECT_GT(std::string(second.GetString("SequenceNumber")), seq1);
  clock_.Advance(kDeduplicationWindowMillis + 1);
  Value later = publish("m1", "d1");  // the window has passed
  EXPECT_NE(later.GetString("MessageId"), first.GetString("MessageId"));
  EXPECT_GT(std::string(later.GetString("SequenceNumber")),
            std::string(second.GetString("SequenceNumber")));

  // Content-based deduplication: the body's SHA-256 is the id.
  ASSERT_TRUE(
      Call(&SnsService::SetTopicAttributes, S({{"TopicArn", fifo},
                                               {"AttributeName", "ContentBasedDeduplication"},
                                               {"AttributeValue", "true"}})));
  auto body = [&](const std::string& message) {
    auto r = Call(&SnsService::PublishApi,
                  S({{"TopicArn", fifo}, {"Message", message}, {"MessageGroupId", "g"}}));
    EXPECT_TRUE(r) << r.error().message;
    return r ? std::string(r->GetString("MessageId")) : std::string();
  };
  const std::string a = body("same");
  EXPECT_EQ(body("same"), a);
  EXPECT_NE(body("different"), a);

  auto batch =
      Call(&SnsService::PublishBatch,
           S({{"TopicArn", fifo},
              {"PublishBatchRequestEntries",
               Value::MakeList({S({{"Id", "1"}, {"Message", "b1"}, {"MessageGroupId", "g"}}),
                                S({{"Id", "2"}, {"Message", "b2"}})})}}));
  ASSERT_TRUE(batch);
  ASSERT_EQ(batch->Find("Successful")->as_list().size(), 1u);
  EXPECT_EQ(batch->Find("Successful")->as_list()[0].GetString("SequenceNumber").size(), 20u);
  ASSERT_EQ(batch->Find("Failed")->as_list().size(), 1u);
  EXPECT_EQ(batch->Find("Failed")->as_list()[0].GetString("Code"), "InvalidParameter");
}

TEST_F(SnsServiceTest, StandardTopicsRefuseDeduplicationIds) {
  std::string topic = CreateTopic("standard");
  auto r = Call(&SnsService::PublishApi,
                S({{"TopicArn", topic}, {"Message", "m"}, {"MessageDeduplicationId", "d"}}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "Invalid parameter: MessageDeduplicationId Reason: The request includes "
            "MessageDeduplicationId parameter that is not valid for this topic type");
  auto ok = Call(&SnsService::PublishApi, S({{"TopicArn", topic}, {"Message", "m"}}));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->Find("SequenceNumber"), nullptr);
}

TEST_F(SnsServiceTest, RedrivePolicyNeedsSqs) {
  std::string topic = CreateTopic("redrive");
  auto r =
      Call(&SnsService::Subscribe,
           S({{"TopicArn", topic},
              {"Protocol", "http"},
              {"Endpoint", "http://example.com/"},
              {"Attributes",
               M({{"RedrivePolicy",
                   R"({"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq"})"}})}}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "InvalidParameter");
  EXPECT_NE(r.error().message.find("RedrivePolicy"), std::string::npos);
  EXPECT_NE(r.error().message.find("SQS"), std::string::npos);
  std::string sub = SubscribeConfirmed(topic, "http", "http://example.com/");
  auto set =
      Call(&SnsService::SetSubscriptionAttributes,
           S({{"SubscriptionArn", sub},
              {"AttributeName", "RedrivePolicy"},
              {"AttributeValue", R"({"deadLetterTargetArn":"arn:aws:sqs:us-east-1:0:q"})"}}));
  ASSERT_FALSE(set);
  EXPECT_NE(set.error().message.find("RedrivePolicy"), std::string::npos);
}

TEST_F(SnsServiceTest, DefaultTopicPolicyIsAwsExactly) {
  std::string topic = CreateTopic("policy");
  auto attrs = Call(&SnsService::GetTopicAttributes, S({{"TopicArn", topic}}));
  ASSERT_TRUE(attrs);
  EXPECT_EQ(attrs->Find("Attributes")->GetString("Policy"),
            R"({"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":)"
            R"("__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},"Action":[)"
            R"("SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission",)"
            R"("SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe",)"
            R"("SNS:ListSubscriptionsByTopic","SNS:Publish"],"Resource":")" +
                topic + R"(","Condition":{"StringEquals":{"AWS:SourceOwner":"000000000000"}}}]})");
}

TEST_F(SnsServiceTest, FilterPolicyLimits) {
  EXPECT_TRUE(ValidateFilterPolicy(R"({"a":["1"],"b":["1"],"c":["1"],"d":["1"],"e":["1"]})"));
  auto six =
      ValidateFilterPolicy(R"({"a":["1"],"b":["1"],"c":["1"],"d":["1"],"e":["1"],"f":["1"]})");
  ASSERT_FALSE(six);
  EXPECT_EQ(six.error().message,
            "Invalid parameter: FilterPolicy: Filter policy can not have more than 5 keys");
  // 10 x 15 = 150 combinations is the most allowed; 151+ is too complex.
  std::string ten = "[\"0\",\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"]";
  std::string fifteen = "[";
  for (int i = 0; i < 15; ++i) fifteen += (i ? ",\"" : "\"") + std::to_string(i) + "\"";
  fifteen += "]";
  EXPECT_TRUE(ValidateFilterPolicy("{\"a\":" + ten + ",\"b\":" + fifteen + "}"));
  auto complex =
      ValidateFilterPolicy("{\"a\":" + ten + ",\"b\":" + fifteen + ",\"c\":[\"x\",\"y\"]}");
  ASSERT_FALSE(complex);
  EXPECT_EQ(complex.error().message,
            "Invalid parameter: FilterPolicy: Filter policy is too complex");
  // AWS's nested example: 3x4 x 2x3 x 1x3 = 216.
  auto nested = ValidateFilterPolicy(
      R"({"key_a":{"key_b":{"key_c":["v1","v2","v3","v4"]}},"key_d":{"key_e":["v1","v2","v3"]},)"
      R"("key_f":["v1","v2","v3"]})");
  ASSERT_FALSE(nested);
  EXPECT_EQ(nested.error().message,
            "Invalid parameter: FilterPolicy: Filter policy is too complex");

  // Nested keys need the MessageBody scope.
  std::string topic = CreateTopic("filters");
  const std::string nested_policy = R"({"order":{"status":["paid"]}})";
  auto attr_scope =
      Call(&SnsService::Subscribe, S({{"TopicArn", topic},
                                      {"Protocol", "http"},
                                      {"Endpoint", "http://example.com/a"},
                                      {"Attributes", M({{"FilterPolicy", nested_policy}})}}));
  ASSERT_FALSE(attr_scope);
  EXPECT_EQ(attr_scope.error().message,
            "Invalid parameter: Filter policy scope MessageAttributes does not support nested "
            "filter policy");
  auto body_scope =
      Call(&SnsService::Subscribe, S({{"TopicArn", topic},
                                      {"Protocol", "http"},
                                      {"Endpoint", "http://example.com/b"},
                                      {"ReturnSubscriptionArn", true},
                                      {"Attributes", M({{"FilterPolicy", nested_policy},
                                                        {"FilterPolicyScope", "MessageBody"}})}}));
  ASSERT_TRUE(body_scope) << body_scope.error().message;
  auto back = Call(&SnsService::SetSubscriptionAttributes,
                   S({{"SubscriptionArn", std::string(body_scope->GetString("SubscriptionArn"))},
                      {"AttributeName", "FilterPolicyScope"},
                      {"AttributeValue", "MessageAttributes"}}));
  ASSERT_FALSE(back);
  EXPECT_NE(back.error().message.find("does not support nested filter policy"), std::string::npos);
}

}  // namespace
}  // namespace tw::services::sns
