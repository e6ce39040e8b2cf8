// SPDX-License-Identifier: Apache-2.0
// Runs tests/golden/insights/*.test (format in that folder's README.md): each case is a query in
// CWLI, SQL or PPL over a set of events, and the exact rows GetQueryResults must show (field
// order included), or the compile error it must fail with.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "services/logs/insights/executor.h"
#include "services/logs/insights/parser.h"

namespace tw::services::logs::insights {
namespace {

namespace fs = std::filesystem;

struct GoldenEvent {
  std::int64_t timestamp = 0;
  std::string stream;
  std::string message;
};

struct GoldenCase {
  std::string file;
  int line = 0;
  std::string name;
  Language language = Language::kCwli;
  std::string query;
  std::optional<std::int64_t> limit;
  std::vector<GoldenEvent> events;  // empty: the file's events
  std::vector<ResultRow> rows;
  bool expect_rows = false;
  std::optional<std::string> error;
  std::optional<std::int64_t> matched;
};

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// "2024-05-01T12:00:00.000Z" or epoch milliseconds.
std::optional<std::int64_t> ParseTime(const std::string& text) {
  if (!text.empty() && std::all_of(text.begin(), text.end(), ::isdigit)) return std::stoll(text);
  std::tm tm{};
  int millis = 0;
  if (std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &millis) < 6) {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<std::int64_t>(timegm(&tm)) * 1000 + millis;
}

struct GoldenFile {
  std::vector<GoldenEvent> events;
  std::vector<GoldenCase> cases;
};

GoldenFile LoadFile(const fs::path& path, std::map<std::string, GoldenFile>& loaded);

void ParseInto(const fs::path& path, GoldenFile& file, std::map<std::string, GoldenFile>& loaded) {
  std::istringstream in(ReadText(path));
  std::string line;
  int number = 0;
  std::string stream = "stream-1";
  auto where = [&] { return path.filename().string() + ":" + std::to_string(number); };
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) {
      ADD_FAILURE() << where() << ": expected `key: value`";
      continue;
    }
    const std::string key = line.substr(0, colon);
    std::string value = line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.erase(0, 1);
    GoldenCase* c = file.cases.empty() ? nullptr : &file.cases.back();
    if (key == "case") {
      GoldenCase next;
      next.file = path.filename().string();
      next.line = number;
      next.name = value;
      file.cases.push_back(std::move(next));
      stream = "stream-1";
    } else if (key == "events-from") {
      GoldenFile other = LoadFile(path.parent_path() / value, loaded);
      file.events = other.events;
    } else if (key == "stream") {
      stream = value;
    } else if (key == "event") {
      const auto space = value.find(' ');
      auto time = ParseTime(value.substr(0, space));
      if (!time || space == std::string::npos) {
        ADD_FAILURE() << where() << ": event needs `<time> <message>`";
        continue;
      }
      GoldenEvent event{*time, stream, value.substr(space + 1)};
      if (!event.message.empty() && event.message[0] == '"') {
        event.message = boost::json::parse(event.message).as_string().c_str();
      }
      (c ? c->events : file.events).push_back(std::move(event));
    } else if (c == nullptr) {
      if (key != "source") ADD_FAILURE() << where() << ": `" << key << "` before `case:`";
    } else if (key == "source") {
      // Documentation only.
    } else if (key == "language") {
      auto language = LanguageFromName(value);
      if (!language) ADD_FAILURE() << where() << ": unknown language " << value;
      c->language = language.value_or(Language::kCwli);
    } else if (key == "query") {
      if (!c->query.empty()) c->query += '\n';
      c->query += value;
    } else if (key == "limit") {
      c->limit = std::stoll(value);
    } else if (key == "matched") {
      c->matched = std::stoll(value);
    } else if (key == "row") {
      c->expect_rows = true;
      ResultRow row;
      boost::system::error_code ec;
      auto parsed = boost::json::parse(value, ec);
      if (ec || !parsed.is_object()) {
        ADD_FAILURE() << where() << ": row must be a JSON object";
        continue;
      }
      for (const auto& member : parsed.as_object()) {
        row.push_back(ResultField{std::string(member.key()),
                                  std::string(member.value().as_string().c_str())});
      }
      c->rows.push_back(std::move(row));
    } else if (key == "rows") {
      c->expect_rows = true;
      if (value != "0") ADD_FAILURE() << where() << ": `rows:` only takes 0";
    } else if (key == "error") {
      c->error = value;
    } else {
      ADD_FAILURE() << where() << ": unknown key `" << key << "`";
    }
  }
}

GoldenFile LoadFile(const fs::path& path, std::map<std::string, GoldenFile>& loaded) {
  auto it = loaded.find(path.string());
  if (it != loaded.end()) return it->second;
  GoldenFile file;
  ParseInto(path, file, loaded);
  loaded[path.string()] = file;
  return file;
}

std::string Show(const std::vector<ResultRow>& rows) {
  std::string out;
  for (const ResultRow& row : rows) {
    boost::json::object object;
    for (const ResultField& f : row) object[f.field] = f.value;
    out += "  row: " + boost::json::serialize(object) + "\n";
  }
  return out.empty() ? "  rows: 0\n" : out;
}

std::vector<GoldenCase> AllCases() {
  std::vector<GoldenCase> cases;
  std::map<std::string, GoldenFile> loaded;
  const fs::path dir = fs::path(TW_SOURCE_DIR) / "tests/golden/insights";
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".test") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& path : files) {
    GoldenFile file = LoadFile(path, loaded);
    for (GoldenCase& c : file.cases) {
      if (c.events.empty()) c.events = file.events;
      cases.push_back(std::move(c));
    }
  }
  return cases;
}

TEST(InsightsGolden, AtLeastEightyCases) { EXPECT_GE(AllCases().size(), 80U); }

TEST(InsightsGolden, Cases) {
  for (const GoldenCase& c : AllCases()) {
    SCOPED_TRACE(c.file + ":" + std::to_string(c.line) + " " + c.name + "\n  query: " + c.query);
    ParseResult parsed = Parse(c.language, c.query);
    if (c.error) {
      ASSERT_FALSE(parsed.ok()) << "expected error containing: " << *c.error;
      EXPECT_NE(parsed.error->message.find(*c.error), std::string::npos)
          << "error was: " << parsed.error->message;
      EXPECT_LE(parsed.error->begin, parsed.error->end);
      EXPECT_LE(parsed.error->end, c.query.size());
      continue;
    }
    ASSERT_TRUE(parsed.ok()) << parsed.error->message;
    EXPECT_TRUE(c.expect_rows) << "a case must state its rows";
    ExecOptions options;
    if (c.limit) options.default_limit = *c.limit;
    Executor executor(parsed.query, options);
    const std::string log = "123456789012:golden-group";
    for (const GoldenEvent& e : c.events) {
      executor.Add(EventData{e.timestamp, e.timestamp + 500, e.message, e.stream, log, {}});
    }
    const std::vector<ResultRow> rows = executor.Finish();
    EXPECT_EQ(rows, c.rows) << "expected:\n" << Show(c.rows) << "got:\n" << Show(rows);
    if (c.matched) {
      EXPECT_EQ(executor.records_matched(), *c.matched);
    }
  }
}

}  // namespace
}  // namespace tw::services::logs::insights
