// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the filter-pattern suites: compile-or-fail, match shortcuts, and reading the
// shared data folder (TW_SHARED_DIR) — cases.jsonl and the gzip CloudTrail corpus — at test time.
// Not thread-safe (tests only).
#pragma once

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "services/logs/filter_pattern/filter_pattern.h"

namespace tw::services::logs::filter_pattern::testing {

inline CompiledPattern MustCompile(std::string_view pattern) {
  auto compiled = Compile(pattern);
  if (!compiled) {
    ADD_FAILURE() << "pattern `" << pattern << "` failed: " << compiled.error().Describe();
    return *Compile("\"\"");
  }
  return *compiled;
}

inline bool M(std::string_view pattern, std::string_view message) {
  return Match(MustCompile(pattern), message).matched;
}

inline std::string CompileError(std::string_view pattern) {
  auto compiled = Compile(pattern);
  if (compiled) return "";
  return compiled.error().Describe();
}

inline std::filesystem::path SharedDir() { return std::filesystem::path(TW_SHARED_DIR); }

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

inline std::string ReadGzip(const std::filesystem::path& path) {
  std::string out;
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) return out;
  char buffer[1 << 15];
  int n = 0;
  while ((n = gzread(file, buffer, sizeof(buffer))) > 0) out.append(buffer, n);
  gzclose(file);
  return out;
}

}  // namespace tw::services::logs::filter_pattern::testing
