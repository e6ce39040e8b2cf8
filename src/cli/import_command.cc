// SPDX-License-Identifier: Apache-2.0
#include "cli/import_command.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <set>

#include "cli/cloudtrail_files.h"
#include "cli/progress.h"
#include "cli/trailwatch_api.h"
#include "common/time_format.h"

namespace tw::cli {
namespace json = boost::json;

namespace {

std::int64_t Count(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  if (!v) return 0;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->as_uint64());
  if (v->is_double()) return static_cast<std::int64_t>(v->as_double());
  return 0;
}

}  // namespace

int RunImport(AwsClient& client, const ImportOptions& options, std::ostream& out,
              std::ostream& err) {
  const auto started = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  FoundFiles found = FindCloudTrailFiles(options.paths);
  for (const std::string& e : found.errors) err << "import: " << e << "\n";
  if (found.files.empty()) {
    err << "import: no CloudTrail log files (*.json.gz, *.json) found\n";
    return 1;
  }

  Progress progress(err, options.progress_terminal, options.progress_interval_seconds,
                    std::max<std::size_t>(options.terminal_width, 20) - 1);
  ProgressCounts counts;
  counts.files_total = found.files.size();
  for (const FoundFile& f : found.files) counts.bytes_total += f.size;

  std::vector<std::pair<std::string, std::string>> skipped;  // path, why
  std::size_t imported_files = 0;
  std::int64_t events_new = 0, events_present = 0, log_events = 0, expired = 0, datapoints = 0;
  std::set<std::string> streams;
  std::optional<std::int64_t> first, last;  // of the files that sent events
  std::optional<std::string> fatal;

  for (const FoundFile& file : found.files) {
    const std::string name = file.path.string();
    auto skip = [&](const std::string& why) {
      skipped.emplace_back(name, why);
      progress.Message("import: skipped " + name + ": " + why);
    };
    auto text = ReadLogFile(file.path);
    std::optional<CloudTrailFile> parsed;
    if (!text) {
      skip(text.error().message);
    } else if (auto checked = ParseCloudTrailFile(*text); !checked) {
      skip(checked.error().message);
    } else if (checked->records.empty()) {
      skip("the Records array is empty");
    } else {
      parsed = std::move(*checked);
    }
    if (parsed) {
      json::object body;
      body["logGroupName"] = options.log_group;
      body["source"] = name.size() > 1024 ? name.substr(name.size() - 1024) : name;
      json::array records;
      records.reserve(parsed->records.size());
      for (std::string& r : parsed->records) records.emplace_back(std::move(r));
      body["records"] = std::move(records);
      auto answer = CallTrailwatch(client, "ImportCloudTrail", body);
      if (!answer) {
        const AwsError& e = answer.error();
        if (e.code == "InvalidParameterException") {
          skip("rejected by the server: " + e.message);
        } else if (e.http_status == 413) {
          skip("too large for one request (" + FormatBytes(text->size()) +
               " of JSON; the server's body limit applies)");
        } else {
          fatal = e.code + ": " + e.message;
          progress.Message("import: " + name + ": " + *fatal);
          break;
        }
      } else {
        ++imported_files;
        const std::int64_t fresh = Count(*answer, "eventsImported");
        events_new += fresh;
        events_present += Count(*answer, "eventsAlreadyPresent");
        log_events += Count(*answer, "logEventsStored");
        expired += Count(*answer, "logEventsExpired");
        datapoints += Count(*answer, "metricDatapoints");
        counts.events += fresh + Count(*answer, "eventsAlreadyPresent");
        if (auto* s = answer->if_contains("logStreams"); s && s->is_array()) {
          for (const auto& v : s->as_array()) {
            if (v.is_string()) streams.emplace(v.as_string());
          }
        }
        if (fresh > 0) {
          first = std::min(first.value_or(parsed->first_event_millis), parsed->first_event_millis);
          last = std::max(last.value_or(parsed->last_event_millis), parsed->last_event_millis);
        }
      }
    }
    ++counts.files_done;
    counts.bytes_done += file.size;
    progress.Update(counts, elapsed());
  }
  progress.Update(counts, elapsed(), /*force=*/!options.progress_terminal);
  progress.Finish();

  std::optional<ReplaySummary> replay;
  std::string replay_error;
  if (!fatal && options.replay_alarms && first && last) {
    auto replayed = ReplayAlarms(client, *first, *last, {});
    if (replayed) {
      replay = std::move(*replayed);
    } else {
      replay_error = replayed.error().code + ": " + replayed.error().message;
    }
  }

  const double seconds = elapsed();
  out << "Imported " << imported_files << " of " << found.files.size() << " files into log group "
      << options.log_group;
  if (!skipped.empty()) out << " (" << skipped.size() << " skipped)";
  out << "\n";
  out << "  events:            " << events_new << " new";
  if (events_present > 0) out << ", " << events_present << " already in event history";
  out << "\n";
  out << "  log events stored: " << log_events;
  if (expired > 0) out << " (" << expired << " older than the log group's retention, not stored)";
  out << " in " << streams.size() << " stream" << (streams.size() == 1 ? "" : "s") << "\n";
  out << "  metric datapoints: " << datapoints << " (from metric filters that existed)\n";
  if (first && last) {
    out << "  event time span:   " << FormatIso8601(*first, false) << " .. "
        << FormatIso8601(*last, false) << "\n";
  }
  if (replay && replay->replayed.empty()) {
    out << "  alarms replayed:   none (no alarm's metric has data in the imported span)\n";
  } else if (replay) {
    out << "  alarms replayed:   " << replay->replayed.size() << ", " << replay->transitions.size()
        << " state change" << (replay->transitions.size() == 1 ? "" : "s")
        << " recorded in alarm history (no notifications sent; aws cloudwatch "
           "describe-alarm-history shows them)\n";
    for (const std::string& line : DescribeTransitions(*replay)) out << "    " << line << "\n";
    for (const std::string& line : replay->skipped) out << "    not replayed: " << line << "\n";
  }
  char rate[64];
  std::snprintf(rate, sizeof(rate), "%.1fs (%.0f events/s)", seconds,
                seconds > 0 ? static_cast<double>(events_new + events_present) / seconds : 0.0);
  out << "  elapsed:           " << rate << "\n";
  if (!skipped.empty()) {
    out << "Skipped files:\n";
    for (const auto& [path, why] : skipped) out << "  " << path << ": " << why << "\n";
  }
  if (!replay_error.empty()) err << "import: replaying alarms failed: " << replay_error << "\n";
  if (fatal) {
    err << "import: stopped: " << *fatal << "\n";
    return 1;
  }
  return skipped.empty() && replay_error.empty() ? 0 : 2;
}

}  // namespace tw::cli
