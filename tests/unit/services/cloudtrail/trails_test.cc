// SPDX-License-Identifier: Apache-2.0
// Trails: name rules, event selection (Region scope, global events, read/write, data events,
// advanced selectors), log file and digest naming and content, digest signing and chaining
// (verified with the published public key), the deliverer's S3 and CloudWatch Logs delivery
// through fake targets (denials become status errors, nothing is lost at shutdown), and the
// trail operations' validations.
#include <gtest/gtest.h>

#include <filesystem>
#include <mutex>
#include <regex>

#include "common/crypto.h"
#include "common/strings.h"
#include "services/cloudtrail/cloudtrail_service.h"
#include "services/cloudtrail/log_files.h"
#include "services/cloudtrail/signing_keys.h"
#include "services/cloudtrail/trail.h"
#include "services/cloudtrail/trail_deliverer.h"
#include "testing/fake_clock.h"
#include "testing/fixed_random.h"

namespace tw::services::cloudtrail {
namespace {

using protocol::Value;

constexpr std::int64_t kNow = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
constexpr char kAccount[] = "000000000000";

pipeline::TrailEvent Event(std::string name, std::string source = "iam.amazonaws.com",
                           std::string region = "us-east-1", bool read_only = false) {
  static int counter = 0;
  pipeline::TrailEvent e;
  e.event_id = "evt-" + std::to_string(++counter);
  e.event_time_millis = kNow + counter;
  e.event_source = std::move(source);
  e.event_name = std::move(name);
  e.aws_region = std::move(region);
  e.recipient_account_id = kAccount;
  e.read_only = read_only;
  e.record_json = "{\"eventID\":\"" + e.event_id + "\",\"eventName\":\"" + e.event_name + "\"}";
  return e;
}

pipeline::TrailEvent S3Data(std::string op, std::string bucket, std::string key, bool read) {
  pipeline::TrailEvent e = Event(std::move(op), "s3.amazonaws.com", "us-east-1", read);
  e.event_category = "Data";
  e.resources.push_back({"AWS::S3::Object", bucket + "/" + key});
  e.resources.push_back({"AWS::S3::Bucket", bucket});
  return e;
}

Trail BaseTrail() {
  Trail t;
  t.account_id = kAccount;
  t.home_region = "us-east-1";
  t.name = "main";
  t.s3_bucket = "logs";
  return t;
}

TEST(TrailName, AwsRules) {
  EXPECT_EQ(TrailNameProblem("my-trail_1.x"), "");
  EXPECT_NE(TrailNameProblem("ab"), "");
  EXPECT_NE(TrailNameProblem(std::string(129, 'a')), "");
  EXPECT_NE(TrailNameProblem("-abc"), "");
  EXPECT_NE(TrailNameProblem("abc_"), "");
  EXPECT_NE(TrailNameProblem("my--trail"), "");
  EXPECT_NE(TrailNameProblem("my-_trail"), "");
  EXPECT_NE(TrailNameProblem("my trail"), "");
  EXPECT_NE(TrailNameProblem("192.168.5.4"), "");
}

TEST(TrailSelects, RegionAndGlobalEvents) {
  Trail t = BaseTrail();
  EXPECT_TRUE(TrailSelects(t, Event("CreateUser")));
  EXPECT_FALSE(TrailSelects(t, Event("PutMetricData", "monitoring.amazonaws.com", "eu-west-1")));
  t.multi_region = true;
  EXPECT_TRUE(TrailSelects(t, Event("PutMetricData", "monitoring.amazonaws.com", "eu-west-1")));
  t.include_global_service_events = false;
  EXPECT_FALSE(TrailSelects(t, Event("CreateUser")));
  pipeline::TrailEvent other = Event("CreateLogGroup", "logs.amazonaws.com");
  other.recipient_account_id = "111122223333";
  EXPECT_FALSE(TrailSelects(BaseTrail(), other));
}

TEST(TrailSelects, BasicSelectors) {
  Trail t = BaseTrail();
  // Default: every management event, no data events.
  EXPECT_TRUE(TrailSelects(t, Event("ListUsers", "iam.amazonaws.com", "us-east-1", true)));
  EXPECT_FALSE(TrailSelects(t, S3Data("GetObject", "b", "k", true)));

  t.event_selectors = {EventSelector{"WriteOnly", true, {}, {}}};
  EXPECT_FALSE(TrailSelects(t, Event("ListUsers", "iam.amazonaws.com", "us-east-1", true)));
  EXPECT_TRUE(TrailSelects(t, Event("CreateUser")));

  t.event_selectors = {EventSelector{"All", true, {}, {"logs.amazonaws.com"}}};
  EXPECT_FALSE(TrailSelects(t, Event("CreateLogGroup", "logs.amazonaws.com")));

  t.event_selectors = {
      EventSelector{"ReadOnly", false, {{"AWS::S3::Object", {"arn:aws:s3:::b/pre"}}}, {}}};
  EXPECT_FALSE(TrailSelects(t, Event("CreateUser")));
  EXPECT_TRUE(TrailSelects(t, S3Data("GetObject", "b", "prefix/x", true)));
  EXPECT_FALSE(TrailSelects(t, S3Data("PutObject", "b", "prefix/x", false)));
  EXPECT_FALSE(TrailSelects(t, S3Data("GetObject", "b", "other", true)));
  EXPECT_FALSE(TrailSelects(t, S3Data("GetObject", "c", "prefix/x", true)));

  t.event_selectors = {EventSelector{"All", true, {{"AWS::S3::Object", {"arn:aws:s3"}}}, {}}};
  EXPECT_TRUE(TrailSelects(t, S3Data("PutObject", "any", "thing", false)));
}

TEST(TrailSelects, AdvancedSelectors) {
  Trail t = BaseTrail();
  FieldSelector category{"eventCategory", {"Data"}, {}, {}, {}, {}, {}};
  FieldSelector arn{"resources.ARN", {}, {"arn:aws:s3:::secret/"}, {}, {}, {}, {}};
  FieldSelector writes{"readOnly", {"false"}, {}, {}, {}, {}, {}};
  t.advanced_selectors = std::vector<AdvancedEventSelector>{{"writes", {category, arn, writes}}};
  EXPECT_TRUE(TrailSelects(t, S3Data("PutObject", "secret", "a", false)));
  EXPECT_FALSE(TrailSelects(t, S3Data("GetObject", "secret", "a", true)));
  EXPECT_FALSE(TrailSelects(t, S3Data("PutObject", "public", "a", false)));
  EXPECT_FALSE(TrailSelects(t, Event("CreateUser")));
  FieldSelector management{"eventCategory", {"Management"}, {}, {}, {}, {}, {}};
  FieldSelector not_kms{"eventSource", {}, {}, {}, {"kms.amazonaws.com"}, {}, {}};
  t.advanced_selectors->push_back({"mgmt", {management, not_kms}});
  EXPECT_TRUE(TrailSelects(t, Event("CreateUser")));
  EXPECT_FALSE(TrailSelects(t, Event("CreateKey", "kms.amazonaws.com")));
}

// SNS Publish and CloudWatch Logs' log-event calls are data events: the default trail and basic
// selectors (which name only S3 objects, Lambda functions and DynamoDB tables) never log them;
// an advanced selector on their resources.type does. MayLogDataEvents tells the recorder
// whether building a data event's record is worth it.
TEST(TrailSelects, SnsAndLogsDataEventsOnlyWhenSelected) {
  pipeline::TrailEvent publish = Event("Publish", "sns.amazonaws.com");
  publish.event_category = "Data";
  publish.resources.push_back({"AWS::SNS::Topic", "arn:aws:sns:us-east-1:000000000000:alerts"});
  pipeline::TrailEvent put = Event("PutLogEvents", "logs.amazonaws.com");
  put.event_category = "Data";
  put.resources.push_back(
      {"AWS::Logs::LogGroup", "arn:aws:logs:us-east-1:000000000000:log-group:app"});

  Trail t = BaseTrail();
  EXPECT_FALSE(MayLogDataEvents(t));
  EXPECT_FALSE(TrailSelects(t, publish));
  EXPECT_FALSE(TrailSelects(t, put));
  EXPECT_TRUE(TrailSelects(t, Event("CreateTopic", "sns.amazonaws.com")));

  t.event_selectors = {EventSelector{"All", true, {{"AWS::S3::Object", {"arn:aws:s3"}}}, {}}};
  EXPECT_TRUE(MayLogDataEvents(t));
  EXPECT_FALSE(TrailSelects(t, publish));
  EXPECT_FALSE(TrailSelects(t, put));

  FieldSelector data{"eventCategory", {"Data"}, {}, {}, {}, {}, {}};
  FieldSelector topics{"resources.type", {"AWS::SNS::Topic"}, {}, {}, {}, {}, {}};
  t.advanced_selectors = std::vector<AdvancedEventSelector>{{"publish", {data, topics}}};
  EXPECT_TRUE(MayLogDataEvents(t));
  EXPECT_TRUE(TrailSelects(t, publish));
  EXPECT_FALSE(TrailSelects(t, put));

  FieldSelector management{"eventCategory", {"Management"}, {}, {}, {}, {}, {}};
  t.advanced_selectors = std::vector<AdvancedEventSelector>{{"mgmt", {management}}};
  EXPECT_FALSE(MayLogDataEvents(t));
  EXPECT_FALSE(TrailSelects(t, publish));
}

TEST(TrailJson, RoundTrip) {
  Trail t = BaseTrail();
  t.s3_prefix = "p";
  t.log_file_validation = true;
  t.cwl_group_arn = "arn:aws:logs:us-east-1:000000000000:log-group:g/x:*";
  t.event_selectors = {EventSelector{
      "ReadOnly", false, {{"AWS::S3::Object", {"arn:aws:s3"}}}, {"kms.amazonaws.com"}}};
  t.insight_types = {"ApiCallRateInsight"};
  t.tags = {{"k", "v"}};
  t.start_logging_millis = kNow;
  auto back = TrailFromJson(TrailToJson(t));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(TrailToJson(*back), TrailToJson(t));
  EXPECT_EQ(back->LogGroupName(), "g/x");
  EXPECT_EQ(back->LogGroupRegion(), "us-east-1");
  EXPECT_FALSE(TrailFromJson("{not json"));

  TrailState s;
  s.latest_delivery_error = "AccessDenied";
  s.chains["us-east-1"] = DigestChain{"b", "k", "aa", "bb", kNow};
  auto state = StateFromJson(StateToJson(s));
  ASSERT_TRUE(state);
  EXPECT_EQ(StateToJson(*state), StateToJson(s));
}

TEST(LogFiles, KeysFollowAwsLayout) {
  EXPECT_EQ(LogFileKey("", "111122223333", "CloudTrail", "us-east-2", 1438395000000, 1438394999000,
                       "Mu0KsOhtH1ar15ZZ"),
            "AWSLogs/111122223333/CloudTrail/us-east-2/2015/08/01/"
            "111122223333_CloudTrail_us-east-2_20150801T0209Z_Mu0KsOhtH1ar15ZZ.json.gz");
  EXPECT_EQ(LogFileKey("pre/fix/", "1", "CloudTrail", "r", 0, 0, "S"),
            "pre/fix/AWSLogs/1/CloudTrail/r/1970/01/01/1_CloudTrail_r_19700101T0000Z_S.json.gz");
  EXPECT_EQ(
      DigestFileKey("", "111122223333", "us-east-2", "your-trail-name", "us-east-2", 1439823691000),
      "AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2015/08/17/"
      "111122223333_CloudTrail-Digest_us-east-2_your-trail-name_us-east-2_20150817T150131Z."
      "json.gz");
}

TEST(LogFiles, RecordsDocumentAndGzip) {
  std::string doc = RecordsDocument({"{\"a\":1}", "{\"b\":2}"});
  EXPECT_EQ(doc, "{\"Records\":[{\"a\":1},{\"b\":2}]}");
  EXPECT_EQ(RecordsDocument({}), "{\"Records\":[]}");
  std::string gz = Gzip(doc);
  ASSERT_GE(gz.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(gz[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(gz[1]), 0x8b);
  auto back = Gunzip(gz);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, doc);
  EXPECT_FALSE(Gunzip(gz.substr(0, gz.size() / 2)));
}

TEST(LogFiles, DigestDocumentAndStringToSign) {
  DigestInput d;
  d.account_id = kAccount;
  d.start_millis = 1439820091000;
  d.end_millis = 1439823691000;
  d.bucket = "b";
  d.key = "k";
  d.fingerprint = "ff";
  std::string starting = DigestDocument(d);
  EXPECT_NE(starting.find("\"previousDigestSignature\":null"), std::string::npos);
  EXPECT_NE(starting.find("\"logFiles\":[]"), std::string::npos);
  EXPECT_NE(starting.find("\"newestEventTime\":null"), std::string::npos);
  EXPECT_NE(starting.find("\"digestEndTime\":\"2015-08-17T15:01:31Z\""), std::string::npos);
  d.previous = PreviousDigest{"b", "prev", "abc", "def"};
  d.log_files.push_back({"b", "log", "123", 1439822547000, 1439823147000});
  std::string chained = DigestDocument(d);
  EXPECT_NE(chained.find("\"previousDigestSignature\":\"def\""), std::string::npos);
  EXPECT_NE(chained.find("\"hashValue\":\"123\""), std::string::npos);
  EXPECT_NE(chained.find("\"oldestEventTime\":\"2015-08-17T14:42:27Z\""), std::string::npos);
  EXPECT_EQ(DigestStringToSign(1439823691000, "b", "k", "abc", std::nullopt),
            "2015-08-17T15:01:31Z\nb/k\nabc\nnull");
  EXPECT_EQ(DigestStringToSign(1439823691000, "b", "k", "abc", std::string("sig")),
            "2015-08-17T15:01:31Z\nb/k\nabc\nsig");
}

class TempDir {
 public:
  TempDir()
      : path_(std::filesystem::temp_directory_path() /
              ("tw-trails-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
               "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    std::filesystem::remove_all(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

TEST(SigningKeysTest, SignVerifyAndPersist) {
  TempDir dir;
  std::string signature_hex, der, fingerprint;
  {
    SigningKeys keys(dir.path() / "keys");
    auto key = keys.PublicKey("us-east-1", kNow);
    ASSERT_TRUE(key) << key.error().message;
    EXPECT_EQ(key->fingerprint, HexEncode(Md5(key->der)));
    EXPECT_EQ(key->fingerprint.size(), 32u);
    EXPECT_EQ(key->valid_from_millis, kNow);
    auto signature = keys.SignHex("us-east-1", "payload", kNow);
    ASSERT_TRUE(signature);
    signature_hex = *signature;
    der = key->der;
    fingerprint = key->fingerprint;
    EXPECT_NE(keys.PublicKey("eu-west-1", kNow)->fingerprint, fingerprint);
    EXPECT_EQ(keys.List("us-east-1", kNow - 10, kNow + 10, kNow)->size(), 1u);
    EXPECT_TRUE(keys.List("us-east-1", 0, kNow - 1, kNow)->empty());
    EXPECT_FALSE(keys.PublicKey("../etc", kNow));
  }
  auto raw = HexDecode(signature_hex);
  ASSERT_TRUE(raw);
  EXPECT_TRUE(SigningKeys::Verify(der, "payload", *raw));
  EXPECT_FALSE(SigningKeys::Verify(der, "payloaD", *raw));
  // A restart reads the same key back (digests stay verifiable).
  SigningKeys again(dir.path() / "keys");
  auto key = again.PublicKey("us-east-1", kNow + 1000);
  ASSERT_TRUE(key);
  EXPECT_EQ(key->der, der);
  EXPECT_EQ(key->valid_from_millis, kNow);
  EXPECT_EQ(std::filesystem::status(dir.path() / "keys" / "us-east-1.pem").permissions() &
                std::filesystem::perms::others_read,
            std::filesystem::perms::none);
}

// Targets that store objects and log events in memory; access is configurable.
class FakeTargets final : public TrailTargets {
 public:
  struct Object {
    std::string body;
    std::map<std::string, std::string> metadata;
  };
  Result<BucketAccess> BucketAllows(const std::string& bucket, const std::string& action,
                                    const std::string& resource,
                                    const std::vector<ContextKey>& context) override {
    std::lock_guard lock(mu);
    checks.push_back(action + " " + resource);
    for (const auto& c : context) {
      if (c.key == "aws:SourceArn") source_arn = c.value;
    }
    if (!buckets.contains(bucket)) return BucketAccess::kNoSuchBucket;
    return bucket_allows ? BucketAccess::kAllowed : BucketAccess::kDenied;
  }
  Status PutObject(const std::string& bucket, const std::string& key, std::string body,
                   const std::string&,
                   const std::map<std::string, std::string>& metadata) override {
    std::lock_guard lock(mu);
    objects[bucket + "/" + key] = Object{std::move(body), metadata};
    return {};
  }
  Result<std::optional<bool>> RoleTrusts(const std::string& role, const std::string&) override {
    if (role.find("missing") != std::string::npos) return std::optional<bool>();
    return std::optional<bool>(role_trusts);
  }
  Result<bool> RoleAllows(const std::string&, const std::string&, const std::string&) override {
    return role_allows;
  }
  Result<bool> LogGroupExists(const std::string&, const std::string&,
                              const std::string& group) override {
    return group == "trail-group";
  }
  Status EnsureLogStream(const std::string&, const std::string&, const std::string& group,
                         const std::string& stream) override {
    std::lock_guard lock(mu);
    streams.insert(group + "/" + stream);
    return {};
  }
  Status PutLogEvents(const std::string&, const std::string&, const std::string& group,
                      const std::string& stream, const std::vector<LogEventOut>& events) override {
    std::lock_guard lock(mu);
    for (const auto& e : events) log_events.push_back(group + "/" + stream + " " + e.message);
    return {};
  }
  std::vector<std::pair<std::string, Object>> ObjectsUnder(const std::string& prefix) {
    std::lock_guard lock(mu);
    std::vector<std::pair<std::string, Object>> out;
    for (const auto& [k, v] : objects) {
      if (k.starts_with(prefix)) out.emplace_back(k, v);
    }
    return out;
  }

  std::mutex mu;
  std::set<std::string> buckets = {"logs"};
  bool bucket_allows = true;
  bool role_trusts = true;
  bool role_allows = true;
  std::string source_arn;
  std::vector<std::string> checks;
  std::map<std::string, Object> objects;
  std::set<std::string> streams;
  std::vector<std::string> log_events;
};

class DelivererTest : public ::testing::Test {
 protected:
  DelivererTest() : clock_(kNow) {
    history_ = EventHistory::Open(dir_.path()).value();
    registry_ = TrailRegistry::Load(history_->database()).value();
    keys_ = std::make_unique<SigningKeys>(dir_.path() / "keys");
    // Long periods: the tests deliver with Flush.
    deliverer_ = std::make_unique<TrailDeliverer>(*registry_, targets_, *keys_, clock_,
                                                  DeliveryOptions{3'600'000, 3'600'000});
  }
  ~DelivererTest() override {
    deliverer_.reset();
    registry_.reset();
    history_.reset();
  }

  void AddTrail(Trail t) {
    t.logging = true;
    t.start_logging_millis = kNow - 1000;
    ASSERT_TRUE(registry_->Insert(t).value());
  }
  void Send(std::vector<pipeline::TrailEvent> events) { deliverer_->OnStored(events); }

  TempDir dir_;
  testing::FakeClock clock_;
  FakeTargets targets_;
  std::unique_ptr<EventHistory> history_;
  std::unique_ptr<TrailRegistry> registry_;
  std::unique_ptr<SigningKeys> keys_;
  std::unique_ptr<TrailDeliverer> deliverer_;
};

TEST_F(DelivererTest, WritesGzipRecordFilesPerRegion) {
  Trail t = BaseTrail();
  t.multi_region = true;
  t.s3_prefix = "audit";
  AddTrail(t);
  Send({Event("CreateUser"), Event("CreateLogGroup", "logs.amazonaws.com", "eu-west-1")});
  Send({Event("DeleteUser")});
  deliverer_->Flush(false);
  auto files = targets_.ObjectsUnder("logs/audit/AWSLogs/000000000000/CloudTrail/");
  ASSERT_EQ(files.size(), 2u);
  const std::regex name(
      "logs/audit/AWSLogs/000000000000/CloudTrail/(us-east-1|eu-west-1)/2026/01/01/"
      "000000000000_CloudTrail_\\1_20260101T0000Z_[A-Za-z0-9]{16}\\.json\\.gz");
  std::string all;
  for (const auto& [key, object] : files) {
    EXPECT_TRUE(std::regex_match(key, name)) << key;
    auto body = Gunzip(object.body);
    ASSERT_TRUE(body);
    EXPECT_TRUE(body->starts_with("{\"Records\":[{")) << *body;
    all += *body;
  }
  for (const char* n : {"CreateUser", "CreateLogGroup", "DeleteUser"}) {
    EXPECT_NE(all.find(n), std::string::npos) << n;
  }
  EXPECT_EQ(targets_.source_arn, t.Arn());
  TrailState state = registry_->State(TrailRegistry::KeyOf(t));
  EXPECT_TRUE(state.latest_delivery_millis);
  EXPECT_EQ(state.latest_delivery_error, "");
  // Nothing new: no empty file.
  deliverer_->Flush(false);
  EXPECT_EQ(targets_.ObjectsUnder("logs/audit/AWSLogs/000000000000/CloudTrail/").size(), 2u);
}

TEST_F(DelivererTest, DeniedDeliveryIsAStatusErrorAndRetried) {
  Trail t = BaseTrail();
  AddTrail(t);
  targets_.bucket_allows = false;
  Send({Event("CreateUser")});
  deliverer_->Flush(false);
  EXPECT_TRUE(targets_.ObjectsUnder("logs/").empty());
  EXPECT_EQ(registry_->State(TrailRegistry::KeyOf(t)).latest_delivery_error, "AccessDenied");
  targets_.bucket_allows = true;
  deliverer_->Flush(false);
  ASSERT_EQ(targets_.ObjectsUnder("logs/").size(), 1u);
  EXPECT_EQ(registry_->State(TrailRegistry::KeyOf(t)).latest_delivery_error, "");
}

TEST_F(DelivererTest, StoppedTrailsAndEarlierEventsAreNotDelivered) {
  Trail t = BaseTrail();
  t.logging = false;
  ASSERT_TRUE(registry_->Insert(t).value());
  Send({Event("CreateUser")});
  deliverer_->Flush(false);
  EXPECT_TRUE(targets_.ObjectsUnder("logs/").empty());
}

TEST_F(DelivererTest, DigestsAreChainedAndSigned) {
  Trail t = BaseTrail();
  t.log_file_validation = true;
  AddTrail(t);
  Send({Event("CreateUser")});
  clock_.Advance(2000);
  deliverer_->Flush(true);
  Send({Event("DeleteUser")});
  clock_.Advance(2000);
  deliverer_->Flush(true);
  auto digests = targets_.ObjectsUnder("logs/AWSLogs/000000000000/CloudTrail-Digest/");
  ASSERT_EQ(digests.size(), 2u);
  auto logs = targets_.ObjectsUnder("logs/AWSLogs/000000000000/CloudTrail/");
  ASSERT_EQ(logs.size(), 2u);
  auto key = keys_->PublicKey("us-east-1", kNow);
  ASSERT_TRUE(key);
  std::string previous_signature;
  std::string previous_key;
  std::string previous_hash;
  for (const auto& [path, object] : digests) {  // map order = chronological here
    auto body = Gunzip(object.body);
    ASSERT_TRUE(body);
    const std::string digest_key = path.substr(std::string("logs/").size());
    EXPECT_NE(body->find("\"digestS3Object\":\"" + digest_key + "\""), std::string::npos);
    EXPECT_NE(body->find("\"digestPublicKeyFingerprint\":\"" + key->fingerprint + "\""),
              std::string::npos);
    ASSERT_EQ(object.metadata.at("signature-algorithm"), "SHA256withRSA");
    const std::string& signature = object.metadata.at("signature");
    // The end time inside the document is what was signed.
    std::smatch end;
    ASSERT_TRUE(std::regex_search(*body, end, std::regex("\"digestEndTime\":\"([^\"]+)\"")));
    std::string to_sign = end[1].str() + "\nlogs/" + digest_key + "\n" + Sha256Hex(*body) + "\n" +
                          (previous_signature.empty() ? "null" : previous_signature);
    EXPECT_TRUE(SigningKeys::Verify(key->der, to_sign, HexDecode(signature).value()));
    if (previous_signature.empty()) {
      EXPECT_NE(body->find("\"previousDigestSignature\":null"), std::string::npos);
    } else {
      EXPECT_NE(body->find("\"previousDigestSignature\":\"" + previous_signature + "\""),
                std::string::npos);
      EXPECT_NE(body->find("\"previousDigestS3Object\":\"" + previous_key + "\""),
                std::string::npos);
      EXPECT_NE(body->find("\"previousDigestHashValue\":\"" + previous_hash + "\""),
                std::string::npos);
    }
    // Each digest lists one log file with the SHA-256 of its uncompressed content.
    std::smatch listed;
    ASSERT_TRUE(std::regex_search(
        *body, listed, std::regex("\"s3Object\":\"([^\"]+)\",\"hashValue\":\"([0-9a-f]+)")));
    auto log = targets_.ObjectsUnder("logs/" + listed[1].str());
    ASSERT_EQ(log.size(), 1u);
    EXPECT_EQ(Sha256Hex(Gunzip(log[0].second.body).value()), listed[2].str());
    previous_signature = signature;
    previous_key = digest_key;
    previous_hash = Sha256Hex(*body);
  }
}

TEST_F(DelivererTest, ShutdownDeliversEverything) {
  Trail t = BaseTrail();
  t.log_file_validation = true;
  AddTrail(t);
  Send({Event("CreateUser")});
  deliverer_->Shutdown();
  EXPECT_EQ(targets_.ObjectsUnder("logs/AWSLogs/000000000000/CloudTrail/").size(), 1u);
  EXPECT_EQ(targets_.ObjectsUnder("logs/AWSLogs/000000000000/CloudTrail-Digest/").size(), 1u);
}

TEST_F(DelivererTest, CloudWatchLogsGetEachRecordAtOnce) {
  Trail t = BaseTrail();
  t.cwl_group_arn = "arn:aws:logs:us-east-1:000000000000:log-group:trail-group:*";
  t.cwl_role_arn = "arn:aws:iam::000000000000:role/CloudTrail_CloudWatchLogs_Role";
  AddTrail(t);
  Send({Event("CreateUser"), Event("DeleteUser")});
  deliverer_->Flush(false);
  {
    std::lock_guard lock(targets_.mu);
    EXPECT_EQ(targets_.streams.count("trail-group/000000000000_CloudTrail_us-east-1"), 1u);
    ASSERT_EQ(targets_.log_events.size(), 2u);
    EXPECT_NE(targets_.log_events[0].find("CreateUser"), std::string::npos);
  }
  EXPECT_TRUE(registry_->State(TrailRegistry::KeyOf(t)).latest_cwl_delivery_millis);
  // A role that no longer allows writing: nothing sent, and the status says why.
  targets_.role_allows = false;
  Send({Event("CreateGroup")});
  deliverer_->Flush(false);
  EXPECT_EQ(targets_.log_events.size(), 2u);
  EXPECT_NE(registry_->State(TrailRegistry::KeyOf(t)).latest_cwl_error.find("not authorized"),
            std::string::npos);
}

// Insights through the deliverer: a learned baseline, a burst, then Start and End events in the
// event history (LookupEvents EventCategory=insight), in a gzip file under CloudTrail-Insight/
// and in the trail's log group; a restarted deliverer keeps the baseline (cloudtrail.db).
TEST_F(DelivererTest, InsightsAreDeliveredAndTheirBaselineSurvivesARestart) {
  DeliveryOptions options{3'600'000, 3'600'000};
  options.insights.learning_minutes = 2;
  options.insights.grace_millis = 0;
  auto make_deliverer = [&] {
    deliverer_ = std::make_unique<TrailDeliverer>(*registry_, targets_, *keys_, clock_, options);
    deliverer_->SetInsightHistory(history_.get());
  };
  deliverer_.reset();
  make_deliverer();
  Trail t = BaseTrail();
  t.insight_types = {"ApiCallRateInsight"};
  t.cwl_group_arn = "arn:aws:logs:us-east-1:000000000000:log-group:trail-group:*";
  t.cwl_role_arn = "arn:aws:iam::000000000000:role/CloudTrail_CloudWatchLogs_Role";
  AddTrail(t);
  auto at = [](std::int64_t millis, const char* name) {
    pipeline::TrailEvent e = Event(name);
    e.event_time_millis = millis;
    return e;
  };
  // Three quiet minutes, evaluated; then the server stops (the baseline is saved).
  Send({at(kNow + 1000, "CreateUser"), at(kNow + 61'000, "CreateUser"),
        at(kNow + 121'000, "CreateUser")});
  deliverer_->Flush(false);
  clock_.Advance(3 * 60'000);
  deliverer_->Flush(false);
  deliverer_->Shutdown();
  make_deliverer();
  // Minute 3: a burst; minute 4: quiet again.
  std::vector<pipeline::TrailEvent> burst;
  for (int i = 0; i < 20; ++i) burst.push_back(at(kNow + 3 * 60'000 + i, "CreateUser"));
  Send(burst);
  deliverer_->Flush(false);
  clock_.Advance(60'000);
  Send({at(kNow + 4 * 60'000, "CreateUser")});
  deliverer_->Flush(false);
  clock_.Advance(60'000);
  deliverer_->Flush(false);

  LookupQuery query;
  query.account_id = kAccount;
  query.region = "us-east-1";
  query.category = "Insight";
  query.start_millis = kNow;
  query.end_millis = kNow + 3'600'000;
  auto page = history_->Lookup(query);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->events.size(), 2u);  // newest first
  EXPECT_NE(page->events[0].event.record_json.find("\"state\":\"End\""), std::string::npos);
  const std::string& start = page->events[1].event.record_json;
  EXPECT_NE(start.find("\"state\":\"Start\""), std::string::npos);
  EXPECT_EQ(page->events[1].event.event_name, "CreateUser");
  // Judged against the three quiet minutes learned before the restart.
  EXPECT_NE(start.find("\"baseline\":{\"average\":1}"), std::string::npos) << start;
  EXPECT_NE(start.find("\"baselineDuration\":3"), std::string::npos) << start;

  auto files = targets_.ObjectsUnder("logs/AWSLogs/000000000000/CloudTrail-Insight/");
  ASSERT_EQ(files.size(), 2u);
  const std::regex name(
      "logs/AWSLogs/000000000000/CloudTrail-Insight/us-east-1/2026/01/01/"
      "000000000000_CloudTrail-Insight_us-east-1_20260101T00(03|04)Z_[A-Za-z0-9]{16}\\.json\\.gz");
  for (const auto& [key, object] : files) {
    EXPECT_TRUE(std::regex_match(key, name)) << key;
    auto body = Gunzip(object.body);
    ASSERT_TRUE(body);
    EXPECT_TRUE(body->starts_with("{\"Records\":[{\"eventVersion\":\"1.09\"")) << *body;
    EXPECT_NE(body->find("\"eventType\":\"AwsCloudTrailInsight\""), std::string::npos);
  }
  std::lock_guard lock(targets_.mu);
  int insight_log_events = 0;
  for (const std::string& line : targets_.log_events) {
    if (line.find("AwsCloudTrailInsight") != std::string::npos) ++insight_log_events;
  }
  EXPECT_EQ(insight_log_events, 2);
}

// Insights events S3 refused wait for the next delivery round, like log files.
TEST_F(DelivererTest, RefusedInsightsFilesAreRetried) {
  DeliveryOptions options{3'600'000, 3'600'000};
  options.insights.learning_minutes = 1;
  options.insights.grace_millis = 0;
  deliverer_.reset();
  deliverer_ = std::make_unique<TrailDeliverer>(*registry_, targets_, *keys_, clock_, options);
  deliverer_->SetInsightHistory(history_.get());
  Trail t = BaseTrail();
  t.insight_types = {"ApiCallRateInsight"};
  AddTrail(t);
  auto at = [](std::int64_t millis) {
    pipeline::TrailEvent e = Event("CreateUser");
    e.event_time_millis = millis;
    return e;
  };
  Send({at(kNow + 1000)});
  deliverer_->Flush(false);
  clock_.Advance(60'000);
  deliverer_->Flush(false);
  targets_.bucket_allows = false;
  std::vector<pipeline::TrailEvent> burst;
  for (int i = 0; i < 20; ++i) burst.push_back(at(kNow + 60'000 + i));
  Send(burst);
  deliverer_->Flush(false);
  clock_.Advance(60'000);
  deliverer_->Flush(false);  // the Start event: refused
  const std::string prefix = "logs/AWSLogs/000000000000/CloudTrail-Insight/";
  EXPECT_TRUE(targets_.ObjectsUnder(prefix).empty());
  EXPECT_EQ(registry_->State(TrailRegistry::KeyOf(t)).latest_delivery_error, "AccessDenied");
  targets_.bucket_allows = true;
  deliverer_->Flush(false);
  auto files = targets_.ObjectsUnder(prefix);
  ASSERT_EQ(files.size(), 1u);
  auto body = Gunzip(files[0].second.body);
  ASSERT_TRUE(body);
  EXPECT_NE(body->find("\"state\":\"Start\""), std::string::npos) << *body;
  EXPECT_TRUE(registry_->State(TrailRegistry::KeyOf(t)).latest_insight_millis);
}

// The trail operations over the same fakes.
class TrailOpsTest : public DelivererTest {
 protected:
  TrailOpsTest() {
    recorder_ = std::make_unique<TrailRecorder>(*history_, clock_);
    service_ = std::make_unique<CloudTrailService>(
        *history_, *recorder_, kAccount, TrailDeps{*registry_, targets_, *keys_, *deliverer_});
  }
  ~TrailOpsTest() override {
    service_.reset();
    recorder_.reset();
  }
  using Handler = Result<Value> (CloudTrailService::*)(RequestContext&, const Value&);
  Result<Value> Call(Handler handler, Value input) {
    http::HttpRequest http;
    auth::Principal root;
    RequestContext context{"req", root, "us-east-1", clock_, random_, http};
    return (service_.get()->*handler)(context, input);
  }
  static Value Input(std::initializer_list<std::pair<const char*, Value>> members) {
    Value v = Value::MakeStructure();
    for (const auto& [k, m] : members) v.Set(k, m);
    return v;
  }
  std::string ErrorOf(Handler handler, Value input) {
    auto r = Call(handler, std::move(input));
    return r ? std::string("ok") : r.error().code;
  }

  testing::FixedRandom random_;
  std::unique_ptr<TrailRecorder> recorder_;
  std::unique_ptr<CloudTrailService> service_;
};

TEST_F(TrailOpsTest, CreateValidatesLikeAws) {
  using S = CloudTrailService;
  EXPECT_EQ(ErrorOf(&S::CreateTrail, Input({{"Name", "a"}, {"S3BucketName", "logs"}})),
            "InvalidTrailNameException");
  EXPECT_EQ(ErrorOf(&S::CreateTrail, Input({{"Name", "main"}, {"S3BucketName", "nope"}})),
            "S3BucketDoesNotExistException");
  targets_.bucket_allows = false;
  EXPECT_EQ(ErrorOf(&S::CreateTrail, Input({{"Name", "main"}, {"S3BucketName", "logs"}})),
            "InsufficientS3BucketPolicyException");
  targets_.bucket_allows = true;
  const std::string group = "arn:aws:logs:us-east-1:000000000000:log-group:trail-group:*";
  const std::string role = "arn:aws:iam::000000000000:role/R";
  EXPECT_EQ(ErrorOf(&S::CreateTrail, Input({{"Name", "main"},
                                            {"S3BucketName", "logs"},
                                            {"CloudWatchLogsLogGroupArn", group}})),
            "InvalidCloudWatchLogsRoleArnException");
  EXPECT_EQ(
      ErrorOf(&S::CreateTrail, Input({{"Name", "main"},
                                      {"S3BucketName", "logs"},
                                      {"CloudWatchLogsLogGroupArn",
                                       "arn:aws:logs:us-east-1:000000000000:log-group:nope:*"},
                                      {"CloudWatchLogsRoleArn", role}})),
      "InvalidCloudWatchLogsLogGroupArnException");
  targets_.role_trusts = false;
  EXPECT_EQ(ErrorOf(&S::CreateTrail, Input({{"Name", "main"},
                                            {"S3BucketName", "logs"},
                                            {"CloudWatchLogsLogGroupArn", group},
                                            {"CloudWatchLogsRoleArn", role}})),
            "InvalidCloudWatchLogsRoleArnException");
  targets_.role_trusts = true;
  targets_.role_allows = false;
  EXPECT_EQ(ErrorOf(&S::CreateTrail, Input({{"Name", "main"},
                                            {"S3BucketName", "logs"},
                                            {"CloudWatchLogsLogGroupArn", group},
                                            {"CloudWatchLogsRoleArn", role}})),
            "InvalidCloudWatchLogsRoleArnException");
  targets_.role_allows = true;
  auto created = Call(&S::CreateTrail, Input({{"Name", "main"},
                                              {"S3BucketName", "logs"},
                                              {"S3KeyPrefix", "p"},
                                              {"CloudWatchLogsLogGroupArn", group},
                                              {"CloudWatchLogsRoleArn", role}}));
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->GetString("TrailARN"), "arn:aws:cloudtrail:us-east-1:000000000000:trail/main");
  // The bucket policy was asked about the prefix's AWSLogs folder and the bucket ACL.
  EXPECT_NE(std::find(targets_.checks.begin(), targets_.checks.end(),
                      "s3:PutObject arn:aws:s3:::logs/p/AWSLogs/000000000000/*"),
            targets_.checks.end());
  EXPECT_NE(std::find(targets_.checks.begin(), targets_.checks.end(),
                      "s3:GetBucketAcl arn:aws:s3:::logs"),
            targets_.checks.end());
  EXPECT_EQ(ErrorOf(&S::CreateTrail, Input({{"Name", "main"}, {"S3BucketName", "logs"}})),
            "TrailAlreadyExistsException");
  // Persisted: a registry loaded again has it.
  auto reloaded = TrailRegistry::Load(history_->database());
  ASSERT_TRUE(reloaded);
  EXPECT_TRUE((*reloaded)->Find(kAccount, "us-east-1", "main"));
}

TEST_F(TrailOpsTest, LifecycleSelectorsTagsAndErrors) {
  using S = CloudTrailService;
  ASSERT_TRUE(Call(&S::CreateTrail, Input({{"Name", "main"}, {"S3BucketName", "logs"}})));
  auto status = Call(&S::GetTrailStatus, Input({{"Name", "main"}}));
  ASSERT_TRUE(status);
  EXPECT_FALSE(status->Find("IsLogging")->as_bool());
  ASSERT_TRUE(Call(&S::StartLogging, Input({{"Name", "main"}})));
  EXPECT_TRUE(Call(&S::GetTrailStatus, Input({{"Name", "main"}}))->Find("IsLogging")->as_bool());
  EXPECT_EQ(ErrorOf(&S::GetTrail, Input({{"Name", "other"}})), "TrailNotFoundException");

  Value selector = Value::MakeStructure();
  selector.Set("ReadWriteType", "WriteOnly");
  EXPECT_EQ(ErrorOf(&S::PutEventSelectors, Input({{"TrailName", "main"}})),
            "InvalidParameterCombinationException");
  ASSERT_TRUE(
      Call(&S::PutEventSelectors,
           Input({{"TrailName", "main"}, {"EventSelectors", Value::MakeList({selector})}})));
  auto got = Call(&S::GetEventSelectors, Input({{"TrailName", "main"}}));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->Find("EventSelectors")->as_list()[0].GetString("ReadWriteType"), "WriteOnly");
  EXPECT_TRUE(Call(&S::GetTrail, Input({{"Name", "main"}}))
                  ->Find("Trail")
                  ->Find("HasCustomEventSelectors")
                  ->as_bool());
  Value six = Value::MakeList();
  for (int i = 0; i < 6; ++i) six.Push(selector);
  EXPECT_EQ(ErrorOf(&S::PutEventSelectors, Input({{"TrailName", "main"}, {"EventSelectors", six}})),
            "InvalidEventSelectorsException");

  auto not_enabled = Call(&S::GetInsightSelectors, Input({{"TrailName", "main"}}));
  ASSERT_FALSE(not_enabled);
  EXPECT_EQ(not_enabled.error().code, "InsightNotEnabledException");
  EXPECT_EQ(not_enabled.error().message,
            "Trail arn:aws:cloudtrail:us-east-1:000000000000:trail/main does not have Insights "
            "enabled. Edit the trail settings to enable Insights, and then try the operation "
            "again.");
  Value insight = Value::MakeStructure();
  insight.Set("InsightType", "ApiCallRateInsight");
  // Insights on data events are not implemented, and say so; on management events they are.
  Value on_data = insight;
  on_data.Set("EventCategories", Value::MakeList({Value("Management"), Value("Data")}));
  EXPECT_EQ(
      ErrorOf(&S::PutInsightSelectors,
              Input({{"TrailName", "main"}, {"InsightSelectors", Value::MakeList({on_data})}})),
      "UnsupportedOperationException");
  Value on_management = insight;
  on_management.Set("EventCategories", Value::MakeList({Value("Management")}));
  EXPECT_TRUE(
      Call(&S::PutInsightSelectors,
           Input({{"TrailName", "main"}, {"InsightSelectors", Value::MakeList({on_management})}})));
  ASSERT_TRUE(
      Call(&S::PutInsightSelectors,
           Input({{"TrailName", "main"}, {"InsightSelectors", Value::MakeList({insight})}})));
  EXPECT_EQ(Call(&S::GetInsightSelectors, Input({{"TrailName", "main"}}))
                ->Find("InsightSelectors")
                ->as_list()
                .size(),
            1u);

  const std::string arn = "arn:aws:cloudtrail:us-east-1:000000000000:trail/main";
  Value tag = Value::MakeStructure();
  tag.Set("Key", "team");
  tag.Set("Value", "sec");
  ASSERT_TRUE(
      Call(&S::AddTags, Input({{"ResourceId", arn}, {"TagsList", Value::MakeList({tag})}})));
  auto tags = Call(&S::ListTags, Input({{"ResourceIdList", Value::MakeList({Value(arn)})}}));
  ASSERT_TRUE(tags);
  EXPECT_EQ(tags->Find("ResourceTagList")->as_list()[0].Find("TagsList")->as_list().size(), 1u);
  EXPECT_EQ(ErrorOf(&S::AddTags,
                    Input({{"ResourceId", arn + "x"}, {"TagsList", Value::MakeList({tag})}})),
            "ResourceNotFoundException");

  auto keys = Call(&S::ListPublicKeys, Value::MakeStructure());
  ASSERT_TRUE(keys);
  ASSERT_EQ(keys->Find("PublicKeyList")->as_list().size(), 1u);
  ASSERT_TRUE(Call(&S::DeleteTrail, Input({{"Name", arn}})));
  EXPECT_EQ(ErrorOf(&S::GetTrailStatus, Input({{"Name", "main"}})), "TrailNotFoundException");
}

}  // namespace
}  // namespace tw::services::cloudtrail
