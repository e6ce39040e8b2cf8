// SPDX-License-Identifier: Apache-2.0
#include "services/cloudtrail/trail_deliverer.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "common/crypto.h"
#include "common/strings.h"

namespace tw::services::cloudtrail {
namespace {

constexpr std::size_t kMaxPendingRecords = 200'000;     // per (trail, Region) while failing
constexpr std::size_t kMaxCwlRecordBytes = 256 * 1024;  // larger records go to S3 only
constexpr std::size_t kMaxCwlBatchBytes = 1'000'000;    // PutLogEvents' batch limit, less slack
constexpr std::size_t kMaxCwlBatchEvents = 10'000;
constexpr std::int64_t kMaxWaitMillis = 250;
constexpr std::chrono::milliseconds kGather{200};

std::string StreamName(const Trail& trail, std::string_view region) {
  return trail.account_id + "_CloudTrail_" + std::string(region);
}

std::string LogStreamArn(const Trail& trail, std::string_view region) {
  return "arn:aws:logs:" + trail.LogGroupRegion() + ":" + trail.account_id +
         ":log-group:" + trail.LogGroupName() + ":log-stream:" + StreamName(trail, region);
}

std::vector<ContextKey> DeliveryContext(const Trail& trail) {
  return {{"aws:SourceArn", trail.Arn()},
          {"aws:SourceAccount", trail.account_id},
          {"s3:x-amz-acl", "bucket-owner-full-control"}};
}

std::string ErrorName(BucketAccess access) {
  return access == BucketAccess::kNoSuchBucket ? "NoSuchBucket" : "AccessDenied";
}

}  // namespace

TrailDeliverer::TrailDeliverer(TrailRegistry& registry, TrailTargets& targets, SigningKeys& keys,
                               const Clock& clock, DeliveryOptions options)
    : registry_(registry), targets_(targets), keys_(keys), clock_(clock), options_(options) {
  const std::int64_t now = EpochMillis(clock_.Now());
  next_delivery_ = now + options_.delivery_millis;
  next_digest_ = now + options_.digest_millis;
  worker_ = std::thread([this] { Run(); });
}

TrailDeliverer::~TrailDeliverer() { Shutdown(); }

void TrailDeliverer::OnStored(std::vector<pipeline::TrailEvent>& batch) {
  if (batch.empty() || !registry_.any_logging()) return;
  std::unique_lock lock(mu_);
  space_cv_.wait(lock, [&] { return queued_events_ < options_.max_queued_events || stopping_; });
  if (stopped_) return;
  queued_events_ += batch.size();
  queue_.push_back(std::move(batch));
  batch.clear();
  lock.unlock();
  work_cv_.notify_one();
}

void TrailDeliverer::Flush(bool digests) {
  std::unique_lock lock(mu_);
  if (stopped_) return;
  const std::uint64_t ticket = ++flush_requested_;
  flush_digests_ = flush_digests_ || digests;
  work_cv_.notify_one();
  done_cv_.wait(lock, [&] { return flush_done_ >= ticket || stopped_; });
}

void TrailDeliverer::Shutdown() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  space_cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void TrailDeliverer::Run() {
  LowerThreadPriority();
  std::unique_lock lock(mu_);
  while (true) {
    const std::int64_t now = EpochMillis(clock_.Now());
    const std::int64_t due = std::min(next_delivery_, next_digest_);
    const std::int64_t wait = std::clamp<std::int64_t>(due - now, 0, kMaxWaitMillis);
    work_cv_.wait_for(lock, std::chrono::milliseconds(wait), [&] {
      return !queue_.empty() || stopping_ || flush_requested_ > flush_done_;
    });
    // Gather what the next moments bring, so CloudWatch Logs gets one transaction per batch
    // rather than per recorder commit (records still arrive within a fraction of a second).
    if (!queue_.empty() && !stopping_ && flush_requested_ == flush_done_) {
      work_cv_.wait_for(lock, kGather, [&] {
        return stopping_ || flush_requested_ > flush_done_ ||
               queued_events_ >= options_.max_queued_events / 2;
      });
    }
    std::deque<std::vector<pipeline::TrailEvent>> work;
    work.swap(queue_);
    queued_events_ = 0;
    const bool stopping = stopping_;
    const std::uint64_t flush_ticket = flush_requested_;
    const bool flush_digests = flush_digests_;
    flush_digests_ = false;
    lock.unlock();
    space_cv_.notify_all();

    for (auto& batch : work) Route(batch);
    const std::int64_t t = EpochMillis(clock_.Now());
    const bool flushing = stopping || flush_ticket > flush_done_;
    if (flushing || t >= next_delivery_) {
      DeliverFiles(t);
      next_delivery_ = t + options_.delivery_millis;
    }
    DeliverInsights(t);
    if (t >= next_digest_) {
      DeliverDigests(t, /*only_with_files=*/false);
      next_digest_ = t + options_.digest_millis;
    } else if (stopping || (flushing && flush_digests)) {
      DeliverDigests(t, /*only_with_files=*/true);
    }
    if (Status saved = registry_.SaveState(); !saved) {
      spdlog::warn("cloudtrail: saving trail state failed: {}", saved.error().message);
    }

    lock.lock();
    if (flush_ticket > flush_done_) {
      flush_done_ = flush_ticket;
      done_cv_.notify_all();
    }
    if (stopping && queue_.empty()) break;
  }
  stopped_ = true;
  done_cv_.notify_all();
  space_cv_.notify_all();
}

void TrailDeliverer::Route(std::vector<pipeline::TrailEvent>& events) {
  TrailRegistry::Snapshot trails = registry_.trails();
  for (const TrailRegistry::TrailPtr& trail : *trails) {
    if (!trail->logging) continue;
    const std::string key = TrailRegistry::KeyOf(*trail);
    const bool to_logs = !trail->cwl_group_arn.empty() && !trail->cwl_role_arn.empty();
    std::map<std::string, std::vector<LogEventOut>> log_events;  // by Region (stream)
    for (const pipeline::TrailEvent& e : events) {
      if (trail->start_logging_millis && e.event_time_millis < *trail->start_logging_millis) {
        continue;
      }
      if (!TrailSelects(*trail, e)) continue;
      if (!trail->insight_types.empty()) {
        auto it = analyzers_.find({key, e.aws_region});
        if (it == analyzers_.end() || it->second.types != trail->insight_types) {
          const auto& types = trail->insight_types;
          const bool calls =
              std::find(types.begin(), types.end(), "ApiCallRateInsight") != types.end();
          const bool errors =
              std::find(types.begin(), types.end(), "ApiErrorRateInsight") != types.end();
          it = analyzers_
                   .insert_or_assign(
                       {key, e.aws_region},
                       Analyzer{types, InsightsAnalyzer(trail->account_id, e.aws_region, calls,
                                                        errors, EpochMillis(clock_.Now()))})
                   .first;
        }
        it->second.analyzer.Observe(e);
      }
      Pending& p = pending_[{key, e.aws_region}];
      if (p.records.empty()) {
        p.oldest = p.newest = e.event_time_millis;
      } else {
        p.oldest = std::min(p.oldest, e.event_time_millis);
        p.newest = std::max(p.newest, e.event_time_millis);
      }
      if (p.records.size() >= kMaxPendingRecords) {
        spdlog::error("cloudtrail: trail {} cannot deliver to s3://{}; dropping its oldest record",
                      trail->name, trail->s3_bucket);
        p.records.erase(p.records.begin());
      }
      p.records.push_back(e.record_json);
      if (to_logs && e.record_json.size() <= kMaxCwlRecordBytes) {
        log_events[e.aws_region].push_back(LogEventOut{e.event_time_millis, e.record_json});
      }
    }
    for (auto& [region, list] : log_events) DeliverToLogs(*trail, region, list);
  }
}

void TrailDeliverer::DeliverToLogs(const Trail& trail, const std::string& region,
                                   std::vector<LogEventOut>& events) {
  if (events.empty()) return;
  const std::string key = TrailRegistry::KeyOf(trail);
  auto fail = [&](const std::string& error) {
    spdlog::warn("cloudtrail: trail {}: CloudWatch Logs delivery failed: {}", trail.name, error);
    registry_.UpdateState(key, [&](TrailState& s) { s.latest_cwl_error = error; });
  };
  const std::string group = trail.LogGroupName();
  const std::string group_region = trail.LogGroupRegion();
  const std::string stream = StreamName(trail, region);
  const std::string stream_arn = LogStreamArn(trail, region);
  // CloudTrail assumes the role: it must trust cloudtrail.amazonaws.com and allow both actions
  // on the stream, now as when the trail was configured.
  auto trusts = targets_.RoleTrusts(trail.cwl_role_arn, "cloudtrail.amazonaws.com");
  if (!trusts) return fail(trusts.error().message);
  if (!*trusts || !**trusts) return fail("Unable to assume role " + trail.cwl_role_arn);
  for (const char* action : {"logs:CreateLogStream", "logs:PutLogEvents"}) {
    auto allowed = targets_.RoleAllows(trail.cwl_role_arn, action, stream_arn);
    if (!allowed) return fail(allowed.error().message);
    if (!*allowed) {
      return fail("Role " + trail.cwl_role_arn + " is not authorized to perform: " + action +
                  " on resource: " + stream_arn);
    }
  }
  const std::string ready_key = key + "|" + group + "|" + stream;
  if (!streams_ready_.contains(ready_key)) {
    if (Status st = targets_.EnsureLogStream(trail.account_id, group_region, group, stream); !st) {
      return fail(st.error().message);
    }
    streams_ready_.insert(ready_key);
  }
  std::stable_sort(events.begin(), events.end(), [](const LogEventOut& a, const LogEventOut& b) {
    return a.timestamp_millis < b.timestamp_millis;
  });
  std::size_t first = 0;
  while (first < events.size()) {
    std::size_t last = first;
    std::size_t bytes = 0;
    while (last < events.size() && last - first < kMaxCwlBatchEvents &&
           bytes + events[last].message.size() + 26 <= kMaxCwlBatchBytes) {
      bytes += events[last].message.size() + 26;
      ++last;
    }
    std::vector<LogEventOut> chunk(std::make_move_iterator(events.begin() + first),
                                   std::make_move_iterator(events.begin() + last));
    if (Status st = targets_.PutLogEvents(trail.account_id, group_region, group, stream, chunk);
        !st) {
      streams_ready_.erase(ready_key);  // the group or stream may have been deleted
      return fail(st.error().message);
    }
    first = last;
  }
  const std::int64_t now = EpochMillis(clock_.Now());
  registry_.UpdateState(key, [&](TrailState& s) {
    s.latest_cwl_delivery_millis = now;
    s.latest_cwl_error.clear();
  });
}

void TrailDeliverer::DeliverInsights(std::int64_t now) {
  for (auto it = analyzers_.begin(); it != analyzers_.end();) {
    const auto& [trail_key, region] = it->first;
    TrailRegistry::TrailPtr trail;
    for (const auto& t : *registry_.trails()) {
      if (TrailRegistry::KeyOf(*t) == trail_key) trail = t;
    }
    if (!trail || trail->insight_types != it->second.types) {  // deleted or reconfigured
      it = analyzers_.erase(it);
      continue;
    }
    std::vector<pipeline::TrailEvent> events = it->second.analyzer.Tick(now, random_);
    ++it;
    if (events.empty()) continue;
    if (EventHistory* history = insight_history_.load()) {
      if (Status st = history->Append(events); !st) {
        spdlog::error("cloudtrail: storing Insights events failed: {}", st.error().message);
      }
    }
    std::vector<std::string_view> records;
    std::int64_t newest = 0;
    for (const auto& e : events) {
      records.push_back(e.record_json);
      newest = std::max(newest, e.event_time_millis);
    }
    const std::string key = LogFileKey(trail->s3_prefix, trail->account_id, "CloudTrail-Insight",
                                       region, now, newest, RandomSuffix());
    auto access = targets_.BucketAllows(trail->s3_bucket, "s3:PutObject",
                                        "arn:aws:s3:::" + trail->s3_bucket + "/" + key,
                                        DeliveryContext(*trail));
    std::string error;
    if (!access) {
      error = access.error().message;
    } else if (*access != BucketAccess::kAllowed) {
      error = ErrorName(*access);
    } else if (Status put = targets_.PutObject(
                   trail->s3_bucket, key, Gzip(RecordsDocument(records)), "application/json", {});
               !put) {
      error = put.error().message;
    }
    if (!error.empty()) {
      spdlog::warn("cloudtrail: trail {}: Insights delivery failed: {}", trail->name, error);
      registry_.UpdateState(trail_key, [&](TrailState& s) { s.latest_delivery_error = error; });
    } else {
      registry_.UpdateState(trail_key, [&](TrailState& s) { s.latest_insight_millis = now; });
    }
  }
}

std::string TrailDeliverer::RandomSuffix() {
  return random_.FromAlphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 16);
}

