// SPDX-License-Identifier: Apache-2.0
// Event history end to end inside the service: the recorder stores what the dispatcher records,
// LookupEvents finds it newest first by each attribute, pages with NextToken and keeps AWS's
// errors; everything recorded is stored by the time the recorder is destroyed.
#include "services/cloudtrail/cloudtrail_service.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "testing/fake_clock.h"
#include "testing/fixed_random.h"

namespace tw::services::cloudtrail {
namespace {

using protocol::Value;

constexpr std::int64_t kNow = 1'767'225'600'000;

class CloudTrailTest : public ::testing::Test {
 protected:
  CloudTrailTest()
      : dir_(std::filesystem::temp_directory_path() /
             ("tw-cloudtrail-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
              "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name())),
        clock_(kNow) {
    std::filesystem::remove_all(dir_);
    history_ = EventHistory::Open(dir_).value();
    recorder_ = std::make_unique<TrailRecorder>(*history_, clock_);
    service_ = std::make_unique<CloudTrailService>(*history_, *recorder_, "000000000000");
  }
  ~CloudTrailTest() override {
    service_.reset();
    recorder_.reset();
    history_.reset();
    std::filesystem::remove_all(dir_);
  }

  static pipeline::TrailEvent Event(int i, std::string name, std::string user,
                                    std::string region = "us-east-1") {
    pipeline::TrailEvent e;
    e.event_id = "evt-" + std::to_string(i);
    e.event_time_millis = kNow - 1000 * (100 - i);
    e.event_source = "iam.amazonaws.com";
    e.event_name = std::move(name);
    e.aws_region = std::move(region);
    e.recipient_account_id = "000000000000";
    e.read_only = e.event_name.starts_with("List");
    e.username = std::move(user);
    e.access_key_id = "AKIA" + std::to_string(i);
    e.resources.push_back({"AWS::IAM::User", "user" + std::to_string(i)});
    e.record_json = "{\"eventID\":\"" + e.event_id + "\"}";
    return e;
  }

  Result<Value> Lookup(Value input, std::string region = "us-east-1") {
    http::HttpRequest http;
    auth::Principal root;
    services::RequestContext context{"req", root, region, clock_, random_, http};
    return service_->LookupEvents(context, input);
  }

  static Value Attribute(std::string key, std::string value) {
    Value attribute = Value::MakeStructure();
    attribute.Set("AttributeKey", std::move(key));
    attribute.Set("AttributeValue", std::move(value));
    Value input = Value::MakeStructure();
    input.Set("LookupAttributes", Value::MakeList({attribute}));
    return input;
  }

  std::filesystem::path dir_;
  testing::FakeClock clock_;
  testing::FixedRandom random_;
  std::unique_ptr<EventHistory> history_;
  std::unique_ptr<TrailRecorder> recorder_;
  std::unique_ptr<CloudTrailService> service_;
};

TEST_F(CloudTrailTest, NewestFirstWithEveryAttribute) {
  recorder_->Record(Event(1, "CreateUser", "root"));
  recorder_->Record(Event(2, "ListUsers", "alice"));
  recorder_->Record(Event(3, "CreateUser", "alice"));
  recorder_->Record(Event(4, "CreateUser", "alice", "eu-west-1"));

  auto all = Lookup(Value::MakeStructure());
  ASSERT_TRUE(all) << all.error().message;
  const auto& events = all->Find("Events")->as_list();
  ASSERT_EQ(events.size(), 3u);  // the eu-west-1 event is another region's history
  EXPECT_EQ(events[0].GetString("EventId"), "evt-3");
  EXPECT_EQ(events[2].GetString("EventId"), "evt-1");
  EXPECT_EQ(events[0].GetString("CloudTrailEvent"), "{\"eventID\":\"evt-3\"}");
  EXPECT_EQ(events[1].GetString("ReadOnly"), "true");
  EXPECT_EQ(events[0].Find("Resources")->as_list()[0].GetString("ResourceName"), "user3");

  auto by_name = Lookup(Attribute("EventName", "CreateUser"));
  EXPECT_EQ(by_name->Find("Events")->as_list().size(), 2u);
  auto by_user = Lookup(Attribute("Username", "alice"));
  EXPECT_EQ(by_user->Find("Events")->as_list().size(), 2u);
  auto by_read_only = Lookup(Attribute("ReadOnly", "true"));
  EXPECT_EQ(by_read_only->Find("Events")->as_list().size(), 1u);
  auto by_resource = Lookup(Attribute("ResourceName", "user1"));
  EXPECT_EQ(by_resource->Find("Events")->as_list().size(), 1u);
  auto by_type = Lookup(Attribute("ResourceType", "AWS::IAM::User"));
  EXPECT_EQ(by_type->Find("Events")->as_list().size(), 3u);
  auto by_key = Lookup(Attribute("AccessKeyId", "AKIA2"));
  EXPECT_EQ(by_key->Find("Events")->as_list().size(), 1u);
  auto by_id = Lookup(Attribute("EventId", "evt-1"));
  EXPECT_EQ(by_id->Find("Events")->as_list().size(), 1u);
  auto by_source = Lookup(Attribute("EventSource", "iam.amazonaws.com"));
  EXPECT_EQ(by_source->Find("Events")->as_list().size(), 3u);
  auto other_region = Lookup(Value::MakeStructure(), "eu-west-1");
  EXPECT_EQ(other_region->Find("Events")->as_list().size(), 1u);
}

TEST_F(CloudTrailTest, PagesWithNextToken) {
  for (int i = 1; i <= 7; ++i) recorder_->Record(Event(i, "CreateUser", "root"));
  Value input = Value::MakeStructure();
  input.Set("MaxResults", 3);
  std::vector<std::string> seen;
  for (int page = 0; page < 5; ++page) {
    auto result = Lookup(input);
    ASSERT_TRUE(result);
    for (const Value& e : result->Find("Events")->as_list()) {
      seen.emplace_back(e.GetString("EventId"));
    }
    std::string_view token = result->GetString("NextToken");
    if (token.empty()) break;
    input.Set("NextToken", std::string(token));
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"evt-7", "evt-6", "evt-5", "evt-4", "evt-3", "evt-2",
                                            "evt-1"}));
}

TEST_F(CloudTrailTest, TimeRangeAndErrors) {
  recorder_->Record(Event(1, "CreateUser", "root"));
  recorder_->Record(Event(50, "CreateUser", "root"));
  Value range = Value::MakeStructure();
  range.Set("StartTime", protocol::Timestamp{kNow - 60'000});
  range.Set("EndTime", protocol::Timestamp{kNow});
  EXPECT_EQ(Lookup(range)->Find("Events")->as_list().size(), 1u);

  Value backwards = Value::MakeStructure();
  backwards.Set("StartTime", protocol::Timestamp{kNow});
  backwards.Set("EndTime", protocol::Timestamp{kNow - 1});
  EXPECT_EQ(Lookup(backwards).error().code, "InvalidTimeRangeException");

  Value two = Attribute("EventName", "CreateUser");
  two.Find("LookupAttributes")->Push(two.Find("LookupAttributes")->as_list()[0]);
  EXPECT_EQ(Lookup(two).error().code, "InvalidLookupAttributesException");

  Value token = Value::MakeStructure();
  token.Set("NextToken", "not-a-token");
  EXPECT_EQ(Lookup(token).error().code, "InvalidNextTokenException");

  Value category = Value::MakeStructure();
  category.Set("EventCategory", "management");
  EXPECT_EQ(Lookup(category).error().code, "InvalidEventCategoryException");
}

TEST_F(CloudTrailTest, EverythingRecordedIsStoredAtShutdown) {
  for (int i = 0; i < 3000; ++i) {
    pipeline::TrailEvent e = Event(50, "CreateUser", "root");
    e.event_id = "bulk-" + std::to_string(i);
    recorder_->Record(std::move(e));
  }
  // Destroying the recorder drains its queue into the history.
  service_.reset();
  recorder_.reset();
  recorder_ = std::make_unique<TrailRecorder>(*history_, clock_);
  service_ = std::make_unique<CloudTrailService>(*history_, *recorder_, "000000000000");
  Value input = Value::MakeStructure();
  std::size_t count = 0;
  for (int page = 0; page < 100; ++page) {
    auto result = Lookup(input);
    ASSERT_TRUE(result);
    count += result->Find("Events")->as_list().size();
    std::string_view next = result->GetString("NextToken");
    if (next.empty()) break;
    input.Set("NextToken", std::string(next));
  }
  EXPECT_EQ(count, 3000u);
}

TEST_F(CloudTrailTest, ReplayedEventsAreStoredOnce) {
  ASSERT_TRUE(history_->Append({Event(1, "CreateUser", "root")}));
  ASSERT_TRUE(history_->Append({Event(1, "CreateUser", "root"), Event(2, "CreateUser", "root")}));
  EXPECT_EQ(Lookup(Value::MakeStructure())->Find("Events")->as_list().size(), 2u);
}

// Event history keeps management events only: a recorded data event (S3 object call, SNS
// Publish, PutLogEvents) reaches trails that select it but is never stored or looked up.
TEST_F(CloudTrailTest, DataEventsAreNotKeptInEventHistory) {
  pipeline::TrailEvent data = Event(1, "PutLogEvents", "root");
  data.event_source = "logs.amazonaws.com";
  data.event_category = "Data";
  ASSERT_TRUE(history_->Append({data}));
  recorder_->Record(Event(2, "CreateUser", "root"));
  pipeline::TrailEvent publish = Event(3, "Publish", "root");
  publish.event_source = "sns.amazonaws.com";
  publish.event_category = "Data";
  recorder_->Record(std::move(publish));
  recorder_->Flush();
  auto all = Lookup(Value::MakeStructure());
  ASSERT_TRUE(all);
  ASSERT_EQ(all->Find("Events")->as_list().size(), 1u);
  EXPECT_EQ(all->Find("Events")->as_list()[0].GetString("EventName"), "CreateUser");
  // Nobody listens (no trail): the recorder says data events are not wanted.
  EXPECT_FALSE(recorder_->WantsDataEvents());
}

// Imported events: stored once by id (a re-import is a no-op), found by LookupEvents at their
// original time, and kept 90 days from the import rather than from their event time.
TEST_F(CloudTrailTest, ImportedEventsAreStoredOnceAndExpireFromTheirImport) {
  pipeline::TrailEvent old = Event(1, "CreateUser", "alice");
  old.event_time_millis = kNow - 400LL * 86'400'000;
  auto first = history_->AppendImported({old, Event(2, "ListUsers", "bob")}, kNow);
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, (std::vector<bool>{true, true}));
  auto again = history_->AppendImported({old}, kNow);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, std::vector<bool>{false});

  Value input = Attribute("EventId", "evt-1");
  input.Set("StartTime", protocol::Timestamp{kNow - 500LL * 86'400'000});
  auto found = Lookup(input);
  ASSERT_TRUE(found);
  ASSERT_EQ(found->Find("Events")->as_list().size(), 1u);
  EXPECT_EQ(found->Find("Events")->as_list()[0].Find("EventTime")->as_timestamp().epoch_millis,
            old.event_time_millis);

  // The 90-day purge leaves the 400-day-old imported event (imported just now) alone...
  ASSERT_TRUE(history_->PurgeBefore(kNow - EventHistory::kRetentionMillis));
  EXPECT_EQ(Lookup(input)->Find("Events")->as_list().size(), 1u);
  // ...until 90 days after its import.
  ASSERT_TRUE(history_->PurgeBefore(kNow + 1));
  EXPECT_EQ(Lookup(input)->Find("Events")->as_list().size(), 0u);
}

// An event recorded live (milliseconds) and later imported from the trail's own log file (whole
// seconds, same eventID) is the same event: stored once.
TEST_F(CloudTrailTest, ImportingARecordedEventKeepsOneCopy) {
  pipeline::TrailEvent live = Event(7, "CreateUser", "alice");
  live.event_time_millis = kNow - 5'000 + 731;
  ASSERT_TRUE(history_->Append({live}));
  pipeline::TrailEvent imported = live;
  imported.event_time_millis = kNow - 5'000;
  pipeline::TrailEvent other = Event(8, "CreateUser", "alice");
  other.event_time_millis = kNow - 5'000;
  // An imported record is known by its id whatever its time (an import of files that repeat
  // an eventID at another time stores it once, as before).
  pipeline::TrailEvent repeated = other;
  repeated.event_time_millis = kNow - 3'000;
  auto result = history_->AppendImported({imported, other, repeated}, kNow);
  ASSERT_TRUE(result);
  EXPECT_EQ(*result, (std::vector<bool>{false, true, false}));
  EXPECT_EQ(Lookup(Value::MakeStructure())->Find("Events")->as_list().size(), 2u);
}

}  // namespace
}  // namespace tw::services::cloudtrail
