// SPDX-License-Identifier: Apache-2.0
// Logs Insights scan rate: `filter eventSource = "s3.amazonaws.com" | stats count(*) by bin(5m)`
// over one million CloudTrail events, beside the simdjson parse rate of the same events in the
// same run (the baseline: parsing each event once with a reused simdjson DOM parser and nothing
// else). Target: the query scans at least 30% of the parse rate. Rates are per CPU second.
//
// The events are synthesized from the real records of shared/data/cloudtrail (4,162 records,
// minified): event i carries record i mod N and a timestamp 300 ms after the previous one, so the
// million events span about 3.5 days (~1,000 five-minute bins). Messages are shared between events
// (the corpus would otherwise take over 1 GB), identically for the baseline and the query.
#include <benchmark/benchmark.h>
#include <simdjson.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "services/logs/insights/executor.h"
#include "services/logs/insights/parser.h"

namespace {

namespace in = tw::services::logs::insights;

constexpr std::size_t kEvents = 1'000'000;
constexpr std::int64_t kStart = 1'714'564'800'000;  // 2024-05-01T12:00:00Z
constexpr std::int64_t kStep = 300;

std::string Gunzip(const std::filesystem::path& path) {
  std::string out;
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) return out;
  char buffer[1 << 16];
  int n = 0;
  while ((n = gzread(f, buffer, sizeof buffer)) > 0)
    out.append(buffer, static_cast<std::size_t>(n));
  gzclose(f);
  return out;
}

// The corpus records, each minified and stored with simdjson's padding after it.
const std::vector<std::string>& Records() {
  static const std::vector<std::string> records = [] {
    std::vector<std::string> out;
    simdjson::dom::parser parser;
    std::vector<std::filesystem::path> files;
    const std::filesystem::path root = std::filesystem::path(TW_SHARED_DIR) / "data/cloudtrail";
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
      if (entry.path().string().ends_with(".json.gz")) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      simdjson::dom::element doc;
      simdjson::padded_string text(Gunzip(file));
      if (parser.parse(text).get(doc) != simdjson::SUCCESS) continue;
      simdjson::dom::array list;
      if (doc["Records"].get(list) != simdjson::SUCCESS) continue;
      for (simdjson::dom::element record : list) {
        std::string minified = simdjson::minify(record);
        minified.reserve(minified.size() + simdjson::SIMDJSON_PADDING);
        out.push_back(std::move(minified));
      }
    }
    if (out.empty()) std::fprintf(stderr, "no CloudTrail records under %s\n", root.c_str());
    return out;
  }();
  return records;
}

double g_parse_rate = 0;
double g_query_rate = 0;

void BM_SimdjsonParse(benchmark::State& state) {
  const auto& records = Records();
  if (records.empty()) {
    state.SkipWithError("no records");
    return;
  }
  simdjson::dom::parser parser;
  std::size_t objects = 0;
  for (auto _ : state) {
    for (std::size_t i = 0; i < kEvents; ++i) {
      const std::string& m = records[i % records.size()];
      simdjson::dom::element doc;
      if (parser.parse(simdjson::padded_string_view(m.data(), m.size(), m.capacity())).get(doc) ==
          simdjson::SUCCESS) {
        objects += doc.is_object();
      }
    }
  }
  benchmark::DoNotOptimize(objects);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kEvents));
}
BENCHMARK(BM_SimdjsonParse)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_InsightsFilterStatsBin(benchmark::State& state) {
  const auto& records = Records();
  if (records.empty()) {
    state.SkipWithError("no records");
    return;
  }
  auto parsed =
      in::ParseCwli("filter eventSource = \"s3.amazonaws.com\" | stats count(*) by bin(5m)");
  if (!parsed.ok()) {
    state.SkipWithError(parsed.error->message.c_str());
    return;
  }
  std::size_t rows = 0;
  std::int64_t matched = 0;
  for (auto _ : state) {
    in::Executor executor(parsed.query);
    for (std::size_t i = 0; i < kEvents; ++i) {
      const std::int64_t t = kStart + static_cast<std::int64_t>(i) * kStep;
      executor.Add(in::EventData{t, t, records[i % records.size()], "stream", "1:group", {}});
    }
    rows += executor.Finish().size();
    matched = executor.records_matched();
  }
  benchmark::DoNotOptimize(rows);
  state.counters["matched"] = static_cast<double>(matched);
  state.counters["bins"] = static_cast<double>(rows) / static_cast<double>(state.iterations());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kEvents));
}
BENCHMARK(BM_InsightsFilterStatsBin)->Unit(benchmark::kMillisecond)->MinTime(2.0);

class RateReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.run_type != Run::RT_Iteration || run.iterations == 0) continue;
      // CPU time per iteration (unit ms): wall time is noisy on shared cores.
      const double seconds = run.GetAdjustedCPUTime() / 1e3;
      const double rate = static_cast<double>(kEvents) / seconds;
      if (run.benchmark_name().starts_with("BM_SimdjsonParse")) g_parse_rate = rate;
      if (run.benchmark_name().starts_with("BM_InsightsFilterStatsBin")) g_query_rate = rate;
    }
    ConsoleReporter::ReportRuns(runs);
  }
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RateReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  if (g_parse_rate > 0 && g_query_rate > 0) {
    std::printf("\nsimdjson parse:            %.0f events/s\n", g_parse_rate);
    std::printf("insights filter|stats bin: %.0f events/s\n", g_query_rate);
    std::printf("query / parse rate:        %.1f%% (target >= 30%%)\n",
                100.0 * g_query_rate / g_parse_rate);
  }
  benchmark::Shutdown();
  return 0;
}
