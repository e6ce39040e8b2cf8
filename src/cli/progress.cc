// SPDX-License-Identifier: Apache-2.0
#include "cli/progress.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tw::cli {

std::string FormatBytes(std::uintmax_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  if (unit == 0) {
    std::snprintf(text, sizeof(text), "%ju B", bytes);
  } else {
    std::snprintf(text, sizeof(text), "%.1f %s", value, kUnits[unit]);
  }
  return text;
}

std::string FormatDuration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const auto s = static_cast<long long>(seconds + 0.5);
  char text[32];
  if (s < 60) {
    std::snprintf(text, sizeof(text), "%llds", s);
  } else if (s < 3600) {
    std::snprintf(text, sizeof(text), "%lldm%02llds", s / 60, s % 60);
  } else {
    std::snprintf(text, sizeof(text), "%lldh%02lldm", s / 3600, (s % 3600) / 60);
  }
  return text;
}

std::string ProgressLine(const ProgressCounts& c, double elapsed, bool bar, std::size_t width) {
  const double fraction =
      c.bytes_total > 0   ? static_cast<double>(c.bytes_done) / static_cast<double>(c.bytes_total)
      : c.files_total > 0 ? static_cast<double>(c.files_done) / static_cast<double>(c.files_total)
                          : 1.0;
  const double rate = elapsed > 0 ? static_cast<double>(c.events) / elapsed : 0;
  const double byte_rate = elapsed > 0 ? static_cast<double>(c.bytes_done) / elapsed : 0;
  std::string eta = "?";
  if (fraction >= 1.0) {
    eta = "0s";
  } else if (byte_rate > 0 && c.bytes_total > 0) {
    eta = FormatDuration(static_cast<double>(c.bytes_total - c.bytes_done) / byte_rate);
  }
  char stats[256];
  std::snprintf(stats, sizeof(stats),
                "%3d%% files %zu/%zu  events %lld  %s/%s  %.0f events/s  ETA %s",
                static_cast<int>(fraction * 100), c.files_done, c.files_total,
                static_cast<long long>(c.events), FormatBytes(c.bytes_done).c_str(),
                FormatBytes(c.bytes_total).c_str(), rate, eta.c_str());
  std::string line = stats;
  // A fixed-width bar, so the line does not jitter as the numbers grow; dropped when the
  // terminal is too narrow for it.
  constexpr std::size_t kCells = 24;
  if (bar && width >= line.size() + kCells + 3) {
    const auto filled =
        static_cast<std::size_t>(std::min(1.0, fraction) * static_cast<double>(kCells));
    line = "[" + std::string(filled, '#') + std::string(kCells - filled, '.') + "] " + line;
  }
  if (line.size() > width) line.resize(width);
  return line;
}

void Progress::Clear() {
  if (terminal_ && drawn_) {
    out_ << "\r\033[2K";
    drawn_ = false;
  }
}

void Progress::Update(const ProgressCounts& counts, double elapsed, bool force) {
  const double interval = terminal_ ? 0.1 : plain_interval_;
  if (!force && elapsed - last_draw_ < interval) return;
  last_draw_ = elapsed;
  if (terminal_) {
    out_ << "\r\033[2K" << ProgressLine(counts, elapsed, true, width_) << std::flush;
    drawn_ = true;
  } else {
    out_ << "import: " << ProgressLine(counts, elapsed, false, 200) << "\n" << std::flush;
  }
}

void Progress::Message(const std::string& line) {
  Clear();
  out_ << line << "\n" << std::flush;
}

void Progress::Finish() {
  Clear();
  out_ << std::flush;
}

}  // namespace tw::cli