void TrailDeliverer::DeliverFiles(std::int64_t now) {
  for (auto it = pending_.begin(); it != pending_.end();) {
    const auto& [trail_key, region] = it->first;
    Pending& p = it->second;
    TrailRegistry::TrailPtr trail;
    for (const auto& t : *registry_.trails()) {
      if (TrailRegistry::KeyOf(*t) == trail_key) trail = t;
    }
    if (!trail) {  // deleted: AWS stops delivering a deleted trail's events
      it = pending_.erase(it);
      continue;
    }
    if (p.records.empty()) {
      it = pending_.erase(it);
      continue;
    }
    const std::string key = LogFileKey(trail->s3_prefix, trail->account_id, "CloudTrail", region,
                                       now, p.newest, RandomSuffix());
    auto access = targets_.BucketAllows(trail->s3_bucket, "s3:PutObject",
                                        "arn:aws:s3:::" + trail->s3_bucket + "/" + key,
                                        DeliveryContext(*trail));
    std::string error;
    if (!access) {
      error = access.error().message;
    } else if (*access != BucketAccess::kAllowed) {
      error = ErrorName(*access);
    }
    std::string document;
    if (error.empty()) {
      std::vector<std::string_view> views(p.records.begin(), p.records.end());
      document = RecordsDocument(views);
      Status put =
          targets_.PutObject(trail->s3_bucket, key, Gzip(document), "application/json", {});
      if (!put) error = put.error().code.empty() ? put.error().message : put.error().code;
    }
    registry_.UpdateState(trail_key, [&](TrailState& s) {
      s.latest_delivery_attempt_millis = now;
      if (error.empty()) {
        s.latest_delivery_millis = now;
        s.latest_delivery_error.clear();
      } else {
        s.latest_delivery_error = error;
      }
    });
    if (!error.empty()) {
      spdlog::warn("cloudtrail: trail {}: delivery to s3://{} failed: {}", trail->name,
                   trail->s3_bucket, error);
      ++it;  // kept for the next round
      continue;
    }
    if (trail->log_file_validation) {
      undigested_[it->first].push_back(
          DigestLogFile{trail->s3_bucket, key, Sha256Hex(document), p.oldest, p.newest});
    }
    it = pending_.erase(it);
  }
}

