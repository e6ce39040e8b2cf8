// SPDX-License-Identifier: Apache-2.0
// Progress of `trailwatch import` on stderr. On a terminal: one line redrawn in place (at most
// ten times a second) with a bar, files done/total, events, bytes done/total, rate and ETA; the
// line is cleared before any other message and at the end. Not on a terminal (CI logs, pipes):
// a plain line every `plain_interval` and none of the escape codes. Time comes from the caller,
// so the rendering is testable; not thread-safe (one import loop drives it).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

namespace tw::cli {

struct ProgressCounts {
  std::size_t files_done = 0;
  std::size_t files_total = 0;
  std::uintmax_t bytes_done = 0;  // of the files on disk (compressed)
  std::uintmax_t bytes_total = 0;
  std::int64_t events = 0;  // records sent so far
};

// "1.5 MiB", "812 B".
std::string FormatBytes(std::uintmax_t bytes);
// "4s", "2m05s", "1h02m".
std::string FormatDuration(double seconds);

// The status line for `counts` after `elapsed_seconds`, `width` columns at most (the bar shrinks).
std::string ProgressLine(const ProgressCounts& counts, double elapsed_seconds, bool bar,
                         std::size_t width);

class Progress {
 public:
  Progress(std::ostream& out, bool terminal, double plain_interval_seconds = 5.0,
           std::size_t width = 100)
      : out_(out), terminal_(terminal), plain_interval_(plain_interval_seconds), width_(width) {}

  // Redraws or prints when due; `force` prints regardless (the last update).
  void Update(const ProgressCounts& counts, double elapsed_seconds, bool force = false);
  // A message line (a skipped file) that must not be overwritten by the bar.
  void Message(const std::string& line);
  // Clears the bar line (terminal) before the summary.
  void Finish();

 private:
  void Clear();

  std::ostream& out_;
  bool terminal_;
  double plain_interval_;
  std::size_t width_;
  double last_draw_ = -1e9;
  bool drawn_ = false;
};

}  // namespace tw::cli