void TrailDeliverer::DeliverDigests(std::int64_t now, bool only_with_files) {
  const std::int64_t end = now / 1000 * 1000;  // digests name whole seconds
  for (const TrailRegistry::TrailPtr& trail : *registry_.trails()) {
    const std::string trail_key = TrailRegistry::KeyOf(*trail);
    if (!trail->log_file_validation || !trail->logging) {
      // Files delivered while validation was on still get their digest.
      bool any = false;
      for (const auto& [k, files] : undigested_) any = any || (k.first == trail_key);
      if (!any) continue;
    }
    TrailState state = registry_.State(trail_key);
    std::set<std::string> regions = {trail->home_region};
    for (const auto& [region, chain] : state.chains) {
      (void)chain;
      if (trail->multi_region) regions.insert(region);
    }
    for (const auto& [k, files] : undigested_) {
      if (k.first == trail_key) regions.insert(k.second);
    }
    for (const std::string& region : regions) {
      const RegionKey rk{trail_key, region};
      std::vector<DigestLogFile>& files = undigested_[rk];
      if (only_with_files && files.empty()) continue;
      auto chain_it = state.chains.find(region);
      const DigestChain* chain = chain_it == state.chains.end() ? nullptr : &chain_it->second;
      if (chain && chain->end_millis >= end) continue;  // one digest per second at most
      DigestInput d;
      d.account_id = trail->account_id;
      d.start_millis =
          chain ? chain->end_millis
                : trail->start_logging_millis.value_or(trail->created_millis) / 1000 * 1000;
      d.end_millis = end;
      d.bucket = trail->s3_bucket;
      d.key = DigestFileKey(trail->s3_prefix, trail->account_id, region, trail->name,
                            trail->home_region, end);
      auto public_key = keys_.PublicKey(trail->home_region, now);
      std::string error;
      if (!public_key) {
        error = public_key.error().message;
      } else {
        d.fingerprint = public_key->fingerprint;
        if (chain) {
          d.previous =
              PreviousDigest{chain->bucket, chain->key, chain->sha256_hex, chain->signature_hex};
        }
        d.log_files = files;
        const std::string document = DigestDocument(d);
        const std::string sha = Sha256Hex(document);
        auto signature = keys_.SignHex(
            trail->home_region,
            DigestStringToSign(
                end, d.bucket, d.key, sha,
                chain ? std::optional<std::string>(chain->signature_hex) : std::nullopt),
            now);
        auto access = targets_.BucketAllows(trail->s3_bucket, "s3:PutObject",
                                            "arn:aws:s3:::" + trail->s3_bucket + "/" + d.key,
                                            DeliveryContext(*trail));
        if (!signature) {
          error = signature.error().message;
        } else if (!access) {
          error = access.error().message;
        } else if (*access != BucketAccess::kAllowed) {
          error = ErrorName(*access);
        } else {
          Status put = targets_.PutObject(
              d.bucket, d.key, Gzip(document), "application/json",
              {{"signature", *signature}, {"signature-algorithm", "SHA256withRSA"}});
          if (!put) {
            error = put.error().code.empty() ? put.error().message : put.error().code;
          } else {
            DigestChain next{d.bucket, d.key, sha, *signature, end};
            state.chains[region] = next;
            registry_.UpdateState(trail_key, [&](TrailState& s) {
              s.chains[region] = next;
              s.latest_digest_millis = now;
              s.latest_digest_error.clear();
            });
            files.clear();
          }
        }
      }
      if (!error.empty()) {
        spdlog::warn("cloudtrail: trail {}: digest delivery to s3://{} failed: {}", trail->name,
                     trail->s3_bucket, error);
        registry_.UpdateState(trail_key, [&](TrailState& s) { s.latest_digest_error = error; });
      }
    }
  }
  for (auto it = undigested_.begin(); it != undigested_.end();) {
    it = it->second.empty() ? undigested_.erase(it) : std::next(it);
  }
}

}  // namespace tw::services::cloudtrail
